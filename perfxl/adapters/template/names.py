"""The workbook-scope defined names the official templates carry.

Code (the reader's helpers, ``perfxl fill``, the add-in) finds the key cells through these
names instead of fixed addresses, so a layout can move rows without breaking callers.
The same name means the same thing in both layouts; a layout that has no such cell
simply does not define the name (``LAYOUT_NAMES`` lists what each defines).
"""

from __future__ import annotations

from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

DEFINED_NAMES: dict[str, str] = {
    "PX_LAYOUT": 'constant: the layout, "guangdong" or "shandong"',
    "PX_FRAMEWORK": 'constant: the indicator framework of the dropdowns, "2015" or "2021"',
    "PX_TITLE": "the form's title cell",
    "PX_YEAR": "the cell whose text carries the year: （2023年度） (Guangdong) or the title (Shandong)",
    "PX_DEPARTMENT": "部门名称 (input)",
    "PX_STAFF": "财政供养人数 (input, Guangdong)",
    "PX_SUBUNITS": "下属二级单位数 (input, Guangdong)",
    "PX_BASIC": "基本支出, 万元 (input)",
    "PX_PROJECT": "项目支出, 万元 (input)",
    "PX_TOTAL": "部门预算支出合计 / 部门整体预算总额 = 基本支出 + 项目支出 (formula)",
    "PX_FISCAL": "财政拨款, 万元 (input)",
    "PX_OTHER": "其他资金, 万元 (input)",
    "PX_FUNDING_TOTAL": "预算来源合计 = 财政拨款 + 其他资金 (formula, Guangdong)",
    "PX_BALANCE": "收支平衡校验: 基本+项目 vs 财政拨款+其他资金 within 0.01 万元 (formula text)",
    "PX_SPECIAL": "财政专项资金, 万元 (input, Guangdong)",
    "PX_OTHER_DEV": "其他事业发展性支出, 万元 (input, Guangdong)",
    "PX_OWN_LEVEL": "市本级使用资金, 万元 (input, Guangdong)",
    "PX_TRANSFER": "拟用于对下转移支付资金, 万元 (input, Guangdong)",
    "PX_GOAL": "总体绩效目标 (Guangdong) / 战略目标 (Shandong) (input)",
    "PX_TASKS": "年度重点工作任务 body, spare rows included, columns 任务名称..期望达到的目标 (Guangdong)",
    "PX_TASK_TOTAL": "Σ 拟投入资金 of the task table (formula, Guangdong)",
    "PX_TASK_COVERAGE": "Σ 拟投入资金 / 项目支出, '' when 项目支出 is 0 (formula, Guangdong)",
    "PX_TASK_CHECK": "warning text when Σ 拟投入资金 exceeds 项目支出 (formula, Guangdong)",
    "PX_OTHER_TASKS": "其他需完成的任务（可选填） (input, Guangdong)",
    "PX_INDICATORS": "indicator table body (绩效指标 / duty matrix), spare rows included",
    "PX_LEVEL1": "the 一级指标 list on the hidden list sheet (dropdown source, Guangdong)",
}

# Dropdown sources for 二级指标: one name per 一级, PX_L2_ + the 一级 (e.g. PX_L2_产出指标).
LEVEL2_PREFIX = "PX_L2_"

LAYOUT_NAMES: dict[str, tuple[str, ...]] = {
    "guangdong": (
        "PX_LAYOUT", "PX_FRAMEWORK", "PX_TITLE", "PX_YEAR", "PX_DEPARTMENT", "PX_STAFF",
        "PX_SUBUNITS", "PX_BASIC", "PX_PROJECT", "PX_TOTAL", "PX_FISCAL", "PX_OTHER",
        "PX_FUNDING_TOTAL", "PX_BALANCE", "PX_SPECIAL", "PX_OTHER_DEV", "PX_OWN_LEVEL",
        "PX_TRANSFER", "PX_GOAL", "PX_TASKS", "PX_TASK_TOTAL", "PX_TASK_COVERAGE",
        "PX_TASK_CHECK", "PX_OTHER_TASKS", "PX_INDICATORS", "PX_LEVEL1",
    ),
    "shandong": (
        "PX_LAYOUT", "PX_TITLE", "PX_YEAR", "PX_DEPARTMENT", "PX_BASIC", "PX_PROJECT",
        "PX_TOTAL", "PX_FISCAL", "PX_OTHER", "PX_BALANCE", "PX_GOAL", "PX_INDICATORS",
    ),
}


def sheet_ref(sheet: str, ref: str) -> str:
    """An absolute reference to ``ref`` on ``sheet``: 'sheet'!$B$3:$F$3."""
    parts = []
    for addr in ref.split(":"):
        col = addr.rstrip("0123456789")
        parts.append(f"${col}${addr[len(col):]}")
    quoted = sheet.replace("'", "''")
    return f"'{quoted}'!" + ":".join(parts)


def define(wb: Workbook, name: str, value: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=value)
