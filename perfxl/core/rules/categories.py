"""PX3xx: the indicator framework (一级 → 二级 categories) and satisfaction indicators."""

from __future__ import annotations

import difflib
from functools import lru_cache
from collections.abc import Iterator
from dataclasses import dataclass

from perfxl.core.framework import FRAMEWORKS
from perfxl.core.rules.context import Context, Row, text
from perfxl.core.rules.registry import Hit, register

# A category cell longer than this is a description, not a misspelt category name.
_MAX_CATEGORY_LEN = 12
_SIMILARITY = 0.6


@dataclass(frozen=True)
class Category:
    """What a category cell holds, measured against the chosen framework."""

    kind: str  # level1 | level2 | unknown | empty
    canonical: str = ""  # the framework's spelling ("" when unknown)
    exact: bool = True  # False for near-misses and a missing 指标 suffix
    suffix_only: bool = False  # only the trailing 指标 is missing
    other_framework: str = ""  # the name belongs to the other framework


@lru_cache(maxsize=4096)
def classify(name: str, framework: str) -> Category:
    if not name:
        return Category("empty")
    fw = FRAMEWORKS[framework]
    level2 = {c: p for p, cs in fw.items() for c in cs}
    for candidate, suffix in ((name, False), (name + "指标", True)):
        if candidate in fw:
            return Category("level1", candidate, not suffix, suffix)
        if candidate in level2:
            return Category("level2", candidate, not suffix, suffix)
    other = next((k for k, f in FRAMEWORKS.items() if k != framework
                  and (name in f or any(name in cs for cs in f.values()))), "")
    if other:
        return Category("unknown", other_framework=other)
    if len(name) <= _MAX_CATEGORY_LEN:
        names = list(fw) + list(level2)
        best = max(names, key=lambda n: (difflib.SequenceMatcher(None, name, n).ratio(), n))
        if difflib.SequenceMatcher(None, name, best).ratio() >= _SIMILARITY:
            kind = "level1" if best in fw else "level2"
            return Category(kind, best, exact=False)
    return Category("unknown")


@lru_cache(maxsize=256)
def parent(level2: str, framework: str) -> str:
    return next((p for p, cs in FRAMEWORKS[framework].items() if level2 in cs), "")


def shifted(level1: str, level2: str, framework: str) -> bool:
    """A 二级 name in the 一级 column followed by a description: the row slid one column left."""
    c1, c2 = classify(level1, framework), classify(level2, framework)
    return c1.kind == "level2" and c2.kind == "unknown" and len(level2) > _MAX_CATEGORY_LEN


def _shifted(row: Row, framework: str) -> bool:
    return shifted(row.level1, row.level2, framework)


def _unknown_detail(cat: Category, ctx: Context, level: str) -> str:
    fw = ctx.config.framework
    if cat.other_framework:
        return f"这是{cat.other_framework}年指标框架的名称，当前按{fw}年框架校验"
    if cat.canonical:
        return f"应为“{cat.canonical}”"
    names = FRAMEWORKS[fw] if level == "一级" else [c for cs in FRAMEWORKS[fw].values() for c in cs]
    return f"可选：{'、'.join(names)}"


def shifted_rows(ctx: Context) -> frozenset[int]:
    """The indexes of the rows that slid one column left (Guangdong forms), once a form."""
    if not ctx.guangdong:
        return frozenset()
    return ctx.shared("shifted_rows", lambda: frozenset(
        r.index for r in ctx.rows if _shifted(r, ctx.config.framework)))


def effective_level1(row: Row, ctx: Context) -> str:
    """The canonical 一级 this row sits under ("" when unknown)."""
    cat = classify(row.eff_level1, ctx.config.framework)
    return cat.canonical if cat.kind == "level1" else ""


@register(
    "PX301", "level1-unknown", "error",
    "一级指标“{value}”不是{framework}年指标框架中的名称，{detail}",
    """
一级指标只能使用财政部指标框架规定的名称。2015 年框架（财预〔2015〕88号）为产出指标、
效益指标、满意度指标；2021 年框架（财预〔2021〕101号）另将成本指标列为一级指标。
错别字（如“产出指”）会使汇总和审核系统无法识别该类指标。

修改方法：改为框架中的规范名称；本表采用哪个框架可在配置文件中用 framework 设置。
""",
)
def level1_unknown(ctx: Context) -> Iterator[Hit]:
    if not ctx.guangdong:
        return
    fw = ctx.config.framework
    for row in ctx.rows:
        cat = classify(row.level1, fw)
        if cat.kind in ("empty", "level2") or (cat.kind == "level1" and (cat.exact or cat.suffix_only)):
            continue
        yield Hit(row.path("level1"), {"value": row.level1, "framework": fw,
                                       "detail": _unknown_detail(cat, ctx, "一级")})


