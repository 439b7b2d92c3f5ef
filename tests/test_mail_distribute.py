"""distribute → mail through a real loopback SMTP server → attachment reads back as the
right department's form; reruns never mail anyone twice."""

import copy
import json
import os
import shutil
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from openpyxl import load_workbook

from perfxl.adapters.mail.api import DistributionError, distribute
from perfxl.adapters.mail.compose import Sender
from perfxl.adapters.mail.smtp import SmtpSettings
from perfxl.adapters.roster_xlsx import write_roster_template
from perfxl.adapters.xlsx_reader import read_form
from perfxl.cli import main
from perfxl.core.framework import FRAMEWORKS
from perfxl.core.textimport import import_text
from tests._mailserver import Recorder, smtp_server
from tests._workbooks import guangdong_rows, shandong_rows, write_rows
from tests.conftest import GUANGDONG_SEED, SHANDONG_SEED

SENDER = Sender("jxk@czj.example.gov.cn", "市财政局绩效管理科", "0752-2800000")
ROSTER = [("惠州市司法局", "101001", "广东", "张三", "zhang@example.cn；li@example.cn", "boss@example.cn"),
          ("临沂市司法局", "371001", "山东", "王五", "wang@example.cn", None)]


def layout_writer(form, path):
    """A real xlsx writer laid out like the published forms (the test workbooks the reader
    is tested with), so distribution is tested independently of the template writer."""
    form = copy.deepcopy(form)
    form.title = form.title or f"{form.year}年部门整体预算绩效目标表"
    rows, merges = (guangdong_rows if form.layout == "guangdong" else shandong_rows)(form)
    write_rows(Path(path), rows, merges)


@pytest.fixture(scope="module")
def history_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("lastyear")
    for seed in (GUANGDONG_SEED, SHANDONG_SEED):
        form = import_text(seed.read_text("utf-8")).form
        layout_writer(form, d / f"{form.department}.xlsx")
    return d


def roster_file(path: Path, rows=ROSTER) -> Path:
    write_roster_template(path)
    wb = load_workbook(path)
    for r in rows:
        wb["部门名单"].append(list(r))
    wb.save(path)
    return path


def smtp(port, **kw):
    return SmtpSettings("127.0.0.1", port, "none", rate_per_min=0, backoff=0.01, **kw)


def test_distribute_sends_each_department_its_own_prefilled_form(tmp_path, history_dir):
    roster = roster_file(tmp_path / "名单.xlsx")
    out = tmp_path / "2025分发"
    rec = Recorder()
    with smtp_server(rec) as (port, _):
        res = distribute(roster, 2025, out, send=True, history_dir=history_dir,
                         deadline="2025年3月31日", smtp=smtp(port), sender=SENDER,
                         instructions="请同时报送电子版和盖章扫描件。", writer=layout_writer)
        assert res.ok and sorted(res.with_history) == ["临沂市司法局", "惠州市司法局"]
        assert len(rec.messages) == 2
        by_rcpt = {tuple(r): message_from_bytes(raw, policy=policy.default) for _, r, raw in rec.messages}
        gd = by_rcpt[("zhang@example.cn", "li@example.cn", "boss@example.cn")]
        sd = by_rcpt[("wang@example.cn",)]
        assert gd["Subject"] == "关于报送2025年度部门整体预算绩效目标表的通知（惠州市司法局）"
        assert [a.display_name for a in gd["To"].addresses] == ["张三", "张三"]
        assert gd["Cc"].addresses[0].addr_spec == "boss@example.cn"
        body = gd.get_body(("plain",)).get_content()
        for text in ("张三：", "2025年3月31日 前", "请同时报送电子版和盖章扫描件。", "0752-2800000",
                     "已预填上年度", "101001_惠州市司法局_2025年部门整体预算绩效目标表.xlsx"):
            assert text in body
        forms = {}
        for name, msg in (("惠州市司法局", gd), ("临沂市司法局", sd)):
            [att] = list(msg.iter_attachments())
            assert att.get_filename().endswith(f"_{name}_2025年部门整体预算绩效目标表.xlsx")
            path = tmp_path / att.get_filename()
            path.write_bytes(att.get_content())
            forms[name] = (path, read_form(path))
        gpath, gform = forms["惠州市司法局"]
        assert (gform.department, gform.year, gform.layout) == ("惠州市司法局", 2025, "guangdong")
        assert len(gform.indicators) == 9 and gform.indicators[0].annual_value == ""
        assert len(gform.tasks) == 9 and all(t.amount is None for t in gform.tasks)
        cell = gform.source("indicators[0].annual_value")
        note = load_workbook(gpath)[cell.sheet][cell.cell].comment
        assert note is not None and "上年值：≥2场" in note.text
        _, sform = forms["临沂市司法局"]
        assert (sform.department, sform.year, sform.layout) == ("临沂市司法局", 2025, "shandong")
        assert sform.indicators[0].history.last_year.startswith("印发全面从严治党任务分工")
        assert sform.indicators[0].annual_value == ""

        # a rerun sends nothing and leaves the sent forms as they were
        before = {p: p.read_bytes() for p in res.forms.values()}
        again = distribute(roster, 2025, out, send=True, history_dir=history_dir, smtp=smtp(port),
                           sender=SENDER, writer=layout_writer)
    assert again.campaign.sent == [] and sorted(again.campaign.already_sent) == ["临沂市司法局", "惠州市司法局"]
    assert sorted(again.kept) == ["临沂市司法局", "惠州市司法局"]
    assert {p: p.read_bytes() for p in again.forms.values()} == before
    assert len(rec.messages) == 2


