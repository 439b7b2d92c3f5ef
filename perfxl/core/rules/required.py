"""PX2xx: fields a reviewer expects to be filled in."""

from __future__ import annotations

import re
from collections.abc import Iterator

from perfxl.core.rules.arithmetic import BUDGET_LABELS, _short, amount_fields
from perfxl.core.rules.categories import shifted_rows
from perfxl.core.rules.context import Context, number, text
from perfxl.core.rules.registry import Hit, register


@register(
    "PX201", "department-missing", "error",
    "未填写部门名称",
    """
部门名称是识别申报单位的依据，汇总和审核都按部门名称归档。

修改方法：在“部门名称”后填写部门全称（如“惠州市司法局”）。
""",
)
def department_missing(ctx: Context) -> Iterator[Hit]:
    if not text(ctx.form.department) and not ctx.formula("department"):  # PX212 says it
        yield Hit("department")


@register(
    "PX202", "year-missing", "error",
    "未能确定申报年度（标题中应写明“××××年度”）",
    """
申报表必须写明年度，否则无法判断指标值和年份是否对应本年度，也无法汇总。

修改方法：在标题中写明年度，如“（2023年度）”或“2023年度部门预算整体绩效目标表”。
""",
)
def year_missing(ctx: Context) -> Iterator[Hit]:
    if ctx.year is None:
        yield Hit("year")


@register(
    "PX203", "amount-missing", "error",
    "未填写{label}",
    """
预算整体情况中的每个金额都必须填写；没有该项资金时填 0，不要留空，
否则无法核对合计关系，汇总时也会被当作缺失。
山东格式的部门整体预算总额由基本支出+项目支出得出（模板中是公式），留空不算缺项。

修改方法：填写以万元为单位的金额，没有的填 0。
""",
)
def amount_missing(ctx: Context) -> Iterator[Hit]:
    for path, label, amount in amount_fields(ctx):
        # 部门整体预算总额 is derived: a formula in the templates, whose cached value the
        # reader never trusts, so it reads as empty whenever it is a formula. Its inputs
        # carry their own PX203, and once they are filled the total is known (PX101 checks
        # it), so flagging it would only repeat them on a cell the user cannot type in.
        if path == "budget.declared_total":
            continue
        if amount.empty and not ctx.formula(path):  # a formula is filled in: PX110
            yield Hit(path, {"label": label})


@register(
    "PX204", "staff-count-missing", "error",
    "未填写财政供养人数",
    """
广东省格式的申报表在“基本信息”中要求填写财政供养人数，用于核对基本支出是否合理。

修改方法：填写部门（含下属单位）财政供养人员总数，为非负整数。
""",
)
def staff_count_missing(ctx: Context) -> Iterator[Hit]:
    if not ctx.guangdong:
        return
    raw = ctx.raw("staff_count") if ctx.has_source("staff_count") else ctx.form.staff_count
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if number(ctx.form.staff_count) is None:
            yield Hit("staff_count")


@register(
    "PX205", "staff-count-invalid", "error",
    "财政供养人数“{raw}”应为非负整数",
    """
财政供养人数是人数，只能是 0 或正整数。

修改方法：填写整数人数，不带“人”等单位或小数。
""",
)
def staff_count_invalid(ctx: Context) -> Iterator[Hit]:
    if not ctx.guangdong:
        return
    raw = ctx.raw("staff_count") if ctx.has_source("staff_count") else ctx.form.staff_count
    if raw is None or (isinstance(raw, str) and not raw.strip()) or ctx.formula("staff_count"):
        return
    value = number(raw)
    if value is None or value < 0 or not float(value).is_integer():
        yield Hit("staff_count", {"raw": text(raw)})


@register(
    "PX206", "no-tasks", "error",
    "未填写年度重点工作任务",
    """
年度重点工作任务说明部门今年要做什么、投入多少资金、期望达到什么目标，是绩效目标的依据。
至少应填写一项任务。

修改方法：在“年度重点工作任务”表中逐项填写任务名称、主要实施内容、拟投入资金和期望达到的目标。
""",
)
def no_tasks(ctx: Context) -> Iterator[Hit]:
    if ctx.guangdong and not any(text(getattr(t, "name", "")) for _, t in ctx.tasks()):
        yield Hit("tasks")


