"""perfxl fill: indicators from the library into forms, without breaking the workbook."""

from __future__ import annotations

import hashlib
import json

import openpyxl
import pytest

from perfxl.adapters.fill_xlsx import fill_form
from perfxl.adapters.libreoffice import recalculate
from perfxl.adapters.library_xlsx import builtin_library
from perfxl.adapters.sheet_rows import shift_formula, shift_reference
from perfxl.adapters.xlsx_reader import read_form
from perfxl.cli import main
from perfxl.core.grid import Grid
from perfxl.core.library.fill import FillError, FillItem, plan_fill
from tests.library_forms import GD_SHEET, SD_SHEET, guangdong_form, shandong_form

LIB = builtin_library()
GD_IDS = ["SF-001", "SF-034", "SF-046", "JT-012", "TY-023", "SF-053", "TY-024"]


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(form):
    return [(i.level1, i.level2, i.name, i.annual_value, i.period_value) for i in form.indicators]


def _is_subsequence(small, big) -> bool:
    it = iter(big)
    return all(x in it for x in small)


def _grouped(values) -> bool:
    """Each value occupies one contiguous run (a category is one block)."""
    seen, last = set(), object()
    for v in values:
        if v != last and v in seen:
            return False
        seen.add(v)
        last = v
    return True


@pytest.fixture
def gd(tmp_path):
    return guangdong_form(tmp_path / "广东.xlsx")


@pytest.fixture
def sd(tmp_path):
    return shandong_form(tmp_path / "山东.xlsx")


def test_fill_guangdong_by_ids(gd, tmp_path):
    before = read_form(gd)
    digest = _digest(gd)
    out = tmp_path / "out" / "广东_填好.xlsx"
    result = fill_form(gd, out, [FillItem(LIB.get(i)) for i in GD_IDS])
    assert _digest(gd) == digest  # the source is never written
    after = read_form(out)
    assert _is_subsequence(_rows(before), _rows(after))  # old rows unchanged, in order
    new = {i.name: (i.level1, i.level2, i.annual_value, i.period_value) for i in after.indicators}
    assert new["法律援助案件数"] == ("产出指标", "数量指标", "≥3000宗", "≥3000宗")
    assert new["人民调解成功率"] == ("产出指标", "质量指标", "≥98%", "≥98%")
    assert new["人均培训费"] == ("产出指标", "成本指标", "≤550元/人", "≤550元/人")
    assert new["安全生产责任事故次数"][:2] == ("产出指标", "成本指标")  # 2021 社会成本指标 on a 2015 form
    assert new["道路运输较大及以上安全事故起数"][:2] == ("效益指标", "社会效益指标")
    assert new["服务对象满意度"][:2] == ("满意度指标", "服务对象满意度指标")
    assert len(after.indicators) == len(before.indicators) + 6
    assert [i.name for i in after.indicators].count("群众满意度") == 1
    assert [(i.indicator.id, why) for i, why in result.plan.skipped] == [("SF-053", "表中已有同名三级指标")]
    assert _grouped([i.level1 for i in after.indicators])
    assert _grouped([(i.level1, i.level2) for i in after.indicators])
    # the spare row of 数量指标 was used: no row was added before the first 质量指标 row
    assert after.source("indicators[1].name").cell == "C15"
    assert not list(out.parent.glob(".perfxl-tmp*"))


def test_fill_keeps_formulas_names_validation_and_print_area(gd, tmp_path):
    out = fill_form(gd, tmp_path / "o.xlsx", [FillItem(LIB.get(i)) for i in GD_IDS]).output
    wb = openpyxl.load_workbook(out)
    ws = wb[GD_SHEET]
    last = 20 + 5  # 7 rows, 1 spare used, 5 inserted
    assert ws["D12"].value == "=SUM(D10:D11)"
    assert ws["G5"].value == "=C5+C6"
    assert ws["G14"].value == f"=COUNTA(C14:C{last})"
    assert wb.defined_names["PX_INDICATORS"].attr_text == f"'{GD_SHEET}'!$A$14:$E${last}"
    assert wb.defined_names["PX_TASK_TOTAL"].attr_text == f"'{GD_SHEET}'!$D$12"
    assert ws.print_area == f"'{GD_SHEET}'!$A$1:$E${last + 1}"
    assert ws.cell(last + 1, 1).value == "填报人："
    ranges = sorted(str(dv.sqref) for dv in ws.data_validations.dataValidation)
    assert ranges == [f"A14:A{last}", f"B14:B{last}"]
    assert [str(cf.sqref) for cf in ws.conditional_formatting] == [f"D14:E{last}"]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {"A1:E1", "B2:E2", "A4:A6", "A9:A12", "B14:B15"} <= merged
    assert "A14:A20" in merged  # 产出指标 grew over its two new rows
    assert ws["E19"].value == "≤550元/人"
    assert ws["D15"].data_type == "s"
    # a new row takes the style of the row above it
    assert ws["C17"].fill.fgColor.rgb == ws["C16"].fill.fgColor.rgb
    assert ws["C17"].border.left.style == "thin"