def numbered_roster(tmp_path, n=4):
    """测试局0…n-1 with last year's forms (the layout writer needs a task table)."""
    rows = [(f"测试局{i}", f"{i}", "广东", "", f"t{i}@example.cn", None) for i in range(n)]
    roster = roster_file(tmp_path / "名单.xlsx", rows)
    hist = tmp_path / "hist"
    hist.mkdir()
    seed = import_text(GUANGDONG_SEED.read_text("utf-8")).form
    for i in range(n):
        f = copy.deepcopy(seed)
        f.department = f"测试局{i}"
        layout_writer(f, hist / f"{i}.xlsx")
    return roster, hist


def test_server_failure_halfway_and_rerun(tmp_path):
    roster, hist = numbered_roster(tmp_path)
    rec = Recorder(fail_after=1, mode="drop")
    with smtp_server(rec) as (port, _):
        first = distribute(roster, 2025, tmp_path / "out", send=True, history_dir=hist,
                           smtp=smtp(port, retries=1), sender=SENDER, writer=layout_writer)
        assert first.campaign.sent == ["测试局0"] and not first.ok
        rec.fail_after = None
        second = distribute(roster, 2025, tmp_path / "out", send=True, history_dir=hist,
                            smtp=smtp(port), sender=SENDER, writer=layout_writer)
    assert second.ok and second.campaign.sent == ["测试局1", "测试局2", "测试局3"]
    assert sorted(r[1][0] for r in rec.messages) == [f"t{i}@example.cn" for i in range(4)]


def test_dry_run_writes_eml(tmp_path, history_dir):
    roster = roster_file(tmp_path / "名单.xlsx")
    res = distribute(roster, 2025, tmp_path / "o", dry_run=True, history_dir=history_dir,
                     sender=SENDER, writer=layout_writer)
    names = sorted(p.name for p in res.campaign.eml_files)
    assert names == ["101001_惠州市司法局_2025年部门整体预算绩效目标表.eml",
                     "371001_临沂市司法局_2025年部门整体预算绩效目标表.eml"]
    assert all(p.parent == tmp_path / "o" / "邮件" / "分发" for p in res.campaign.eml_files)
    [eml] = [p for p in res.campaign.eml_files if "临沂" in p.name]
    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert "临沂市司法局" in msg["Subject"] and msg["To"].addresses[0].addr_spec == "wang@example.cn"
    assert not (tmp_path / "o" / "发送记录.jsonl").exists()


