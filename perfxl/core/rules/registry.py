"""The rule registry, in the style of a linter (ruff): every rule has a stable code.

Codes never change meaning once published; a retired rule keeps its code reserved.
Groups: PX0xx files, PX1xx arithmetic, PX2xx required fields, PX3xx framework and
categories, PX4xx indicator values, PX5xx text, PX6xx consistency.

A rule's ``check`` takes a :class:`~perfxl.core.rules.context.Context` and yields
:class:`Hit` objects: the model field path the defect is in (so the engine can name the
cell) and the values that fill the rule's Chinese message template.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from perfxl.core.findings import SEVERITIES

GROUPS: dict[str, str] = {
    "PX0": "文件读取",
    "PX1": "金额与算术",
    "PX2": "必填项",
    "PX3": "指标框架与分类",
    "PX4": "指标值",
    "PX5": "文字表述",
    "PX6": "前后一致",
}


# Hit's default for ``values``, standing for a new dict per Hit, as field(default_factory=
# dict) promises: a ``{}`` default would be one dict shared by every Hit.
_NO_VALUES: Any = object()


@dataclass(frozen=True, init=False)
class Hit:
    """One occurrence of a defect: where (a model field path) and what (message values)."""

    path: str
    values: dict[str, Any] = field(default_factory=dict)

    def __init__(self, path: str, values: dict[str, Any] = _NO_VALUES) -> None:
        # Frozen all the same: see FROZEN_INIT in perfxl.core.values.
        fields = self.__dict__
        fields["path"] = path
        fields["values"] = {} if values is _NO_VALUES else values


@dataclass(frozen=True)
class Rule:
    code: str
    name: str  # short English kebab-case name, stable like the code
    severity: str  # default; a config may override it
    message: str  # one-line Chinese template, filled with Hit.values
    explanation: str  # longer Chinese text: why it matters and how to fix it
    check: Callable[[Any], Iterable[Hit]] | None = None

    @property
    def group(self) -> str:
        return GROUPS.get(self.code[:3], "")

    def format(self, values: dict[str, Any]) -> str:
        try:
            return self.message.format_map(values)
        except KeyError:  # rare: copy the values only then
            return self.message.format_map(_Blank(values))


class _Blank(dict):
    # A missing value in a message must never raise; it renders as empty text.
    def __missing__(self, key: str) -> str:
        return ""


REGISTRY: dict[str, Rule] = {}


def register(code: str, name: str, severity: str, message: str, explanation: str):
    """Decorator registering a check function as a rule."""

    def wrap(fn: Callable[[Any], Iterable[Hit]] | None) -> Callable[[Any], Iterable[Hit]] | None:
        add(Rule(code, name, severity, message, explanation.strip(), fn))
        return fn

    return wrap


def add(rule: Rule) -> Rule:
    if rule.severity not in SEVERITIES:
        raise ValueError(f"{rule.code}: unknown severity {rule.severity}")
    if rule.code in REGISTRY and REGISTRY[rule.code].check is not rule.check:
        raise ValueError(f"rule code {rule.code} registered twice")
    if any(r.name == rule.name and r.code != rule.code for r in REGISTRY.values()):
        raise ValueError(f"rule name {rule.name} registered twice")
    REGISTRY[rule.code] = rule
    return rule


def all_rules() -> list[Rule]:
    _load()
    return [REGISTRY[c] for c in sorted(REGISTRY)]


def get_rule(code_or_name: str) -> Rule | None:
    _load()
    key = code_or_name.strip()
    rule = REGISTRY.get(key.upper())
    if rule:
        return rule
    return next((r for r in REGISTRY.values() if r.name == key.lower()), None)


def _load() -> None:
    # Rule modules register themselves on import.
    from perfxl.core.rules import (  # noqa: F401
        arithmetic, categories, consistency, indicator_values, required, text,
    )


add(Rule(
    "PX001", "file-unreadable", "error",
    "文件无法读取：{reason}",
    """
文件不是可读取的绩效目标表：可能不是 Excel 文件（.xlsx/.xlsm）、文件已损坏或加密，
或者表中找不到“部门名称”“绩效指标”等标签。其他检查无法进行。

修改方法：用 Excel 打开文件确认能正常打开；另存为 .xlsx；确认使用的是规定的申报表模板，
标签文字（部门名称、预算整体情况、绩效指标等）没有被删除或改写。
""".strip(),
))


@register(
    "PX002", "several-forms", "warning",
    "工作簿中有多张申报表，已读取工作表“{sheet}”{year}，未读取{others}",
    """
同一个工作簿里有不止一张工作表是申报表（例如保留了上年的表，或复制了一份修改稿）。
perfxl 只读取其中一张：年度最新的一张；年度相同时取填写内容较完整的一张，再相同时取最靠前的一张。
有工作表未填写年度时不比较年度（未填年度的可能正是本年度的表）：取填写内容较完整的一张，
再相同时取最靠前的一张。
隐藏的工作表只在没有可见申报表时才读取，也不在此提示；只列出表中各项名称、没有填写任何内容的工作表
（如“填报说明”）不算申报表。
汇总时只计入读取的那一张，其他工作表的内容不会出现在汇总表中。

修改方法：确认读取的是本次报送的申报表；把不需报送的工作表删除
（或移到另一个工作簿），只保留一张申报表。
""",
)
def several_forms(ctx: Any) -> Iterable[Hit]:
    form = ctx.form
    others = [o for o in getattr(form, "other_forms", None) or ()
              if isinstance(o, tuple) and len(o) == 2]
    if not others or not isinstance(form.sources, dict) or not form.sources:
        return
    described = "、".join(f"“{sheet}”" + (f"（{year}年度）" if year else "")
                         for sheet, year in others)
    sheet = next(iter(form.sources.values())).sheet
    year = ctx.year
    yield Hit("title", {"sheet": sheet, "year": f"（{year}年度）" if year else "",
                        "others": described})
