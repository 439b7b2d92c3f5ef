"""The Shandong layout: 部门预算整体绩效目标表 (seed 004_…, 临沂市司法局 2021).

Columns A–O. Header rows 2–3 carry the amounts as on the published form (label, then the
amount), row 4 the balance check, row 5 the 战略目标, rows 6–8 the three-row header of the duty
matrix (指标参考值 → 标准值 / 历史值 → their sub-columns), and the matrix body follows.
"""

from __future__ import annotations

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from perfxl.adapters.template import lists, page, styles
from perfxl.adapters.template.names import sheet_ref
from perfxl.core.model import Form, History, Indicator, Standard

SHEET = "绩效目标表"
FORM_NAME = "部门预算整体绩效目标表"
AMOUNT_FORMAT = '0.00"万元"'
WIDTHS = {
    "A": 8, "B": 16, "C": 18, "D": 24, "E": 26, "F": 20, "G": 14, "H": 16, "I": 16,
    "J": 12, "K": 14, "L": 16, "M": 20, "N": 24, "O": 16,
}
HEADER_ROWS = (6, 8)
FIRST_ROW = 9

INDICATOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("duty_no", "A"), ("duty", "B"), ("goal", "C"), ("name", "D"), ("explanation", "E"),
    ("annual_value", "F"), ("standard.plan_value", "G"), ("standard.value", "H"),
    ("standard.source", "I"), ("history.avg3", "J"), ("history.last_year", "K"),
    ("history.source", "L"), ("note", "M"), ("activity", "N"), ("project", "O"),
)
NOTE_HEADER = "备注（标准值和历史值均无的原因/其他需要说明的）"

_PLANS = {12: "十二五", 13: "十三五", 14: "十四五", 15: "十五五", 16: "十六五"}


def plan_header(year: int | None) -> str:
    """“十三五”规划值 and so on: the five-year plan in force when the form is filled,
    i.e. the year before the budget year (the 2021 seed cites “十三五”)."""
    if not year:
        return "规划值"
    n = 13 + (year - 1 - 2016) // 5
    return f"“{_PLANS[n]}”规划值" if n in _PLANS else "规划值"


def title_text(year: int | None, form_name: str) -> str:
    return f"{year if year else '　　　　'}年度{form_name}"


def build(wb: Workbook, form: Form, *, form_name: str, framework: str, spare_task_rows: int,
          spare_indicator_rows: int) -> dict[str, str]:
    """Write the form on a new sheet; return defined name → absolute reference."""
    ws = wb.create_sheet(SHEET)
    for col, width in WIDTHS.items():
        ws.column_dimensions[col].width = width
    refs: dict[str, str] = {}
    b = form.budget
    year_label = f"{form.year}年度" if form.year else "年度"

    styles.title(ws, "A1:O1", title_text(form.year, form_name))
    ws.row_dimensions[1].height = 36
    refs.update(PX_TITLE="A1", PX_YEAR="A1")

    styles.label(ws, "A2:A3", "部门名称")
    refs["PX_DEPARTMENT"] = styles.entry(ws, "B2:B3", form.department or None, align=styles.CENTER)
    styles.label(ws, "C2:C3", "部门整体预算总额")
    refs["PX_TOTAL"] = styles.formula(ws, "D2:E3", '=IF(COUNT(L2:L3)=0,"",ROUND(SUM(L2:L3),2))',
                                      number_format=AMOUNT_FORMAT, align=styles.CENTER)
    styles.label(ws, "F2:G2", "1.资金来源：（1）财政拨款", align=styles.LEFT)
    refs["PX_FISCAL"] = _amount(ws, "H2:I2", b.fiscal)
    styles.label(ws, "F3:G3", "（2）其他资金", align=styles.LEFT)
    refs["PX_OTHER"] = _amount(ws, "H3:I3", b.other)
    styles.label(ws, "J2:K2", "2.资金结构：（1）基本支出", align=styles.LEFT)
    refs["PX_BASIC"] = _amount(ws, "L2:O2", b.basic)
    styles.label(ws, "J3:K3", "（2）项目支出", align=styles.LEFT)
    refs["PX_PROJECT"] = _amount(ws, "L3:O3", b.project)
    ws.row_dimensions[2].height = ws.row_dimensions[3].height = 30
    # Its own row: a reader looks right of an empty amount for its value, so nothing but
    # labels and amounts may stand in rows 2–3.
    styles.label(ws, "A4", "收支平衡校验")
    refs["PX_BALANCE"] = styles.formula(ws, "B4:O4", BALANCE_FORMULA, align=styles.LEFT)
    # Column A is narrow: the label wraps to two lines, which the default height cuts off.
    ws.row_dimensions[4].height = styles.fit_height([("收支平衡校验", WIDTHS["A"])])

    styles.label(ws, "A5", "战略目标")
    refs["PX_GOAL"] = styles.entry(ws, "B5:O5", form.overall_goal or None, align=styles.LEFT_TOP)
    ws.row_dimensions[5].height = styles.fit_height(
        [(form.overall_goal, sum(WIDTHS.values()) - WIDTHS["A"])], minimum=60, maximum=160)

    _matrix_header(ws, form.year, year_label)
    rows = max(len(form.indicators) + max(0, spare_indicator_rows), 1)
    last = FIRST_ROW + rows - 1
    for i in range(rows):
        r = FIRST_ROW + i
        ind = form.indicators[i] if i < len(form.indicators) else Indicator()
        values = indicator_values(ind)
        for (_field, col), value in zip(INDICATOR_COLUMNS, values):
            align = styles.CENTER if col == "A" else styles.LEFT
            styles.entry(ws, f"{col}{r}", _cell_value(value) if col == "A" else (value or None), align=align)
        ws.row_dimensions[r].height = styles.fit_height(
            [(v, WIDTHS[col]) for (_f, col), v in zip(INDICATOR_COLUMNS, values)])
    refs["PX_INDICATORS"] = f"A{FIRST_ROW}:O{last}"

    ws.add_data_validation(lists.amount_validation(["H2:I3", "L2:O3"]))
    ws.freeze_panes = f"A{FIRST_ROW}"
    page.print_setup(ws, area=f"A1:O{page.MAX_ROW}", title_rows=f"{HEADER_ROWS[0]}:{HEADER_ROWS[1]}")
    page.typed_rows_below(ws, "A", "O")
    page.protect(ws)
    return {name: sheet_ref(SHEET, ref) for name, ref in refs.items()}


