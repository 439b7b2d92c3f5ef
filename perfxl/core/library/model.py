"""Library indicators and the library itself: pure data, no files.

A library row is a well-formed 三级 indicator with its place in the framework (一级/二级),
a definition, a default target (operator + value + unit), where the value comes from
(指标值来源), the functional area it suits (适用领域) and search keywords. Rows built from
last year's forms also carry 上年值, the department and the year.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from perfxl.core.framework import FRAMEWORKS
from perfxl.core.values import normalize

# Column headers of the library workbook, in order. The first eleven are the editable
# library; the last three are filled by `library from-history`.
HEADERS: tuple[str, ...] = (
    "编号", "一级指标", "二级指标", "三级指标名称", "指标解释", "运算符", "指标值", "计量单位",
    "指标值来源", "适用领域", "关键词", "上年值", "填报部门", "年度",
)
FIELDS: tuple[str, ...] = (
    "id", "level1", "level2", "name", "definition", "operator", "value", "unit",
    "source", "area", "keywords", "last_value", "department", "year",
)
# Other spellings people use for the same header (a hand-made library, an older export).
HEADER_ALIASES: dict[str, str] = {
    "id": "id", "编号": "id", "指标编号": "id", "序号": "id",
    "一级": "level1", "一级指标": "level1",
    "二级": "level2", "二级指标": "level2",
    "三级": "name", "三级指标": "name", "三级指标名称": "name", "指标名称": "name", "绩效指标": "name",
    "指标解释": "definition", "指标说明": "definition", "解释": "definition",
    "运算符": "operator", "符号": "operator",
    "指标值": "value", "默认值": "value", "目标值": "value",
    "计量单位": "unit", "单位": "unit",
    "指标值来源": "source", "来源": "source", "指标来源": "source",
    "适用领域": "area", "领域": "area", "行业": "area",
    "关键词": "keywords", "关键字": "keywords",
    "上年值": "last_value", "填报部门": "department", "部门": "department", "部门名称": "department",
    "年度": "year",
}

# Functional areas and the id prefix each uses in the built-in library. Custom libraries
# may name other areas; these are the ones offered in the workbook's dropdown.
AREAS: dict[str, str] = {
    "司法行政": "SF",
    "人力资源和社会保障": "RS",
    "教育": "JY",
    "卫生健康": "WJ",
    "农业农村": "NY",
    "交通运输": "JT",
    "生态环境": "ST",
    "财政": "CZ",
    "民政": "MZ",
    "文化和旅游": "WL",
    "通用": "TY",
}
GENERAL_AREA = "通用"

# The operators a library target may use. ≈ (左右) is not a verifiable target.
LIBRARY_OPERATORS: tuple[str, ...] = ("≥", "≤", "=", ">", "<")


def known_level1() -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for fw in FRAMEWORKS.values():
        seen.update(dict.fromkeys(fw))
    return tuple(seen)


def known_level2() -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for fw in FRAMEWORKS.values():
        for children in fw.values():
            seen.update(dict.fromkeys(children))
    return tuple(seen)


def is_valid_category(level1: str, level2: str) -> bool:
    """Whether 二级 sits under 一级 in either framework."""
    return any(level2 in fw.get(level1, ()) for fw in FRAMEWORKS.values())


# 成本指标 moved from a 二级 under 产出指标 (2015) to a 一级 of its own (2021).
_TO_2021 = {("产出指标", "成本指标"): ("成本指标", "经济成本指标")}
_TO_2015 = {
    ("成本指标", "经济成本指标"): ("产出指标", "成本指标"),
    ("成本指标", "社会成本指标"): ("产出指标", "成本指标"),
    ("成本指标", "生态环境成本指标"): ("产出指标", "成本指标"),
}


def category_in(level1: str, level2: str, framework: str) -> tuple[str, str]:
    """The (一级, 二级) an indicator files under in a form following ``framework``."""
    if level2 in FRAMEWORKS[framework].get(level1, ()):
        return level1, level2
    table = _TO_2021 if framework == "2021" else _TO_2015
    return table.get((level1, level2), (level1, level2))


def split_keywords(text: str) -> tuple[str, ...]:
    parts = normalize(text).replace("，", ",").replace("、", ",").replace("；", ",").replace(";", ",")
    out: dict[str, None] = {}
    for p in parts.replace(" ", ",").split(","):
        if p.strip():
            out[p.strip()] = None
    return tuple(out)


@dataclass(frozen=True)
class LibraryIndicator:
    id: str
    level1: str
    level2: str
    name: str
    definition: str = ""
    operator: str = ""  # one of LIBRARY_OPERATORS; empty for a qualitative target
    value: str = ""  # the number as typed ("95", "0.5") or a qualitative grade
    unit: str = ""
    source: str = ""  # 指标值来源
    area: str = GENERAL_AREA
    keywords: tuple[str, ...] = ()
    last_value: str = ""  # 上年值, from last year's form
    department: str = ""
    year: int | None = None

    @property
    def quantitative(self) -> bool:
        return bool(self.operator)

    @property
    def target(self) -> str:
        """The value as written in a form's 指标值 cell: ``≥3000宗``, ``≤550元/人``."""
        if self.quantitative:
            return f"{self.operator}{self.value}{self.unit}"
        return self.value

    def as_row(self) -> tuple[str, ...]:
        """The row as written to the workbook, in HEADERS order."""
        return (
            self.id, self.level1, self.level2, self.name, self.definition, self.operator,
            self.value, self.unit, self.source, self.area, "、".join(self.keywords),
            self.last_value, self.department, "" if self.year is None else str(self.year),
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "level1": self.level1, "level2": self.level2, "name": self.name,
            "definition": self.definition, "operator": self.operator, "value": self.value,
            "unit": self.unit, "target": self.target, "source": self.source, "area": self.area,
            "keywords": list(self.keywords), "last_value": self.last_value,
            "department": self.department, "year": self.year,
        }


@dataclass
class Library:
    """An ordered collection of indicators with unique ids."""

    indicators: list[LibraryIndicator] = field(default_factory=list)
    name: str = ""

    def __post_init__(self) -> None:
        self._by_id = {i.id: i for i in self.indicators}
        if len(self._by_id) != len(self.indicators):
            dup = sorted({i.id for i in self.indicators if sum(j.id == i.id for j in self.indicators) > 1})
            raise ValueError(f"duplicate library ids: {dup}")

    def __iter__(self) -> Iterator[LibraryIndicator]:
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def __contains__(self, ident: object) -> bool:
        return ident in self._by_id

    def get(self, ident: str) -> LibraryIndicator | None:
        return self._by_id.get(ident)

    def areas(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.area for i in self.indicators))

    def merge(self, other: Library) -> tuple[Library, list[str]]:
        """This library extended by ``other``; rows of ``other`` win on equal ids.

        Returns the new library and the ids whose rows ``other`` changed (an unchanged
        copy of a row, as in an exported library, is not a change).
        """
        theirs = {i.id: i for i in other}
        overridden = [i.id for i in self.indicators if i.id in theirs and theirs[i.id] != i]
        merged = [theirs.pop(i.id, i) for i in self.indicators]
        merged.extend(theirs.values())
        return Library(merged, name=self.name or other.name), overridden

    def filtered(self, predicate) -> Library:
        return Library([i for i in self.indicators if predicate(i)], name=self.name)
