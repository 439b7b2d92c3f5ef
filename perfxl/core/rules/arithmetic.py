"""PX1xx: amounts and the budget arithmetic (万元, at most 2 decimals)."""

from __future__ import annotations

from collections.abc import Iterator

from perfxl.core.rules.context import Context, fmt, number, text
from perfxl.core.rules.registry import Hit, register
from perfxl.core.values import AMOUNT_UNITS, Amount, decimals

BUDGET_LABELS = {
    "basic": "基本支出", "project": "项目支出", "fiscal": "财政拨款", "other": "其他资金",
    "special_fund": "财政专项资金", "other_development": "其他事业发展性支出",
    "own_level": "本级使用资金", "transfer": "拟用于对下转移支付资金",
    "declared_total": "部门整体预算总额",
}
GUANGDONG_BUDGET = ("basic", "project", "fiscal", "other", "special_fund",
                    "other_development", "own_level", "transfer")
SHANDONG_BUDGET = ("declared_total", "fiscal", "other", "basic", "project")


def amount_fields(ctx: Context) -> list[tuple[str, str, Amount]]:
    """(path, label, parsed amount) for every amount cell of the form, read once for the
    ten rules that look at them."""
    return ctx.shared("amount_fields", lambda: list(_amount_fields(ctx)))


def _amount_fields(ctx: Context) -> Iterator[tuple[str, str, Amount]]:
    budget = ctx.form.budget
    keys = GUANGDONG_BUDGET if ctx.guangdong else SHANDONG_BUDGET
    for key in keys:
        path = f"budget.{key}"
        yield path, BUDGET_LABELS[key], ctx.amount(path, getattr(budget, key, None))
    for i, task in ctx.tasks():
        path = f"tasks[{i}].amount"
        name = text(getattr(task, "name", "")) or f"第{i + 1}项"
        yield path, f"任务“{_short(name)}”拟投入资金", ctx.amount(path, getattr(task, "amount", None))


def _short(s: str, n: int = 20) -> str:
    return s if len(s) <= n else s[:n] + "…"


def _value(ctx: Context, key: str) -> float | None:
    return ctx.amount(f"budget.{key}", getattr(ctx.form.budget, key, None)).value


def _differs(ctx: Context, a: float, b: float) -> bool:
    return abs(a - b) > ctx.config.amount_tolerance + 1e-9


@register(
    "PX101", "budget-sources-mismatch", "error",
    "基本支出+项目支出={structure}万元，与财政拨款+其他资金={funding}万元不相等（相差{diff}万元）",
    """
部门预算支出按用途分为基本支出和项目支出，按来源分为财政拨款和其他资金，两种口径的合计必须相等。
不相等通常是某个金额录入错误、漏填，或把元当作万元填写。

修改方法：核对基本支出、项目支出、财政拨款、其他资金四个金额，使
基本支出+项目支出 = 财政拨款+其他资金（允许 0.01 万元以内的舍入误差，可在配置中调整）。
""",
)
def budget_sources_mismatch(ctx: Context) -> Iterator[Hit]:
    if not ctx.guangdong and _value(ctx, "declared_total") is not None:
        return  # PX102/PX103 compare both sides with the declared total instead
    values = [_value(ctx, k) for k in ("basic", "project", "fiscal", "other")]
    if any(v is None for v in values):
        return
    basic, project, fiscal, other = values
    structure, funding = round(basic + project, 2), round(fiscal + other, 2)
    if _differs(ctx, structure, funding):
        yield Hit("budget.fiscal", {"structure": fmt(structure), "funding": fmt(funding),
                                    "diff": fmt(abs(structure - funding))})


@register(
    "PX102", "budget-structure-total-mismatch", "error",
    "基本支出+项目支出={structure}万元，与部门整体预算总额{total}万元不相等（相差{diff}万元）",
    """
部门整体预算总额应等于基本支出与项目支出之和。

修改方法：核对部门整体预算总额、基本支出、项目支出三个金额，使
基本支出+项目支出 = 部门整体预算总额。
""",
)
def structure_total_mismatch(ctx: Context) -> Iterator[Hit]:
    total = _value(ctx, "declared_total")
    basic, project = _value(ctx, "basic"), _value(ctx, "project")
    if total is None or basic is None or project is None:
        return
    structure = round(basic + project, 2)
    if _differs(ctx, structure, total):
        yield Hit("budget.declared_total", {"structure": fmt(structure), "total": fmt(total),
                                            "diff": fmt(abs(structure - total))})