BALANCE_FORMULA = (
    '=IF(COUNT(H2:H3,L2:L3)=0,"",IF(ROUND(ABS(SUM(L2:L3)-SUM(H2:H3)),2)<=0.01,'
    '"平衡：资金结构合计等于资金来源合计",'
    '"不平衡：资金结构合计与资金来源合计相差"&ROUND(SUM(L2:L3)-SUM(H2:H3),2)&"万元"))'
)


def indicator_values(ind: Indicator) -> list[str]:
    """The row's cell texts in ``INDICATOR_COLUMNS`` order."""
    std, hist = ind.standard or Standard(), ind.history or History()
    return [
        ind.duty_no, ind.duty, ind.goal, ind.name, ind.explanation, ind.annual_value,
        std.plan_value, std.value, std.source, hist.avg3, hist.last_year, hist.source,
        ind.note, ind.activity, ind.project,
    ]


def _matrix_header(ws: Worksheet, year: int | None, year_label: str) -> None:
    top, bottom = HEADER_ROWS
    for col, text in (("A", "职责序号"), ("B", "部门职责"), ("C", "职责目标"), ("D", "绩效指标"),
                      ("E", "指标解释"), ("F", f"{year_label}指标值"), ("M", NOTE_HEADER),
                      ("N", "工作活动"), ("O", "预算项目")):
        styles.label(ws, f"{col}{top}:{col}{bottom}", text)
    styles.label(ws, f"G{top}:L{top}", "指标参考值")
    styles.label(ws, f"G{top + 1}:I{top + 1}", "标准值")
    styles.label(ws, f"J{top + 1}:L{top + 1}", "历史值")
    for col, text in (("G", plan_header(year)), ("H", f"{year}年标准值" if year else "年度标准值"),
                      ("I", "来源"), ("J", "前三年均值"), ("K", "上年值"), ("L", "来源")):
        styles.label(ws, f"{col}{bottom}", text)
    ws.row_dimensions[bottom].height = 30


def _amount(ws: Worksheet, ref: str, value: float | None) -> str:
    return styles.entry(ws, ref, value, number_format=AMOUNT_FORMAT, align=styles.CENTER)


def _cell_value(duty_no: str):
    # A plain sequence number is stored as a number, so Excel shows no "number as text" flag.
    s = (duty_no or "").strip()
    return int(s) if s.isdigit() and not s.startswith("0") else (s or None)
