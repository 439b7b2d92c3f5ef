"""PX5xx: wording — placeholders, vague targets, stale years, wrong formulas."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import Any

from perfxl.core.rules.context import TEXT_FIELDS, Context, text
from perfxl.core.values import parse_target
from perfxl.core.rules.registry import Hit, register

_TITLES = re.compile(r"《[^》]*》|〈[^〉]*〉|〔[^〕]*〕|\[[^\]]*\]")
# A year not preceded by a digit (tested by hand, see stale_years: a look-behind at its
# start would cost the regex its quick scan for the characters 1 and 2).
_YEAR = re.compile(r"((?:19|20)\d{2})(?=\s*年)")
# A year after these words is a comparison base (较2020年增长), not a stale target.
_BASE_WORDS = ("较", "比", "同比", "相比", "对比", "自", "从", "截至", "以来", "基期")


def text_cells(ctx: Context, forward_only: bool = False, containing: str = "") -> Iterator[tuple[str, str]]:
    """(path, text) of every free-text cell whose text holds ``containing``.
    ``forward_only`` leaves out reference values and notes, which legitimately talk about
    past years."""
    form = ctx.form
    for path in ("department", "overall_goal", "other_tasks") if forward_only else _FORM_TEXT:
        value = text(getattr(form, path, ""))
        if value and containing in value:
            yield path, value
    for i, task in ctx.tasks():
        for attr in ("name", "content", "goal"):
            value = text(getattr(task, attr, ""))
            if value and containing in value:
                yield f"tasks[{i}].{attr}", value
    attrs = _INDICATOR_FORWARD if forward_only else _INDICATOR_TEXT
    for row in ctx.rows:
        texts = row.texts
        for attr in attrs:
            value = texts[attr]
            if value and containing in value:
                yield row.path(attr), value


def _all_text(ctx: Context) -> str:
    """The text of every text cell and maybe more (each row's every field), joined by
    newlines, which no normalised text holds: for one search instead of one per cell."""
    form = ctx.form
    parts = [text(getattr(form, path, "")) for path in _FORM_TEXT]
    parts += [text(getattr(task, attr, "")) for _, task in ctx.tasks() for attr in ("name", "content", "goal")]
    parts += chain.from_iterable(row.texts.values() for row in ctx.rows)
    return "\n".join(parts)


# 年度标准值 is this year's standard; 规划值, sources and 历史值 may cite the past.
_REFERENCES = (("standard", "plan_value", False), ("standard", "value", True),
               ("standard", "source", False), ("history", "avg3", False),
               ("history", "last_year", False), ("history", "source", False))
_FORM_TEXT = ("title", "department", "overall_goal", "other_tasks")
_INDICATOR_TEXT = TEXT_FIELDS + tuple(f"{group}.{attr}" for group, attr, _ in _REFERENCES)
_INDICATOR_FORWARD = tuple(a for a in TEXT_FIELDS if a not in ("note", "project")) + tuple(
    f"{group}.{attr}" for group, attr, forward in _REFERENCES if forward)


@register(
    "PX501", "placeholder", "error",
    "“{text}”中含有未替换的占位内容“{found}”",
    """
模板或往年表中的占位内容（XX、xxx、待填写、（单位）等）没有替换成实际内容，说明表格未填完整，
审核时会被退回。

修改方法：把占位内容替换为实际的数值、单位或名称。可在配置文件 placeholder-patterns 中增加
本地区常见的占位写法。
""",
)
def placeholder(ctx: Context) -> Iterator[Hit]:
    patterns = [re.compile(p) for p in ctx.config.placeholder_patterns]
    any_pattern = _any_of(tuple(ctx.config.placeholder_patterns))
    if any_pattern is not None and _context_free(tuple(ctx.config.placeholder_patterns)):
        # Each pattern on its own: over a long text, an alternation tries every branch at
        # every character, where most patterns alone skip ahead to their first character.
        everything = _all_text(ctx)
        if not any(_may_match(p, everything) and p.search(everything) for p in patterns):
            return  # nearly every form
    for path, value in text_cells(ctx):
        if any_pattern is not None and any_pattern.search(value) is None:
            continue  # no pattern matches anywhere: nothing to collect
        found = [m.group(0) for p in patterns for m in p.finditer(value)]
        if found:
            yield Hit(path, {"text": _short(value), "found": "、".join(dict.fromkeys(found))})


@lru_cache(maxsize=64)
def _any_of(patterns: tuple[str, ...]) -> re.Pattern | None:
    """One regex matching wherever any of ``patterns`` matches, to skip the cells none
    of them matches in one pass. None when the patterns cannot be combined safely
    (groups, which back-references need and an alternation renumbers; inline flags)."""
    try:
        compiled = [re.compile(p) for p in patterns]
        if not compiled or any(c.groups for c in compiled):
            return None
        return re.compile("|".join(f"(?:{p})" for p in patterns))
    except re.error:
        return None


@lru_cache(maxsize=64)
def _context_free(patterns: tuple[str, ...]) -> bool:
    """Whether a match of each pattern depends only on the characters it matches (no
    anchors, word boundaries, look-arounds, back-references, possessive or atomic
    matching): then a pattern that matches in some cell also matches in all the cells'
    texts joined by a newline, and no match there means none in any cell."""
    try:
        from re import _parser  # the parser behind re.compile; the answer is False without it

        return not any(op in _CONTEXT_OPS for p in patterns for op in _ops(_parser.parse(p)))
    except Exception:  # no parser, or one that changed: take the slow path
        return False


def _may_match(pattern: re.Pattern, text: str) -> bool:
    """False when ``text`` holds none of the characters a match must start with: a test
    for a character or three, where the regex itself (``[Xx×]{2,}``) tries every one."""
    first = _first_chars(pattern.pattern, pattern.flags)
    return first is None or any(ch in text for ch in first)


@lru_cache(maxsize=64)
def _first_chars(pattern: str, flags: int) -> frozenset[str] | None:
    """The characters a match of the pattern starts with, when the parsed pattern names
    them all (literals, classes of literals, repeated at least once, alternatives of
    those); None for anything else, ignoring case included."""
    if flags & re.IGNORECASE:
        return None
    try:
        from re import _parser  # as in _context_free

        return _first(_parser.parse(pattern, flags).data)
    except Exception:  # noqa: BLE001 — then the regex decides
        return None


def _first(items: list) -> frozenset[str] | None:
    if not items:
        return None  # the empty pattern matches anywhere
    op, arg = items[0]
    op = str(op)
    if op == "LITERAL":
        return frozenset(chr(arg))
    if op == "IN":
        return frozenset(chr(v) for _, v in arg) if all(str(o) == "LITERAL" for o, _ in arg) else None
    if op in ("MAX_REPEAT", "MIN_REPEAT") and arg[0] >= 1:
        return _first(arg[2].data)
    if op == "SUBPATTERN" and not arg[1] and not arg[2]:  # a group without inline flags
        return _first(arg[3].data)
    if op == "BRANCH":
        firsts = [_first(branch.data) for branch in arg[1]]
        return None if None in firsts else frozenset().union(*firsts)
    return None


_CONTEXT_OPS = {"AT", "ASSERT", "ASSERT_NOT", "GROUPREF", "GROUPREF_EXISTS",
                "POSSESSIVE_REPEAT", "ATOMIC_GROUP"}


def _ops(node: Any) -> Iterator[str]:
    """The names of the operations in a parsed pattern, nested ones included."""
    if hasattr(node, "data") and isinstance(node.data, list):  # a parsed (sub)pattern
        for op, arg in node.data:
            yield str(op)
            yield from _ops(arg)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _ops(item)


def _short(s: str, n: int = 30) -> str:
    return s if len(s) <= n else s[:n] + "…"


def _target_cells(ctx: Context) -> Iterator[tuple[str, str]]:
    """The forward-looking text cells that state targets: task goals and indicator values."""
    for i, task in ctx.tasks():
        value = text(getattr(task, "goal", ""))
        if value:
            yield f"tasks[{i}].goal", value
    for row in ctx.rows:
        for attr in ("annual_value", "period_value"):
            value = row.texts[attr]
            if value:
                yield row.path(attr), value


@register(
    "PX502", "vague-target", "warning",
    "目标“{text}”表述笼统（{found}），无法考核",
    """
“应做尽做”“按时按量完成”“有序进行”“基本完成”“根据下达任务确定”等表述没有可衡量的标准，
年终无法判断目标是否完成，是审核中最常见的退回理由。

修改方法：写成可衡量的目标：数量（≥3000宗）、质量（合格率≥95%）、时效（12月底前完成）
或明确的定性标准（如“通过省厅验收”）。可在配置文件 vague-phrases 中调整词表。
""",
)
def vague_target(ctx: Context) -> Iterator[Hit]:
    phrases = tuple(p for p in ctx.config.vague_phrases if p)
    any_phrase = _any_of(tuple(map(re.escape, phrases)))
    for path, value in _target_cells(ctx):
        if any_phrase is not None and any_phrase.search(value) is None:
            continue  # most targets hold none of them
        found = [p for p in phrases if p in value]
        if "左右" in found and not path.startswith("tasks[") and "approx" in parse_target(value).notes:
            found.remove("左右")  # PX407 already reports the approximate value
        if found:
            yield Hit(path, {"text": _short(value), "found": "、".join(found)})


def stale_years(value: str, year: int, gap: int) -> list[int]:
    """Years in ``value`` at least ``gap`` years before ``year``, outside titles and
    comparison bases."""
    if "年" not in value:  # _YEAR needs it
        return []
    s = _TITLES.sub(lambda m: " " * len(m.group(0)), value)
    out = []
    for m in _YEAR.finditer(s):
        start = m.start()
        if start and s[start - 1].isdecimal():  # \d: part of a longer number, as is every
            continue  # later start inside this match, which finditer goes on past
        y = int(m.group(1))
        before = s[max(0, start - 3):start]
        if y <= year - gap and not any(w in before for w in _BASE_WORDS):
            out.append(y)
    return sorted(set(out))


@register(
    "PX503", "stale-year", "warning",
    "“{text}”中出现往年年份{years}，本表为{year}年度，可能沿用了旧表内容",
    """
目标、指标和工作活动应针对申报年度。出现往年年份（如 2021 年度的表中写“完成2020年度评查”
“2020年底完成”）通常说明直接沿用了上年的表格。文件名称（书名号《》内）、比较基期（较2020年）
以及历史值、备注中的年份不在检查之列。

修改方法：把年份和内容更新为申报年度的目标。
""",
)
def stale_year(ctx: Context) -> Iterator[Hit]:
    year = ctx.year
    if year is None:
        return
    for path, value in text_cells(ctx, forward_only=True, containing="年"):  # stale_years needs it
        years = stale_years(value, year, ctx.config.stale_year_gap)
        if years:
            yield Hit(path, {"text": _short(value), "years": "、".join(f"{y}年" for y in years),
                             "year": year})


_DEVIATION_FIELDS = ("explanation", "name", "annual_value", "goal", "note")
_deviation_texts = itemgetter(*_DEVIATION_FIELDS)


@register(
    "PX504", "deviation-formula", "warning",
    "预算资金偏离率的计算公式有误：“{text}”",
    """
预算资金偏离率 = |本年预算数 − 本年决算数| ÷ 本年预算数 × 100%。
有的表写成“(预算−决算)/预算×100%−1”，这样算出的是执行率减一，不是偏离率。

修改方法：把指标解释中的公式改为正确公式，并说明取绝对值。
""",
)
def deviation_formula(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        texts = row.texts
        if "偏离率" not in "\n".join(_deviation_texts(texts)):  # found in one text, not across two
            continue
        for attr in _DEVIATION_FIELDS:
            value = re.sub(r"\s+", "", texts[attr]).replace("−", "-")
            if re.search(r"100%-1(?!\d)", value):
                yield Hit(row.path(attr), {"text": _short(texts[attr], 40)})
                break