@register(
    "PX302", "level2-unknown", "error",
    "二级指标“{value}”不是{framework}年指标框架中的名称，{detail}",
    """
二级指标只能使用指标框架规定的名称，如数量指标、质量指标、时效指标、成本指标、
经济效益指标、社会效益指标、生态效益指标、可持续影响指标、服务对象满意度指标。
错别字（如把“成本指标”写成“成本标”）或自拟名称会使该指标无法归类。

修改方法：改为框架中的规范名称（提示中给出了最接近的名称）。
""",
)
def level2_unknown(ctx: Context) -> Iterator[Hit]:
    if not ctx.guangdong:
        return
    fw = ctx.config.framework
    for row in ctx.rows:
        if _shifted(row, fw):
            continue  # PX304 reports the whole row
        cat = classify(row.level2, fw)
        if cat.kind == "empty" or (cat.kind == "level1" and cat.exact) or (
                cat.kind == "level2" and (cat.exact or cat.suffix_only)):
            continue
        yield Hit(row.path("level2"), {"value": row.level2, "framework": fw,
                                       "detail": _unknown_detail(cat, ctx, "二级")})


@register(
    "PX303", "level2-wrong-parent", "error",
    "二级指标“{value}”填在一级指标“{under}”下{note}，应属于一级指标“{parent}”",
    """
每个二级指标只属于一个一级指标：数量、质量、时效、成本指标属于产出指标；经济、社会、生态效益
和可持续影响指标属于效益指标；服务对象满意度指标属于满意度指标（2021 年框架中成本类指标
属于一级指标“成本指标”）。放错一级指标会使指标分类统计出错。

修改方法：把该行移到正确的一级指标下，或修正左侧的一级指标名称。
""",
)
def level2_wrong_parent(ctx: Context) -> Iterator[Hit]:
    if not ctx.guangdong:
        return
    fw = ctx.config.framework
    for row in ctx.rows:
        if not row.level2:
            continue
        cat = classify(row.level2, fw)
        if cat.kind != "level2":
            continue
        under_cat = classify(row.eff_level1, fw)
        if under_cat.kind == "empty":
            continue
        under = under_cat.canonical if under_cat.kind == "level1" else row.eff_level1
        expected = parent(cat.canonical, fw)
        if under != expected:
            note = "（“{0}”本身是二级指标，却填在了一级指标列）".format(row.eff_level1) \
                if under_cat.kind == "level2" else ""
            yield Hit(row.path("level2"), {"value": row.level2, "under": row.eff_level1,
                                           "parent": expected, "note": note})


@register(
    "PX304", "category-wrong-column", "error",
    "“{value}”是{kind}指标名称，却填在{column}指标列{detail}",
    """
一级指标列只填一级指标（产出指标、效益指标、满意度指标等），二级指标列只填二级指标。
把二级指标名称填进一级指标列，通常说明整行向左错位了一列，三级指标和指标值也随之错位。

修改方法：把该行内容移回正确的列：一级指标、二级指标、三级指标、指标值依次对齐。
""",
)
def category_wrong_column(ctx: Context) -> Iterator[Hit]:
    if not ctx.guangdong:
        return
    fw = ctx.config.framework
    for row in ctx.rows:
        c1 = classify(row.level1, fw)
        if c1.kind == "level2":
            detail = "，整行可能向左错位了一列" if _shifted(row, fw) else \
                f"，应填在二级指标列（所属一级指标为“{parent(c1.canonical, fw)}”）"
            yield Hit(row.path("level1"), {"value": row.level1, "kind": "二级", "column": "一级",
                                           "detail": detail})
        c2 = classify(row.level2, fw)
        if c2.kind == "level1" and c2.exact:
            yield Hit(row.path("level2"), {"value": row.level2, "kind": "一级", "column": "二级",
                                           "detail": "，应填在一级指标列"})


@register(
    "PX305", "category-suffix-missing", "warning",
    "“{value}”应写作框架中的规范名称“{canonical}”",
    """
指标类别应与框架中的名称完全一致，包括末尾的“指标”二字（如“服务对象满意度指标”而非
“服务对象满意度”）。名称不一致时，汇总程序和审核系统可能无法自动归类。

修改方法：改为规范名称。
""",
)
def category_suffix_missing(ctx: Context) -> Iterator[Hit]:
    if not ctx.guangdong:
        return
    fw = ctx.config.framework
    for row in ctx.rows:
        for attr, value in (("level1", row.level1), ("level2", row.level2)):
            cat = classify(value, fw)
            if cat.suffix_only:
                yield Hit(row.path(attr), {"value": value, "canonical": cat.canonical})


