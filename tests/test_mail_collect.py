"""Collecting returned forms from a folder and from a real Dovecot IMAP mailbox."""

import copy
import imaplib
import os
import shutil
from email.message import EmailMessage
from pathlib import Path

import pytest
from openpyxl import load_workbook

from perfxl.adapters.mail.api import collect
from perfxl.adapters.mail.credentials import Credentials
from perfxl.adapters.mail.imap import ImapSettings
from perfxl.adapters.roster_xlsx import write_roster_template
from perfxl.adapters.xlsx_reader import read_form
from perfxl.cli import main
from perfxl.core.rules import check_form
from perfxl.core.textimport import import_text
from tests._mailserver import dovecot_server
from tests._workbooks import guangdong_rows, write_rows
from tests.conftest import GUANGDONG_SEED

DEPTS = [("惠州市司法局", "101001", "sf@example.cn"), ("惠州市财政局", "101002", "cz@example.cn"),
         ("惠州市审计局", "101003", "sj@example.cn")]


@pytest.fixture(scope="module")
def seed():
    return import_text(GUANGDONG_SEED.read_text("utf-8")).form


def make_roster(path: Path) -> Path:
    write_roster_template(path)
    wb = load_workbook(path)
    for name, code, mail in DEPTS:
        wb["部门名单"].append([name, code, "广东", "联系人", mail, None])
    wb.save(path)
    return path


def form_file(path: Path, seed, department: str, goal_suffix: str = "") -> Path:
    form = copy.deepcopy(seed)
    form.department = department
    form.overall_goal += goal_suffix
    rows, merges = guangdong_rows(form)
    return write_rows(path, rows, merges)


def eml(path: Path, sender: str, attachment: Path | None, name: str | None = None) -> Path:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = sender, "jxk@czj.example.cn", "回复：绩效目标表"
    m["Date"] = "Mon, 03 Mar 2025 10:15:00 +0800"
    m.set_content("已填好，请查收。")
    if attachment is not None:
        m.add_attachment(attachment.read_bytes(), maintype="application",
                         subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         filename=name or attachment.name)
    path.write_bytes(m.as_bytes())
    return path


def expected_status(file: Path) -> str:
    return "需修改" if any(f.severity == "error" for f in check_form(read_form(file))) else "校验通过"


def test_collect_from_folder_matches_by_name_then_sender(tmp_path, seed):
    roster = make_roster(tmp_path / "名单.xlsx")
    inbox = tmp_path / "收到"
    inbox.mkdir()
    a = form_file(inbox / "司法局.xlsx", seed, "惠州市司法局")
    # the finance bureau wrote its name wrong in the form; its address identifies it
    b = form_file(tmp_path / "b.xlsx", seed, "惠州市财政局（盖章）")
    eml(inbox / "cz.eml", "财政局 <CZ@example.cn>", b, "财政局 回复/表.xlsx")
    (inbox / "陌生.xlsx").write_bytes(b"garbage")
    (tmp_path / "evil.bin").write_bytes(b"other garbage")
    eml(inbox / "evil.eml", "x@evil.cn", tmp_path / "evil.bin", "=HYPERLINK(\"http://e\",\"x\").xlsx")
    eml(inbox / "noattach.eml", "sj@example.cn", None)
    work = tmp_path / "工作"
    res = collect(work, from_dir=inbox, roster_path=roster)
    got = {r.department: r for r in res.collected.stored}
    assert set(got) == {"惠州市司法局", "惠州市财政局"}
    assert got["惠州市司法局"].matched_by == "name"
    fin = got["惠州市财政局"]
    assert fin.matched_by == "sender" and "不在名单中" in fin.note and fin.sender == "CZ@example.cn"
    assert fin.received_at == "2025-03-03T02:15:00+00:00"
    stored = work / fin.file
    assert stored.parent == work / "回收" / "惠州市财政局" and "/" not in stored.name.split("_", 2)[2]
    assert stored.read_bytes() == b.read_bytes()
    evil, un = res.collected.unmatched
    assert un.original_name == "陌生.xlsx" and "无法读取" in un.note
    assert any("没有 .xlsx 附件" in s for s in res.collected.skipped)
    status = {s.department.name: s for s in res.statuses}
    assert status["惠州市司法局"].status == expected_status(a)
    assert status["惠州市审计局"].status == "未发送"  # nothing was sent through perfxl
    wb = load_workbook(res.status_file)
    ws = wb["回收状态"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=5, values_only=True)}
    assert rows["惠州市财政局"][6] == status["惠州市财政局"].status and rows["惠州市财政局"][9] == 1
    assert rows["惠州市审计局"][6] == "未发送"
    assert wb["未匹配"]["C3"].value == "陌生.xlsx"
    # a hostile attachment name stays text: no formula, no link
    assert wb["未匹配"]["C2"].value == '=HYPERLINK("http://e","x").xlsx'
    assert wb["未匹配"]["C2"].data_type == "s" and wb["未匹配"]["C2"].hyperlink is None
    assert evil.file.startswith("回收/未匹配/") and "/" not in evil.file[len("回收/未匹配/"):]
    errors = status["惠州市司法局"].errors
    assert rows["惠州市司法局"][10] == errors
    assert wb["问题明细"].max_row - 1 == sum(len(s.findings) for s in res.statuses)

    # the same files again: nothing new; a corrected version: kept beside the first
    again = collect(work, from_dir=inbox, roster_path=roster)
    assert again.collected.stored == [] and again.collected.duplicates == 4
    newer = tmp_path / "新"
    newer.mkdir()
    form_file(newer / "司法局.xlsx", seed, "惠州市司法局", "（修改稿）")
    third = collect(work, from_dir=newer, roster_path=roster)
    st = {s.department.name: s for s in third.statuses}["惠州市司法局"]
    assert st.versions == 2 and len(list((work / "回收" / "惠州市司法局").iterdir())) == 2
    assert read_form(work / st.latest.file).overall_goal.endswith("（修改稿）")


