"""PX4xx: indicator values — operator + number + unit, and the indicator names."""

from __future__ import annotations

import re
from collections.abc import Iterator

from perfxl.core.rules.categories import shifted_rows
from perfxl.core.rules.context import Context, Row, text
from perfxl.core.rules.registry import Hit, register
from perfxl.core.values import Target, date_text, is_rate_name, normalize, parse_target

_COLUMNS = (("annual_value", "年度指标值"), ("period_value", "实施周期指标值"))


Cell = tuple[Row, str, str, Target]


def quantity_cells(ctx: Context) -> list[Cell]:
    """(row, path, text, parsed target) for every indicator value cell holding a quantity
    (operator + number + unit), the only ones most PX4 value rules look at."""
    return ctx.shared("value_cells", lambda: _sorted_cells(ctx))[0]


def date_cells(ctx: Context) -> list[Cell]:
    """The indicator value cells holding a date alone (2023-12-31)."""
    return ctx.shared("value_cells", lambda: _sorted_cells(ctx))[1]


def _sorted_cells(ctx: Context) -> tuple[list[Cell], list[Cell]]:
    quantities, dates = [], []
    for cell in _value_cells(ctx):
        t = cell[3]
        if t.kind == "quantitative":
            quantities.append(cell)
        elif t.notes:  # (a qualitative value's only note is "date")
            dates.append(cell)
    return quantities, dates


def _value_cells(ctx: Context) -> Iterator[tuple[Row, str, str, Target]]:
    two = ctx.guangdong and ctx.form.value_columns == 2
    shifted = shifted_rows(ctx)
    for row in ctx.rows:
        if row.index in shifted:
            continue  # its columns hold the wrong things; PX304 reports the row
        for attr, _label in _COLUMNS if two else _COLUMNS[:1]:
            value = row.texts[attr]
            if value:
                yield row, row.path(attr), _short(value), ctx.target(getattr(row.indicator, attr))


# Longer values are descriptions that happen to contain a number (13个县区建立…), not a
# target missing its operator.
_MAX_TARGET_LEN = 30


def _short(s: str, n: int = 40) -> str:
    return s if len(s) <= n else s[:n] + "…"


def _name(row: Row) -> str:
    return row.texts["name"]


def _rate_as_fraction(row: Row, t: Target) -> bool:
    if "bare_number" not in t.notes or t.number is None or not 0 < t.number <= 1:
        return False
    # The rate may be named in the value itself: 考核完成率1
    before = re.split(r"\d", t.text, maxsplit=1)[0] if t.text else ""
    return is_rate_name(_name(row)) or is_rate_name(before)


@register(
    "PX401", "operator-missing", "warning",
    "指标值“{value}”缺少比较符号（≥、≤ 或 =），{hint}",
    """
定量指标值应写明“符号+数值+单位”，如“≥95%”“≤550元/人”“=2场”。只写“100%”“90%”，
看不出是下限、上限还是确切值，考核时会产生争议。

修改方法：加上比较符号：数量、质量类一般用“≥”，成本类一般用“≤”，确切值用“=”。
只填了一个日期（如“2023-12-31”）的时效指标，写明期限，如“≤2023年12月31日”或“2023年12月31日前完成”。
""",
)
def operator_missing(ctx: Context) -> Iterator[Hit]:
    for _row, path, value, t in date_cells(ctx):  # an Excel date cell, or a date typed alone
        if "date" in t.notes:
            day = date_text(t.text)
            yield Hit(path, {"value": value, "hint": f"这是一个日期：时效指标请写明期限，如“≤{day}”或“{day}前完成”"})
    for row, path, value, t in quantity_cells(ctx):
        if "operator_missing" in t.notes and not _rate_as_fraction(row, t) \
                and "currency_missing" not in t.notes \
                and len(t.text) <= _MAX_TARGET_LEN:  # PX402's fix adds the operator
            unit = t.unit
            yield Hit(path, {"value": value, "hint": f"如“≥{t.number:g}{unit}”或“={t.number:g}{unit}”"})


@register(
    "PX402", "currency-missing", "error",
    "指标值“{value}”缺少货币单位，应写作“{fixed}”",
    """
成本类指标的单位必须写明货币，如“元/人”“万元/项”。“550/人”看不出是元还是万元。

修改方法：补上货币单位，如“≤550元/人”。
""",
)
def currency_missing(ctx: Context) -> Iterator[Hit]:
    for _row, path, value, t in quantity_cells(ctx):
        if "currency_missing" in t.notes:
            op = "≤" if "operator_missing" in t.notes else t.operator
            yield Hit(path, {"value": value, "fixed": f"{op}{t.number:g}元{t.unit}"})


