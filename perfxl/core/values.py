"""Normalising and parsing what people type into form cells.

Two kinds of cell matter:

* amount cells (万元): ``parse_amount`` accepts numbers and text such as ``4,120.17万元``
  or full-width digits, and says whether it had to parse text;
* indicator values: ``parse_target`` turns ``≧95％``, ``不少于3000宗``, ``2万件以上`` or
  ``550/人`` into operator + number + unit, with notes on everything a reviewer would
  question (missing operator, 以上, 左右, a unit without currency, …).

Both are pure functions over strings and numbers; they never raise on bad input.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

# Symbol spellings → canonical operator. Applied after NFKC, which already folds
# full-width ＞＜＝ into ASCII.
_SYMBOLS = [
    (">=", "≥"), ("=>", "≥"), ("≧", "≥"), ("⩾", "≥"),
    ("<=", "≤"), ("=<", "≤"), ("≦", "≤"), ("⩽", "≤"),
    ("〉", ">"), ("〈", "<"),
]

# Word operators before the number.
_PREFIX_WORDS = [
    ("大于等于", "≥"), ("大于或等于", "≥"), ("不少于", "≥"), ("不低于", "≥"), ("不小于", "≥"),
    ("至少", "≥"), ("达到", "≥"), ("小于等于", "≤"), ("小于或等于", "≤"), ("不超过", "≤"),
    ("不高于", "≤"), ("不大于", "≤"), ("不多于", "≤"), ("控制在", "≤"), ("超过", ">"),
    ("大于", ">"), ("高于", ">"), ("多于", ">"), ("低于", "<"), ("少于", "<"), ("小于", "<"),
    ("约", "≈"), ("大约", "≈"),
]
# Word operators after the number (and its unit). 以上 is accepted but questioned.
_SUFFIX_WORDS = [
    ("及以上", "≥"), ("以上", "≥"), ("以内", "≤"), ("之内", "≤"), ("及以下", "≤"), ("以下", "≤"),
    ("左右", "≈"),
]
OPERATORS = ("≥", "≤", "=", ">", "<", "≈")

_CJK = "\u4e00-\u9fff"
# Units seen on real forms, longest first when matched. A quantity's unit is the longest
# of these that follows the number, optionally with a per-something suffix (元/人, 次/年).
UNITS = sorted({
    "%", "‰", "元", "万元", "亿元", "千元", "人次", "万人次", "人", "名", "位", "户", "家", "个",
    "项", "件", "宗", "场", "场次", "次", "期", "篇", "本", "册", "份", "部", "条", "处", "座", "所",
    "批", "支", "套", "台", "辆", "艘", "架", "张", "块", "批次", "课时", "学时", "班", "天", "日",
    "个工作日", "工作日", "小时", "分钟", "分", "周", "月", "个月", "年", "季度", "亩", "公顷",
    "平方米", "万平方米", "平方公里", "公里", "千米", "米", "吨", "万吨", "立方米", "千瓦",
    "床", "张床", "所学校", "个点", "版面", "版", "期次", "起", "例", "株", "头", "只", "棵",
    "元/人", "元/次", "元/人·年", "元/平方米", "元/公里", "元/吨", "万元/个", "万元/项",
}, key=len, reverse=True)
# Most values hold none of the words: one search skips trying them one by one.
_ANY_PREFIX_WORD = re.compile("|".join(re.escape(w) for w, _ in _PREFIX_WORDS))
_DIGIT_AHEAD = re.compile(r"\s*[-−]?\d")
# A minus sign counts only right after an operator or at the start (≤-5%: a fall of at least
# 5 %); elsewhere
# a dash joins a range or a date (5-10次, 2023-12-31).
_NUMBER = re.compile(r"(?:(?P<op>[≥≤=><≈])\s*(?P<neg>[-−])?|(?P<lead>^[-−](?=\d)))?\s*(?P<num>\d+(?:\.\d+)?)\s*"
                     r"(?P<mult>万|亿|千(?!米|瓦|元))?")
# A whole value that is a date: an Excel date cell's text (2023-12-31, with 00:00:00 when
# read as a date and time) or a typed one (2023/12/31, 2023.12.31, 2023年12月31日).
_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})(?:(?P<sep>[-/.])(?P<m>0?[1-9]|1[0-2])(?P=sep)"
                   r"(?P<d>0?[1-9]|[12]\d|3[01])(?: 00:00(?::00)?)?"
                   r"|年(?P<m2>0?[1-9]|1[0-2])月(?P<d2>0?[1-9]|[12]\d|3[01])[日号])")
_DAY_AHEAD = re.compile(r"\d{1,2}[日号]")
_MONTH_BEHIND = re.compile(r"\d月$")
_CURRENCY = ("元", "万元", "亿元", "千元")
# A number written with thousands separators: 1 to 3 digits, then groups of exactly three
# (50,000 / 1,234,567.5), by an ASCII comma only: a full-width ， separates a list in
# Chinese (培训120，150，180人). Anything else with a comma (1,2,3类; 4972,02) is not one number.
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])")


def join_thousands(s: str) -> str:
    """``s`` with the commas of thousands-separated numbers removed (≥50,000份 → ≥50000份)."""
    if "," not in s:
        return s
    return _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), s)


# The first of UNITS (longest first) that a text starts with: an ordered alternation
# picks the same one as trying them in turn, in one C-level match.
_UNIT = re.compile("|".join(re.escape(u) for u in UNITS))
_PER = re.compile(rf"/[{_CJK}]{{1,3}}")


def _unit_at(s: str, pos: int) -> str:
    """The unit written at ``s[pos:]``: a known unit, optionally ``/X``, or ``/X`` alone."""
    rest = s[pos:].lstrip()
    m = _UNIT.match(rest)
    unit = m.group(0) if m else ""
    tail = rest[len(unit):]
    per = _PER.match(tail)
    if per and "/" not in unit:
        m = _UNIT.match(tail, 1)
        unit += "/" + (m.group(0) if m else per.group(0)[1:2])
    return unit


def normalize(text: Any) -> str:
    """Fold full-width characters and operator spellings; collapse white space."""
    if text is None:
        return ""
    if type(text) is str:  # the rules normalise the same cells many times over
        return normalize_str(text)
    return _normalize_uncached(str(text))


def _normalize_uncached(text: str) -> str:
    # unicodedata.normalize is slow on Chinese text (several µs), and nearly all it
    # changes there are the full-width forms (，：（）％ and digits), each of whose NFKC is
    # one ASCII character. Those replaced, is_normalized (fast) finds most texts need
    # nothing more; when it does not, NFKC of the text itself. Both give the same string.
    s = text
    if not unicodedata.is_normalized("NFKC", s):
        for ch in set(_FULL_WIDTH_CHARS.findall(s)):
            s = s.replace(ch, chr(ord(ch) - 0xFEE0) if ch != "\u3000" else " ")
        if not unicodedata.is_normalized("NFKC", s):
            s = unicodedata.normalize("NFKC", text)
    if _SYMBOL_CHARS.search(s):  # most texts hold none of them
        for old, new in _SYMBOLS:
            s = s.replace(old, new)
    return " ".join(s.split())  # str.split() splits on exactly what \s matches


# U+FF01–FF5E and the ideographic space: the NFKC (and NFKD) of each is one ASCII character.
_FULL_WIDTH_CHARS = re.compile("[\uff01-\uff5e\u3000]")
_SYMBOL_CHARS = re.compile("[" + re.escape("".join({c for old, _ in _SYMBOLS for c in old})) + "]")
# normalize() of a str (only), memoised.
normalize_str = functools.lru_cache(maxsize=1 << 16)(_normalize_uncached)


# FROZEN_INIT: the value classes the rules make by the hundred per form (Amount, Target,
# the rules' Hit, Quantity and Row) write their fields into __dict__ in an __init__ of
# their own. The one dataclass generates for a frozen class sets each field through
# object.__setattr__, which costs 3-4x as much; the objects are the same (fields,
# equality, hash, repr, pickling, and assigning a field still raises).


def round_half_up(value: float, places: int = 2) -> float:
    """Excel's ROUND: ties away from zero, on the decimal value the user typed."""
    if not abs(value) < 1e15:  # a float that large has no decimals left to round (or is inf/nan)
        return value
    q = Decimal(1).scaleb(-places)
    d = Decimal(repr(value)).quantize(q, rounding=ROUND_HALF_UP)
    return float(d)