def test_unreadable_return_from_known_sender_needs_fixing(tmp_path, seed):
    roster = make_roster(tmp_path / "名单.xlsx")
    inbox = tmp_path / "in"
    inbox.mkdir()
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"PK\x03\x04 broken")
    eml(inbox / "x.eml", "sj@example.cn", bad)
    res = collect(tmp_path / "w", from_dir=inbox, roster_path=roster)
    st = {s.department.name: s for s in res.statuses}["惠州市审计局"]
    assert st.status == "需修改" and st.errors == 1 and st.latest.matched_by == "sender"


def test_cli_collect_exit_codes(tmp_path, seed, capsys):
    roster = make_roster(tmp_path / "名单.xlsx")
    assert main(["collect", str(tmp_path / "w"), "--roster", str(roster)]) == 2
    assert "--from" in capsys.readouterr().err
    assert main(["collect", str(tmp_path / "w2"), "--from", str(tmp_path / "none")]) == 2
    assert "不是分发文件夹" in capsys.readouterr().err
    inbox = tmp_path / "in"
    inbox.mkdir()
    form_file(inbox / "a.xlsx", seed, "惠州市司法局")
    rc = main(["collect", str(tmp_path / "w"), "--roster", str(roster), "--from", str(inbox)])
    out = capsys.readouterr().out
    assert "新收到 1 个表格" in out and "状态表" in out
    assert rc == (1 if expected_status(inbox / "a.xlsx") == "需修改" else 0)


@pytest.mark.skipif(not (shutil.which("dovecot") or os.path.exists("/usr/sbin/dovecot")),
                    reason="dovecot-imapd not installed (scripts/bootstrap.sh installs it)")
def test_collect_from_imap_keeps_versions_and_reads_each_message_once(tmp_path, seed, monkeypatch):
    roster = make_roster(tmp_path / "名单.xlsx")
    a1 = form_file(tmp_path / "a1.xlsx", seed, "惠州市司法局")
    a2 = form_file(tmp_path / "a2.xlsx", seed, "惠州市司法局", "（第二稿）")
    c = form_file(tmp_path / "c.xlsx", seed, "惠州市财政局")
    with dovecot_server() as srv:
        conn = imaplib.IMAP4(srv["host"], srv["port"])
        conn.login(srv["user"], srv["password"])
        for sender, f in (("sf@example.cn", a1), ("cz@example.cn", c)):
            conn.append("INBOX", None, None, eml(tmp_path / "m.eml", sender, f, "绩效目标表.xlsx").read_bytes())
        monkeypatch.setenv("PERFXL_IMAP_USER", srv["user"])
        monkeypatch.setenv("PERFXL_IMAP_PASSWORD", srv["password"])
        work = tmp_path / "w"
        args = ["collect", str(work), "--roster", str(roster), "--imap", srv["host"],
                "--imap-port", str(srv["port"]), "--imap-security", "none", "--folder", "INBOX"]
        assert main(args) in (0, 1)
        records = (work / "回收" / "回收记录.jsonl").read_text("utf-8").splitlines()
        assert len(records) == 2 and "imap://127.0.0.1/INBOX;uid=1" in records[0]
        assert main(args) in (0, 1)  # nothing new on the server
        assert len((work / "回收" / "回收记录.jsonl").read_text("utf-8").splitlines()) == 2
        conn.append("INBOX", None, None, eml(tmp_path / "m.eml", "sf@example.cn", a2, "绩效目标表.xlsx").read_bytes())
        conn.logout()
        res = collect(work, roster_path=roster,
                      imap=ImapSettings(srv["host"], srv["port"], "none", "INBOX",
                                        Credentials(srv["user"], srv["password"])))
    assert [r.department for r in res.collected.stored] == ["惠州市司法局"]
    st = {s.department.name: s for s in res.statuses}
    assert st["惠州市司法局"].versions == 2 and st["惠州市财政局"].versions == 1
    files = sorted(p.name for p in (work / "回收" / "惠州市司法局").iterdir())
    assert len(files) == 2 and all(n.endswith("_绩效目标表.xlsx") for n in files)


