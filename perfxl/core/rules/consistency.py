"""PX6xx: consistency between tasks, indicators and reference values."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from perfxl.core.rules.context import Context, Row, text
from perfxl.core.rules.registry import Hit, register
from perfxl.core.values import (Target, convert_unit, join_thousands, normalize, parse_target,
                                unit_scale)

_SPLIT = re.compile(r"[，,。；;、：:\n]|其中|并|和|及")
# Common verbs and fillers that say nothing about what is measured.
_STOP = {"办理", "开展", "完成", "全市", "组织", "实现", "推进", "提升", "加强", "不少", "少于",
         "以上", "各类", "工作", "达到", "产生", "通过", "市政", "政府", "全年", "年度", "累计"}


@dataclass(frozen=True, init=False)
class Quantity:
    phrase: str  # the clause it was written in, e.g. 全市办理法律援助案件不少于3000宗
    number: float
    unit: str
    keywords: frozenset[str]

    def __init__(self, phrase: str, number: float, unit: str, keywords: frozenset[str]) -> None:
        # Frozen all the same: see FROZEN_INIT in perfxl.core.values.
        fields = self.__dict__
        fields["phrase"], fields["number"], fields["unit"], fields["keywords"] = phrase, number, unit, keywords

    def __str__(self) -> str:
        return self.phrase


_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]+")


def _keywords(phrase: str) -> frozenset[str]:
    # Keyed on the Chinese text alone: phrases differing only in their numbers share it.
    return _bigrams(_NOT_CJK.sub(" ", phrase))


@lru_cache(maxsize=1 << 14)
def _bigrams(cjk: str) -> frozenset[str]:
    grams = {w[i:i + 2] for w in cjk.split() for i in range(len(w) - 1)}
    return frozenset(grams - _STOP)


def quantities(value: str) -> list[Quantity]:
    """Every number + unit written in a text, one per clause."""
    return list(_quantities(value))


@lru_cache(maxsize=1 << 14)
def _quantities(value: str) -> tuple[Quantity, ...]:
    # Forms repeat the same indicator texts; Quantity is immutable.
    out = []
    for clause in _SPLIT.split(normalize(join_thousands(value))):  # 3,000宗 is one clause
        clause = clause.strip()
        if not clause:
            continue
        t = parse_target(clause)
        if t.quantitative and t.unit and t.number is not None and not t.unit.startswith("/"):
            out.append(Quantity(clause, t.number, t.unit, _keywords(clause)))
    return tuple(out)


_CASES = frozenset({"宗", "件"})


def _same_amount(a: Quantity, b: Quantity) -> bool:
    if a.unit in _CASES and b.unit in _CASES:  # both count cases
        return abs(a.number - b.number) < 1e-9
    other = convert_unit(b.number, b.unit, a.unit)
    return other is not None and abs(a.number - other) < 1e-9


class QuantityIndex:
    """The indicators' quantities by base unit (万件 and 件 share 件), each with its row:
    a task target is only compared with those _same_amount can equate. A row's own
    keywords (二级, name, explanation) count as each of its quantities'; they are worked
    out only for a row with a quantity of the same amount, once."""

    def __init__(self) -> None:
        self._by_base: dict[str, list[tuple[Quantity, Row]]] = defaultdict(list)
        self._cases: list[tuple[Quantity, Row]] = []
        self._row_keywords: dict[int, frozenset[str]] = {}

    def add(self, q: Quantity, row: Row) -> None:
        self._by_base[unit_scale(q.unit)[0]].append((q, row))
        if q.unit in _CASES:
            self._cases.append((q, row))

    def measures(self, q: Quantity) -> bool:
        """An indicator measures a task target when it states the same amount about the
        same thing (a keyword shared with the quantity's clause or with its row)."""
        same = self._by_base.get(unit_scale(q.unit)[0], [])
        for iq, row in same + self._cases if q.unit in _CASES else same:
            if _same_amount(q, iq) and (q.keywords & iq.keywords or q.keywords & self._context(row)):
                return True
        return False

    def _context(self, row: Row) -> frozenset[str]:
        words = self._row_keywords.get(row.index)
        if words is None:
            texts = row.texts
            words = self._row_keywords[row.index] = _keywords(
                " ".join((texts["level2"], texts["name"], texts["explanation"])))
        return words


@register(
    "PX601", "task-target-unmeasured", "warning",
    "重点工作任务“{task}”的量化目标{targets}没有对应的绩效指标",
    """
年度重点工作任务中写明的量化目标（如“办理法律援助案件不少于3000宗”）应在绩效指标中有对应的
三级指标，否则年终考核时这些目标无从体现，任务与指标脱节。

修改方法：为这些目标增加三级指标（如 数量指标 → “法律援助案件办理数量 ≥3000宗”），
或在任务目标中删去不准备考核的数值。
""",
)
def task_target_unmeasured(ctx: Context) -> Iterator[Hit]:
    targets = [(i, task, quantities(text(getattr(task, "goal", "")))) for i, task in ctx.tasks()]
    if not any(qs for _, _, qs in targets):
        return  # no task states a quantity: nothing to look for among the indicators
    index = QuantityIndex()
    for row in ctx.rows:
        texts = row.texts
        for attr in ("name", "annual_value", "period_value"):
            for q in _quantities(texts[attr]):
                index.add(q, row)
    for i, task, qs in targets:
        missing = [q for q in qs if not index.measures(q)]
        if missing:
            name = text(getattr(task, "name", "")) or f"第{i + 1}项"
            shown = "、".join(f"“{q.phrase}”" for q in missing[:4])
            if len(missing) > 4:
                shown += f"等{len(missing)}项"
            yield Hit(f"tasks[{i}].goal", {"task": name, "targets": shown})


def _ref_values(row: Row) -> list[tuple[str, str, str]]:
    """(path attr, label, value) of a Shandong row's reference values."""
    texts, ind = row.texts, row.indicator
    std, hist = ind.standard, ind.history
    return [
        ("standard.plan_value", "规划值", texts["standard.plan_value"] if std else ""),
        ("standard.value", "标准值", texts["standard.value"] if std else ""),
        ("history.avg3", "前三年均值", texts["history.avg3"] if hist else ""),
        ("history.last_year", "上年值", texts["history.last_year"] if hist else ""),
    ]


@register(
    "PX602", "reference-missing", "error",
    "指标“{name}”既无标准值也无历史值，备注中应说明原因",
    """
山东格式要求每个指标填写参考值：标准值（规划值、年度标准值）或历史值（前三年均值、上年值）。
两者都没有时（例如新增项目），必须在“备注”栏说明原因，否则无法判断指标值是否合理。

修改方法：补填标准值或历史值及其来源；确实没有的，在备注中写明原因（如“2021年新增项目，无历史数据”）。
""",
)
def reference_missing(ctx: Context) -> Iterator[Hit]:
    if ctx.guangdong:
        return
    for row in ctx.rows:
        texts = row.texts
        name = texts["name"]
        if not name and not texts["annual_value"]:
            continue
        if any(v for _, _, v in _ref_values(row)) or texts["note"]:
            continue
        yield Hit(row.path("note"), {"name": name or texts["annual_value"]})


def _as_percent(t: Target, other: Target) -> float | None:
    """A bare 0.997 beside a percentage is Excel's 99.7 %."""
    if t.unit == "" and other.unit == "%" and t.number is not None and 0 < t.number <= 1:
        return t.number * 100
    return t.number


def _comparable(target: Target, ref: Target) -> tuple[float, float] | None:
    """(target, reference) numbers when both are quantities in the same unit."""
    if not (target.quantitative and ref.quantitative):
        return None
    a, b = _as_percent(target, ref), _as_percent(ref, target)
    if a is None or b is None:
        return None
    if target.unit and ref.unit and target.unit != ref.unit:
        b = convert_unit(b, ref.unit, target.unit)  # 2万人次 vs 15000人次
        return (a, b) if b is not None else None
    return (a, b)


@register(
    "PX603", "target-below-reference", "warning",
    "指标“{name}”的年度指标值“{value}”低于{refs}，备注中未说明原因",
    """
年度指标值一般不应低于标准值、上年值或前三年均值；目标定得比往年还低，审核时会被认为
目标偏低、缺乏挑战性。确有原因（任务调整、口径变化等）的，应在备注中说明。

修改方法：提高年度指标值，或在备注栏说明目标低于参考值的原因。
""",
)
def target_below_reference(ctx: Context) -> Iterator[Hit]:
    if ctx.guangdong:
        return
    for row in ctx.rows:
        texts = row.texts
        value = texts["annual_value"]
        if not value or texts["note"]:
            continue
        target = parse_target(value)
        if not target.quantitative or target.operator in ("≤", "<"):
            continue  # a ceiling (cost, time) may well be below the past value
        below = []
        for _attr, label, raw in _ref_values(row)[1:]:
            pair = _comparable(target, parse_target(raw)) if raw else None
            if pair is not None and pair[0] < pair[1] - 1e-9:
                below.append(f"{label}{raw}")
        if below:
            yield Hit(row.path("annual_value"), {"name": texts["name"], "value": value,
                                                 "refs": "、".join(below)})
