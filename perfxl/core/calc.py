"""Derived figures of a 部门整体预算绩效目标表: totals, rates, target checks, progress.

Pure functions, no I/O. Inputs are whatever a cell may hold (numbers, text such as
``4,120.17万元`` or ``≥95%``, None for an empty cell); parsing goes through
``perfxl.core.values``. Results that can fail carry a Chinese ``reason`` for users (the
Excel functions in ``perfxl/excel/udfs.py`` show it as ``#PERF! <reason>``).

Units:
- amounts are 万元 (``parse_amount`` converts text in 元/千元/亿元);
- rates are ratios: 1.0 means 100 %. Excel shows them with a percent format;
- target comparisons work in the target's unit, converting 万元↔元, 万件↔件, ‰↔%.

Every formula is listed in docs/dev/calculations.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from perfxl.core.model import Form
from perfxl.core.values import Target, convert_unit, parse_amount, parse_target, round_half_up

# Relative tolerance for "equal" in target comparisons (3000 vs 0.3万 → 3000.0000000000005).
EPS = 1e-9
AMOUNT_TOLERANCE = 0.01  # 万元, policy (see domain notes)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= EPS * max(1.0, abs(a), abs(b))


def _pct(ratio: float) -> str:
    return f"{_fmt(round_half_up(ratio * 100, 2))}%"


def _fmt(x: float) -> str:
    """A number as users write it: 3000, 95.5, 0.01 (no float noise)."""
    return f"{round_half_up(x, 6):g}" if abs(x) < 1e15 else f"{x:g}"


# -- rates ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rate:
    """A ratio (1.0 = 100 %) or None with the reason it cannot be computed."""

    value: float | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.value is not None

    @property
    def percent(self) -> float | None:
        return None if self.value is None else self.value * 100


@dataclass(frozen=True)
class Total:
    """A sum in 万元 (rounded to 2 decimals) or None with the reason."""

    value: float | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.value is not None


def _amount(raw: Any, label: str) -> tuple[float | None, str]:
    """(万元, reason). Empty → (None, "…为空"); unreadable → (None, "…不是有效金额")."""
    a = parse_amount(raw)
    if a.empty:
        return None, f"{label}为空"
    if a.value is None:
        return None, f"{label}“{raw}”{a.problem}"
    return a.value, ""


def budget_amount(carry_over: Any = None, initial: Any = None, adjustment: Any = None) -> Total:
    """预算数 = 上年结转 + 年初预算 + 本年调整 (万元).

    Empty parts count as 0 (like Excel's SUM over blank cells), but at least one part must
    be given. 上年结转 and 年初预算 cannot be negative; 本年调整 can (调减). The sum is
    rounded to 2 decimals (ties away from zero, like Excel's ROUND).
    """
    parts = [(carry_over, "上年结转"), (initial, "年初预算"), (adjustment, "本年调整")]
    total, given = 0.0, 0
    for raw, label in parts:
        parsed = parse_amount(raw)
        if parsed.empty:
            continue
        value = parsed.value
        if value is None:
            return Total(None, f"{label}“{raw}”{parsed.problem}")
        if value < 0 and label != "本年调整":
            return Total(None, f"{label}为负数（{_fmt(value)}万元）")
        total += value
        given += 1
    if not given:
        return Total(None, "预算数为空（上年结转、年初预算、本年调整均未填写）")
    return Total(round_half_up(total, 2))


def execution_rate(actual: Any, budget: Any) -> Rate:
    """预算执行率 = 实际支出 / 预算数 (ratio; × 100 % for display).

    ``budget`` is the 预算数 (see ``budget_amount``). Defined results:
    budget empty → None "预算数为空"; budget 0 → None "预算数为0"; budget < 0 → None;
    actual empty → None; actual < 0 → None "实际支出为负数". Overspending gives a value > 1.
    """
    b, reason = _amount(budget, "预算数")
    if b is None:
        return Rate(None, reason)
    if b == 0:
        return Rate(None, "预算数为0，无法计算执行率")
    if b < 0:
        return Rate(None, f"预算数为负数（{_fmt(b)}万元）")
    a, reason = _amount(actual, "实际支出")
    if a is None:
        return Rate(None, reason)
    if a < 0:
        return Rate(None, f"实际支出为负数（{_fmt(a)}万元）")
    return Rate(a / b)


def execution_rate_parts(actual: Any, initial: Any, carry_over: Any = None,
                         adjustment: Any = None) -> Rate:
    """预算执行率 with 预算数 = 上年结转 + 年初预算 + 本年调整 computed here."""
    budget = budget_amount(carry_over, initial, adjustment)
    if budget.value is None:
        return Rate(None, budget.reason)
    # The unrounded parts would differ from the rounded 预算数 only below 0.005 万元.
    return execution_rate(actual, budget.value)


def deviation_rate(budget: Any, final: Any) -> Rate:
    """预算资金偏离率 = |本年预算数 − 本年决算数| / 本年预算数 (ratio, ≥ 0).

    The Linyi seed's "(预算−决算)/预算×100%−1" is wrong: it equals −决算/预算, the
    execution rate with its sign flipped, not a deviation. budget empty/0/negative → None
    with a reason; 决算数 empty or negative → None.
    """
    b, reason = _amount(budget, "本年预算数")
    if b is None:
        return Rate(None, reason)
    if b == 0:
        return Rate(None, "本年预算数为0，无法计算偏离率")
    if b < 0:
        return Rate(None, f"本年预算数为负数（{_fmt(b)}万元）")
    f, reason = _amount(final, "本年决算数")
    if f is None:
        return Rate(None, reason)
    if f < 0:
        return Rate(None, f"本年决算数为负数（{_fmt(f)}万元）")
    return Rate(abs(b - f) / b)


# -- form totals ------------------------------------------------------------------------

NO_AMOUNTS = "没有金额"


def sum_amounts(values: Iterable[Any]) -> Total:
    """Σ amounts in 万元, rounded to 2 decimals. Empty cells are skipped (Excel SUM);
    text amounts are parsed; an unreadable one makes the total None (naming it)."""
    total, given = 0.0, 0
    for raw in values:
        a = parse_amount(raw)
        if a.empty:
            continue
        if a.value is None:
            return Total(None, f"“{raw}”{a.problem}")
        total += a.value
        given += 1
    if not given:
        return Total(None, NO_AMOUNTS)
    return Total(round_half_up(total, 2))


@dataclass(frozen=True)
class BudgetTotals:
    """The totals of 预算整体情况 (万元) and whether the two breakdowns agree.

    structure = 基本支出 + 项目支出; funding = 财政拨款 + 其他资金;
    development = 财政专项资金 + 其他事业发展性支出; levels = 本级使用资金 + 拟用于对下转移支付资金
    (Guangdong only); declared = 部门整体预算总额 as typed (Shandong).
    ``balanced`` is True when every available total equals the others within
    ``AMOUNT_TOLERANCE``, None when fewer than two totals are available.
    """

    structure: float | None
    funding: float | None
    development: float | None
    levels: float | None
    declared: float | None
    balanced: bool | None
    reason: str = ""


def budget_totals(form: Form, tolerance: float = AMOUNT_TOLERANCE) -> BudgetTotals:
    b = form.budget

    def pair(x: Any, y: Any) -> float | None:
        return sum_amounts([x, y]).value

    # 基本支出 alone is no 预算总额 (Budget.total): why the structure total is unknown
    why = next((f"{name}为空" if a.empty else f"{name}“{a.raw}”{a.problem}"
                for name, a in (("基本支出", parse_amount(b.basic)), ("项目支出", parse_amount(b.project)))
                if a.value is None), "")
    structure = None if why else pair(b.basic, b.project)
    funding = pair(b.fiscal, b.other)
    development = pair(b.special_fund, b.other_development)
    levels = pair(b.own_level, b.transfer)
    declared = parse_amount(b.declared_total).value
    labelled = [(v, n) for v, n in ((structure, "基本支出+项目支出"), (funding, "财政拨款+其他资金"),
                                    (declared, "部门整体预算总额")) if v is not None]
    if len(labelled) < 2:
        return BudgetTotals(structure, funding, development, levels, declared, None,
                            "可比较的合计不足两项" + (f"（{why}）" if why else ""))
    first, name = labelled[0]
    for value, other in labelled[1:]:
        if abs(value - first) > tolerance + 1e-9:
            return BudgetTotals(structure, funding, development, levels, declared, False,
                                f"{name}={_fmt(first)}万元，{other}={_fmt(value)}万元，不相等")
    return BudgetTotals(structure, funding, development, levels, declared, True)


def task_total(form: Form) -> Total:
    """Σ 年度重点工作任务 拟投入资金 (万元)."""
    if not form.tasks:
        return Total(None, "没有年度重点工作任务")
    total = sum_amounts(t.amount for t in form.tasks)
    if total.value is None and total.reason == NO_AMOUNTS:
        return Total(None, "年度重点工作任务均未填写拟投入资金")
    return total


def coverage(task_amounts: Iterable[Any], project: Any) -> Rate:
    """任务资金覆盖率 = Σ 拟投入资金 / 项目支出 (ratio). Above 1 means the tasks claim
    more than the project budget (an error the rules report). 项目支出 empty, 0 or
    negative → None with a reason; no task amounts at all → 0 (with a reason), as Excel's
    SUM over blank cells gives."""
    p, reason = _amount(project, "项目支出")
    if p is None:
        return Rate(None, reason)
    if p == 0:
        return Rate(None, "项目支出为0，无法计算覆盖率")
    if p < 0:
        return Rate(None, f"项目支出为负数（{_fmt(p)}万元）")
    total = sum_amounts(task_amounts)
    if total.reason == NO_AMOUNTS:  # Excel's SUM over blanks is 0; so is the template's
        return Rate(0.0, "各任务均未填写拟投入资金，覆盖率按0计")
    if total.value is None:
        return Rate(None, total.reason)
    return Rate(total.value / p)


def task_coverage(form: Form) -> Rate:
    """``coverage`` of a form's tasks against its 项目支出."""
    if not form.tasks:
        return Rate(None, "没有年度重点工作任务")
    return coverage([t.amount for t in form.tasks], form.budget.project)


# -- targets ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Quantity:
    """A number with its unit (an actual or reference value), or None with the reason."""

    number: float | None
    unit: str = ""
    reason: str = ""


def parse_quantity(raw: Any, unit: str = "", label: str = "实际值") -> Quantity:
    """A measured value: a number (in ``unit`` if given) or text like ``3120宗``, ``95%``,
    ``2万件``. An operator in the text is ignored (``≥3000`` reads as 3000)."""
    if isinstance(raw, bool):
        return Quantity(None, reason=f"{label}不是数值")
    if isinstance(raw, (int, float)):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return Quantity(None, reason=f"{label}不是有限数值")
        return Quantity(float(raw), unit or "")
    if isinstance(raw, str):  # thousands separators: 3,120 is one number here
        raw = re.sub(r"(?<=\d)[,，](?=\d{3}(?!\d))", "", raw)
    t = parse_target(raw)
    if t.kind == "empty":
        return Quantity(None, reason=f"{label}为空")
    if not t.quantitative or t.number is None:
        return Quantity(None, reason=f"{label}“{t.text}”不是数值")
    if "approx" in t.notes:
        return Quantity(None, reason=f"{label}“{t.text}”是约数")
    return Quantity(t.number, t.unit or unit or "")


@dataclass(frozen=True)
class Aligned:
    target: float
    actual: float
    unit: str
    note: str = ""


def _align(target: Target, actual: Quantity, label: str = "实际值") -> Aligned | str:
    """Both numbers in one unit, or the reason they cannot be compared.

    Percent: a bare actual of at most 1 against a % target is a fraction (0.95 → 95 %),
    as an Excel cell formatted as percent stores it; a bare target of at most 1 against
    an actual in % likewise (a rate typed as 0.95). A missing unit on one side is taken
    to be the other side's unit.
    """
    assert target.number is not None and actual.number is not None
    t_num, a_num, t_unit, a_unit = target.number, actual.number, target.unit, actual.unit
    if t_unit == a_unit:
        return Aligned(t_num, a_num, t_unit)
    if a_unit == "" and t_unit in ("%", "‰"):
        if abs(a_num) <= 1:
            scaled = a_num * (100 if t_unit == "%" else 1000)
            return Aligned(t_num, scaled, t_unit, f"{label}{_fmt(a_num)}按{_fmt(scaled)}{t_unit}计")
        return Aligned(t_num, a_num, t_unit)
    if t_unit == "" and a_unit in ("%", "‰"):
        if abs(t_num) <= 1:
            scaled = t_num * (100 if a_unit == "%" else 1000)
            return Aligned(scaled, a_num, a_unit, f"指标值{_fmt(t_num)}按{_fmt(scaled)}{a_unit}计")
        return Aligned(t_num, a_num, a_unit)
    if a_unit == "":  # the usual case: a number typed into a cell
        return Aligned(t_num, a_num, t_unit)
    if t_unit == "":
        return Aligned(t_num, a_num, a_unit, f"指标值未写单位，按“{a_unit}”计")
    converted = convert_unit(a_num, a_unit, t_unit)
    if converted is None:
        return f"单位不一致：指标值为“{t_unit}”，{label}为“{a_unit}”"
    return Aligned(t_num, converted, t_unit,
                   f"{label}{_fmt(a_num)}{a_unit}换算为{_fmt(converted)}{t_unit}")


def _target(raw: Any) -> Target | str:
    """A quantitative target, or the reason it is not one."""
    t = raw if isinstance(raw, Target) else parse_target(raw)
    if t.kind == "empty":
        return "指标值为空"
    if not t.quantitative or t.number is None:
        return f"定性指标“{t.text}”，无法按数值判断"
    if t.operator == "≈":
        return f"指标值“{t.text}”是约数（左右/约），无法判断是否达成"
    return t


_TESTS = {
    "≥": lambda a, t: a > t or _close(a, t),
    "≤": lambda a, t: a < t or _close(a, t),
    "=": _close,
    ">": lambda a, t: a > t and not _close(a, t),
    "<": lambda a, t: a < t and not _close(a, t),
}


@dataclass(frozen=True)
class Comparison:
    """Whether an actual value meets a target. ``met`` is None when not computable."""

    met: bool | None
    reason: str
    target: float | None = None  # in ``unit``
    actual: float | None = None  # in ``unit``
    unit: str = ""
    operator: str = ""

    @property
    def computable(self) -> bool:
        return self.met is not None


def compare(target: Any, actual: Any, actual_unit: str = "") -> Comparison:
    """Does ``actual`` meet ``target``? ``≥3000宗`` vs 3120 → met; ``≤550元/人`` vs 600 →
    not met; qualitative, empty or approximate (左右) targets → not computable.

    Operators: ≥ a ≥ t; ≤ a ≤ t; = a = t; > a > t; < a < t, where "equal" allows a
    relative error of 1e-9 (unit conversion noise). Units are aligned first (see
    ``_align``): 万元 vs 元, 万件 vs 件, percent as 0.95 / 95 / "95%".
    """
    t = _target(target)
    if isinstance(t, str):
        return Comparison(None, t)
    q = parse_quantity(actual, actual_unit)
    if q.number is None:
        return Comparison(None, q.reason)
    aligned = _align(t, q)
    if isinstance(aligned, str):
        return Comparison(None, aligned)
    met = _TESTS[t.operator](aligned.actual, aligned.target)
    unit = aligned.unit
    verdict = "已达成" if met else "未达成"
    reason = (f"实际值{_fmt(aligned.actual)}{unit}，指标值{t.operator}{_fmt(aligned.target)}{unit}，"
              f"{verdict}")
    if aligned.note:
        reason += f"（{aligned.note}）"
    return Comparison(met, reason, aligned.target, aligned.actual, unit, t.operator)


# -- time progress ----------------------------------------------------------------------

LIGHT_LABELS = {"red": "红灯", "yellow": "黄灯", "green": "绿灯", "blue": "蓝灯"}
# Lower bounds of each light for ≥ targets, as ratios of actual to the time-progress
# standard: < 0.6 red, [0.6, 0.8) yellow, [0.8, 1.2) green, ≥ 1.2 blue.
LIGHT_BOUNDS = ((0.6, "red"), (0.8, "yellow"), (1.2, "green"))
# ≤ targets: within the bound green, up to 20 % over yellow, beyond red.
UPPER_BOUND_YELLOW = 1.2


def light_for_ratio(ratio: float, upper: bool = False) -> str:
    """The light for actual / standard. ``upper`` for ≤/< targets."""
    if upper:
        if ratio <= 1 or _close(ratio, 1):
            return "green"
        return "yellow" if ratio < UPPER_BOUND_YELLOW else "red"
    for bound, light in LIGHT_BOUNDS:
        if ratio < bound:
            return light
    return "blue"


def is_cumulative(target: Target) -> bool:
    """Whether a target accumulates over the year (counts, amounts) rather than being a
    level to hold (rates in % or ‰, per-unit values such as 元/人)."""
    return not (target.unit in ("%", "‰") or "/" in target.unit)


@dataclass(frozen=True)
class Progress:
    """Time-progress monitoring of one indicator in a given month.

    ``expected`` = target × month / 12 for cumulative targets, the target itself for
    levels; ``ratio`` = actual / expected; ``light`` red/yellow/green/blue (None when not
    computable, with ``reason``)."""

    light: str | None
    reason: str
    expected: float | None = None
    ratio: float | None = None
    unit: str = ""

    @property
    def label(self) -> str:
        return LIGHT_LABELS.get(self.light or "", "")


def expected_progress(target_number: float, month: int, cumulative: bool = True) -> float:
    """时间进度标准 = 年度指标值 × 月份 / 12 (levels: the target itself)."""
    return target_number * month / 12 if cumulative else target_number


def time_standard(target: Any, month: Any, cumulative: bool | None = None) -> Quantity:
    """时间进度标准 of an annual target in ``month`` (1–12), in the target's unit:
    ``expected_progress`` with ``cumulative`` decided by ``is_cumulative`` when None."""
    t = _target(target)
    if isinstance(t, str):
        return Quantity(None, reason=t)
    m = _month(month)
    if isinstance(m, str):
        return Quantity(None, reason=m)
    assert t.number is not None
    cum = is_cumulative(t) if cumulative is None else cumulative
    return Quantity(expected_progress(t.number, m, cum), t.unit)


def _month(month: Any) -> int | str:
    if isinstance(month, bool) or month is None:
        return "月份为空" if month is None else "月份应为1到12的整数"
    try:
        m = float(str(month).strip().rstrip("月")) if isinstance(month, str) else float(month)
    except ValueError:
        return f"月份“{month}”应为1到12的整数"
    if m != int(m) or not 1 <= m <= 12:
        return f"月份“{_fmt(m)}”应为1到12的整数"
    return int(m)


def progress(target: Any, actual: Any, month: Any, cumulative: bool | None = None,
             actual_unit: str = "") -> Progress:
    """Time-progress light of ``actual`` (completed so far) against an annual ``target``
    in ``month`` (1–12). ``cumulative`` None decides by the unit (``is_cumulative``).

    ≥, >, = targets: ratio = actual / expected; < 0.6 red, 0.6–0.8 yellow, 0.8–1.2 green,
    ≥ 1.2 blue. ≤, < targets (ceilings): ratio ≤ 1 green, up to 1.2 yellow, above red.
    Not computable: qualitative/approximate targets, month outside 1–12, negative actual,
    a standard of 0 or below (for ≥ targets).
    """
    t = _target(target)
    if isinstance(t, str):
        return Progress(None, t)
    m = _month(month)
    if isinstance(m, str):
        return Progress(None, m)
    q = parse_quantity(actual, actual_unit, "完成值")
    if q.number is None:
        return Progress(None, q.reason)
    aligned = _align(t, q, "完成值")
    if isinstance(aligned, str):
        return Progress(None, aligned)
    if aligned.actual < 0:
        return Progress(None, f"完成值为负数（{_fmt(aligned.actual)}）")
    cum = is_cumulative(t) if cumulative is None else cumulative
    expected = expected_progress(aligned.target, m, cum)
    upper = t.operator in ("≤", "<")
    unit = aligned.unit
    if expected <= 0:
        if upper:
            light = "green" if aligned.actual <= 0 else "red"
            return Progress(light, f"上限为{_fmt(expected)}{unit}，完成值{_fmt(aligned.actual)}{unit}，"
                                   f"{LIGHT_LABELS[light]}", expected, None, unit)
        return Progress(None, "时间进度标准为0，无法计算进度", expected, None, unit)
    ratio = aligned.actual / expected
    light = light_for_ratio(ratio, upper)
    basis = f"{m}月时间进度标准{_fmt(expected)}{unit}" if cum else f"标准{_fmt(expected)}{unit}"
    reason = (f"{basis}，完成值{_fmt(aligned.actual)}{unit}，完成进度{_pct(ratio)}，"
              f"{LIGHT_LABELS[light]}")
    if aligned.note:
        reason += f"（{aligned.note}）"
    return Progress(light, reason, expected, ratio, unit)


# -- year over year ---------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """A target against a reference value (上年值 or 前三年均值), in the target's unit.

    ``rate`` = (target − base) / |base| (None when base is 0); ``difference`` = target −
    base; ``weaker`` is True when the target asks for less than the reference (a ≥ target
    below it, a ≤ target above it), None when not computable."""

    rate: float | None
    difference: float | None
    weaker: bool | None
    reason: str
    base: float | None = None
    unit: str = ""


def change(target: Any, base: Any, label: str = "上年值") -> Change:
    t = _target(target)
    if isinstance(t, str):
        return Change(None, None, None, t)
    q = parse_quantity(base, label=label)
    if q.number is None:
        return Change(None, None, None, q.reason)
    aligned = _align(t, q, label)
    if isinstance(aligned, str):
        return Change(None, None, None, aligned)
    diff = aligned.target - aligned.actual
    if _close(aligned.target, aligned.actual):
        diff = 0.0
    upper = t.operator in ("≤", "<")
    weaker = (diff > 0) if upper else (diff < 0)
    unit = aligned.unit
    if aligned.actual == 0:
        rate = None
        reason = f"{label}为0，无法计算变化率"
    else:
        rate = diff / abs(aligned.actual)
        t_text, b_text = f"{_fmt(aligned.target)}{unit}", f"{_fmt(aligned.actual)}{unit}"
        if diff == 0:
            reason = f"指标值{t_text}与{label}{b_text}持平"
        else:
            reason = f"指标值{t_text}{'高于' if diff > 0 else '低于'}{label}{b_text}"
        if diff != 0:
            reason += f"，变化率{'+' if rate > 0 else '−'}{_pct(abs(rate))}"
    if weaker:
        reason += "，目标低于历史水平，需在备注中说明"
    if aligned.note:
        reason += f"（{aligned.note}）"
    return Change(rate, diff, weaker, reason, aligned.actual, unit)


@dataclass(frozen=True)
class YearOverYear:
    last_year: Change
    avg3: Change


def year_over_year(target: Any, last_year: Any = None, avg3: Any = None) -> YearOverYear:
    """The target against 上年值 and 前三年均值 (Shandong 历史值)."""
    return YearOverYear(change(target, last_year, "上年值"), change(target, avg3, "前三年均值"))


# -- a whole form -------------------------------------------------------------------------

@dataclass(frozen=True)
class IndicatorFigures:
    """One indicator's parsed target and, where the form gives them (Shandong 历史值),
    its change against 上年值 and 前三年均值."""

    index: int
    name: str
    target: Target
    last_year: Change | None = None
    avg3: Change | None = None


@dataclass(frozen=True)
class FormFigures:
    """Every derived figure of one form, for reports and ``perfxl calc``."""

    budget: BudgetTotals
    tasks: Total
    coverage: Rate
    indicators: tuple[IndicatorFigures, ...]

    def to_dict(self) -> dict[str, Any]:
        def rate(r: Rate) -> dict[str, Any]:
            return {"value": r.value, "reason": r.reason}

        def chg(c: Change | None) -> dict[str, Any] | None:
            if c is None:
                return None
            return {"base": c.base, "unit": c.unit, "difference": c.difference, "rate": c.rate,
                    "weaker": c.weaker, "reason": c.reason}

        b = self.budget
        return {
            "budget": {"structure": b.structure, "funding": b.funding,
                       "development": b.development, "levels": b.levels,
                       "declared": b.declared, "balanced": b.balanced, "reason": b.reason},
            "task_total": {"value": self.tasks.value, "reason": self.tasks.reason},
            "coverage": rate(self.coverage),
            "indicators": [{
                "index": i.index, "name": i.name, "kind": i.target.kind,
                "operator": i.target.operator, "number": i.target.number, "unit": i.target.unit,
                "last_year": chg(i.last_year), "avg3": chg(i.avg3),
            } for i in self.indicators],
        }


def form_figures(form: Form) -> FormFigures:
    indicators = []
    for i, ind in enumerate(form.indicators):
        target = parse_target(ind.annual_value)
        hist = ind.history
        last = change(target, hist.last_year, "上年值") if hist and hist.last_year else None
        avg3 = change(target, hist.avg3, "前三年均值") if hist and hist.avg3 else None
        indicators.append(IndicatorFigures(i, ind.name, target, last, avg3))
    return FormFigures(budget_totals(form), task_total(form), task_coverage(form),
                       tuple(indicators))