@register(
    "PX103", "budget-funding-total-mismatch", "error",
    "财政拨款+其他资金={funding}万元，与部门整体预算总额{total}万元不相等（相差{diff}万元）",
    """
部门整体预算总额应等于各资金来源（财政拨款、其他资金）之和。

修改方法：核对部门整体预算总额、财政拨款、其他资金三个金额，使
财政拨款+其他资金 = 部门整体预算总额。
""",
)
def funding_total_mismatch(ctx: Context) -> Iterator[Hit]:
    total = _value(ctx, "declared_total")
    fiscal, other = _value(ctx, "fiscal"), _value(ctx, "other")
    if total is None or fiscal is None or other is None:
        return
    funding = round(fiscal + other, 2)
    if _differs(ctx, funding, total):
        yield Hit("budget.declared_total", {"funding": fmt(funding), "total": fmt(total),
                                            "diff": fmt(abs(funding - total))})


def _task_sum(ctx: Context) -> float | None:
    amounts = [a.value for path, _, a in amount_fields(ctx) if path.startswith("tasks[")]
    amounts = [a for a in amounts if a is not None]
    return round(sum(amounts), 2) if amounts else None


@register(
    "PX104", "tasks-exceed-project", "error",
    "年度重点工作任务拟投入资金合计{tasks}万元，超过项目支出{project}万元",
    """
年度重点工作任务的资金来自项目支出，各任务拟投入资金之和不能超过项目支出。

修改方法：核对各任务的拟投入资金（单位为万元）和项目支出；若任务也使用基本支出，
应只填写其中的项目支出部分。
""",
)
def tasks_exceed_project(ctx: Context) -> Iterator[Hit]:
    total, project = _task_sum(ctx), _value(ctx, "project")
    if total is None or project is None:
        return
    if total - project > ctx.config.amount_tolerance + 1e-9:
        yield Hit("budget.project", {"tasks": fmt(total), "project": fmt(project)})


@register(
    "PX105", "task-coverage", "info",
    "年度重点工作任务拟投入资金合计{tasks}万元，占项目支出{project}万元的{share}",
    """
提示各重点工作任务覆盖了多少项目支出。覆盖比例过低说明大部分项目资金没有对应的任务和目标，
审核时可能被要求补充任务。

无需修改；如比例明显偏低，可考虑补充年度重点工作任务。
""",
)
def task_coverage(ctx: Context) -> Iterator[Hit]:
    total, project = _task_sum(ctx), _value(ctx, "project")
    if total is None or project is None or project <= 0:
        return
    yield Hit("budget.project", {"tasks": fmt(total), "project": fmt(project),
                                 "share": f"{total / project * 100:.1f}%"})


@register(
    "PX106", "amount-negative", "error",
    "{label}为负数（{value}万元）",
    """
预算金额不能为负数。负数通常是录入错误，或把调减金额直接填入了表中。

修改方法：填写实际预算金额（万元，不小于 0）。
""",
)
def amount_negative(ctx: Context) -> Iterator[Hit]:
    for path, label, amount in amount_fields(ctx):
        if amount.value is not None and amount.value < 0:
            yield Hit(path, {"label": label, "value": fmt(amount.value)})


@register(
    "PX107", "amount-decimals", "warning",
    "{label}“{raw}”超过两位小数，金额以万元为单位应保留两位小数",
    """
金额以万元为单位，最多保留两位小数（即精确到百元）。更多小数位通常说明金额按元填写后
换算不当，或单元格中是未取整的公式结果。

修改方法：四舍五入到两位小数，或用 ROUND(…,2) 取整。
""",
)
def amount_decimals(ctx: Context) -> Iterator[Hit]:
    for path, label, amount in amount_fields(ctx):
        # (an amount converted from 元 has more decimals, but PX112 asks for 万元 already)
        if amount.value is not None and not amount.from_text and not amount.note \
                and decimals(amount.value) > 2:
            yield Hit(path, {"label": label, "raw": text(amount.raw)})


@register(
    "PX108", "amount-as-text", "warning",
    "{label}“{raw}”是文本，已按{value}万元读取{note}，请改为数字",
    """
金额单元格中填的是文字（如“4,120.17万元”、全角数字），Excel 不会把它计入合计公式，
汇总时也可能出错。程序已按数字读取，但表格本身仍需修改。

修改方法：只填写数字（万元），不带单位和千分位逗号，并把单元格格式设为数值。
""",
)
def amount_as_text(ctx: Context) -> Iterator[Hit]:
    for path, label, amount in amount_fields(ctx):
        if amount.from_text and amount.value is not None:
            yield Hit(path, {"label": label, "raw": text(amount.raw),
                             "value": fmt(amount.value),
                             "note": f"（{amount.note}）" if "换算" in amount.note else ""})


