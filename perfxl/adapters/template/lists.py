"""The hidden list sheet behind the 一级/二级 dropdowns.

Column A lists the 一级 categories (PX_LEVEL1); each following column lists one 一级's
二级 categories under the 一级 as header, named PX_L2_<一级>. A 二级 cell's validation
is INDIRECT("PX_L2_"&<its 一级 cell>), which Excel, WPS and LibreOffice all evaluate, so
the 二级 list follows whatever 一级 the row has.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from perfxl.adapters.template import styles
from perfxl.adapters.template.names import LEVEL2_PREFIX, define, sheet_ref
from perfxl.core.framework import FRAMEWORKS

LIST_SHEET = "下拉选项"


def add_list_sheet(wb: Workbook, framework: str) -> None:
    tree = FRAMEWORKS[framework]
    ws = wb.create_sheet(LIST_SHEET)
    ws["A1"] = "一级指标"
    for i, level1 in enumerate(tree, start=2):
        ws.cell(i, 1, level1)
    define(wb, "PX_LEVEL1", sheet_ref(LIST_SHEET, f"A2:A{len(tree) + 1}"))
    for col, (level1, children) in enumerate(tree.items(), start=2):
        letter = get_column_letter(col)
        ws.cell(1, col, level1)
        for row, level2 in enumerate(children, start=2):
            ws.cell(row, col, level2)
        define(wb, LEVEL2_PREFIX + level1, sheet_ref(LIST_SHEET, f"{letter}2:{letter}{len(children) + 1}"))
    for col in range(1, len(tree) + 2):
        ws.column_dimensions[get_column_letter(col)].width = 22
    for row in ws.iter_rows():
        for cell in row:
            cell.font = styles.BODY_FONT
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def level_validations(level1_ref: str, level2_ref: str) -> list[DataValidation]:
    """Dropdowns for a column of 一级 cells and the column of 二级 cells beside it."""
    first_level1 = level1_ref.split(":")[0]
    col = first_level1.rstrip("0123456789")
    row = first_level1[len(col):]
    one = DataValidation(
        type="list", formula1="PX_LEVEL1", allow_blank=True, showDropDown=False,
        showErrorMessage=True, errorTitle="一级指标", error="请从下拉列表中选择一级指标。",
        showInputMessage=True, promptTitle="一级指标", prompt="请从下拉列表中选择。",
    )
    one.add(level1_ref)
    # Relative row reference: each row's 二级 list follows that row's 一级.
    two = DataValidation(
        type="list", formula1=f'INDIRECT("{LEVEL2_PREFIX}"&${col}{row})', allow_blank=True,
        showDropDown=False, showErrorMessage=True, errorTitle="二级指标",
        error="请先选择一级指标，再从下拉列表中选择对应的二级指标。",
        showInputMessage=True, promptTitle="二级指标", prompt="先选一级指标，再从下拉列表中选择。",
    )
    two.add(level2_ref)
    return [one, two]


def amount_validation(refs: list[str]) -> DataValidation:
    dv = DataValidation(
        type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
        showErrorMessage=True, errorTitle="金额", error="请输入不小于 0 的数字（单位：万元）。",
    )
    for ref in refs:
        dv.add(ref)
    return dv


def count_validation(refs: list[str]) -> DataValidation:
    dv = DataValidation(
        type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
        showErrorMessage=True, errorTitle="人数/单位数", error="请输入不小于 0 的整数。",
    )
    for ref in refs:
        dv.add(ref)
    return dv
