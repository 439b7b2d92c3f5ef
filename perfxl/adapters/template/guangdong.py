"""The Guangdong layout: 市直部门整体预算绩效目标申报表 (seed 000_…, 惠州市司法局 2022).

Columns A–F: column A holds the merged block labels (基本信息, 预算整体情况, 年度重点工作任务,
绩效指标) as on the published form; the tables use B–F. Rows are laid out top to bottom
with a cursor, so the task and indicator tables can have any number of rows.
"""

from __future__ import annotations

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from perfxl.adapters.template import lists, page, styles
from perfxl.adapters.template.names import sheet_ref
from perfxl.core.model import Form, Indicator, Task

SHEET = "绩效目标申报表"
FORM_NAME = "市直部门整体预算绩效目标申报表"
WIDTHS = {"A": 12, "B": 18, "C": 20, "D": 40, "E": 18, "F": 24}

TASK_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "B"), ("content", "C"), ("amount", "E"), ("goal", "F"),
)
TASK_HEADERS = ("任务名称", "主要实施内容", "拟投入资金（万元）", "期望达到的目标")


def indicator_columns(value_columns: int = 2) -> tuple[tuple[str, str], ...]:
    cols = (("level1", "B"), ("level2", "C"), ("name", "D"), ("annual_value", "E"))
    return cols + ((("period_value", "F"),) if value_columns == 2 else ())


def year_text(year: int | None) -> str:
    return f"（{year}年度）" if year else "（　　　　年度）"


def build(wb: Workbook, form: Form, *, form_name: str, framework: str, spare_task_rows: int,
          spare_indicator_rows: int) -> dict[str, str]:
    """Write the form on a new sheet; return defined name → absolute reference."""
    ws = wb.create_sheet(SHEET)
    for col, width in WIDTHS.items():
        ws.column_dimensions[col].width = width
    refs: dict[str, str] = {}
    b = form.budget

    styles.title(ws, "A1:F1", form_name)
    ws.row_dimensions[1].height = 36
    if form.year:
        styles.title(ws, "A2:F2", year_text(form.year), font=styles.SUBTITLE_FONT)
    else:  # a blank form without a year: let the user type it
        styles.entry(ws, "A2:F2", year_text(None), align=styles.CENTER)
    ws.row_dimensions[2].height = 22
    refs.update(PX_TITLE="A1", PX_YEAR="A2")

    styles.label(ws, "A3", "部门名称")
    refs["PX_DEPARTMENT"] = styles.entry(ws, "B3:F3", form.department or None)

    styles.label(ws, "A4", "基本信息")
    styles.label(ws, "B4", "财政供养人数")
    refs["PX_STAFF"] = styles.entry(ws, "C4", form.staff_count, number_format=styles.COUNT_FORMAT,
                                    align=styles.RIGHT)
    styles.label(ws, "D4", "下属二级单位数")
    refs["PX_SUBUNITS"] = styles.entry(ws, "E4:F4", form.sub_units,
                                       number_format=styles.COUNT_FORMAT, align=styles.RIGHT)

    # 预算整体情况, rows 5–12
    styles.label(ws, "A5:A12", "预算整体情况")
    _header_row(ws, 5, "部门预算支出", "预算来源")
    _amount_row(ws, refs, 6, "基本支出", "PX_BASIC", b.basic, "财政拨款", "PX_FISCAL", b.fiscal)
    _amount_row(ws, refs, 7, "项目支出", "PX_PROJECT", b.project, "其他资金", "PX_OTHER", b.other)
    styles.label(ws, "B8", "部门预算支出合计")
    refs["PX_TOTAL"] = styles.formula(ws, "C8", '=IF(COUNT(C6:C7)=0,"",ROUND(SUM(C6:C7),2))',
                                      number_format=styles.AMOUNT_FORMAT)
    styles.label(ws, "D8", "预算来源合计")
    refs["PX_FUNDING_TOTAL"] = styles.formula(ws, "E8:F8", '=IF(COUNT(E6:E7)=0,"",ROUND(SUM(E6:E7),2))',
                                              number_format=styles.AMOUNT_FORMAT)
    _header_row(ws, 9, "事业发展性支出", "按预算级次划分")
    _amount_row(ws, refs, 10, "财政专项资金", "PX_SPECIAL", b.special_fund,
                "市本级使用资金", "PX_OWN_LEVEL", b.own_level)
    _amount_row(ws, refs, 11, "其他事业发展性支出", "PX_OTHER_DEV", b.other_development,
                "拟用于对下转移支付资金", "PX_TRANSFER", b.transfer)
    ws.row_dimensions[11].height = styles.fit_height([("其他事业发展性支出", WIDTHS["B"])])
    styles.label(ws, "B12", "收支平衡校验")
    refs["PX_BALANCE"] = styles.formula(ws, "C12:F12", BALANCE_FORMULA, align=styles.LEFT)

    styles.label(ws, "A13", "总体绩效目标")
    refs["PX_GOAL"] = styles.entry(ws, "B13:F13", form.overall_goal or None, align=styles.LEFT_TOP)
    ws.row_dimensions[13].height = styles.fit_height([(form.overall_goal, _width("B", "F"))], minimum=60)

    row = _tasks(ws, refs, 14, form.tasks, spare_task_rows, form.other_tasks)
    row = _indicators(ws, refs, row, form.indicators, spare_indicator_rows, form.value_columns)

    t_first, t_last = (int(a[1:]) for a in refs["PX_TASKS"].split(":"))
    amount_cells = ["C6:C7", "E6:E7", "C10:C11", "E10:E11", f"E{t_first}:E{t_last}"]
    ws.add_data_validation(lists.amount_validation(amount_cells))
    ws.add_data_validation(lists.count_validation(["C4", "E4"]))
    i_first, i_last = (int(a[1:]) for a in refs["PX_INDICATORS"].split(":"))
    # Rows typed below the table get the dropdowns too (see page.typed_rows_below).
    below = i_last + page.ROWS_BELOW
    for dv in lists.level_validations(f"B{i_first}:B{below}", f"C{i_first}:C{below}"):
        ws.add_data_validation(dv)

    ws.freeze_panes = "A3"
    page.print_setup(ws, area=f"A1:F{page.MAX_ROW}", title_rows="1:2")
    page.typed_rows_below(ws, "B", "F")
    page.protect(ws)
    return {name: sheet_ref(SHEET, ref) for name, ref in refs.items()}