def _present(ctx: Context) -> tuple[set[str], set[str], dict[str, Row]]:
    """Framework categories that have at least one indicator, and each 一级's last row."""
    fw = ctx.config.framework
    level1s: set[str] = set()
    level2s: set[str] = set()
    last: dict[str, Row] = {}
    for row in ctx.rows:
        if not (row.texts["name"] or row.texts["annual_value"]):
            continue
        for column, value in (("level1", row.eff_level1), ("level2", row.eff_level2)):
            cat = classify(value, fw)
            if cat.kind == "level1" and column == "level1":
                level1s.add(cat.canonical)
                last[cat.canonical] = row
            elif cat.kind == "level2":
                level2s.add(cat.canonical)
                level1s.add(parent(cat.canonical, fw))
                last[parent(cat.canonical, fw)] = row
    return level1s, level2s, last


def _anchor(ctx: Context) -> str:
    return ctx.rows[-1].path("level1") if ctx.rows else "indicators"


@register(
    "PX306", "level1-without-indicators", "error",
    "一级指标“{level1}”下没有任何绩效指标",
    """
指标框架中的每个一级指标（产出、效益、满意度，2021 年框架还有成本）都至少要设置一个三级指标，
否则绩效目标不完整。

修改方法：在该一级指标下补充至少一个二级指标及三级指标。
""",
)
def level1_without_indicators(ctx: Context) -> Iterator[Hit]:
    if not ctx.guangdong or not ctx.rows:
        return
    level1s, _, _ = _present(ctx)
    for level1 in FRAMEWORKS[ctx.config.framework]:
        if level1 not in level1s:
            yield Hit(_anchor(ctx), {"level1": level1})


@register(
    "PX307", "level2-without-indicators", "warning",
    "二级指标“{level2}”（属于{level1}）下没有绩效指标",
    """
框架中的二级指标一般都应设置三级指标；确实不适用的（如没有生态效益的部门）可以不设，
但应是有意的选择，例如效益指标下缺少“可持续影响指标”往往是遗漏。

修改方法：补充该二级指标下的三级指标；确不适用时可在配置中忽略本规则（PX307）。
""",
)
def level2_without_indicators(ctx: Context) -> Iterator[Hit]:
    if not ctx.guangdong or not ctx.rows:
        return
    level1s, level2s, last = _present(ctx)
    for level1, children in FRAMEWORKS[ctx.config.framework].items():
        if level1 not in level1s:
            continue  # PX306 already says the whole 一级 is empty
        for level2 in children:
            if level2 not in level2s:
                yield Hit(last[level1].path("level2"), {"level2": level2, "level1": level1})


_SATISFACTION = ("满意度指标", "服务对象满意度指标")


def _cut(s: str, n: int = 30) -> str:
    return s if len(s) <= n else s[:n] + "…"


def _internal(name: str, ctx: Context) -> bool:
    return any(w in name for w in ctx.config.internal_satisfaction_words)


@register(
    "PX308", "service-satisfaction-missing", "error",
    "没有服务对象满意度指标{detail}",
    """
满意度指标反映服务对象（群众、企业、服务对象单位）对部门工作的评价，是必设指标。
部门内部各科室、职工的满意度只反映内部管理，不能代替服务对象满意度。

修改方法：在“满意度指标 → 服务对象满意度指标”下设置如“群众满意度 ≥90%”的指标；
山东格式在相应职责下增加服务对象满意度指标。
""",
)
def service_satisfaction_missing(ctx: Context) -> Iterator[Hit]:
    if not ctx.any_indicator:
        return  # PX209 already says there is no indicator at all
    fw = ctx.config.framework
    internal_row: Row | None = None
    satisfaction_rows: list[Row] = []
    for row in ctx.rows:
        texts = row.texts
        name = texts["name"]
        in_group = classify(row.eff_level1, fw).canonical in _SATISFACTION \
            or classify(row.eff_level2, fw).canonical in _SATISFACTION
        if not ctx.guangdong and "满意" not in name and "满意" in texts["explanation"]:
            name = texts["explanation"]  # a duty matrix shifted by a column
        if not (in_group or "满意" in name):
            continue
        if not name and not texts["annual_value"]:
            continue
        if _internal(name, ctx):
            internal_row = internal_row or row
        else:
            satisfaction_rows.append(row)
    if satisfaction_rows:
        return
    if internal_row is not None:
        texts = internal_row.texts
        attr = "name" if "满意" in texts["name"] or ctx.guangdong else "explanation"
        name = texts[attr]
        yield Hit(internal_row.path(attr),
                  {"detail": f"：“{_cut(name)}”是部门内部满意度，不能代替服务对象满意度"})
    else:
        yield Hit(ctx.rows[-1].path("name"), {"detail": ""})