# No budget comes near it: 1e10 万元 is 100 万亿元, several times China's whole national
# budget. A larger amount is a typing or unit error, never read as a number (sums of such
# numbers also overflow the decimal rounding of the summary).
MAX_AMOUNT = 1e10
# Why an amount was refused, beyond 不是有效金额 (Amount.note; "" when nothing more is known).
UNREADABLE = ""
OUT_OF_RANGE = "超出合理范围（超过100万亿元），请核对金额及其单位"
DECIMAL_COMMA = "逗号只能用作千分位（如“4,972.02”），小数请用小数点（如“4972.02”）"
EXCEL_ERROR = "这是 Excel 错误值，说明单元格中的公式出错，请修正公式或直接填写金额"
# What Excel shows in a cell whose formula failed.
EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
                          "#SPILL!", "#CALC!", "#GETTING_DATA"})
# The unit an amount cell's label states (预算金额（元）) or that text carries (1.2亿), and
# what it is multiplied and divided by to give 万元 (dividing 元 by 10000 rounds once, where
# multiplying by the inexact 1e-4 rounds twice). 万 alone is how finance staff shorten 万元.
AMOUNT_UNITS = {"万元": (1, 1), "万": (1, 1), "亿元": (10000, 1), "亿": (10000, 1),
                "千元": (1, 10), "元": (1, 10000)}