def test_fill_2021_framework_creates_cost_block(gd, tmp_path):
    out = fill_form(gd, tmp_path / "o.xlsx", [FillItem(LIB.get("SF-046"))], framework="2021").output
    ind = {i.name: i for i in read_form(out).indicators}["人均培训费"]
    assert (ind.level1, ind.level2) == ("成本指标", "经济成本指标")


def test_fill_shandong_by_ids(sd, tmp_path):
    before = read_form(sd)
    out = fill_form(sd, tmp_path / "o.xlsx", [FillItem(LIB.get(i)) for i in ("SF-003", "SF-001", "TY-024", "SF-048")]).output
    after = read_form(out)
    old = [(i.duty, i.name, i.annual_value, i.explanation) for i in before.indicators]
    assert _is_subsequence(old, [(i.duty, i.name, i.annual_value, i.explanation) for i in after.indicators])
    rows = {i.name: i for i in after.indicators}
    mediation = rows["人民调解矛盾纠纷件数"]
    assert mediation.duty == "维护社会和谐稳定"  # the duty whose texts mention 人民调解
    assert mediation.explanation.startswith("年度内各级人民调解组织")
    assert mediation.annual_value == "≥3500件"
    assert (mediation.standard.value, mediation.standard.source) == ("≥3500件", "计划标准")
    assert rows["法律援助案件数"].duty == "公共法律服务体系建设"
    satisfaction = rows["服务对象满意度"]
    assert satisfaction.duty_no == "4" and satisfaction.duty == ""  # no duty matched: visible gap
    assert len(after.indicators) == len(before.indicators) + 3  # 法律援助补贴发放率 was present
    wb = openpyxl.load_workbook(out)
    ws = wb[SD_SHEET]
    assert ws["Q7"].value == "=COUNTA(D9:D14)"
    assert ws["E2"].value == "=G3+G4"
    assert wb.defined_names["PX_INDICATORS"].attr_text == f"'{SD_SHEET}'!$A$9:$O$14"
    assert [str(dv.sqref) for dv in ws.data_validations.dataValidation] == ["I9:I14"]


def test_history_rows_fill_last_year_value_on_shandong(sd, tmp_path):
    from perfxl.core.library import LibraryIndicator

    ind = LibraryIndicator("LS-001", "产出指标", "数量指标", "人民调解员培训人数", "参训人数。", "≥", "160", "人",
                           "历史标准", "司法行政", ("人民调解",), last_value="≥150人", department="某市司法局", year=2023)
    out = fill_form(sd, tmp_path / "o.xlsx", [FillItem(ind)]).output
    row = {i.name: i for i in read_form(out).indicators}["人民调解员培训人数"]
    assert (row.history.last_year, row.history.source) == ("≥150人", "2023年报表")
    assert row.annual_value == "≥160人"


