"""The official templates' structure: labels in the seed's order, merges, dropdowns,
protection, print setup, and defined names that point at the right cells."""

from __future__ import annotations

import openpyxl
import pytest

from perfxl.adapters.template import (
    DEFINED_NAMES,
    LAYOUT_NAMES,
    build_workbook,
    layout_info,
    main_sheet_name,
    write_template,
)
from perfxl.core.framework import FRAMEWORKS
from perfxl.core.model import Form, Indicator, Task


def name_target(wb, name):
    dn = wb.defined_names[name]
    ((sheet, coord),) = list(dn.destinations)
    return wb[sheet], coord.replace("$", "")


def texts(ws):
    """Every string cell value in reading order."""
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def ordered(haystack, needles):
    pos = -1
    for n in needles:
        try:
            pos = haystack.index(n, pos + 1)
        except ValueError:
            return f"{n!r} missing after position {pos}"
    return ""


@pytest.fixture(scope="module")
def gd(tmp_path_factory):
    path = tmp_path_factory.mktemp("tpl") / "gd.xlsx"
    write_template("guangdong", 2023, "某市某局", path)
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def sd(tmp_path_factory):
    path = tmp_path_factory.mktemp("tpl") / "sd.xlsx"
    write_template("shandong", 2021, "某市某局", path)
    return openpyxl.load_workbook(path)


def test_guangdong_labels_in_seed_order(gd):
    ws = gd[main_sheet_name("guangdong")]
    assert ws["A1"].value == "市直部门整体预算绩效目标申报表"
    assert ws["A2"].value == "（2023年度）"
    assert ordered(texts(ws), [
        "部门名称", "某市某局", "基本信息", "财政供养人数", "下属二级单位数", "预算整体情况",
        "部门预算支出", "预算金额（万元）", "预算来源", "预算金额（万元）", "基本支出", "财政拨款",
        "项目支出", "其他资金", "事业发展性支出", "按预算级次划分", "财政专项资金", "市本级使用资金",
        "其他事业发展性支出", "拟用于对下转移支付资金", "总体绩效目标", "年度重点工作任务", "任务名称",
        "主要实施内容", "拟投入资金（万元）", "期望达到的目标", "合计", "其他需完成的任务（可选填）",
        "绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实施周期指标值",
    ]) == ""


def test_guangdong_block_labels_are_merged_in_column_a(gd):
    ws = gd[main_sheet_name("guangdong")]
    merged = {str(r): ws[str(r).split(":")[0]].value for r in ws.merged_cells.ranges}
    blocks = {v: k for k, v in merged.items() if k.startswith("A") and k.split(":")[1].startswith("A")}
    assert blocks["预算整体情况"] == "A5:A12"
    _, tasks = name_target(gd, "PX_TASKS")
    first, last = (int(a[1:]) for a in tasks.split(":"))
    assert blocks["年度重点工作任务"] == f"A{first - 1}:A{last + 2}"
    _, inds = name_target(gd, "PX_INDICATORS")
    first, last = (int(a[1:]) for a in inds.split(":"))
    assert blocks["绩效指标"] == f"A{first - 1}:A{last}"
    assert "A1:F1" in merged and "B3:F3" in merged


def test_shandong_labels_and_two_row_headers(sd):
    ws = sd[main_sheet_name("shandong")]
    assert ws["A1"].value == "2021年度部门预算整体绩效目标表"
    assert ordered(texts(ws), [
        "部门名称", "部门整体预算总额", "1.资金来源：（1）财政拨款", "2.资金结构：（1）基本支出",
        "（2）其他资金", "（2）项目支出", "收支平衡校验", "战略目标", "职责序号", "部门职责", "职责目标", "绩效指标",
        "指标解释", "2021年度指标值", "指标参考值", "备注（标准值和历史值均无的原因/其他需要说明的）",
        "工作活动", "预算项目", "标准值", "历史值", "“十三五”规划值", "2021年标准值", "来源",
        "前三年均值", "上年值", "来源",
    ]) == ""
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"G6:L6", "G7:I7", "J7:L7", "A6:A8", "F6:F8", "M6:M8", "O6:O8", "B5:O5"} <= merged
    # each matrix column is where layout_info says, under its header
    headers = {col: ws[f"{col}6"].value or ws[f"{col}8"].value for _f, col in layout_info("shandong").indicator_columns}
    assert headers["D"] == "绩效指标" and headers["H"] == "2021年标准值" and headers["K"] == "上年值"