@register(
    "PX207", "task-incomplete", "error",
    "重点工作任务“{task}”未填写{fields}",
    """
每项重点工作任务都要写明主要实施内容和期望达到的目标，否则无法判断资金与目标是否匹配。

修改方法：补全该任务的主要实施内容、期望达到的目标（尽量量化）。
""",
)
def task_incomplete(ctx: Context) -> Iterator[Hit]:
    for i, task in ctx.tasks():
        name = text(getattr(task, "name", ""))
        missing = [label for attr, label in (("name", "任务名称"), ("content", "主要实施内容"),
                                              ("goal", "期望达到的目标"))
                   if not text(getattr(task, attr, "")) and not ctx.formula(f"tasks[{i}].{attr}")]
        filled = 3 - len(missing) + (number(getattr(task, "amount", None)) is not None)
        if missing and filled:
            path = f"tasks[{i}].{'goal' if '期望达到的目标' in missing else 'content' if name else 'name'}"
            yield Hit(path, {"task": name or f"第{i + 1}项", "fields": "、".join(missing)})


@register(
    "PX208", "overall-goal-missing", "error",
    "未填写{label}",
    """
总体绩效目标（山东格式为“战略目标”）概括部门全年要实现的产出和效果，是审核的第一项内容。

修改方法：用几条目标概括全年工作，如“目标1：……；目标2：……”，尽量与重点工作任务和绩效指标对应。
""",
)
def overall_goal_missing(ctx: Context) -> Iterator[Hit]:
    if not text(ctx.form.overall_goal) and not ctx.formula("overall_goal"):
        yield Hit("overall_goal", {"label": "总体绩效目标" if ctx.guangdong else "战略目标"})


@register(
    "PX209", "no-indicators", "error",
    "未填写任何绩效指标{reason}",
    """
绩效指标把目标量化为可考核的数值，没有指标的申报表不能通过审核。

perfxl 按表头行（一级指标、二级指标、三级指标、年度指标值；山东格式为职责序号、部门职责、职责目标、
绩效指标）找到指标表。表头行被删除或改写时，表中的指标无法读取，提示中会说明没有找到表头行。

修改方法：在绩效指标表中按产出、效益、满意度等类别填写三级指标及指标值；表中已经填写了指标时，
检查表头行是否还在、文字是否为规定的写法。
""",
)
def no_indicators(ctx: Context) -> Iterator[Hit]:
    if ctx.any_indicator:
        return
    sources = ctx.form.sources if isinstance(ctx.form.sources, dict) else {}
    # A form read from a file records where its table starts ("indicators") once it
    # has found the table's header row.
    if ctx.form.file and sources and "indicators" not in sources:
        head = ("一级指标、二级指标、三级指标、年度指标值" if ctx.guangdong
                else "职责序号、部门职责、职责目标、绩效指标")
        yield Hit("indicators", {"reason": f"，或没有找到指标表的表头行（{head}），表中的指标无法读取"})
    else:
        yield Hit("indicators")


@register(
    "PX210", "indicator-value-missing", "error",
    "指标“{name}”未填写{column}",
    """
每个三级指标都要有指标值，否则无法考核。

修改方法：填写指标值，定量指标写明符号、数值和单位（如“≥95%”“≥3000宗”），
定性指标写明可判断的描述（如“达到预期目标”）。
""",
)
def indicator_value_missing(ctx: Context) -> Iterator[Hit]:
    two_columns = ctx.guangdong and ctx.form.value_columns == 2
    shifted = shifted_rows(ctx)
    for row in ctx.rows:
        texts = row.texts
        name = texts["name"]
        if not name or row.index in shifted:
            continue
        if not texts["annual_value"] and not ctx.formula(row.path("annual_value")):
            yield Hit(row.path("annual_value"), {"name": name, "column": "年度指标值"})
        if two_columns and not texts["period_value"] and texts["annual_value"] \
                and not ctx.formula(row.path("period_value")):
            yield Hit(row.path("period_value"), {"name": name, "column": "实施周期指标值"})