BALANCE_FORMULA = (
    '=IF(COUNT(C6:C7,E6:E7)=0,"",IF(ROUND(ABS(SUM(C6:C7)-SUM(E6:E7)),2)<=0.01,'
    '"平衡：部门预算支出合计等于预算来源合计",'
    '"不平衡：部门预算支出合计与预算来源合计相差"&ROUND(SUM(C6:C7)-SUM(E6:E7),2)&"万元"))'
)


def _tasks(ws: Worksheet, refs: dict[str, str], top: int, tasks: list[Task], spare: int,
           other_tasks: str) -> int:
    rows = len(tasks) + max(0, spare)
    rows = max(rows, 1)
    first, last = top + 1, top + rows
    total, coverage, other = last + 1, last + 2, last + 3
    styles.label(ws, f"A{top}:A{coverage}", "年度重点工作任务")
    styles.label(ws, f"B{top}", TASK_HEADERS[0])
    styles.label(ws, f"C{top}:D{top}", TASK_HEADERS[1])
    styles.label(ws, f"E{top}", TASK_HEADERS[2])
    styles.label(ws, f"F{top}", TASK_HEADERS[3])
    ws.row_dimensions[top].height = 30
    for i in range(rows):
        r = first + i
        t = tasks[i] if i < len(tasks) else Task()
        styles.entry(ws, f"B{r}", t.name or None)
        styles.entry(ws, f"C{r}:D{r}", t.content or None)
        styles.entry(ws, f"E{r}", t.amount, number_format=styles.AMOUNT_FORMAT, align=styles.RIGHT)
        styles.entry(ws, f"F{r}", t.goal or None)
        ws.row_dimensions[r].height = styles.fit_height(
            [(t.name, WIDTHS["B"]), (t.content, _width("C", "D")), (t.goal, WIDTHS["F"])])
    # The span ends on the row above 合计 wherever that row is, so a task row the user
    # inserts at 合计 (below the last task) is summed too; a fixed E{first}:E{last} would
    # not grow, as Excel grows a range only for rows inserted inside it.
    styles.label(ws, f"B{total}:D{total}", "合计")
    span = f"E{first}:INDEX(E:E,ROW()-1)"
    refs["PX_TASK_TOTAL"] = styles.formula(ws, f"E{total}", f'=IF(COUNT({span})=0,"",ROUND(SUM({span}),2))',
                                           number_format=styles.AMOUNT_FORMAT)
    styles.plain(ws, f"F{total}")
    # Anchored on the 合计 cell, not ROW()-2, so the coverage row stays right if rows are
    # added between the two; the unrounded sum keeps coverage equal to core.calc's.
    span = f"E{first}:INDEX(E:E,ROW(E{total})-1)"
    styles.label(ws, f"B{coverage}:D{coverage}", "重点任务资金覆盖率（合计/项目支出）")
    refs["PX_TASK_COVERAGE"] = styles.formula(
        ws, f"E{coverage}", f'=IFERROR(IF(N(C7)=0,"",ROUND(SUM({span})/C7,4)),"")',
        number_format=styles.PERCENT_FORMAT)
    refs["PX_TASK_CHECK"] = styles.formula(
        ws, f"F{coverage}", f'=IF(ROUND(SUM({span})-N(C7),2)>0,"{TASK_OVER_TEXT}","")', align=styles.LEFT)
    styles.label(ws, f"A{other}", "其他需完成的任务（可选填）")
    refs["PX_OTHER_TASKS"] = styles.entry(ws, f"B{other}:F{other}", other_tasks or None, align=styles.LEFT_TOP)
    ws.row_dimensions[other].height = styles.fit_height([(other_tasks, _width("B", "F"))], minimum=45)
    refs["PX_TASKS"] = f"B{first}:F{last}"
    return other + 1