@register(
    "PX109", "amount-unreadable", "error",
    "{label}“{raw}”不是有效金额{detail}",
    """
金额单元格中的内容无法识别为数字（例如“约四千万”“见附表”），或者不能确定是多少：
“4972,02”这样用逗号写小数的金额，可能是 4972.02，也可能是 497202；
超过 100 万亿元的金额，或 Excel 的错误值（如“#DIV/0!”，说明公式出错）也不能作为金额。

修改方法：填写以万元为单位的数字，小数用小数点；没有该项资金时填 0。
""",
)
def amount_unreadable(ctx: Context) -> Iterator[Hit]:
    for path, label, amount in amount_fields(ctx):
        if amount.value is None and not amount.empty:
            raw = amount.raw
            yield Hit(path, {"label": label,  # (1e+27 rather than its 28 digits)
                             "raw": f"{raw:g}" if isinstance(raw, float) else text(raw),
                             "detail": f"：{amount.note}" if amount.note else ""})


@register(
    "PX110", "amount-formula", "error",
    "{label}是公式“{formula}”，文件中没有保存其计算结果，请直接填写金额",
    """
金额单元格中是公式（如“=1000+187.54”“=明细表!B5”），而文件中没有保存公式的计算结果
（由其他程序生成、未经 Excel、WPS 或 LibreOffice 保存过的文件常常如此），
所以该金额按未知处理，合计关系无法核对，汇总时也会缺失。
有计算结果时 perfxl 采用该结果，只给出提示 PX111。
（山东格式的部门整体预算总额是模板自带的公式，由基本支出+项目支出得出，不在此列。）

修改方法：在 Excel 或 WPS 中打开后保存一次，或把公式换成数值
（复制该单元格后“选择性粘贴 → 数值”），以万元为单位。
""",
)
def amount_formula(ctx: Context) -> Iterator[Hit]:
    for path, label, amount, formula in _formula_amounts(ctx):
        if amount.value is None:
            yield Hit(path, {"label": label, "formula": formula})


def _formula_amounts(ctx: Context) -> Iterator[tuple[str, str, Amount, str]]:
    """Amounts the department gave by formula (the template's own total formula excluded)."""
    for path, label, amount in amount_fields(ctx):
        formula = ctx.formula(path)
        if formula and path != "budget.declared_total":
            yield path, label, amount, _short(formula, 40)


@register(
    "PX111", "amount-formula-cached", "info",
    "{label}是公式“{formula}”，已采用文件中保存的计算结果{value}万元",
    """
金额单元格中是公式，perfxl 采用了 Excel（或 WPS、LibreOffice）保存文件时算出的结果。
保存后又改动了公式引用的单元格而未重新计算时，这个结果可能已经过时。
财政部门一般要求金额直接填写数值，便于核对和汇总。

修改方法：核对金额无误即可；如需去掉公式，复制该单元格后“选择性粘贴 → 数值”。
""",
)
def amount_formula_cached(ctx: Context) -> Iterator[Hit]:
    for path, label, amount, formula in _formula_amounts(ctx):
        if amount.value is not None:
            yield Hit(path, {"label": label, "formula": formula, "value": f"{amount.value:g}"})


@register(
    "PX112", "amount-unit-converted", "warning",
    "“{label}”以“{unit}”为金额单位，已将{count}个金额换算为万元（如{example}），申报表金额应以万元填写",
    """
申报表的金额统一以万元为单位。表中标题或栏目写明按元（或千元、亿元）填写时，
perfxl 按所写单位读取并换算为万元，校验和汇总使用换算后的金额；但报送的表格仍应按规定格式填写。

修改方法：把这些金额换算为万元（元 ÷ 10000，保留两位小数）后填入，并把栏目名称改回
“预算金额（万元）”“拟投入资金（万元）”。
""",
)
def amount_unit_converted(ctx: Context) -> Iterator[Hit]:
    if not ctx.form.amount_units:
        return
    groups: dict[tuple[str, str], list[tuple[str, str, Amount]]] = {}
    for path, label, amount in amount_fields(ctx):
        unit = ctx.amount_unit(path)
        if unit and amount.value is not None and not amount.from_text:
            groups.setdefault(unit, []).append((path, label, amount))
    for (unit, stated), amounts in groups.items():
        path, label, amount = amounts[0]
        times, per = AMOUNT_UNITS.get(unit, (1, 1))  # (the amount as typed: a formula's is its result)
        example = f"{label}{fmt(amount.value * per / times)}{unit}→{fmt(amount.value)}万元"
        yield Hit(path, {"label": stated, "unit": unit, "count": len(amounts), "example": example})


__all__ = ["amount_fields", "number"]
