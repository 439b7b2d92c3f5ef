"""Label spellings of real forms, on the bundled examples edited as departments edit them:
the value next to a label is read whatever the label's enumeration, unit or seal note."""

from __future__ import annotations

import openpyxl
import pytest

from perfxl.adapters.xlsx_reader import read_form
from perfxl.core.model import Form
from perfxl.core.parsing import labels as L
from perfxl.core.parsing.common import is_footer
from perfxl.core.rules import check_form
from tests.conftest import EXAMPLES

GD = EXAMPLES / "guangdong_clean_2023.xlsx"
SD = EXAMPLES / "shandong_linyi_2021.xlsx"
SD_SHEET = "绩效目标表"


def edited(tmp_path, source, edits: dict[str, str], sheet: str | None = None) -> Form:
    wb = openpyxl.load_workbook(source)
    ws = wb[sheet] if sheet else wb.active
    for cell, value in edits.items():
        ws[cell] = value
    path = tmp_path / "form.xlsx"
    wb.save(path)
    return read_form(path)


def rules_at(form: Form) -> list[tuple[str, str]]:
    return [(f.rule, f.cell) for f in check_form(form)]


# --- footers ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "填表人：张三", "制表人：李四", "填报单位（盖章）：临沂市司法局", "审核：王五", "审核人",
    "负责人：", "日期：2021年1月5日", "填报日期", "（盖章）", "单位（盖章）", "经办人：赵六",
    "注：金额单位为万元", "注1：…", "注1.金额单位为万元", "注2、…", "说明：", "备注:", "填表说明",
    "部门负责人：张三", "主要负责人：", "部门（单位）负责人：", "单位负责人（签字）：", "联系方式：13800000000",
    "填报时间：2023年1月5日", "编制单位：惠州市司法局", "制表：李四", "附件：", "电话：0752-1234567",
    "单位名称（盖章）：", "填表人 张三", "注 本表金额单位为万元", "备注说明：无", "注释：…", "注意事项：…",
    "注（1）：…", "（注：…）",
])
def test_signature_lines_are_footers(text):
    assert is_footer(text)


@pytest.mark.parametrize("text", [
    "审核通过率", "复核人数", "申报单位满意度", "负责人培训次数", "日期准确率", "单位名称", "产出指标",
    "注册企业数量", "说明会场次", "备注信息完整率", "联系人大代表和政协委员次数", "审核人员培训覆盖率",
    "填报人员培训覆盖率", "单位负责人培训次数", "联系电话接通率", "审核人员队伍建设", "签字确认率",
    "附件齐全率", "注意力训练场次", "说明书编制数量",
])
def test_indicator_names_starting_with_a_sign_off_word_are_not(text):
    assert not is_footer(text)


def test_signature_line_under_the_guangdong_table_ends_it(tmp_path):
    clean = read_form(GD)
    form = edited(tmp_path, GD, {"B52": "填表人：张三", "D52": "联系电话：2830000"})
    assert len(form.indicators) == len(clean.indicators) == 13
    assert rules_at(form) == rules_at(clean)


def test_signature_line_under_the_shandong_matrix_ends_it(tmp_path):
    clean = read_form(SD)
    form = edited(tmp_path, SD, {"A60": "填报单位（盖章）：临沂市司法局",
                                 "F60": "填报日期：2021年1月5日"}, SD_SHEET)
    assert len(form.indicators) == len(clean.indicators) == 50
    assert rules_at(form) == rules_at(clean)


@pytest.mark.parametrize("name", [
    "联系人大代表和政协委员次数", "审核人员培训覆盖率", "填报人员培训覆盖率", "单位负责人培训次数",
    "联系电话接通率", "注册企业数", "说明会场次",
])
def test_indicator_named_with_a_sign_off_word_under_merged_levels_is_read(tmp_path, name):
    wb = openpyxl.load_workbook(GD)
    ws = wb.active
    ws["B30"], ws["C30"], ws["D30"] = None, None, name
    ws.merge_cells("B29:B30")
    ws.merge_cells("C29:C30")
    wb.save(tmp_path / "form.xlsx")
    form = read_form(tmp_path / "form.xlsx")
    assert len(form.indicators) == 13
    assert form.indicators[2].name == name and form.indicators[2].level2 == "数量指标"
    assert form.indicators[12].name == "群众满意度"