@register(
    "PX403", "rate-as-fraction", "warning",
    "比率类指标“{name}”的指标值写成了“{value}”，应写作“{fixed}”",
    """
比率、满意度类指标应以百分数填写。在 Excel 中把 100% 输入成 1、把 95% 输入成 0.95，
打印或汇总时会显示为“1”“0.95”，容易被误读。

修改方法：改写为带百分号的文字，如“≥95%”“=100%”。
""",
)
def rate_as_fraction(ctx: Context) -> Iterator[Hit]:
    for row, path, value, t in quantity_cells(ctx):
        if _rate_as_fraction(row, t):
            yield Hit(path, {"name": _name(row), "value": value,
                             "fixed": f"≥{t.number * 100:g}%"})


@register(
    "PX404", "unit-missing", "warning",
    "指标值“{value}”没有计量单位",
    """
定量指标值要写明计量单位（%、人次、件、场、元/人等），否则无法判断数值的含义。

修改方法：在数值后补上单位，如“≥3000宗”“≥95%”。
""",
)
def unit_missing(ctx: Context) -> Iterator[Hit]:
    for row, path, value, t in quantity_cells(ctx):
        if "bare_number" in t.notes and not _rate_as_fraction(row, t) \
                and "multiple_numbers" not in t.notes:
            yield Hit(path, {"value": value})


@register(
    "PX405", "percent-over-100", "warning",
    "指标值“{value}”超过100%",
    """
完成率、合格率、满意度等比率最高为 100%。超过 100% 多为录入错误；只有增长率等指标才可能超过 100%。

修改方法：核对数值；确属增长类指标的可忽略本提示。
""",
)
def percent_over_100(ctx: Context) -> Iterator[Hit]:
    for _row, path, value, t in quantity_cells(ctx):
        if "percent_over_100" in t.notes:
            yield Hit(path, {"value": value})


@register(
    "PX406", "above-ambiguous", "warning",
    "指标值“{value}”使用“以上”，是否包含本数不明确，建议写作“≥{number}{unit}”",
    """
“以上”在法律用语中包含本数，但日常理解常有分歧，考核时容易争议。

修改方法：改用符号，如“≥2万件”写作“≥20000件”。
""",
)
def above_ambiguous(ctx: Context) -> Iterator[Hit]:
    for _row, path, value, t in quantity_cells(ctx):
        if "above_word" in t.notes:
            yield Hit(path, {"value": value, "number": f"{t.number:g}", "unit": t.unit})


@register(
    "PX407", "approximate-value", "warning",
    "指标值“{value}”是约数，无法考核是否达标",
    """
“左右”“约”表示的目标没有明确界限，年终无法判断是否完成。

修改方法：写成明确的下限或上限，如“15场左右”改为“≥15场”。
""",
)
def approximate_value(ctx: Context) -> Iterator[Hit]:
    for _row, path, value, t in quantity_cells(ctx):
        if "approx" in t.notes:
            yield Hit(path, {"value": value})


_TITLE = re.compile(r"《[^》]*》|〔[^〕]*〕|\[[^\]]*\]")
_DIGIT = re.compile(r"\d")


def value_in_name(name: str) -> Target | None:
    """The quantity written inside an indicator name, if any (years and titles aside)."""
    s = normalize(name)
    if not _DIGIT.search(s):
        return None  # most names: no number, so no quantity
    t = parse_target(_TITLE.sub("", s))
    if not t.quantitative or not t.unit or t.unit.startswith("/"):
        return None
    return t


@register(
    "PX408", "value-in-name", "warning",
    "指标名称“{name}”中含有目标值“{quantity}”，目标值应填在指标值列",
    """
三级指标名称只写“考核什么”（如“政治轮训与业务培训场次”），目标值写在指标值列（如“≥2场”）。
把数值写进名称（如“开展政治轮训与综合业务培训2场次数”）会使指标值列与名称重复或矛盾，
年中监控和汇总也无法取数。

修改方法：把数值从名称中去掉，填到指标值列。
""",
)
def value_in_name_rule(ctx: Context) -> Iterator[Hit]:
    shifted = shifted_rows(ctx)
    for row in ctx.rows:
        if row.index in shifted:
            continue
        name = _name(row)
        t = value_in_name(name) if name else None
        if t is not None:
            yield Hit(row.path("name"), {"name": _short(name), "quantity": f"{t.number:g}{t.unit}"})