@pytest.mark.parametrize("layout", ["guangdong", "shandong"])
def test_defined_names_documented_and_resolving(layout, gd, sd):
    wb = gd if layout == "guangdong" else sd
    names = set(wb.defined_names)
    px = {n for n in names if n.startswith("PX_") and not n.startswith("PX_L2_")}
    assert px == set(LAYOUT_NAMES[layout])
    assert px <= set(DEFINED_NAMES)
    assert wb.defined_names["PX_LAYOUT"].attr_text == f'"{layout}"'
    for name in px - {"PX_LAYOUT", "PX_FRAMEWORK"}:
        ws, coord = name_target(wb, name)
        assert ws.title in (main_sheet_name(layout), "下拉选项")


GD_LABEL_LEFT = {  # defined name → the label in the cell to its left
    "PX_DEPARTMENT": "部门名称", "PX_STAFF": "财政供养人数", "PX_SUBUNITS": "下属二级单位数",
    "PX_BASIC": "基本支出", "PX_PROJECT": "项目支出", "PX_FISCAL": "财政拨款", "PX_OTHER": "其他资金",
    "PX_TOTAL": "部门预算支出合计", "PX_FUNDING_TOTAL": "预算来源合计", "PX_SPECIAL": "财政专项资金",
    "PX_OTHER_DEV": "其他事业发展性支出", "PX_OWN_LEVEL": "市本级使用资金",
    "PX_TRANSFER": "拟用于对下转移支付资金", "PX_BALANCE": "收支平衡校验", "PX_GOAL": "总体绩效目标",
    "PX_OTHER_TASKS": "其他需完成的任务（可选填）", "PX_TASK_TOTAL": "合计",
}
SD_LABEL_LEFT = {
    "PX_DEPARTMENT": "部门名称", "PX_TOTAL": "部门整体预算总额", "PX_FISCAL": "1.资金来源：（1）财政拨款",
    "PX_OTHER": "（2）其他资金", "PX_BASIC": "2.资金结构：（1）基本支出", "PX_PROJECT": "（2）项目支出",
    "PX_BALANCE": "收支平衡校验", "PX_GOAL": "战略目标",
}


@pytest.mark.parametrize("layout", ["guangdong", "shandong"])
def test_defined_names_point_beside_their_labels(layout, gd, sd):
    wb, expected = (gd, GD_LABEL_LEFT) if layout == "guangdong" else (sd, SD_LABEL_LEFT)
    for name, text in expected.items():
        ws, coord = name_target(wb, name)
        cell = ws[coord]
        left = None
        for col in range(cell.column - 1, 0, -1):
            left = ws.cell(cell.row, col).value
            if left is None:  # inside a merged label
                for rng in ws.merged_cells.ranges:
                    if (cell.row, col) in {(r, c) for r, c in rng.cells}:
                        left = ws.cell(rng.min_row, rng.min_col).value
            if left is not None:
                break
        assert left == text, name


def test_table_headers_sit_above_the_named_tables(gd):
    ws, coord = name_target(gd, "PX_TASKS")
    top = int(coord.split(":")[0][1:]) - 1
    cols = layout_info("guangdong").task_columns
    assert [ws[f"{c}{top}"].value for _f, c in cols] == ["任务名称", "主要实施内容", "拟投入资金（万元）", "期望达到的目标"]
    ws, coord = name_target(gd, "PX_INDICATORS")
    top = int(coord.split(":")[0][1:]) - 1
    assert [ws[f"{c}{top}"].value for _f, c in layout_info("guangdong").indicator_columns] == [
        "一级指标", "二级指标", "三级指标", "年度指标值", "实施周期指标值"]


