"""The commands end to end with the official template writer: roster → forms → mail."""

from email import message_from_bytes, policy

from openpyxl import load_workbook

from perfxl.adapters.xlsx_reader import read_form
from perfxl.cli import main
from tests._mailserver import Recorder, smtp_server
from tests.test_mail_distribute import ROSTER, history_dir, roster_file  # noqa: F401 (fixture)


def test_distribute_dry_run_then_send_with_official_templates(tmp_path, history_dir, capsys, monkeypatch):
    roster = roster_file(tmp_path / "名单.xlsx")
    out = tmp_path / "2026分发"
    common = [str(roster), "--year", "2026", "-o", str(out), "--history-dir", str(history_dir),
              "--sender", "jxk@czj.example.gov.cn", "--sender-name", "市财政局绩效科",
              "--deadline", "2026年3月31日"]
    assert main(["distribute", *common, "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "共 2 个部门的申报表" in text and "其中 2 个预填了上年数据" in text and "已生成 2 封邮件" in text
    emls = sorted((out / "邮件" / "分发").glob("*.eml"))
    assert len(emls) == 2
    forms = {read_form(p).department: read_form(p) for p in (out / "申报表").glob("*.xlsx")}
    assert set(forms) == {name for name, *_ in ROSTER}
    gd = forms["惠州市司法局"]
    assert (gd.year, gd.layout, len(gd.indicators)) == (2026, "guangdong", 9)
    src = gd.source("indicators[0].annual_value")
    path = next((out / "申报表").glob("*惠州*"))
    assert "上年值：≥2场" in load_workbook(path)[src.sheet][src.cell].comment.text
    sd = forms["临沂市司法局"]
    assert (sd.year, sd.layout) == (2026, "shandong") and sd.indicators[0].history.last_year

    monkeypatch.delenv("PERFXL_SMTP_USER", raising=False)
    monkeypatch.delenv("PERFXL_SMTP_PASSWORD", raising=False)
    rec = Recorder()
    with smtp_server(rec) as (port, _):
        send = ["distribute", *common, "--send", "--smtp-host", "127.0.0.1", "--smtp-port", str(port),
                "--smtp-security", "none", "--rate", "600/min"]
        assert main(send) == 0
        assert "本次发送 2 封" in capsys.readouterr().out
        assert main(send) == 0
        assert "本次跳过 2 个部门" in capsys.readouterr().out
    assert len(rec.messages) == 2
    for _, rcpts, raw in rec.messages:
        msg = message_from_bytes(raw, policy=policy.default)
        [att] = list(msg.iter_attachments())
        p = tmp_path / "att.xlsx"
        p.write_bytes(att.get_content())
        dept = read_form(p).department
        assert dept in msg["Subject"] and att.get_filename().endswith(f"{dept}_2026年部门整体预算绩效目标表.xlsx")
        expected = {"惠州市司法局": "zhang@example.cn", "临沂市司法局": "wang@example.cn"}[dept]
        assert rcpts[0] == expected


def test_distribute_without_history_writes_blank_official_forms(tmp_path, capsys):
    roster = roster_file(tmp_path / "名单.xlsx")
    assert main(["distribute", str(roster), "--year", "2026", "-o", str(tmp_path / "o")]) == 0
    forms = [read_form(p) for p in (tmp_path / "o" / "申报表").glob("*.xlsx")]
    assert sorted((f.department, f.year, f.layout, len(f.indicators)) for f in forms) == \
        [("临沂市司法局", 2026, "shandong", 0), ("惠州市司法局", 2026, "guangdong", 0)]


def test_a_rerun_keeps_the_saved_deadline_and_sender_unless_new_ones_are_given(tmp_path, capsys, monkeypatch):
    import json

    monkeypatch.chdir(tmp_path)  # no perfxl.toml above: only --config names one
    monkeypatch.delenv("PERFXL_SMTP_USER", raising=False)
    monkeypatch.delenv("PERFXL_SMTP_PASSWORD", raising=False)
    out = tmp_path / "2026分发"
    first = roster_file(tmp_path / "名单.xlsx")
    later = roster_file(tmp_path / "补充名单.xlsx",
                        [*ROSTER, ("惠州市财政局", "101002", "广东", "李四", "li4@example.cn", None)])
    rec = Recorder()
    with smtp_server(rec) as (port, _):
        server = ["--send", "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "none",
                  "--rate", "600/min"]
        assert main(["distribute", str(first), "--year", "2026", "-o", str(out), *server,
                     "--sender", "jxk@czj.example.gov.cn", "--sender-name", "市财政局绩效科",
                     "--sender-contact", "0752-2800000", "--deadline", "2026年3月31日"]) == 0
        capsys.readouterr()
        # a department added later: the rerun names only the roster and the server
        assert main(["distribute", str(later), "--year", "2026", "-o", str(out), *server]) == 0
        text = capsys.readouterr().out
        assert ("沿用上次分发时的设置：截止时间 2026年3月31日、发件人 jxk@czj.example.gov.cn、"
                "发件单位 市财政局绩效科、联系方式 0752-2800000") in text
        assert "本次发送 1 封" in text and "本次跳过 2 个部门" in text
    assert len(rec.messages) == 3
    new = rec.parsed()[2]
    [sender] = new["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("市财政局绩效科", "jxk@czj.example.gov.cn")
    body = new.get_body(("plain",)).get_content()
    assert "惠州市财政局" in body and "请于 2026年3月31日 前" in body and "（0752-2800000）" in body
    assert body.rstrip().endswith("市财政局绩效科")

    saved = json.loads((out / "分发清单.json").read_text("utf-8"))
    assert saved["deadline"] == "2026年3月31日"
    assert saved["sender"] == {"address": "jxk@czj.example.gov.cn", "name": "市财政局绩效科",
                               "contact": "0752-2800000"}
    assert main(["remind", str(out), "--dry-run", "--round", "第一次"]) == 0
    emls = sorted((out / "邮件" / "催报-第一次").glob("*.eml"))
    assert len(emls) == 3
    for p in emls:
        body = message_from_bytes(p.read_bytes(), policy=policy.default).get_body(("plain",)).get_content()
        assert "截止时间为 2026年3月31日" in body and body.rstrip().endswith("市财政局绩效科")

    # new values win: a flag, or perfxl.toml's [mail]
    cfg = tmp_path / "设置" / "perfxl.toml"
    cfg.parent.mkdir()
    cfg.write_text('[mail]\nsender-name = "市财政局预算绩效管理科"\n', "utf-8")
    capsys.readouterr()
    assert main(["distribute", str(later), "--year", "2026", "-o", str(out), "--config", str(cfg),
                 "--deadline", "2026年4月10日"]) == 0
    text = capsys.readouterr().out
    assert "沿用上次分发时的设置：发件人 jxk@czj.example.gov.cn、联系方式 0752-2800000（" in text
    saved = json.loads((out / "分发清单.json").read_text("utf-8"))
    assert saved["deadline"] == "2026年4月10日" and saved["sender"]["name"] == "市财政局预算绩效管理科"
    # another year in the same folder starts afresh
    assert main(["distribute", str(later), "--year", "2027", "-o", str(out)]) == 0
    assert "沿用" not in capsys.readouterr().out
    saved = json.loads((out / "分发清单.json").read_text("utf-8"))
    assert saved["deadline"] == "" and saved["sender"] is None


def test_a_rerun_keeps_the_saved_sender_address_when_another_login_user_is_set(tmp_path, capsys, monkeypatch):
    import json

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PERFXL_SMTP_USER", raising=False)
    roster = roster_file(tmp_path / "名单.xlsx")
    out = tmp_path / "2026分发"
    common = ["distribute", str(roster), "--year", "2026", "-o", str(out), "--dry-run"]
    assert main([*common, "--sender", "jxk@czj.example.gov.cn"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("PERFXL_SMTP_USER", "zhang@czj.example.gov.cn")
    for p in (out / "邮件" / "分发").glob("*.eml"):
        p.unlink()
    assert main(common) == 0
    assert "沿用上次分发时的设置：发件人 jxk@czj.example.gov.cn" in capsys.readouterr().out
    emls = list((out / "邮件" / "分发").glob("*.eml"))
    assert emls
    for p in emls:
        msg = message_from_bytes(p.read_bytes(), policy=policy.default)
        assert msg["From"].addresses[0].addr_spec == "jxk@czj.example.gov.cn"
    saved = json.loads((out / "分发清单.json").read_text("utf-8"))
    assert saved["sender"]["address"] == "jxk@czj.example.gov.cn"
    # a name given alone still goes with the saved address, not the login user
    assert main([*common, "--sender-name", "市财政局绩效科"]) == 0
    assert "发件人 jxk@czj.example.gov.cn" in capsys.readouterr().out
    saved = json.loads((out / "分发清单.json").read_text("utf-8"))
    assert saved["sender"] == {"address": "jxk@czj.example.gov.cn", "name": "市财政局绩效科", "contact": ""}
    # --sender still changes it
    assert main([*common, "--sender", "new@czj.example.gov.cn"]) == 0
    assert json.loads((out / "分发清单.json").read_text("utf-8"))["sender"]["address"] == "new@czj.example.gov.cn"