def test_gb2312_attachment_names_and_forwarded_replies(tmp_path, seed):
    import base64

    roster = make_roster(tmp_path / "名单.xlsx")
    data = base64.b64encode(form_file(tmp_path / "a.xlsx", seed, "惠州市司法局").read_bytes()).decode()
    inner = base64.b64encode(form_file(tmp_path / "b.xlsx", seed, "惠州市审计局").read_bytes()).decode()
    name = "=?gb2312?B?" + base64.b64encode("司法局绩效目标表.xlsx".encode("gb2312")).decode() + "?="
    raw = (
        'From: =?gb2312?B?' + base64.b64encode("张三".encode("gb2312")).decode() + '?= <sf@example.cn>\r\n'
        'Subject: =?gb2312?B?' + base64.b64encode("回复".encode("gb2312")).decode() + '?=\r\n'
        'Date: Tue, 04 Mar 2025 09:00:00 +0800\r\nMIME-Version: 1.0\r\n'
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        '--b\r\nContent-Type: text/plain; charset="gb2312"\r\n\r\nhi\r\n'
        f'--b\r\nContent-Type: application/octet-stream; name="{name}"\r\n'
        f'Content-Disposition: attachment; filename="{name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n{data}\r\n'
        '--b\r\nContent-Type: message/rfc822\r\n\r\n'
        'From: sj@example.cn\r\nSubject: fwd\r\nMIME-Version: 1.0\r\n'
        'Content-Type: multipart/mixed; boundary="c"\r\n\r\n'
        '--c\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; '
        'name="audit.xlsx"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        f'{inner}\r\n--c--\r\n--b--\r\n').encode()
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "reply.eml").write_bytes(raw)
    res = collect(tmp_path / "w", from_dir=inbox, roster_path=roster)
    got = {r.department: r.original_name for r in res.collected.stored}
    assert got == {"惠州市司法局": "司法局绩效目标表.xlsx", "惠州市审计局": "audit.xlsx"}