_AMOUNT_SUFFIXES = ("万元", "亿元", "千元", "元", "万", "亿")  # longest first where they share an end
_THOUSANDS_AMOUNT = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_COMMA_NUMBER = re.compile(r"[+-]?\d+(?:,\d+)+")


@dataclass(frozen=True, init=False)
class Amount:
    """A parsed amount cell. ``value`` is in 万元, or None.

    ``note`` says what was done to the cell (Chinese, for messages): for text, how it was
    read; for a value None that is not empty, why it was refused (``problem``)."""

    value: float | None
    raw: Any
    empty: bool = False
    from_text: bool = False  # the cell held text that had to be parsed
    note: str = ""

    def __init__(self, value: float | None, raw: Any, empty: bool = False,
                 from_text: bool = False, note: str = "") -> None:
        # Frozen all the same: see FROZEN_INIT.
        fields = self.__dict__
        fields["value"], fields["raw"], fields["empty"] = value, raw, empty
        fields["from_text"], fields["note"] = from_text, note

    @property
    def ok(self) -> bool:
        return self.value is not None

    @property
    def problem(self) -> str:
        """Why the cell was refused, to follow its quoted content: “…”不是有效金额：…"""
        return "不是有效金额" + (f"：{self.note}" if self.value is None and self.note else "")