def test_bad_roster_stops_before_anything_is_written(tmp_path, capsys):
    roster = roster_file(tmp_path / "名单.xlsx", ROSTER + [("恶意\r\nBcc: all@evil.cn", "9", "广东", "", "x@example.cn", None),
                                                         ("../上级", "8", "广东", "", "not-mail", None)])
    with pytest.raises(DistributionError) as exc:
        distribute(roster, 2025, tmp_path / "o", writer=layout_writer)
    cells = {f.cell for f in exc.value.findings if f.severity == "error"}
    assert {"A4", "A5", "E5"} <= cells
    assert not (tmp_path / "o").exists()
    assert main(["distribute", str(roster), "--year", "2025", "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "第 4 行：“部门名称”含有换行符、控制字符或无效字符" in err and "名单.xlsx 部门名单!A5" in err


def test_history_from_last_years_summary(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ind = wb.create_sheet("指标明细")
    ind.append(["2024年度指标明细"])
    ind.append(["序号", "部门名称", "一级指标", "二级指标", "三级指标", "年度指标值", "实施周期指标值"])
    ind.append([1, "惠州市司法局", "产出指标", "数量指标", "培训场次", "≥2场", "≥6场"])
    ind.append([2, "临沂市司法局", "", "", "普法宣传覆盖率", "≥95%", ""])
    tasks = wb.create_sheet("重点任务")
    tasks.append(["部门名称", "任务名称", "主要实施内容", "拟投入资金（万元）", "期望达到的目标"])
    tasks.append(["惠州市司法局", "法治宣传", "开展普法", 12.5, "群众知晓率提升"])
    wb.save(tmp_path / "2024汇总.xlsx")
    roster = roster_file(tmp_path / "名单.xlsx")
    res = distribute(roster, 2025, tmp_path / "o", history=tmp_path / "2024汇总.xlsx", writer=layout_writer)
    assert sorted(res.with_history) == ["临沂市司法局", "惠州市司法局"]
    g = read_form(res.forms["惠州市司法局"])
    # targets, the multi-year one included, are for the department to set anew
    assert [(i.level1, i.level2, i.name, i.annual_value, i.period_value) for i in g.indicators] == \
        [("产出指标", "数量指标", "培训场次", "", "")]
    assert [(t.name, t.content, t.amount, t.goal) for t in g.tasks] == [("法治宣传", "开展普法", None, "群众知晓率提升")]
    s = read_form(res.forms["临沂市司法局"])
    assert s.indicators[0].name == "普法宣传覆盖率" and s.indicators[0].history.last_year == "≥95%"


def test_remind_chases_missing_and_faulty_returns_once_per_round(tmp_path, history_dir):
    from perfxl.adapters.mail.api import collect, remind
    from perfxl.core.rules import check_form

    roster = roster_file(tmp_path / "名单.xlsx")
    out = tmp_path / "out"
    rec = Recorder()
    with smtp_server(rec) as (port, _):
        distribute(roster, 2025, out, send=True, history_dir=history_dir, deadline="3月31日",
                   smtp=smtp(port), sender=SENDER, writer=layout_writer)
        # 惠州 returns last year's form with this year's name: the rules find errors in it
        returned = tmp_path / "in"
        returned.mkdir()
        seed = import_text(GUANGDONG_SEED.read_text("utf-8")).form
        seed.budget.basic = (seed.budget.basic or 0) + 1000  # totals no longer add up
        layout_writer(seed, returned / "惠州.xlsx")
        errors = [f for f in check_form(read_form(returned / "惠州.xlsx")) if f.severity == "error"]
        assert errors
        # 临沂 replied with our own blank form attached: not a return
        import shutil
        blank = next((out / "申报表").glob("*临沂*"))
        shutil.copy(blank, returned / blank.name)
        collected = collect(out, from_dir=returned)
        assert any("原表，未填写" in s for s in collected.collected.skipped)
        st = {s.department.name: s.status for s in collected.statuses}
        assert st == {"惠州市司法局": "需修改", "临沂市司法局": "已发送"}
        rec.messages.clear()
        res = remind(out, send=True, smtp=smtp(port), round_label="第一次")
        assert sorted(res.reminded) == ["临沂市司法局", "惠州市司法局"] and res.campaign.ok
        again = remind(out, send=True, smtp=smtp(port), round_label="第一次")
        assert again.campaign.sent == [] and len(rec.messages) == 2
    msgs = {tuple(r)[0]: message_from_bytes(raw, policy=policy.default) for _, r, raw in rec.messages}
    fix = msgs["zhang@example.cn"]
    assert fix["Subject"] == "请修改2025年度部门整体预算绩效目标表（惠州市司法局）"
    body = fix.get_body(("plain",)).get_content()
    assert f"发现以下 {len(errors)} 个问题" in body and errors[0].message in body
    assert list(fix.iter_attachments()) == []
    late = msgs["wang@example.cn"]
    assert late["Subject"] == "催报：2025年度部门整体预算绩效目标表（临沂市司法局）"
    assert "截止时间为 3月31日" in late.get_body(("plain",)).get_content()
    [att] = list(late.iter_attachments())
    assert read_form_bytes(tmp_path, att).department == "临沂市司法局"


def read_form_bytes(tmp_path, part):
    p = tmp_path / "att.xlsx"
    p.write_bytes(part.get_content())
    return read_form(p)


def test_cli_remind_lists_then_writes_eml_once_per_round(tmp_path, history_dir, capsys):
    roster = roster_file(tmp_path / "名单.xlsx")
    out = tmp_path / "out"
    rec = Recorder()
    with smtp_server(rec) as (port, _):
        distribute(roster, 2025, out, send=True, history_dir=history_dir, smtp=smtp(port),
                   sender=SENDER, writer=layout_writer)
    capsys.readouterr()
    assert main(["remind", str(out)]) == 0
    text = capsys.readouterr().out
    assert "需要催报 2 个部门" in text and "未发送" in text
    assert main(["remind", str(out), "--dry-run", "--round", "第一次"]) == 0
    emls = sorted((out / "邮件" / "催报-第一次").glob("*.eml"))
    assert len(emls) == 2
    msg = message_from_bytes(emls[0].read_bytes(), policy=policy.default)
    assert msg["From"].addresses[0].addr_spec == SENDER.address  # remembered from distribute
    with pytest.raises(SystemExit) as exc:
        main(["remind", str(out), "--send", "--rate", "bad"])
    assert exc.value.code == 2 and "应写成 20/min" in capsys.readouterr().err
    rec.messages.clear()
    with smtp_server(rec) as (port, _):
        args = ["remind", str(out), "--send", "--round", "第一次", "--smtp-host", "127.0.0.1",
                "--smtp-port", str(port), "--smtp-security", "none", "--rate", "600/min"]
        assert main(args) == 0 and "本次发送 2 封" in capsys.readouterr().out
        assert main(args) == 0 and "本次跳过 2 个部门" in capsys.readouterr().out
    assert len(rec.messages) == 2  # the dry run's .eml files did not count as sent


class _Hanging(Recorder):
    """Accepts the first message, then never answers DATA of the second one."""

    def __init__(self):
        super().__init__()
        import threading
        self.hanging = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        import asyncio
        if len(self.messages) == 1 and not self.hanging.is_set():
            self.hanging.set()
            await asyncio.sleep(3600)
        return await super().handle_DATA(server, session, envelope)


def test_killed_mid_send_then_rerun_sends_the_rest_and_not_the_uncertain_one(tmp_path, history_dir):
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    roster, hist = numbered_roster(tmp_path)
    out = tmp_path / "out"
    rec = _Hanging()
    with smtp_server(rec) as (port, _):
        script = (
            "from pathlib import Path\n"
            "from tests.test_mail_distribute import layout_writer, SENDER, smtp\n"
            "from perfxl.adapters.mail.api import distribute\n"
            f"distribute(Path({str(roster)!r}), 2025, Path({str(out)!r}), send=True, smtp=smtp({port}),\n"
            f"           history_dir=Path({str(hist)!r}), sender=SENDER, writer=layout_writer)\n")
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
        try:
            assert rec.hanging.wait(20), "the second message never reached the server"
            time.sleep(0.2)
        finally:
            proc.kill()  # the process dies while the server holds message 2
            proc.wait()
        assert len(rec.messages) == 1
        rec.hanging.set()
        res = distribute(roster, 2025, out, send=True, smtp=smtp(port), history_dir=hist,
                         sender=SENDER, writer=layout_writer)
    assert res.campaign.already_sent == ["测试局0"]
    assert res.campaign.uncertain == ["测试局1"]
    assert res.campaign.sent == ["测试局2", "测试局3"]
    assert [r[1][0] for r in rec.messages] == ["t0@example.cn", "t2@example.cn", "t3@example.cn"]


def test_history_from_a_real_consolidated_summary(tmp_path, history_dir):
    from perfxl.adapters.batch import consolidate

    summary = tmp_path / "上年汇总.xlsx"
    consolidate([history_dir], summary, jobs=1)
    roster = roster_file(tmp_path / "名单.xlsx")
    res = distribute(roster, 2025, tmp_path / "o", history=summary, writer=layout_writer)
    assert sorted(res.with_history) == ["临沂市司法局", "惠州市司法局"]
    last = {f.department: f for f in (read_form(p) for p in history_dir.glob("*.xlsx"))}
    g = read_form(res.forms["惠州市司法局"])
    old = last["惠州市司法局"]
    # the row that slid one column left has its name in the 二级 column
    assert [i.name for i in g.indicators] == \
        [o.level2 if o.level1 == "生态效益指标" else o.name for o in old.indicators]
    # last year's categories come over as the framework spells them (see
    # test_prefill_leaves_only_what_the_department_must_fill for the corrections)
    assert all(i.level2 in FRAMEWORKS["2015"][i.level1] for i in g.indicators)
    assert [t.name for t in g.tasks] == [t.name for t in old.tasks]
    s = read_form(res.forms["临沂市司法局"])
    assert [i.history.last_year for i in s.indicators] == \
        [i.annual_value for i in last["临沂市司法局"].indicators]


# --- which of last year's forms pre-fills, and what it carries --------------------------

def seed_variant(folder: Path, name: str, year: int, tasks: int) -> None:
    """The Guangdong seed as a ``year`` form keeping its first ``tasks`` tasks."""
    form = import_text(GUANGDONG_SEED.read_text("utf-8")).form
    form.year, form.title, form.tasks = year, "", form.tasks[:tasks]
    layout_writer(form, folder / name)


def test_history_dir_of_last_years_distribution_takes_what_came_back(tmp_path, history_dir):
    from perfxl.adapters.mail.api import collect

    roster = roster_file(tmp_path / "名单.xlsx")
    last = tmp_path / "2025分发"
    distribute(roster, 2025, last, history_dir=history_dir, writer=layout_writer)
    # 惠州 fills in the form it was sent, keeping one task; 临沂 never replies
    sent = read_form(next((last / "申报表").glob("*惠州*")))
    sent.tasks = sent.tasks[:1]
    sent.tasks[0].amount = 30.0
    for ind in sent.indicators:
        ind.annual_value = "≥1次"
    returned = tmp_path / "in"
    returned.mkdir()
    layout_writer(sent, returned / "惠州.xlsx")
    collect(last, from_dir=returned, check=False)
    # 申报表/ (the forms sent) sorts after 回收/ (what came back)
    res = distribute(roster, 2026, tmp_path / "2026分发", history_dir=last, writer=layout_writer)
    assert res.with_history == ["惠州市司法局"]
    assert [t.name for t in read_form(res.forms["惠州市司法局"]).tasks] == [sent.tasks[0].name]
    assert read_form(res.forms["临沂市司法局"]).indicators == []
    [blank] = [f for f in res.findings if f.rule == "DS005"]
    assert "临沂市司法局_2025年" in blank.message and blank.severity == "info"
    assert (last / "回收状态.xlsx").exists()
    assert not [f for f in res.findings if f.rule == "DS001"]  # the status workbook is no form


def test_history_dir_takes_the_latest_year_before_the_new_one(tmp_path, capsys):
    roster = roster_file(tmp_path / "名单.xlsx", ROSTER[:1])
    hist = tmp_path / "hist"
    hist.mkdir()
    seed_variant(hist, "2023-a.xlsx", 2023, 1)
    seed_variant(hist, "2023-b.xlsx", 2023, 2)  # the same year, sorts after a: the newer version
    seed_variant(hist, "old.xlsx", 2022, 9)  # sorts after both, but an older year
    seed_variant(hist, "zz.xlsx", 2025, 3)  # the year being distributed is no history
    res = distribute(roster, 2025, tmp_path / "o", history_dir=hist, writer=layout_writer)
    assert len(read_form(res.forms["惠州市司法局"]).tasks) == 2
    said = {f.rule: f.message for f in res.findings}
    assert "预填：“2023-b.xlsx”" in said["DS006"] and "未采用：“2023-a.xlsx”" in said["DS006"]
    assert "zz.xlsx" in said["DS004"] and "old.xlsx" not in " ".join(said.values())
    assert main(["distribute", str(roster), "--year", "2025", "-o", str(tmp_path / "o2"),
                 "--history-dir", str(hist)]) == 0
    out = capsys.readouterr()
    assert "其中 1 个预填了上年数据" in out.out and "2023-b.xlsx" in out.err


def test_history_dir_of_a_distribution_takes_the_last_received_not_an_old_unmatched_copy(tmp_path):
    """A return first stored as 未匹配 and matched after --roster keeps its copy in
    回收/未匹配/, whose path sorts after the department's folder; the newer version wins."""
    from perfxl.adapters.mail.api import collect

    last = tmp_path / "2024分发"
    first, second = tmp_path / "in1", tmp_path / "in2"
    first.mkdir()
    second.mkdir()
    seed_variant(first, "司法局.xlsx", 2024, 1)
    os.utime(first / "司法局.xlsx", (1_700_000_000, 1_700_000_000))
    collect(last, from_dir=first, roster_path=roster_file(tmp_path / "临沂.xlsx", ROSTER[1:]), check=False)
    full = roster_file(tmp_path / "名单.xlsx", ROSTER[:1])
    collect(last, from_dir=last / "回收" / "未匹配", roster_path=full, check=False)
    seed_variant(second, "司法局.xlsx", 2024, 3)
    os.utime(second / "司法局.xlsx", (1_700_100_000, 1_700_100_000))
    # a name that sorts first: received later all the same, it is the newer version
    collect(last, from_dir=second, check=False)
    stored = sorted((last / "回收" / "惠州市司法局").iterdir())
    stored[1].rename(stored[1].with_name("0_" + stored[1].name))
    records = (last / "回收" / "回收记录.jsonl").read_text("utf-8").replace(stored[1].name, "0_" + stored[1].name)
    (last / "回收" / "回收记录.jsonl").write_text(records, "utf-8")
    assert json.loads(records.splitlines()[-1])["file"].endswith("/0_" + stored[1].name)
    res = distribute(full, 2025, tmp_path / "o", history_dir=last, writer=layout_writer)
    assert len(read_form(res.forms["惠州市司法局"]).tasks) == 3
    [note] = [f.message for f in res.findings if f.rule == "DS006"]
    assert "有 2 份2024年的表格，按回收记录取最后收到的一份预填" in note and "0_" in note.split("未采用")[0]
    assert "未匹配" not in note
    # a plain folder has no receipt times: the path order, said as such
    plain = tmp_path / "plain"
    shutil.copytree(last / "回收" / "惠州市司法局", plain)
    res = distribute(full, 2025, tmp_path / "o2", history_dir=plain, writer=layout_writer)
    assert len(read_form(res.forms["惠州市司法局"]).tasks) == 1
    [note] = [f.message for f in res.findings if f.rule == "DS006"]
    assert "按文件路径取排在最后的一份（没有 perfxl 回收记录" in note and "最后收到" not in note


def test_history_dir_names_the_files_it_cannot_read(tmp_path):
    from perfxl.adapters.batch import consolidate

    hist = tmp_path / "hist"
    (hist / "子文件夹").mkdir(parents=True)
    seed_variant(hist, "惠州.xlsx", 2024, 2)
    (hist / "子文件夹" / "临沂.xls").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    (hist / "财政局.et").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    consolidate([hist / "惠州.xlsx"], hist / "汇总.xlsx", jobs=1)  # perfxl's own: no form, no warning
    res = distribute(roster_file(tmp_path / "名单.xlsx"), 2025, tmp_path / "o", history_dir=hist,
                     writer=layout_writer)
    assert res.with_history == ["惠州市司法局"]
    skipped = {Path(f.file).name: f for f in res.findings if f.rule == "DS001"}
    assert set(skipped) == {"临沂.xls", "财政局.et"}
    assert all(f.severity == "warning" and "上年申报表无法读取，已跳过" in f.message for f in skipped.values())
    assert ".xls" in skipped["临沂.xls"].message
    assert not [f for f in res.findings if f.rule == "DS006"]


def test_history_summary_with_duplicates_and_several_years_gives_one_file(tmp_path):
    from perfxl.adapters.batch import consolidate

    src = tmp_path / "上年"
    src.mkdir()
    seed_variant(src, "v1.xlsx", 2024, 9)
    seed_variant(src, "v2.xlsx", 2024, 4)  # 重复 in the summary: the same department and year
    seed_variant(src, "2023.xlsx", 2023, 2)
    summary = tmp_path / "汇总.xlsx"
    consolidate([src], summary, jobs=1)
    assert sum("重复" in str(c.value) for row in load_workbook(summary)["汇总"].iter_rows() for c in row) == 2
    roster = roster_file(tmp_path / "名单.xlsx", ROSTER[:1])
    res = distribute(roster, 2025, tmp_path / "o", history=summary, writer=layout_writer)
    g = read_form(res.forms["惠州市司法局"])
    seed = import_text(GUANGDONG_SEED.read_text("utf-8")).form
    assert len(g.tasks) == 4 and len(g.indicators) == len(seed.indicators)
    [note] = [f.message for f in res.findings if f.rule == "DS006"]
    assert "v2.xlsx”；未采用：" in note and "v1.xlsx" in note


def test_prefill_leaves_only_what_the_department_must_fill(tmp_path, history_dir):
    """Last year's wrong categories and targets do not come over (the official template
    writer, as sent to departments): a fresh form only asks for what is missing."""
    from perfxl.core.rules import check_form

    roster = roster_file(tmp_path / "名单.xlsx")
    res = distribute(roster, 2025, tmp_path / "o", history_dir=history_dir)
    g = read_form(res.forms["惠州市司法局"])
    cats = {i.name: (i.level1, i.level2) for i in g.indicators}
    assert cats["人均培训费"] == ("产出指标", "成本指标")  # 成本标 last year
    assert cats["群众满意度"] == ("满意度指标", "服务对象满意度指标")  # 服务对象满意度
    # under the 一级 “时效指标” last year: a 二级 decides its 一级
    assert {cats[n] for n in cats if n.startswith(("降低办案成本", "规范完善", "开展普法"))} == \
        {("效益指标", "经济效益指标"), ("效益指标", "社会效益指标")}
    # the row that slid one column left is put back in place
    assert [c for n, c in cats.items() if n.startswith("提升政府立法立规")] == [("效益指标", "生态效益指标")]
    assert all(i.annual_value == i.period_value == "" for i in g.indicators)
    s = read_form(res.forms["临沂市司法局"])
    assert not any(i.standard and (i.standard.plan_value or i.standard.value) for i in s.indicators)
    missing = {"PX203", "PX204", "PX208", "PX210"}
    gf = check_form(g)
    assert {f.rule for f in gf if f.severity == "error"} <= missing
    # no category or target finding; the names come over as written (PX408: a name with a
    # target in it is last year's wording, for the department to reword)
    assert not [f for f in gf if f.rule in ("PX301", "PX302", "PX303", "PX304", "PX305")
                or (f.rule[:4] == "PX40" and f.rule != "PX408")]
    # last year's Shandong form had no service satisfaction indicator: one to add
    assert {f.rule for f in check_form(s) if f.severity == "error"} <= missing | {"PX308"}


@pytest.mark.parametrize("old, new", [
    (("产出指标", "自拟的类别"), ("产出指标", "")),  # no framework name: the department chooses
    (("随便写", ""), ("", "")),
    (("时效指标", ""), ("产出指标", "时效指标")),  # a 二级 in the 一级 column
    (("", "效益指标"), ("效益指标", "")),
    (("成本指标", "经济成本指标"), ("产出指标", "成本指标")),  # a 2021-framework form
])
def test_prefill_categories(old, new):
    from perfxl.core.prefill import categories

    assert categories(*old) == new