@register(
    "PX211", "indicator-name-missing", "error",
    "指标值“{value}”没有对应的指标名称",
    """
填写了指标值却没有三级指标名称，审核人无法知道考核的是什么。

修改方法：在同一行的三级指标（山东格式为“绩效指标”）列填写指标名称。
""",
)
def indicator_name_missing(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        value = row.texts["annual_value"]
        if value and not row.texts["name"] and not ctx.formula(row.path("name")):
            yield Hit(row.path("name"), {"value": value})


@register(
    "PX212", "header-cell-unknown", "warning",
    "表头“{header}”未能识别，这一列的内容没有读取",
    """
perfxl 按表头的文字确定每一列是什么内容。表头改成了无法识别的文字时，这一列不会被读取，
其中的内容既不校验也不汇总，常常还会引出“未填写指标值”“没有对应的指标名称”之类的问题。

修改方法：把表头改回规定的写法，如“三级指标”“年度指标值”“职责目标”（能识别的写法见“常见问题”）；
这一列本来就不属于申报表时，删除这一列。
""",
)
def header_cell_unknown(ctx: Context) -> Iterator[Hit]:
    sources = ctx.form.sources if isinstance(ctx.form.sources, dict) else {}
    i = 0
    while (src := sources.get(f"unread_headers[{i}]")) is not None:
        yield Hit(f"unread_headers[{i}]", {"header": text(src.raw)})
        i += 1


@register(
    "PX213", "indicator-header-missing", "warning",
    "没有找到绩效指标表的表头行，已按一级指标、二级指标、三级指标、年度指标值{period}的顺序读取",
    """
绩效指标表的表头行（一级指标、二级指标、三级指标、年度指标值、实施周期指标值）被删除了。perfxl 从
“绩效指标”标签旁第一行按指标框架中的一级、二级类别认出了指标表，并按规定的列顺序读取；列的顺序与
规定不同时，读出的内容会错位。

修改方法：恢复表头行（可从空白模板复制），或用“新建申报表”生成新表后把内容粘贴进去。
""",
)
def indicator_header_missing(ctx: Context) -> Iterator[Hit]:
    sources = ctx.form.sources if isinstance(ctx.form.sources, dict) else {}
    if "indicator_header_missing" in sources:
        period = "、实施周期指标值" if ctx.form.value_columns == 2 else ""
        yield Hit("indicator_header_missing", {"period": period})


@register(
    "PX214", "value-formula", "error",
    "{label}是公式“{formula}”，文件中没有可用的计算结果，请直接填写",
    """
单元格中是公式（如“=E28”“=100+28”），而文件中没有保存公式的计算结果，或结果是错误值
（如 #REF!）。由其他程序生成、未经 Excel、WPS 或 LibreOffice 保存过的文件常常没有计算结果，
所以该项按未填写处理，汇总时也会缺失。有计算结果时 perfxl 直接采用该结果，不作提示。
（金额单元格中的公式见 PX110、PX111。）

修改方法：在 Excel 或 WPS 中打开后保存一次；公式结果是错误值时改正公式；
或者把公式换成内容（复制该单元格后“选择性粘贴 → 数值”）。
""",
)
def value_formula(ctx: Context) -> Iterator[Hit]:
    paths = getattr(ctx.form, "unresolved_formulas", None)
    for path in paths if isinstance(paths, list) else ():
        formula = ctx.formula(path) if isinstance(path, str) else None
        if formula and not _AMOUNT.fullmatch(path):  # amounts given by formula have PX110
            yield Hit(path, {"label": field_label(ctx, path), "formula": _short(formula, 40)})


_AMOUNT = re.compile(r"budget\.\w+|tasks\[\d+\]\.amount")


def _field(form, path: str):
    """The model value at a field path (``indicators[3].standard.value``), or None."""
    obj = form
    try:
        for part in path.split("."):
            name, _, index = part.partition("[")
            obj = getattr(obj, name, None)
            if index:
                obj = obj[int(index[:-1])]
    except (TypeError, ValueError, IndexError, KeyError):
        return None
    return obj


_FIELD_LABELS = {
    "title": "标题", "department": "部门名称", "year": "年度", "staff_count": "财政供养人数",
    "sub_units": "下属二级单位数", "other_tasks": "其他需完成的任务",
}
_TASK_LABELS = {"name": "任务名称", "content": "主要实施内容", "goal": "期望达到的目标"}
_INDICATOR_LABELS = {
    "level1": "一级指标", "level2": "二级指标", "annual_value": "年度指标值",
    "period_value": "实施周期指标值", "duty_no": "职责序号", "duty": "部门职责", "goal": "职责目标",
    "explanation": "指标解释", "standard.plan_value": "规划值", "standard.value": "年度标准值",
    "standard.source": "标准值来源", "history.avg3": "前三年均值", "history.last_year": "上年值",
    "history.source": "历史值来源", "note": "备注", "activity": "工作活动", "project": "预算项目",
}


def field_label(ctx: Context, path: str) -> str:
    """What a user calls the field at ``path``: 部门名称, 第2项重点工作任务的期望达到的目标,
    指标“群众满意度”的实施周期指标值."""
    if path == "overall_goal":
        return "总体绩效目标" if ctx.guangdong else "战略目标"
    if path.startswith("budget."):
        return BUDGET_LABELS.get(path[7:], path)
    head, _, attr = path.partition(".")
    if head.startswith("tasks["):
        return f"第{int(head[6:-1]) + 1}项重点工作任务的{_TASK_LABELS.get(attr, attr)}"
    if head.startswith("indicators["):
        index = int(head[11:-1])
        if attr == "name":
            return f"第{index + 1}个指标的{'三级指标' if ctx.guangdong else '绩效指标'}名称"
        name = text(_field(ctx.form, f"{head}.name"))
        who = f"指标“{_short(name)}”" if name else f"第{index + 1}个指标"
        return f"{who}的{_INDICATOR_LABELS.get(attr, attr)}"
    return _FIELD_LABELS.get(path, path)