def test_a_roster_given_to_collect_is_remembered_for_later_runs(tmp_path, seed, capsys):
    """分发与回收.md: fix 未匹配 returns with --roster; the next plain collect keeps the match."""
    import json

    full = make_roster(tmp_path / "新名单.xlsx")
    old = tmp_path / "旧名单.xlsx"
    write_roster_template(old)
    wb = load_workbook(old)
    for name, code, mail in DEPTS[:2]:
        wb["部门名单"].append([name, code, "广东", "联系人", mail, None])
    wb.save(old)
    work = tmp_path / "2025分发"
    assert main(["distribute", str(old), "--year", "2025", "-o", str(work)]) == 0
    inbox = tmp_path / "收到的表格"
    inbox.mkdir()
    form_file(inbox / "司法局.xlsx", seed, "惠州市司法局")
    # 审计局 is not on the old roster and misspelt its name: only its address can place it
    eml(inbox / "sj.eml", "审计局 <sj@example.cn>", form_file(tmp_path / "sj.xlsx", seed, "惠州市审计局（盖章）"),
        "审计.xlsx")
    capsys.readouterr()

    def run(*extra):
        rc = main(["collect", str(work), *extra])
        assert rc in (0, 1)
        sheets = load_workbook(work / "回收状态.xlsx")
        listed = {r[1]: r for r in sheets["回收状态"].iter_rows(min_row=5, values_only=True)}
        unmatched = [r[2] for r in sheets["未匹配"].iter_rows(min_row=2, values_only=True)]
        return capsys.readouterr().out, listed, unmatched

    out, listed, unmatched = run("--from", str(inbox))
    assert "1 个无法对应到部门" in out and unmatched == ["审计.xlsx"] and "惠州市审计局" not in listed

    out, listed, unmatched = run("--roster", str(full), "--from", str(work / "回收" / "未匹配"))
    assert "已按新的部门名单更新分发清单（3 个部门；新增：惠州市审计局）" in out
    assert listed["惠州市审计局"][9] == 1 and unmatched == []
    [rec] = [json.loads(line) for line in (work / "回收" / "回收记录.jsonl").read_text("utf-8").splitlines()
             if json.loads(line)["department"] == "惠州市审计局"]
    # matched by the sender of the original mail, stored under the name it came with
    assert rec["matched_by"] == "sender" and rec["original_name"] == "审计.xlsx"
    assert rec["sender"] == "sj@example.cn" and rec["received_at"] == "2025-03-03T02:15:00+00:00"
    assert rec["file"].count("_审计.xlsx") == 1 and rec["file"].startswith("回收/惠州市审计局/20250303-")

    out, listed, unmatched = run("--from", str(inbox))
    assert "分发清单" not in out and "新收到 0 个表格" in out
    assert listed["惠州市审计局"][9] == 1 and listed["惠州市审计局"][6] != "未发送" and unmatched == []
    manifest = json.loads((work / "分发清单.json").read_text("utf-8"))
    assert [d["name"] for d in manifest["departments"]] == [n for n, *_ in DEPTS]
    assert manifest["year"] == 2025 and manifest["roster_file"] == str(full)


def test_collect_without_distribute_remembers_its_roster(tmp_path, seed, capsys):
    roster = make_roster(tmp_path / "名单.xlsx")
    inbox = tmp_path / "in"
    inbox.mkdir()
    form_file(inbox / "a.xlsx", seed, "惠州市司法局")
    work = tmp_path / "w"
    assert main(["collect", str(work), "--roster", str(roster), "--from", str(inbox)]) in (0, 1)
    assert "分发文件夹已记住此部门名单（3 个部门）" in capsys.readouterr().out
    assert main(["collect", str(work), "--from", str(inbox)]) in (0, 1)
    out = capsys.readouterr().out
    assert "记住" not in out and "新收到 0 个表格，1 个与已收到的相同" in out
    assert main(["remind", str(work), "--sender", "jxk@czj.example.cn"]) == 2
    assert "不是用 perfxl distribute 分发的" in capsys.readouterr().err
    (work / "分发清单.json").write_text('{"year": 2025,\n broken', "utf-8")
    assert main(["collect", str(work), "--from", str(inbox)]) == 2
    err = capsys.readouterr().err
    assert "分发清单.json 已损坏，无法读取（第 2 行第 2 列不是有效的 JSON）" in err and "Expecting" not in err


@pytest.mark.parametrize("manifest, why", [
    ({"year": 2025}, "缺少部门名单"),
    ({"year": "2025", "departments": []}, "“year”应为整数年度"),
    ({"year": 2025, "departments": [{"name": "惠州市司法局"}]}, "部门名单第 1 项不完整"),
    ({"year": 2025, "departments": ["惠州市司法局"]}, "部门名单第 1 项不完整"),
    ({"year": 2025, "departments": [], "sender": "jxk@czj.example.cn"}, "“sender”应为含 address 的发件人信息"),
    ({"year": 2025, "departments": [], "forms": ["a.xlsx"]}, "“forms”"),
])
def test_a_hand_edited_manifest_is_reported_as_damaged(tmp_path, capsys, manifest, why):
    import json

    work, inbox = tmp_path / "w", tmp_path / "in"
    work.mkdir()
    inbox.mkdir()
    (work / "分发清单.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    for argv in (["collect", str(work), "--from", str(inbox)], ["remind", str(work), "--dry-run"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert f"分发清单.json 已损坏，无法读取（{why}" in err and "内部错误" not in err
    # distribute starts afresh over it, with a warning
    assert main(["distribute", str(make_roster(tmp_path / "名单.xlsx")), "--year", "2026", "-o", str(work)]) == 0
    assert "分发清单已损坏" in capsys.readouterr().err