@pytest.mark.parametrize("line", [
    "部门负责人：张三", "主要负责人：", "部门（单位）负责人：", "联系方式：13800000000", "填报时间：2023年1月5日",
    "电话：0752-1234567", "编制单位：惠州市司法局", "单位名称（盖章）：", "制表：李四", "附件：",
    "注 本表金额单位为万元", "备注说明：无", "注释：金额单位为万元", "注意事项：按实填写", "注（1）：金额单位为万元",
])
def test_sign_off_and_note_lines_with_text_in_a_content_column_end_the_table(tmp_path, line):
    clean = read_form(GD)
    form = edited(tmp_path, GD, {"B42": line, "D42": "联系电话：2830000"})
    assert len(form.indicators) == len(clean.indicators) == 13
    assert rules_at(form) == rules_at(clean)


@pytest.mark.parametrize("name", ["审核人员队伍建设", "提升村（社区）法律顾问覆盖率"])
def test_task_named_with_a_sign_off_word_or_a_coverage_is_read_with_its_amount(tmp_path, name):
    form = edited(tmp_path, GD, {"B16": name})
    assert [t.name for t in form.tasks][1:3] == [name, "强化执法监督信息化建设"]
    assert [t.amount for t in form.tasks] == [120, 60, 200, 9]


# --- labels with a unit, an enumeration, a seal note, 合计, a synonym -----------------------

@pytest.mark.parametrize("cell, label, field, expected", [
    ("B7", "项目支出（万元）", "project", 851.85),
    ("D6", "财政拨款(万元)", "fiscal", 4972.02),
    ("B6", "1.基本支出", "basic", 4120.17),
    ("B6", "1、基本支出", "basic", 4120.17),
    ("B6", "其中：基本支出", "basic", 4120.17),
    ("B6", "（一）基本支出", "basic", 4120.17),
    ("B6", "一、基本支出", "basic", 4120.17),
    ("B6", "(1)基本支出", "basic", 4120.17),
    ("B7", "项目支出合计", "project", 851.85),
    ("B7", "项目支出小计（万元）", "project", 851.85),
    ("D6", "一般公共预算财政拨款", "fiscal", 4972.02),
    ("D6", "财政拨款收入", "fiscal", 4972.02),
    ("D7", "其他资金（含结转）", "other", 0),
])
def test_guangdong_budget_label_spellings(tmp_path, cell, label, field, expected):
    form = edited(tmp_path, GD, {cell: label})
    assert getattr(form.budget, field) == expected
    assert not [f for f in check_form(form) if f.rule == "PX203"]


def test_guangdong_header_label_spellings(tmp_path):
    clean = read_form(GD)
    form = edited(tmp_path, GD, {"B4": "财政供养人数（人）", "D4": "下属二级单位数（个）",
                                 "A3": "单位名称（盖章）", "A13": "部门总体绩效目标"})
    assert (form.staff_count, form.sub_units, form.department) == (128, 1, "惠州市司法局")
    assert form.overall_goal == clean.overall_goal != ""
    assert rules_at(form) == rules_at(clean)


def test_shandong_budget_label_spellings(tmp_path):
    clean = read_form(SD)
    form = edited(tmp_path, SD, {"F2": "1.资金来源：（1）财政拨款（万元）", "J3": "（2）项目支出（万元）",
                                 "F3": "（2）其他资金（含结转）"}, SD_SHEET)
    assert (form.budget.fiscal, form.budget.project, form.budget.other) == (2690.54, 606.51, 103.51)
    assert rules_at(form) == rules_at(clean)