def _validations(ws):
    return [(dv.type, dv.formula1, str(dv.sqref)) for dv in ws.data_validations.dataValidation]


def test_dropdowns_cover_every_indicator_row_and_depend_on_level1(gd):
    ws, coord = name_target(gd, "PX_INDICATORS")
    first, last = (int(a[1:]) for a in coord.split(":"))
    dvs = _validations(ws)
    below = last + 200  # rows typed below the table get the dropdowns too
    assert ("list", "PX_LEVEL1", f"B{first}:B{below}") in dvs
    assert ("list", f'INDIRECT("PX_L2_"&$B{first})', f"C{first}:C{below}") in dvs
    lists_ws, level1 = name_target(gd, "PX_LEVEL1")
    assert lists_ws.sheet_state == "hidden"
    assert [c.value for (c,) in lists_ws[level1]] == list(FRAMEWORKS["2015"])
    for level1_name, children in FRAMEWORKS["2015"].items():
        ws2, ref = name_target(gd, "PX_L2_" + level1_name)
        assert [c.value for (c,) in ws2[ref]] == list(children)


def test_framework_2021_lists():
    wb = build_workbook(Form(layout="guangdong", year=2023), framework="2021")
    assert "PX_L2_成本指标" in wb.defined_names
    ws, ref = name_target(wb, "PX_L2_成本指标")
    assert [c.value for (c,) in ws[ref]] == ["经济成本指标", "社会成本指标", "生态环境成本指标"]
    assert wb.defined_names["PX_FRAMEWORK"].attr_text == '"2021"'


def test_amount_cells_take_only_non_negative_numbers(gd):
    ws = gd[main_sheet_name("guangdong")]
    decimal = [dv for dv in ws.data_validations.dataValidation if dv.type == "decimal"]
    assert len(decimal) == 1 and decimal[0].operator == "greaterThanOrEqual" and decimal[0].formula1 == "0"
    covered = {c for rng in decimal[0].sqref.ranges for row in rng.cells for c in [row]}
    for name in ("PX_BASIC", "PX_PROJECT", "PX_FISCAL", "PX_OTHER", "PX_SPECIAL", "PX_OTHER_DEV",
                 "PX_OWN_LEVEL", "PX_TRANSFER"):
        _, coord = name_target(gd, name)
        cell = ws[coord]
        assert (cell.row, cell.column) in covered, name
    _, coord = name_target(gd, "PX_TASKS")
    first, last = (int(a[1:]) for a in coord.split(":"))
    assert all((r, 5) in covered for r in range(first, last + 1))


@pytest.mark.parametrize("layout", ["guangdong", "shandong"])
def test_protection_inputs_unlocked_labels_and_formulas_locked(layout, gd, sd):
    wb = gd if layout == "guangdong" else sd
    ws = wb[main_sheet_name(layout)]
    assert ws.protection.sheet and not ws.protection.password
    assert ws.protection.insertRows is False  # users may add rows
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("="):
                assert c.protection.locked, c.coordinate
            elif isinstance(c.value, str) and c.value != "某市某局":
                assert c.protection.locked, c.coordinate
    inputs = [n for n in LAYOUT_NAMES[layout] if n in
              ("PX_DEPARTMENT", "PX_BASIC", "PX_PROJECT", "PX_FISCAL", "PX_OTHER", "PX_GOAL", "PX_STAFF")]
    for name in inputs:
        _, coord = name_target(wb, name)
        cell = ws[coord]
        assert not cell.protection.locked, name
        label = next(c for row in ws.iter_rows() for c in row if c.value == "部门名称")
        assert cell.fill.fgColor.rgb != label.fill.fgColor.rgb, name  # visibly distinct from labels
    _, coord = name_target(wb, "PX_INDICATORS")
    assert all(not c.protection.locked for row in ws[coord] for c in row)
    # empty cells (a row typed below the table) follow their column's style: unlocked
    right = "F" if layout == "guangdong" else "O"
    first = "B" if layout == "guangdong" else "A"
    cols = [chr(c) for c in range(ord(first), ord(right) + 1)]
    assert all(not ws.column_dimensions[c].protection.locked for c in cols)
    assert ws.column_dimensions[chr(ord(right) + 1)].protection.locked


