"""Ribbon handlers run headless on forms through the openpyxl book, and do what the
matching CLI commands do."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from perfxl.adapters.annotate import AUTHOR, FILLS, RESULTS_SHEET, STATE_SHEET
from perfxl.cli import main as cli_main
from perfxl.excel import dispatch
from perfxl.excel.book import FileBook
from perfxl.excel.buttons import BUTTONS
from perfxl.excel.handlers import HANDLERS, HELP_SHEET

from _workbooks import guangdong_rows, shandong_rows, write_rows
from seed_forms import guangdong_seed, shandong_seed

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> list[Path]:
    """The example forms when they are built, else the seeds laid out as workbooks."""
    found = sorted(EXAMPLES.glob("*.xlsx"))
    if found:
        return found
    out = tmp_path_factory.mktemp("forms")
    gd = write_rows(out / "guangdong.xlsx", *guangdong_rows(guangdong_seed()))
    sd = write_rows(out / "shandong.xlsx", *shandong_rows(shandong_seed()))
    wb = openpyxl.load_workbook(gd)  # a user's own fill and comment must survive 校验/清除标注
    ws = wb.worksheets[0]
    ws["C4"].fill = openpyxl.styles.PatternFill("solid", fgColor="FF00B050")
    ws["C4"].comment = openpyxl.comments.Comment("人数待人事科确认", "张三")
    wb.save(gd)
    return [gd, sd]


def cli_findings(path: Path, capsys) -> list[dict]:
    cli_main(["check", "--format", "json", str(path)])
    return json.loads(capsys.readouterr().out)


def test_check_handler_gives_the_findings_of_perfxl_check(forms, tmp_path, capsys):
    for form in forms:
        expected = cli_findings(form, capsys)
        assert expected, form.name  # the seeds have known defects
        out = tmp_path / f"checked-{form.name}"
        assert cli_main(["addin", "run", "px_check", "--book", str(form), "-o", str(out)]) == 0
        assert "校验完成" in capsys.readouterr().out
        wb = openpyxl.load_workbook(out)
        rows = list(wb[RESULTS_SHEET].iter_rows(min_row=2, max_row=len(expected) + 1, values_only=True))
        got = [(r[2], r[3], r[4], r[5]) for r in rows]
        assert got == [(f["rule"], f["sheet"], f["cell"], f["message"]) for f in expected]
        assert wb.active.title == RESULTS_SHEET
        assert wb[STATE_SHEET].sheet_state == "veryHidden"

        # The same cells are marked as `perfxl check --annotate` marks them.
        annotated = tmp_path / f"annotated-{form.name}"
        cli_main(["check", "--annotate", "-o", str(annotated), str(form)])
        capsys.readouterr()
        ref = openpyxl.load_workbook(annotated)
        for ws in ref.worksheets:
            if ws.title in (RESULTS_SHEET, STATE_SHEET):
                continue
            for row in ws.iter_rows():
                for c in row:
                    mine = wb[ws.title][c.coordinate]
                    assert (mine.comment.text if mine.comment else None) == \
                        (c.comment.text if c.comment else None), (form.name, c.coordinate)
                    if c.comment is not None and c.comment.author == AUTHOR:
                        assert mine.fill.fgColor.rgb == c.fill.fgColor.rgb
                        assert mine.fill.fgColor.rgb in FILLS.values()


def test_clear_marks_restores_the_form(forms, tmp_path, capsys):
    form = forms[0]
    checked = tmp_path / "checked.xlsx"
    cleared = tmp_path / "cleared.xlsx"
    assert dispatch.run_headless("px_check", form, {}, checked)[0].startswith("校验完成")
    text, _ = dispatch.run_headless("px_clear_marks", checked, {}, cleared)
    assert "已清除" in text
    before, after = openpyxl.load_workbook(form), openpyxl.load_workbook(cleared)
    assert after.sheetnames == before.sheetnames
    for ws in before.worksheets:
        for row in ws.iter_rows():
            for c in row:
                d = after[ws.title][c.coordinate]
                assert d.value == c.value
                assert (d.comment.text, d.comment.author) == (c.comment.text, c.comment.author) \
                    if c.comment else d.comment is None, c.coordinate
                assert d.fill.fgColor.rgb == c.fill.fgColor.rgb, c.coordinate


def test_clear_marks_also_clears_a_cli_annotated_copy(forms, tmp_path, capsys):
    annotated = tmp_path / "annotated.xlsx"
    cli_main(["check", "--annotate", "-o", str(annotated), str(forms[0])])
    capsys.readouterr()
    out = tmp_path / "cleared.xlsx"
    dispatch.run_headless("px_clear_marks", annotated, {}, out)
    wb = openpyxl.load_workbook(out)
    assert RESULTS_SHEET not in wb.sheetnames and STATE_SHEET not in wb.sheetnames
    assert all(c.comment is None or c.comment.author != AUTHOR
               for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_help_lists_every_button(forms, tmp_path):
    out = tmp_path / "help.xlsx"
    dispatch.run_headless("px_help", forms[0], {}, out)
    wb = openpyxl.load_workbook(out)
    labels = [r[0] for r in wb[HELP_SHEET].iter_rows(min_row=2, values_only=True) if r[0]]
    assert [b.label for b in BUTTONS] == labels[:len(BUTTONS)]
    assert wb.active.title == HELP_SHEET
    ws = wb[HELP_SHEET]
    assert ws.column_dimensions["B"].width == 60 and ws["B2"].alignment.wrap_text


def test_every_handler_has_a_button_and_runs_headless(forms, tmp_path):
    assert set(HANDLERS) == {b.id for b in BUTTONS}
    # what a user would type into the input boxes
    from conftest import GUANGDONG_SEED

    params = {"px_fill_indicators": {"query": "满意度"},
              "px_consolidate": {"folder": str(forms[0].parent)},
              "px_new_form": {"layout": "1"},
              "px_import_text": {"file": str(GUANGDONG_SEED)},
              "px_distribute": {"folder": str(tmp_path / "分发"), "mode": "3"}}
    books = {"px_distribute": roster_book(tmp_path / "名单.xlsx")}  # clicked on the 部门名单
    for control_id in HANDLERS:
        text, out = dispatch.run_headless(control_id, books.get(control_id, forms[0]),
                                          params.get(control_id, {}), tmp_path / f"{control_id}.xlsx")
        assert text and out.exists()


def test_run_refuses_unknown_buttons_and_overwriting_the_source(forms, tmp_path, capsys):
    assert cli_main(["addin", "run", "px_nope", "--book", str(forms[0]), "-o", str(tmp_path / "o.xlsx")]) == 2
    assert "没有这个按钮" in capsys.readouterr().err
    assert cli_main(["addin", "run", "px_check", "--book", str(forms[0]), "-o", str(forms[0])]) == 2
    assert "源文件" in capsys.readouterr().err


def _values(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def test_fill_handler_matches_perfxl_fill(forms, tmp_path, capsys):
    form = forms[0]
    ids = ["SF-001", "SF-048"]
    cli_out = tmp_path / "cli.xlsx"
    assert cli_main(["fill", str(form), "--ids", *ids, "-o", str(cli_out)]) == 0
    capsys.readouterr()
    text, out = dispatch.run_headless("px_fill_indicators", form, {"ids": ",".join(ids)}, tmp_path / "h.xlsx")
    assert "已填入" in text and "原表未修改" in text
    assert _values(out) == _values(cli_out)
    assert _values(out) != _values(form)


def test_fill_handler_searches_and_picks(forms, tmp_path):
    text, out = dispatch.run_headless("px_fill_indicators", forms[0],
                                      {"query": "法律援助", "pick": "1"}, tmp_path / "h.xlsx")
    assert text.startswith("已填入：")
    name = text.split("：", 1)[1].split("（", 1)[0]
    assert any(name in str(v) for rows in _values(out).values() for row in rows for v in row)
    bad, _ = dispatch.run_headless("px_fill_indicators", forms[0],
                                   {"query": "法律援助", "pick": "99"}, tmp_path / "b.xlsx")
    assert "序号应在" in bad


def test_consolidate_handler_matches_perfxl_consolidate(forms, tmp_path, capsys):
    folder = tmp_path / "各单位"
    folder.mkdir()
    for i, form in enumerate(forms):
        (folder / f"{i}_{form.name}").write_bytes(form.read_bytes())
    cli_out = tmp_path / "cli.xlsx"
    cli_main(["consolidate", str(folder), "-o", str(cli_out), "--jobs", "1", "-q"])
    capsys.readouterr()
    text, out = dispatch.run_headless("px_consolidate", forms[0], {"folder": str(folder)}, tmp_path / "h.xlsx")
    assert text.startswith(f"汇总完成：{len(forms)} 个文件")
    def timeless(values):  # the 说明 sheet records when, how fast and with how many processes
        run_facts = (["生成时间"], ["读取与校验用时"], ["并行进程数"])
        return {k: [r for r in rows if r[:1] not in run_facts] for k, rows in values.items()}

    assert timeless(_values(out)) == timeless(_values(cli_out))
    missing, _ = dispatch.run_headless("px_consolidate", forms[0], {"folder": str(tmp_path / "无")},
                                       tmp_path / "m.xlsx")
    assert "找不到文件夹" in missing


def test_new_form_handler_matches_perfxl_template(forms, tmp_path, capsys):
    cli_out = tmp_path / "cli.xlsx"
    assert cli_main(["template", "--layout", "shandong", "--year", "2025", "--dept", "临沂市司法局",
                     "-o", str(cli_out)]) == 0
    capsys.readouterr()
    text, out = dispatch.run_headless("px_new_form", forms[0],
                                      {"layout": "2", "year": "2025", "dept": "临沂市司法局"}, tmp_path / "h.xlsx")
    assert text.startswith("已新建山东表式的 2025 年度申报表")
    assert _values(out) == _values(cli_out)
    bad, _ = dispatch.run_headless("px_new_form", forms[0], {"layout": "3"}, tmp_path / "b.xlsx")
    assert "表式应为" in bad


def test_import_text_handler_matches_perfxl_import(forms, tmp_path, capsys):
    from conftest import SHANDONG_SEED

    cli_out = tmp_path / "cli.xlsx"
    assert cli_main(["import", str(SHANDONG_SEED), "-o", str(cli_out)]) == 0
    summary = capsys.readouterr().out.split("\n已生成")[0].strip()
    text, out = dispatch.run_headless("px_import_text", forms[0], {"file": str(SHANDONG_SEED)}, tmp_path / "h.xlsx")
    assert text.startswith(summary)
    assert _values(out) == _values(cli_out)


def test_calculate_handler_lists_the_figures_of_perfxl_calc(forms, tmp_path, capsys):
    from perfxl.excel.handlers import CALC_SHEET

    for form in forms:
        cli_main(["calc", str(form)])
        expected = capsys.readouterr().out.rstrip("\n").split("\n")
        text, out = dispatch.run_headless("px_calculate", form, {}, tmp_path / f"c-{form.name}")
        assert CALC_SHEET in text
        wb = openpyxl.load_workbook(out)
        lines = [r[0] for r in wb[CALC_SHEET].iter_rows(values_only=True)]
        assert lines[0] == f"文件：{form.name}"  # the book's name, where the CLI shows the path
        assert lines[1:] == expected[1:]
        assert any("覆盖率" in line for line in lines)


def roster_book(path: Path) -> Path:
    from perfxl.adapters.roster_xlsx import write_roster_template

    write_roster_template(path)
    wb = openpyxl.load_workbook(path)
    wb["部门名单"].append(["惠州市司法局", "101001", "广东", "张三", "zhang@example.cn", None])
    wb["部门名单"].append(["临沂市司法局", "371001", "山东", "王五", "wang@example.cn", None])
    wb.save(path)
    return path


def test_distribute_handler_matches_perfxl_distribute(tmp_path, capsys):
    roster = roster_book(tmp_path / "名单.xlsx")
    sender = "jxk@czj.example.gov.cn"
    cli_dir, h_dir = tmp_path / "cli", tmp_path / "ribbon"
    assert cli_main(["distribute", str(roster), "--year", "2025", "-o", str(cli_dir), "--dry-run",
                     "--sender", sender]) == 0
    capsys.readouterr()
    text, _ = dispatch.run_headless("px_distribute", roster, {"year": "2025", "folder": str(h_dir),
                                                              "sender": sender}, tmp_path / "o.xlsx")
    assert "2 个部门" in text and "已生成 2 封邮件" in text

    def listing(d):
        return sorted(p.relative_to(d).as_posix() for p in d.rglob("*")
                      if p.is_file() and p.suffix in (".xlsx", ".eml") and p.parent != d)

    assert listing(h_dir) == listing(cli_dir) and len(listing(h_dir)) == 4
    for rel in listing(cli_dir):
        if rel.endswith(".xlsx"):
            assert _values(h_dir / rel) == _values(cli_dir / rel)
    assert (h_dir / "部门名单.xlsx").exists()
    bad, _ = dispatch.run_headless("px_distribute", roster, {"folder": str(h_dir), "mode": "7"}, tmp_path / "b.xlsx")
    assert bad == "请输入 1、2 或 3。"


class AskingBook(FileBook):
    """A headless book that records what the button asks (answering with the default)."""

    def __init__(self, path, params):
        super().__init__(path, params)
        self.asked: list[tuple[str, str]] = []

    def ask(self, key, prompt, default="", kind="text", optional=False):
        self.asked.append((key, prompt))
        return super().ask(key, prompt, default, kind, optional)


@pytest.fixture
def no_mail_environment(monkeypatch):
    for name in ("PERFXL_SMTP_USER", "PERFXL_SMTP_PASSWORD", "PERFXL_IMAP_USER", "PERFXL_IMAP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_distribute_button_sends_with_the_mail_settings_of_perfxl_toml(tmp_path, no_mail_environment):
    from tests._mailserver import Recorder, smtp_server

    user = "jxk@czj.example.gov.cn"
    no_mail_environment.setenv("PERFXL_SMTP_PASSWORD", "s3cret")  # passwords: environment only
    project = tmp_path / "2026年申报"
    (project / "模板").mkdir(parents=True)
    (project / "模板" / "distribute_subject.j2").write_text("【{{ sender_name }}】{{ department }}请填报", "utf-8")
    (project / "说明.txt").write_text("请用 WPS 或 Excel 填写。", "utf-8")
    (project / "名单").mkdir()
    roster = roster_book(project / "名单" / "部门名单.xlsx")  # perfxl.toml is found upwards
    rec = Recorder()
    with smtp_server(rec, auth=(user, "s3cret")) as (port, auth):
        (project / "perfxl.toml").write_text(f"""ignore = ["PX307"]