def test_the_unit_of_a_label_stays_known():
    assert [L.key(t) for t in ("项目支出（元）", "财政供养人数（人）", "预算金额（单位：元）")] == [
        "项目支出", "财政供养人数", "预算金额"]
    assert [L.label_unit(t) for t in ("项目支出（元）", "财政拨款(万元)", "财政供养人数（人）",
                                      "预算金额（单位：元）", "项目支出", None, 12.5)] == [
        "元", "万元", "人", "元", "", "", ""]


@pytest.mark.parametrize("text", [
    "部门预算支出合计", "预算来源合计", "合计", "1.", "其中", "（2023年度）", "2022年度指标值",
    "指标值（年度）", "职责目标（说明）", "满意度指标（问卷）", "1.5万元",
])
def test_what_is_not_a_decorated_label_keeps_its_key(text):
    assert L.key(text) == L._plain_key(text)


def test_every_spelling_is_its_own_key():
    tables = [L.DEPARTMENT, L.STAFF_COUNT, L.SUB_UNITS, L.BUDGET_BLOCK, L.BUDGET_HEADERS,
              L.OVERALL_GOAL, L.TASKS_BLOCK, L.OTHER_TASKS, L.INDICATORS_BLOCK, L.SD_TOTAL,
              L.SD_STRATEGY, *L.BUDGET_FIELDS.values(), *L.TASK_COLUMNS.values(),
              *L.INDICATOR_COLUMNS.values(), *L.SD_BUDGET_ENDINGS.values(), *L.SD_COLUMNS.values()]
    for keys in tables:
        for k in keys:
            assert L.key(k) == k


def test_a_missing_label_points_at_no_cell(tmp_path):
    form = edited(tmp_path, GD, {"B7": "项目经费", "B4": "人员"})
    found = {f.rule: f for f in check_form(form) if f.rule in ("PX203", "PX204")}
    assert found["PX203"].cell == "" and found["PX203"].sheet == "绩效目标申报表"
    assert found["PX203"].message == "未填写项目支出（表中没有找到“项目支出”一栏）"
    assert found["PX204"].cell == ""
    assert found["PX204"].message == "未填写财政供养人数（表中没有找到“财政供养人数”一栏）"


def test_an_empty_value_still_points_at_its_cell(tmp_path):
    form = edited(tmp_path, GD, {"C7": None})
    found = [f for f in check_form(form) if f.rule == "PX203"]
    assert [(f.cell, f.message) for f in found] == [("C7", "未填写项目支出")]


# --- table headers: a year or an explanation in brackets; a header cell not understood -----

@pytest.mark.parametrize("source, sheet, cell, header", [
    (GD, None, "E27", "年度指标值（2023年）"),
    (GD, None, "E27", "2023年度指标值（说明）"),
    (GD, None, "D27", "三级指标（指标名称）"),
    (GD, None, "B27", "一级指标（类别）"),
    (SD, SD_SHEET, "F6", "年度指标值（2021年）"),
    (SD, SD_SHEET, "D6", "绩效指标（名称）"),
])
def test_a_bracketed_year_or_explanation_after_a_header_is_read(tmp_path, source, sheet, cell,
                                                                 header):
    clean = read_form(source)
    form = edited(tmp_path, source, {cell: header}, sheet)
    assert form.indicators == clean.indicators
    assert rules_at(form) == rules_at(clean)


def test_header_keys_with_brackets_that_are_spellings_stay_themselves():
    assert L.column_key("指标值（年度）") == L.key("指标值(年度)") != L.key("指标值")
    assert L.match_sd_column("职责目标（说明）") == "goal"
    assert L.key("目标（2023年）") == "目标(2023年)"  # too short to be known as a label