TASK_OVER_TEXT = "重点任务资金合计超过项目支出"


def _indicators(ws: Worksheet, refs: dict[str, str], top: int, indicators: list[Indicator], spare: int,
                value_columns: int) -> int:
    rows = max(len(indicators) + max(0, spare), 1)
    first, last = top + 1, top + rows
    styles.label(ws, f"A{top}:A{last}", "绩效指标")
    styles.label(ws, f"B{top}", "一级指标")
    styles.label(ws, f"C{top}", "二级指标")
    styles.label(ws, f"D{top}", "三级指标")
    if value_columns == 1:
        styles.label(ws, f"E{top}:F{top}", "指标值")
    else:
        styles.label(ws, f"E{top}", "年度指标值")
        styles.label(ws, f"F{top}", "实施周期指标值")
    for i in range(rows):
        r = first + i
        ind = indicators[i] if i < len(indicators) else Indicator()
        styles.entry(ws, f"B{r}", ind.level1 or None, align=styles.CENTER)
        styles.entry(ws, f"C{r}", ind.level2 or None, align=styles.CENTER)
        styles.entry(ws, f"D{r}", ind.name or None)
        if value_columns == 1:
            styles.entry(ws, f"E{r}:F{r}", ind.annual_value or None, align=styles.CENTER)
        else:
            styles.entry(ws, f"E{r}", ind.annual_value or None, align=styles.CENTER)
            styles.entry(ws, f"F{r}", ind.period_value or None, align=styles.CENTER)
        ws.row_dimensions[r].height = styles.fit_height(
            [(ind.name, WIDTHS["D"]), (ind.annual_value, WIDTHS["E"]), (ind.period_value, WIDTHS["F"])])
    refs["PX_INDICATORS"] = f"B{first}:F{last}"
    return last + 1


def _header_row(ws: Worksheet, r: int, left: str, right: str) -> None:
    styles.label(ws, f"B{r}", left)
    styles.label(ws, f"C{r}", "预算金额（万元）")
    styles.label(ws, f"D{r}", right)
    styles.label(ws, f"E{r}:F{r}", "预算金额（万元）")


def _amount_row(ws: Worksheet, refs: dict[str, str], r: int, left: str, left_name: str, left_value,
                right: str, right_name: str, right_value) -> None:
    styles.label(ws, f"B{r}", left)
    refs[left_name] = styles.entry(ws, f"C{r}", left_value, number_format=styles.AMOUNT_FORMAT,
                                   align=styles.RIGHT)
    styles.label(ws, f"D{r}", right)
    refs[right_name] = styles.entry(ws, f"E{r}:F{r}", right_value,
                                    number_format=styles.AMOUNT_FORMAT, align=styles.RIGHT)


def _width(first: str, last: str) -> float:
    return sum(WIDTHS[chr(c)] for c in range(ord(first), ord(last) + 1))