[mail]
host = "127.0.0.1"
port = {port}
security = "none"
user = "{user}"
sender = "{user}"
sender-name = "市财政局绩效科"
sender-contact = "0752-2800000"
rate = "600/min"
templates = "模板"
instructions = "@说明.txt"
""", "utf-8")
        book = AskingBook(roster, {"year": "2026", "folder": str(project / "分发"), "mode": "1"})
        text = dispatch.execute("px_distribute", book)
    # nothing the bureau configured is asked again; only the deadline, which changes every year
    assert [key for key, _ in book.asked] == ["deadline"]
    assert auth.logins == [user]
    lines = text.split("\n")
    assert f"发件人：市财政局绩效科 <{user}>" in lines
    assert f"发件服务器：127.0.0.1:{port}（不加密，登录用户 {user}）" in lines
    assert f"邮件设置取自：{project / 'perfxl.toml'}" in lines
    assert any("本次发送 2 封" in line for line in lines)
    msgs = rec.parsed()
    assert len(msgs) == 2
    for m in msgs:
        [sender] = m["From"].addresses
        assert (sender.display_name, sender.addr_spec) == ("市财政局绩效科", user)
        assert m["Subject"].startswith("【市财政局绩效科】")
        body = m.get_body(("plain",)).get_content()
        assert "（0752-2800000）" in body and "请用 WPS 或 Excel 填写。" in body


def test_distribute_button_shows_the_file_sender_and_a_set_value_overrides_it(tmp_path, no_mail_environment):
    from email import message_from_bytes, policy

    (tmp_path / "perfxl.toml").write_text(
        '[mail]\nhost = "smtp.example.gov.cn"\nsender = "jxk@czj.example.gov.cn"\nsender-name = "市财政局"\n', "utf-8")
    roster = roster_book(tmp_path / "名单.xlsx")

    def from_of(folder):
        eml = next((folder / "邮件" / "分发").glob("*.eml"))
        address = message_from_bytes(eml.read_bytes(), policy=policy.default)["From"].addresses[0]
        return address.display_name, address.addr_spec

    book = AskingBook(roster, {"year": "2025", "folder": str(tmp_path / "a")})
    text = dispatch.execute("px_distribute", book)
    # Asked only which mode (and the deadline), and shown beforehand what sending would use.
    (key, prompt), (then, _) = book.asked
    assert then == "deadline"
    assert key == "mode" and "发件服务器 smtp.example.gov.cn" in prompt and "发件人 jxk@czj.example.gov.cn" in prompt
    assert "已生成 2 封邮件" in text and "发件人：市财政局 <jxk@czj.example.gov.cn>" in text
    assert from_of(tmp_path / "a") == ("市财政局", "jxk@czj.example.gov.cn")
    # --set (headless) outranks the file, as a flag does on the command line.
    params = {"year": "2025", "folder": str(tmp_path / "b"), "mode": "2",
              "sender": "li@czj.example.gov.cn", "sender_name": "绩效科"}
    text, _ = dispatch.run_headless("px_distribute", roster, params, tmp_path / "o.xlsx")
    assert "发件人：绩效科 <li@czj.example.gov.cn>" in text
    assert from_of(tmp_path / "b") == ("绩效科", "li@czj.example.gov.cn")


@pytest.mark.parametrize("table, words", [
    ('[mail]\nhost = "smtp.example.gov.cn"\npassword = "123456"\n', ("不能写密码", "PERFXL_SMTP_PASSWORD")),
    ('[mail]\nsmtp-host = "smtp.example.gov.cn"\n', ("未知的配置项“smtp-host”",)),
    ('[mail]\nport = "twenty-five"\n', ("“port”", "端口号")),
])
def test_distribute_button_tells_a_broken_mail_table_in_chinese(tmp_path, no_mail_environment, table, words):
    (tmp_path / "perfxl.toml").write_text(table, "utf-8")
    roster = roster_book(tmp_path / "名单.xlsx")
    params = {"year": "2025", "folder": str(tmp_path / "out"), "mode": "2", "sender": "a@example.cn"}
    text, _ = dispatch.run_headless("px_distribute", roster, params, tmp_path / "o.xlsx")
    assert text.startswith("邮件设置有误，未生成任何文件。") and str(tmp_path / "perfxl.toml") in text
    assert all(w in text for w in words) and "Traceback" not in text
    assert not (tmp_path / "out").exists()


def test_a_broken_perfxl_toml_is_told_as_a_settings_problem(tmp_path, forms):
    from perfxl.core.rules import ConfigError

    form = tmp_path / "form.xlsx"
    form.write_bytes(forms[0].read_bytes())
    (tmp_path / "perfxl.toml").write_text('framework = "2030"\n', "utf-8")
    with pytest.raises(ConfigError) as exc:
        dispatch.run_headless("px_check", form, {}, tmp_path / "checked.xlsx")
    text = dispatch.error_text("px_check", exc.value)
    assert text.startswith("校验设置有误（perfxl.toml）：") and "2030" in text and "内部错误" not in text
    assert dispatch.error_text("px_check", RuntimeError("x")) == "内部错误：RuntimeError: x"
    assert "px_nope" in dispatch.error_text("px_nope", dispatch.UnknownControl("px_nope"))


def test_headless_buttons_on_an_xlsm_keep_its_macros_and_ribbon(forms, tmp_path):
    import zipfile

    from perfxl.addin.build import REL_UI14, build_xlsm

    source = build_xlsm(forms[-1], tmp_path / "form.xlsm")
    with zipfile.ZipFile(source) as zf:
        vba, ui = zf.read("xl/vbaProject.bin"), zf.read("customUI/customUI14.xml")
    for control_id in ("px_check", "px_clear_marks"):
        _, out = dispatch.run_headless(control_id, source, {}, tmp_path / f"{control_id}.xlsm")
        with zipfile.ZipFile(out) as zf:
            assert zf.read("xl/vbaProject.bin") == vba and zf.read("customUI/customUI14.xml") == ui
            assert REL_UI14 in zf.read("_rels/.rels").decode()
        source = out


def test_distribute_handler_asks_for_the_deadline_and_offers_the_saved_one(tmp_path):
    from email import message_from_bytes, policy

    roster = roster_book(tmp_path / "名单.xlsx")
    out = tmp_path / "2025分发"
    base = {"year": "2025", "folder": str(out), "sender": "jxk@czj.example.gov.cn"}

    def bodies():
        return [message_from_bytes(p.read_bytes(), policy=policy.default).get_body(("plain",)).get_content()
                for p in sorted((out / "邮件" / "分发").glob("*.eml"))]

    text, _ = dispatch.run_headless("px_distribute", roster, {**base, "deadline": "2025年3月31日",
                                                              "sender_name": "市财政局绩效科"}, tmp_path / "a.xlsx")
    assert "已生成 2 封邮件" in text
    assert len(bodies()) == 2 and all("请于 2025年3月31日 前" in b for b in bodies())
    assert json.loads((out / "分发清单.json").read_text("utf-8"))["deadline"] == "2025年3月31日"
    # asked again, the saved deadline is the default (headless: taken as the answer);
    # the name not given again is kept and said so
    for p in (out / "邮件" / "分发").glob("*.eml"):
        p.unlink()
    text, _ = dispatch.run_headless("px_distribute", roster, base, tmp_path / "b.xlsx")
    assert "沿用上次分发时的设置：发件单位 市财政局绩效科" in text
    assert len(bodies()) == 2 and all("请于 2025年3月31日 前" in b and "市财政局绩效科" in b for b in bodies())
    # only forms: nothing asked, the saved deadline stays for the reminders
    text, _ = dispatch.run_headless("px_distribute", roster, {"year": "2025", "folder": str(out), "mode": "3"},
                                    tmp_path / "c.xlsx")
    assert "截止时间 2025年3月31日" in text
    assert json.loads((out / "分发清单.json").read_text("utf-8"))["deadline"] == "2025年3月31日"
    # an answer replaces it; another year offers none
    dispatch.run_headless("px_distribute", roster, {**base, "deadline": "2025年4月10日"}, tmp_path / "d.xlsx")
    assert all("请于 2025年4月10日 前" in b for b in bodies())
    dispatch.run_headless("px_distribute", roster, {**base, "year": "2026"}, tmp_path / "e.xlsx")
    assert json.loads((out / "分发清单.json").read_text("utf-8"))["deadline"] == ""