def test_fill_command_ids_and_suggest(gd, tmp_path, capsys):
    out = tmp_path / "ids.xlsx"
    assert main(["fill", str(gd), "--ids", "SF-001", "TY-024", "-o", str(out), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [p["id"] for p in report["placed"]] == ["SF-001", "TY-024"]
    assert report["framework"] == "2015"
    assert main(["fill", str(gd), "--suggest", "-n", "3"]) == 0
    text = capsys.readouterr().out
    assert "SF-001" in text and "任务目标中写明了≥3000宗" in text
    out2 = tmp_path / "suggest.xlsx"
    assert main(["fill", str(gd), "--suggest", "-n", "3", "-o", str(out2)]) == 0
    assert "已填入 SF-001 法律援助案件数（≥3000宗）" in capsys.readouterr().out
    assert "法律援助案件数" in [i.name for i in read_form(out2).indicators]


def test_fill_command_errors(gd, tmp_path, capsys):
    assert main(["fill", str(gd), "--ids", "NOPE-1", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "NOPE-1" in capsys.readouterr().err
    assert main(["fill", str(gd), "--ids", "SF-001"]) == 2
    assert main(["fill", str(gd), "--ids", "SF-001", "-o", str(gd)]) == 2
    assert "原表不会被修改" in capsys.readouterr().err
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"nope")
    assert main(["fill", str(bad), "--ids", "SF-001", "-o", str(tmp_path / "y.xlsx")]) == 2
    assert not (tmp_path / "y.xlsx").exists()


def test_planner_without_indicator_table():
    with pytest.raises(FillError):
        plan_fill(Grid(cells={(1, 1): "部门名称", (1, 2): "某局"}), "guangdong", [FillItem(LIB.get("SF-001"))])


@pytest.mark.parametrize("formula,host,expected", [
    ("=SUM(B5:B9)", "S", "=SUM(B5:B9)"),
    ("=SUM(B5:B12)", "S", "=SUM(B5:B13)"),
    ("=B10+$B$11", "S", "=B11+$B$12"),
    ("='S'!C30+Other!C30", "Other", "='S'!C31+Other!C30"),
    ("=C30", "Other", "=C30"),
    ("=SUM(A:A)+ROW(10:12)", "S", "=SUM(A:A)+ROW(11:13)"),
    ("=COUNTA(C14:C9)", "S", "=COUNTA(C14:C9)"),
])
def test_shift_formula(formula, host, expected):
    assert shift_formula(formula, host, "S", 10, 1) == expected


def test_shift_reference_grows_ranges_ending_above_an_appended_row():
    assert shift_reference("A14:E20", 21, 1, grow_from=13) == "A14:E21"
    assert shift_reference("A14:E20", 21, 1) == "A14:E20"
    assert shift_reference("D12", 21, 1, grow_from=13) == "D12"
    assert shift_reference("A5:A20", 21, 1, grow_from=13) == "A5:A20"  # starts above the table


@pytest.mark.libreoffice
def test_filled_forms_open_in_libreoffice_with_the_same_totals(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    gd = guangdong_form(src / "gd_before.xlsx")
    sd = shandong_form(src / "sd_before.xlsx")
    gd_out = fill_form(gd, src / "gd_after.xlsx", [FillItem(LIB.get(i)) for i in GD_IDS]).output
    sd_out = fill_form(sd, src / "sd_after.xlsx",
                       [FillItem(LIB.get(i)) for i in ("SF-003", "SF-001", "TY-024")]).output
    files = recalculate([gd, gd_out, sd, sd_out], tmp_path / "calc")  # one soffice call
    gb, ga, sb, sa = (openpyxl.load_workbook(f, data_only=True) for f in files)
    for cell in ("G5", "G6", "D12"):
        assert gb[GD_SHEET][cell].value == ga[GD_SHEET][cell].value, cell
    assert (gb[GD_SHEET]["G5"].value, gb[GD_SHEET]["D12"].value) == (420.5, 120)
    assert ga[GD_SHEET]["G14"].value == gb[GD_SHEET]["G14"].value + 6
    assert sb[SD_SHEET]["E2"].value == sa[SD_SHEET]["E2"].value == 420.5
    assert sa[SD_SHEET]["Q7"].value == sb[SD_SHEET]["Q7"].value + 3
    # LibreOffice kept the targets as text and the rows readable as a form
    assert ga[GD_SHEET]["D15"].value == "≥3000宗"
    assert [i.name for i in read_form(files[1]).indicators] == [i.name for i in read_form(gd_out).indicators]


def test_filling_an_xlsm_keeps_its_macros_and_ribbon(sd, tmp_path):
    import zipfile

    from perfxl.addin.build import REL_UI14, build_xlsm

    source = build_xlsm(sd, tmp_path / "山东.xlsm")
    out = fill_form(source, tmp_path / "o.xlsm", [FillItem(LIB.get("SF-001"))]).output
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(out) as b:
        for part in ("xl/vbaProject.bin", "customUI/customUI14.xml"):
            assert b.read(part) == a.read(part)
        assert REL_UI14 in b.read("_rels/.rels").decode()
    assert "法律援助案件数" in [i.name for i in read_form(out).indicators]