@pytest.mark.parametrize("source, sheet, cell, header", [
    (GD, None, "D27", "指标名称"),
    (GD, None, "C14", "任务"),
    (GD, None, "G27", "备注"),
    (SD, SD_SHEET, "F6", "目标值"),
])
def test_a_header_cell_not_understood_is_reported(tmp_path, source, sheet, cell, header):
    form = edited(tmp_path, source, {cell: header}, sheet)
    found = [(f.cell, f.severity, f.message) for f in check_form(form) if f.rule == "PX212"]
    assert found == [(cell, "warning", f"表头“{header}”未能识别，这一列的内容没有读取")]


def test_the_examples_have_no_unknown_header_cell():
    for source in (GD, SD):
        assert not [f for f in check_form(read_form(source)) if f.rule == "PX212"]


# --- an indicator table without its header row ----------------------------------------------

def without_row(source, row: int, sheet: str | None = None, path=None):
    """The workbook with one row deleted, merged ranges moved as Excel moves them."""
    wb = openpyxl.load_workbook(source)
    ws = wb[sheet] if sheet else wb.active
    merges = list(ws.merged_cells.ranges)
    for m in merges:
        ws.unmerge_cells(str(m))
    ws.delete_rows(row)
    for m in merges:
        if m.min_row > row:
            m.shift(0, -1)
        elif m.max_row >= row:
            continue
        ws.merge_cells(m.coord)
    return wb, ws


def test_an_indicator_table_without_its_header_row_is_read_by_its_categories(tmp_path):
    wb, ws = without_row(GD, 27)
    ws["A27"] = "绩效指标"
    wb.save(tmp_path / "form.xlsx")
    clean, form = read_form(GD), read_form(tmp_path / "form.xlsx")
    assert form.indicators == clean.indicators and len(form.indicators) == 13
    assert [t.name for t in form.tasks] == [t.name for t in clean.tasks]
    found = [(f.rule, f.cell, f.message) for f in check_form(form) if f.rule in ("PX209", "PX213")]
    assert found == [("PX213", "B27", "没有找到绩效指标表的表头行，已按一级指标、二级指标、三级指标、"
                                      "年度指标值、实施周期指标值的顺序读取")]


def test_without_a_header_row_or_categories_no_indicator_says_the_header_was_not_found(tmp_path):
    wb, ws = without_row(GD, 27)
    for row in range(27, 40):
        ws.cell(row, 2).value = None  # no 一级 column left to recognise the table by
    wb.save(tmp_path / "form.xlsx")
    found = [f for f in check_form(read_form(tmp_path / "form.xlsx")) if f.rule == "PX209"]
    assert [(f.sheet, f.cell, f.message) for f in found] == [(
        "绩效目标申报表", "", "未填写任何绩效指标，或没有找到指标表的表头行（一级指标、二级指标、三级指标、"
                         "年度指标值），表中的指标无法读取")]
    # a Shandong header naming two core columns is none (and without one, no form at all)
    form = edited(tmp_path, SD, {"C6": "任务", "D6": "指标"}, SD_SHEET)
    found = [f for f in check_form(form) if f.rule == "PX209"]
    assert [(f.cell, f.message) for f in found] == [(
        "", "未填写任何绩效指标，或没有找到指标表的表头行（职责序号、部门职责、职责目标、绩效指标），"
            "表中的指标无法读取")]


def test_an_empty_table_under_its_header_still_points_at_its_first_row():
    from perfxl.core.grid import Grid
    from perfxl.core.parsing import parse_grid
    cells = {(1, 1): "市直部门整体预算绩效目标申报表", (2, 1): "部门名称", (2, 2): "x",
             (3, 1): "基本信息", (3, 2): "财政供养人数", (3, 3): 1,
             (4, 1): "绩效指标", (4, 2): "一级指标", (4, 3): "二级指标", (4, 4): "三级指标",
             (4, 5): "年度指标值"}
    form = parse_grid(Grid(cells=cells, sheet="表")).form
    form.file = "form.xlsx"
    found = [(f.cell, f.message) for f in check_form(form) if f.rule == "PX209"]
    assert found == [("D5", "未填写任何绩效指标")]