@pytest.mark.parametrize("layout", ["guangdong", "shandong"])
def test_print_setup(layout, gd, sd):
    wb = gd if layout == "guangdong" else sd
    ws = wb[main_sheet_name(layout)]
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows in ("$1:$2", "$6:$8")
    # Whole columns: rows typed below the table print, blank rows do not (LibreOffice
    # check in test_template_libreoffice).
    right = "F" if layout == "guangdong" else "O"
    assert ws.print_area == f"'{main_sheet_name(layout)}'!$A$1:${right}$1048576"
    assert ws.freeze_panes
    label = next(c for row in ws.iter_rows() for c in row if c.value == "部门名称")
    assert label.font.name == "宋体" and ws["A1"].font.name == "黑体"
    assert ws["Z300"].font.name == "宋体"  # the workbook's Normal font, for cells users add


def test_spare_rows_and_single_value_column():
    form = Form(layout="guangdong", year=2022, value_columns=1,
                tasks=[Task(name=f"任务{i}") for i in range(7)],
                indicators=[Indicator(level1="产出指标", name=f"指标{i}") for i in range(3)])
    wb = build_workbook(form, spare_task_rows=2, spare_indicator_rows=4)
    _, tasks = name_target(wb, "PX_TASKS")
    first, last = (int(a[1:]) for a in tasks.split(":"))
    assert last - first + 1 == 9
    ws, inds = name_target(wb, "PX_INDICATORS")
    first, last = (int(a[1:]) for a in inds.split(":"))
    assert last - first + 1 == 7
    assert ws[f"E{first - 1}"].value == "指标值"
    assert f"E{first - 1}:F{first - 1}" in {str(r) for r in ws.merged_cells.ranges}
    assert layout_info("guangdong", 1).indicator_columns[-1] == ("annual_value", "E")


def test_unknown_layout_and_framework_are_refused():
    with pytest.raises(ValueError, match="表式"):
        build_workbook(Form(layout="hainan"))
    with pytest.raises(ValueError, match="指标体系"):
        build_workbook(Form(layout="guangdong"), framework="2030")


@pytest.mark.parametrize("layout", LAYOUT_NAMES)
def test_every_label_fits_its_row_height(layout, tmp_path):
    """A label that wraps (收支平衡校验 in the narrow column A of the Shandong form) needs a
    taller row: Excel keeps a stored or default height and cuts the second line off."""
    from openpyxl.utils import get_column_letter

    from perfxl.adapters.template import styles

    path = tmp_path / "blank.xlsx"
    write_template(layout, 2026, "", path)
    ws = openpyxl.load_workbook(path)[main_sheet_name(layout)]
    merged = {m.start_cell.coordinate: m for m in ws.merged_cells.ranges}
    squashed = []
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or cell.fill.fgColor.rgb[-6:] != "F2F2F2":
                continue  # labels only (grey); entries and formulas have their own sizing
            m = merged.get(cell.coordinate)
            cols = range(m.min_col, m.max_col + 1) if m else [cell.column]
            rows = range(m.min_row, m.max_row + 1) if m else [cell.row]
            width = sum(ws.column_dimensions[get_column_letter(c)].width for c in cols)
            height = sum(ws.row_dimensions[r].height or 15 for r in rows)  # 15: Excel's default
            lines_height = styles.fit_height([(cell.value, width)], minimum=0) - 4
            if height < lines_height:
                squashed.append((cell.coordinate, cell.value, height))
    assert squashed == []