def parse_amount(raw: Any, unit: str = "万元") -> Amount:
    """Parse an amount cell into 万元. Never raises.

    ``unit`` is the unit the form states for the cell (预算金额（元）): numbers, and text
    without a unit of its own, are in it. Text like ``4,120.17``, ``4120.17万元``, ``851.85万``,
    ``¥4,972.02`` or full-width digits is parsed (``from_text``); text in 元/千元/亿元 is
    converted. Anything else, an Excel error value, a decimal comma (``4972,02``) or an
    amount beyond ``MAX_AMOUNT`` → value None with the reason in ``note``.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Amount(None, raw, empty=True)
    if isinstance(raw, bool):
        return Amount(None, raw)
    if isinstance(raw, (int, float)):
        if unit == "万元":
            value = float(raw)
        else:
            scale = AMOUNT_UNITS.get(unit, (1, 1))
            value = raw * scale[0] / scale[1]
        if not -MAX_AMOUNT <= value <= MAX_AMOUNT:  # (also NaN and the infinities)
            return Amount(None, raw, note=OUT_OF_RANGE if value == value else UNREADABLE)
        return Amount(value, raw, note="" if unit in ("万元", "万") else _converted(unit))
    scale = AMOUNT_UNITS.get(unit, (1, 1))
    s = normalize(raw).replace(" ", "")
    if s in EXCEL_ERRORS:
        return Amount(None, raw, from_text=True, note=EXCEL_ERROR)
    s = s.removeprefix("¥").removeprefix("RMB")
    note = "文本已按数字读取"
    for suffix in _AMOUNT_SUFFIXES:
        if s.endswith(suffix):
            s, unit = s[: -len(suffix)], suffix
            scale = AMOUNT_UNITS[suffix]
            break
    if scale != (1, 1):
        note = _converted(unit)
    if "," in s:
        if not _THOUSANDS_AMOUNT.fullmatch(s):
            comma = _COMMA_NUMBER.fullmatch(s)  # 4972,02: digits either side of a comma
            return Amount(None, raw, from_text=True, note=DECIMAL_COMMA if comma else UNREADABLE)
        s = s.replace(",", "")
    try:
        d = Decimal(s)
        value = float(d * scale[0] / scale[1]) if d.is_finite() else float("nan")
    except (ArithmeticError, ValueError):  # InvalidOperation, and Overflow from 1e999999999
        return Amount(None, raw, from_text=True, note=OUT_OF_RANGE if _is_number(s) else UNREADABLE)
    if not -MAX_AMOUNT <= value <= MAX_AMOUNT:
        return Amount(None, raw, from_text=True, note=OUT_OF_RANGE if value == value else UNREADABLE)
    return Amount(value, raw, from_text=True, note=note)


def _is_number(s: str) -> bool:
    try:
        return Decimal(s).is_finite()
    except ArithmeticError:
        return False


def _converted(unit: str) -> str:
    return f"金额以“{unit}”填写，已换算为万元"


def decimals(value: float) -> int:
    """Decimal places of a typed number (0.1 + 0.2 style noise ignored)."""
    s = f"{value:.10f}".rstrip("0").rstrip(".")
    return len(s.split(".")[1]) if "." in s else 0


@dataclass(frozen=True, init=False)
class Target:
    """A parsed indicator value.

    ``kind`` is ``quantitative`` (operator + number + unit), ``qualitative`` (a grade or
    description) or ``empty``. ``notes`` holds machine-readable flags for the rules:

    - ``operator_missing``: a number without ≥/≤/=; ``=`` was assumed
    - ``word_operator``: the operator was written in words (不少于 …)
    - ``above_word``: 以上 was used (ambiguous whether the bound is included)
    - ``approx``: 左右 / 约 — not a verifiable target
    - ``multiplied``: 万/亿/千 folded into the number (2万件 → 20000 件)
    - ``currency_missing``: a per-unit value without 元 (550/人)
    - ``percent_over_100``: a percentage above 100
    - ``bare_number``: a number with no unit at all (may be a rate typed as 1 or 0.95)
    - ``multiple_numbers``: several quantities in one cell; the first operator-bearing one
      was taken
    - ``date``: the whole value is a date (2023-12-31); kind ``qualitative``
    """

    raw: Any
    kind: str
    operator: str | None = None
    number: float | None = None
    unit: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    text: str = ""  # normalised text

    def __init__(self, raw: Any, kind: str, operator: str | None = None,
                 number: float | None = None, unit: str = "", notes: tuple[str, ...] = (),
                 text: str = "") -> None:
        # Frozen all the same: see FROZEN_INIT.
        fields = self.__dict__
        fields["raw"], fields["kind"], fields["operator"], fields["number"] = raw, kind, operator, number
        fields["unit"], fields["notes"], fields["text"] = unit, notes, text

    @property
    def quantitative(self) -> bool:
        return self.kind == "quantitative"

    def __str__(self) -> str:
        if not self.quantitative:
            return self.text
        num = f"{self.number:g}" if self.number is not None else ""
        return f"{self.operator}{num}{self.unit}"


def _is_enumerator(s: str, start: int, end: int) -> bool:
    """``1.`` / ``1、`` / ``(1)`` list markers are not quantities."""
    before = s[start - 1] if start > 0 else ""
    after = s[end] if end < len(s) else ""
    if after and after in ".、)" and (end + 1 >= len(s) or not s[end + 1].isdigit()):
        return before in ("", " ", "(", ";", "；", "。", "，", ",")
    return False


_ENUMERATOR_ENDS = frozenset(".、)")
_SUFFIX = re.compile("|".join(re.escape(w) for w, _ in _SUFFIX_WORDS))
_SUFFIX_OPERATOR = dict(_SUFFIX_WORDS)


def _in_date(s: str, start: int, end: int) -> bool:
    """Whether the number at ``s[start:end]`` is the month or the day of a date (12月31日)."""
    if s[end] == "月":
        return _DAY_AHEAD.match(s, end + 1) is not None
    return _MONTH_BEHIND.search(s, 0, start) is not None


def date_text(text: str) -> str | None:
    """A value that is a date, written the Chinese way: 2023-12-31 → 2023年12月31日."""
    m = _DATE.fullmatch(text)
    if m is None:
        return None
    month, day = m.group("m") or m.group("m2"), m.group("d") or m.group("d2")
    return f"{m.group('y')}年{int(month)}月{int(day)}日"


def _is_year(num: str, unit: str) -> bool:
    return unit.startswith("年") and len(num) == 4 and num.isdigit() and 1990 <= int(num) <= 2100



def parse_target(raw: Any) -> Target:
    """Parse an indicator value. Never raises."""
    if type(raw) is str:  # rules parse the same cells repeatedly; Target is immutable
        return _parse_target_str(raw)
    return _parse_target(raw)


def _parse_target(raw: Any) -> Target:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Target(raw, "empty")
    if isinstance(raw, bool):
        return Target(raw, "qualitative", text=str(raw))
    if isinstance(raw, (int, float)):
        if raw != raw:
            return Target(raw, "qualitative", text=str(raw))
        return Target(raw, "quantitative", "=", float(raw), "", ("operator_missing", "bare_number"),
                      text=f"{raw:g}")
    s = normalize(raw)
    simple = _simple_target(raw, s)
    if simple is not None:
        return simple
    return _parse_text(raw, s)


def _parse_text(raw: Any, s: str) -> Target:
    """parse_target of the normalised text ``s`` of ``raw``, any shape."""
    if _DATE.fullmatch(s):
        return Target(raw, "qualitative", notes=("date",), text=s)
    notes: list[str] = []
    work = s
    if "," in s and type(raw) is str and "," in raw:  # (joined before normalize() makes ， a comma)
        work = normalize(join_thousands(raw))
    word_op = None
    for word, sym in (_PREFIX_WORDS if _ANY_PREFIX_WORD.search(work) else ()):
        idx = work.find(word)
        if idx >= 0 and _DIGIT_AHEAD.match(work, idx + len(word)):
            work = work[:idx] + sym + work[idx + len(word):]
            word_op = sym
            break
    matches = []
    for m in _NUMBER.finditer(work):
        # Each check is called only when the character after the number allows it: most
        # numbers are neither list markers nor years.
        num_end, end = m.end("num"), m.end()
        if work[num_end:num_end + 1] in _ENUMERATOR_ENDS and _is_enumerator(work, m.start("num"), num_end):
            continue
        if work.startswith("年", end) and _is_year(m.group("num"), work[end:end + 1]):
            continue
        if work.startswith(("月", "日", "号"), num_end) and _in_date(work, m.start("num"), num_end):
            continue
        matches.append((m, _unit_at(work, end)))
    if not matches:
        return Target(raw, "qualitative", text=s)
    chosen, unit = next((mu for mu in matches if mu[0].group("op")), matches[0])
    if len(matches) > 1:
        notes.append("multiple_numbers")
    number = float(chosen.group("num"))
    if chosen.group("neg") or chosen.group("lead"):
        number = -number
    after = work[chosen.end():].lstrip()[len(unit):].lstrip()
    suffix = _SUFFIX.match(after)  # the first of _SUFFIX_WORDS that ``after`` starts with
    suffix_op = _SUFFIX_OPERATOR[suffix.group(0)] if suffix else None
    operator = chosen.group("op") or suffix_op
    if word_op and chosen.group("op") == word_op:
        notes.append("word_operator")
    if suffix_op and not chosen.group("op"):
        operator = suffix_op
        notes.append("word_operator")
        if suffix_op == "≥" and after.startswith(("以上", "及以上")):
            notes.append("above_word")
    if operator == "≈":
        notes.append("approx")
    mult = chosen.group("mult")
    if mult:
        if unit.startswith("元") and mult in ("万", "亿", "千"):
            unit = mult + unit  # 万元 is a unit of its own on these forms
        else:
            number *= {"万": 1e4, "亿": 1e8, "千": 1e3}[mult]
            notes.append("multiplied")
    if operator is None:
        operator = "="
        notes.append("operator_missing")
    if unit.startswith("/"):
        notes.append("currency_missing")
    if unit == "%" and number > 100:
        notes.append("percent_over_100")
    if unit == "":
        notes.append("bare_number")
    return Target(raw, "quantitative", operator, number, unit, tuple(notes), text=s)


_parse_target_str = functools.lru_cache(maxsize=1 << 14)(_parse_target)

# The shape of most indicator values: an optional operator, a number and a unit, nothing
# else (≥95%, 100%, ≥3000宗, ≤550元/件, ≥12万元). 万/亿 count as part of the unit only
# before 元, as in the general parse; a unit starting with 千, 万 or 亿 otherwise (a
# multiplier) or with 年 (a year) is left to the general parse.
_SIMPLE = re.compile(r"([≥≤=><≈]?)(\d+(?:\.\d+)?)([万亿](?=元))?([^\s\d万亿千年][^\s\d]*)")


@functools.lru_cache(maxsize=1024)
def _whole_unit(rest: str) -> bool:
    """Whether _unit_at reads all of ``rest`` as the unit (cached: values repeat units)."""
    return _unit_at(rest, 0) == rest


def _simple_target(raw: Any, s: str) -> Target | None:
    """What _parse_text gives for a text of that shape whose rest is exactly the unit it
    reads there, in a fraction of the time; None for any other text. For such a text the
    general parse finds this one number, no word operator, suffix or multiplier (a test
    checks the two agree for every unit)."""
    m = _SIMPLE.fullmatch(s)
    if m is None:
        return None
    operator, num, mult, unit = m.groups()
    if not _whole_unit(unit) or (mult and not unit.startswith("元")):
        return None
    number = float(num)
    notes = ("approx",) if operator == "≈" else ()
    if not operator:
        operator, notes = "=", ("operator_missing",)
    if unit.startswith("/"):
        notes += ("currency_missing",)
    if unit == "%" and number > 100:
        notes += ("percent_over_100",)
    return Target(raw, "quantitative", operator, number, (mult or "") + unit, notes, text=s)


RATE_WORDS = ("率", "比例", "占比", "满意度", "覆盖面", "百分比")


def is_rate_name(name: str) -> bool:
    """Whether an indicator name asks for a percentage (…率, 满意度, 占比 …)."""
    return any(w in (name or "") for w in RATE_WORDS)


_YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*年)")


def years_in(text: Any) -> list[int]:
    """Four-digit years followed by 年 (2020年, 2020年度)."""
    return [int(y) for y in _YEAR_IN_TEXT.findall(normalize(text))]


# Prefixes that scale a unit: 2万元 = 20000 元, 3万人次 = 30000 人次. parse_target already
# folds 万/亿/千 into the number except before 元 (万元 is a unit of its own on these forms),
# but actual values and reference values come from anywhere, so conversion handles both.
_UNIT_PREFIXES = (("万", 1e4), ("亿", 1e8), ("千", 1e3))


@functools.lru_cache(maxsize=1024)
def unit_scale(unit: str) -> tuple[str, float]:
    """The base unit and the factor to it: 万元 → (元, 1e4), 万元/个 → (元/个, 1e4),
    万件 → (件, 1e4), ‰ → (%, 0.1), 件 → (件, 1). The empty unit stays empty."""
    unit = normalize(unit).replace(" ", "")
    if unit == "‰":
        return "%", 0.1
    for prefix, factor in _UNIT_PREFIXES:
        if unit.startswith(prefix) and len(unit) > len(prefix) and unit[len(prefix)] != "/":
            return unit[len(prefix):], factor
    return unit, 1.0


def convert_unit(number: float, from_unit: str, to_unit: str) -> float | None:
    """``number`` in ``from_unit`` expressed in ``to_unit``; None when the units measure
    different things (宗 vs 元). 3.5 万元 → 35000 元; 2 万件 → 20000 件; 5 ‰ → 0.5 %."""
    base_from, f_from = unit_scale(from_unit)
    base_to, f_to = unit_scale(to_unit)
    if base_from != base_to:
        return None
    if f_from == f_to:
        return number
    return number * f_from / f_to
