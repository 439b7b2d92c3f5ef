"""perfxl demo: every step's output exists and holds what the step is about; sources are
never touched; a failing step is reported and the rest still run; reruns replace safely."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path

import openpyxl
import pytest

from perfxl.adapters import demo
from perfxl.adapters.annotate import RESULTS_SHEET
from perfxl.adapters.roster_xlsx import read_roster
from perfxl.adapters.xlsx_reader import load_grids, read_form
from perfxl.cli import main
from perfxl.core.roster import SHEET
from tests.conftest import EXAMPLES, GUANGDONG_SEED, ROOT, SHANDONG_SEED, SHARED_SEEDS

# file in 6_汇总/回收的申报表 → status in the summary
EXPECTED_STATUS = {
    "临沂市司法局_2021.xlsx": "需修改",  # the seeds carry their published defects
    "惠州市司法局_2022.xlsx": "需修改",
    "惠州市司法局_2023.xlsx": "通过",  # examples/guangdong_clean_2023.xlsx
    "示例市教育局_2023.xlsx": "通过",
    "示例市民政局_2023.xlsx": "通过",
    "示例市水务局_2023.xlsx": "需修改",
    "示例市审计局_2023.xlsx": "无法读取",
}


def _digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "演示输出"
    before = _digests(EXAMPLES)
    lines: list[str] = []
    started = time.monotonic()
    result = demo.run_demo(out, progress=lines.append)
    seconds = time.monotonic() - started
    return result, out, lines, seconds, before


def test_every_step_succeeds_quickly_and_every_output_exists(run):
    result, out, lines, seconds, _ = run
    assert [s.error for s in result.steps] == [""] * len(demo.STEPS)
    assert result.ok and seconds < 90
    assert len([l for l in lines if l.startswith("[")]) == len(demo.STEPS)
    listed = [o.path for s in result.steps for o in s.outputs]
    assert len(listed) >= 12
    for rel in listed:
        assert (out / rel).exists(), rel
    assert not [p for p in out.rglob("*") if p.name.startswith(".perfxl-tmp")]


def test_sources_are_not_modified(run):
    *_, before = run
    assert _digests(EXAMPLES) == before


def test_readme_file_is_the_printed_guide_and_names_every_output(run):
    result, out, *_ = run
    text = (out / demo.README).read_text("utf-8")
    assert text == demo.guide_text(result)
    assert str(out) not in text  # relative paths: the text does not depend on the folder
    for i, step in enumerate(result.steps, start=1):
        assert f"{i}. {step.title}" in text
        for o in step.outputs:
            assert o.path in text
    assert f"{len(result.steps) + 1}. 本说明" in text and "未完成" not in text


def test_templates_are_the_blank_official_layouts(run):
    _, out, *_ = run
    forms = [read_form(p) for p in sorted((out / demo.TEMPLATES_DIR).glob("*.xlsx"))]
    assert sorted(f.layout for f in forms) == ["guangdong", "shandong"]
    assert all(f.year == demo.YEAR and not f.department and not f.indicators for f in forms)


def test_a_template_is_said_to_have_dropdowns_only_if_it_has_them(run):
    result, out, *_ = run
    [step] = [s for s in result.steps if any(o.path.startswith(demo.TEMPLATES_DIR) for o in s.outputs)]
    for o in step.outputs:
        ws = openpyxl.load_workbook(out / o.path).worksheets[0]
        has_lists = any(dv.type == "list" for dv in ws.data_validations.dataValidation)
        assert ("下拉列表" in o.what) == has_lists, o.path
    assert sum("下拉列表" in o.what for o in step.outputs) == 1  # Guangdong only


def test_imported_forms_hold_the_seeds(run):
    _, out, *_ = run
    gd = read_form(out / demo.IMPORT_DIR / "惠州市司法局_2022.xlsx")
    assert (gd.department, gd.budget.basic, gd.budget.project) == ("惠州市司法局", 4120.17, 851.85)
    sd = read_form(out / demo.IMPORT_DIR / "临沂市司法局_2021.xlsx")
    assert sd.layout == "shandong" and sd.budget.total == 2794.05


def test_check_writes_annotated_copies_and_the_listing(run):
    _, out, *_ = run
    listing = (out / demo.CHECK_DIR / "校验结果.txt").read_text("utf-8").splitlines()
    assert listing[-1].startswith("共 ") and "错误" in listing[-1]
    # a published defect of the Huizhou seed, named by file (relative) and cell
    assert any(l.startswith("2_导入/惠州市司法局_2022.xlsx:") and "PX302" in l and "成本标" in l
               for l in listing)
    for stem in ("惠州市司法局_2022", "临沂市司法局_2021"):
        wb = openpyxl.load_workbook(out / demo.CHECK_DIR / f"{stem}_已标注.xlsx")
        rows = [r for r in wb[RESULTS_SHEET].iter_rows(min_row=2, values_only=True) if r[0]]
        mine = [l for l in listing if l.startswith(f"2_导入/{stem}.xlsx:")]
        assert len(rows) == len(mine) > 0
        main_sheet = wb.worksheets[0]
        assert any(c.comment is not None for row in main_sheet.iter_rows() for c in row)


def test_fill_adds_library_indicators(run):
    _, out, *_ = run
    log = (out / demo.FILL_DIR / "填充记录.txt").read_text("utf-8")
    for stem in ("惠州市司法局_2022", "临沂市司法局_2021"):
        before = read_form(out / demo.IMPORT_DIR / f"{stem}.xlsx")
        after = read_form(out / demo.FILL_DIR / f"{stem}_已填充指标.xlsx")
        added = len(after.indicators) - len(before.indicators)
        assert added > 0
        assert {i.name for i in before.indicators} <= {i.name for i in after.indicators}
    assert log.count("已填入 SF-") >= 2


def test_distribution_writes_one_mail_per_roster_department(run):
    _, out, *_ = run
    folder = out / demo.DISTRIBUTE_DIR
    roster = read_roster(folder / "部门名单.xlsx")
    assert not roster.errors and len(roster.departments) == len(demo.SAMPLE_ROSTER)
    emls = sorted(folder.rglob("*.eml"))
    forms = sorted((folder / "申报表").glob("*.xlsx"))
    assert len(emls) == len(forms) == len(roster.departments)
    for dept in roster.departments:
        [eml] = [p for p in emls if dept.name in p.name]
        msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
        to = sorted(a.addr_spec for a in msg["To"].addresses)
        assert to == sorted(dept.emails) and dept.name in msg["Subject"]
        assert all(a.addr_spec.split("@")[1].startswith("example.") for a in msg["To"].addresses)
        [attachment] = list(msg.iter_attachments())
        assert attachment.get_filename().endswith(".xlsx")
    huizhou = read_form(next(p for p in forms if "惠州市司法局" in p.name))
    last_year = read_form(out / demo.IMPORT_DIR / "惠州市司法局_2022.xlsx")
    assert huizhou.year == demo.YEAR  # last year's indicators and tasks pre-filled
    # the one row that slid a column left last year comes back with its name in place
    assert [i.name for i in huizhou.indicators] == \
        [o.level2 if o.level1 == "生态效益指标" else o.name for o in last_year.indicators]
    assert all(i.annual_value == i.period_value == "" for i in huizhou.indicators)
    assert [t.name for t in huizhou.tasks] == [t.name for t in last_year.tasks]


def test_summary_has_one_row_per_department_with_every_status(run):
    _, out, *_ = run
    wb = openpyxl.load_workbook(out / demo.SUMMARY_DIR / demo.SUMMARY_FILE)
    ws = wb["汇总"]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    status, source = head.index("状态"), head.index("源文件")
    links = {ws.cell(r, source + 1).hyperlink.target: rows[r - 1][status]
             for r in range(2, len(rows) + 1) if ws.cell(r, source + 1).hyperlink}
    got = {t.replace("\\", "/").rsplit("/", 1)[-1]: s for t, s in links.items()}
    assert got == EXPECTED_STATUS
    returned = out / demo.SUMMARY_DIR / demo.RETURNED_DIR
    assert sorted(p.name for p in returned.iterdir()) == sorted(EXPECTED_STATUS)
    clean = returned / "惠州市司法局_2023.xlsx"
    assert clean.read_bytes() == (EXAMPLES / demo.CLEAN_EXAMPLE).read_bytes()


def test_bundled_seeds_match_the_shared_originals():
    if not SHARED_SEEDS.is_dir():
        pytest.skip("../shared/seeds is not here (a fresh clone): the bundled copies are all there is")
    assert GUANGDONG_SEED.read_bytes() == (SHARED_SEEDS / "000_1f23131ff932cb0d.txt").read_bytes()
    assert SHANDONG_SEED.read_bytes() == (SHARED_SEEDS / "004_44c2139d19a13d1b.txt").read_bytes()


def test_bundled_roster_is_what_the_code_builds(tmp_path):
    rebuilt = demo.write_sample_roster(tmp_path / "名单.xlsx")
    old, new = load_grids(EXAMPLES / demo.ROSTER_FILE), load_grids(rebuilt)
    assert [(g.sheet, g.cells) for g in old] == [(g.sheet, g.cells) for g in new]
    wb = openpyxl.load_workbook(rebuilt, read_only=True)
    assert [r[0] for r in wb[SHEET].iter_rows(min_row=2, values_only=True) if r[0]] == \
        [r[0] for r in demo.SAMPLE_ROSTER]


def test_refuses_a_folder_that_is_not_a_demo_output(tmp_path, capsys):
    mine = tmp_path / "我的文件"
    mine.mkdir()
    (mine / "预算.xlsx").write_bytes(b"keep me")
    assert main(["demo", "-o", str(mine)]) == 2
    err = capsys.readouterr().err
    assert "不是 perfxl demo 的输出" in err and "Traceback" not in err
    assert [p.name for p in mine.iterdir()] == ["预算.xlsx"]
    assert main(["demo", "-o", str(EXAMPLES / "输出")]) == 2
    assert "examples" in capsys.readouterr().err and not (EXAMPLES / "输出").exists()


def test_interrupted_run_puts_the_previous_output_back(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / demo.MARKER).write_text("", "utf-8")
    (out / "上次.txt").write_text("上次的输出", "utf-8")

    def interrupted(folder, step):
        (folder / "半成品.txt").write_text("x", "utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(demo, "STEPS", [("中断", interrupted)])
    with pytest.raises(KeyboardInterrupt):
        demo.run_demo(out)
    assert sorted(p.name for p in out.iterdir()) == sorted([demo.MARKER, "上次.txt"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.slow
def test_failing_step_is_reported_and_the_others_still_run(tmp_path, monkeypatch, capsys):
    from perfxl.adapters import import_workbook
    from perfxl.core.findings import FormReadError

    def broken(path, layout="auto"):
        raise FormReadError(str(path), "模拟的读取失败")

    monkeypatch.setattr(import_workbook, "import_file", broken)
    out = tmp_path / "out"
    assert main(["demo", "-o", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "失败：" in printed and "模拟的读取失败" in printed
    text = (out / demo.README).read_text("utf-8")
    assert "2. 导入公开发布的申报表文本（未完成" in text and "注意：第 2 步、第 3 步、第 4 步未完成" in text
    # templates, distribution (without history) and the summary still happened
    assert len(list((out / demo.TEMPLATES_DIR).glob("*.xlsx"))) == 2
    assert len(list(out.rglob("*.eml"))) == len(demo.SAMPLE_ROSTER)
    assert (out / demo.SUMMARY_DIR / demo.SUMMARY_FILE).is_file()


@pytest.mark.slow
def test_console_entry_replaces_the_previous_output(tmp_path, run):
    out = tmp_path / "demo-output"
    out.mkdir()
    (out / demo.MARKER).write_text("", "utf-8")
    (out / "旧文件.txt").write_text("上次运行留下的", "utf-8")
    r = subprocess.run([sys.executable, "-m", "perfxl", "demo", "-o", str(out)], capture_output=True,
                       text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr
    assert not (out / "旧文件.txt").exists()
    guide = (out / demo.README).read_text("utf-8")
    assert guide in r.stdout and str(out.resolve()) in r.stdout
    assert guide == demo.guide_text(run[0])  # another folder, another process: the same result
    assert (out / demo.SUMMARY_DIR / demo.SUMMARY_FILE).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo-output"]


def test_previous_output_held_open_is_reported_and_left_alone(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / demo.MARKER).write_text("", "utf-8")
    (out / "汇总表.xlsx").write_bytes(b"open in Excel")

    def locked(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(demo.os, "replace", locked)
    assert main(["demo", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Excel 中打开" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (out / "汇总表.xlsx").read_bytes() == b"open in Excel"
