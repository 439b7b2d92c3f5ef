"""The form model: one department's 部门整体预算绩效目标表, in either official layout.

Plain dataclasses, no I/O. Readers build a ``Form``; writers, rules, calculations and
consolidation consume it. Amounts are floats in 万元 (``None`` when the cell is empty or
unreadable); the original cell content and its address are kept in ``Form.sources`` so
that rules can name the cell and tell "typed as text" from "garbage".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Layout = Literal["guangdong", "shandong"]
LAYOUTS: tuple[str, ...] = ("guangdong", "shandong")


@dataclass(frozen=True)
class Source:
    """Where a model value came from: sheet, A1 cell address and the raw cell content."""

    sheet: str
    cell: str
    raw: Any = None


@dataclass
class Budget:
    """预算整体情况, in 万元.

    ``total`` (基本支出 + 项目支出) is derived, never read from a formula cell.
    ``declared_total`` is what the form states as a typed figure (Shandong's
    部门整体预算总额); it is ``None`` when the form only has a formula or nothing.
    """

    basic: float | None = None  # 基本支出
    project: float | None = None  # 项目支出
    fiscal: float | None = None  # 财政拨款
    other: float | None = None  # 其他资金
    # Guangdong only: 事业发展性支出 and 按预算级次划分
    special_fund: float | None = None  # 财政专项资金
    other_development: float | None = None  # 其他事业发展性支出
    own_level: float | None = None  # 本级使用资金 (省本级/市本级)
    transfer: float | None = None  # 拟用于对下转移支付资金
    declared_total: float | None = None

    @property
    def total(self) -> float | None:
        # Known only when both parts are: 基本支出 alone is no 预算总额, and a summary
        # column total would silently understate it.
        if self.basic is None or self.project is None:
            return self.declared_total
        return round(self.basic + self.project, 2)

    @property
    def funding_total(self) -> float | None:
        if self.fiscal is None and self.other is None:
            return None
        return round((self.fiscal or 0.0) + (self.other or 0.0), 2)


@dataclass
class Task:
    """One row of 年度重点工作任务."""

    name: str = ""
    content: str = ""
    amount: float | None = None  # 拟投入资金（万元）
    goal: str = ""  # 期望达到的目标


@dataclass
class Standard:
    """Shandong 指标参考值 → 标准值."""

    plan_value: str = ""  # “十三五”规划值 (or the current plan's)
    value: str = ""  # 年度标准值
    source: str = ""


@dataclass
class History:
    """Shandong 指标参考值 → 历史值."""

    avg3: str = ""  # 前三年均值
    last_year: str = ""  # 上年值
    source: str = ""


@dataclass
class Indicator:
    """One 三级 indicator row.

    Guangdong rows use ``level1``/``level2``/``name``/``annual_value``/``period_value``.
    Shandong rows have no categories; they carry the duty chain and reference values.
    """

    level1: str = ""  # 一级指标
    level2: str = ""  # 二级指标
    name: str = ""  # 三级指标 / 绩效指标
    annual_value: str = ""  # 年度指标值
    period_value: str = ""  # 实施周期指标值 (Guangdong, two-column variant)
    # Shandong duty matrix
    duty_no: str = ""  # 职责序号
    duty: str = ""  # 部门职责
    goal: str = ""  # 职责目标
    explanation: str = ""  # 指标解释
    standard: Standard | None = None
    history: History | None = None
    note: str = ""  # 备注
    activity: str = ""  # 工作活动
    project: str = ""  # 预算项目


@dataclass
class Form:
    layout: str = "guangdong"
    title: str = ""
    department: str = ""
    year: int | None = None
    staff_count: float | None = None  # 财政供养人数
    sub_units: float | None = None  # 下属二级单位数
    budget: Budget = field(default_factory=Budget)
    overall_goal: str = ""  # 总体绩效目标 / 战略目标
    tasks: list[Task] = field(default_factory=list)
    other_tasks: str = ""  # 其他需完成的任务（可选填）
    indicators: list[Indicator] = field(default_factory=list)
    value_columns: int = 2  # Guangdong: 1 (指标值) or 2 (年度 + 实施周期)
    # Field path (e.g. "budget.basic", "tasks[2].amount", "indicators[0].level2")
    # → where it was read. Empty for forms built in code.
    sources: dict[str, Source] = field(default_factory=dict)
    # Field path → (unit, label text) for an amount whose label or column header states a
    # unit other than 万元 (预算金额（元）): the value above is already converted to 万元.
    amount_units: dict[str, tuple[str, str]] = field(default_factory=dict)
    file: str = ""  # the path it was read from, for findings
    # Other sheets of the workbook that hold a form too, as (sheet, year): the reader read
    # only this one, and rule PX002 tells the department.
    other_forms: list[tuple[str, int | None]] = field(default_factory=list)
    # Fields whose cell holds a formula the file keeps no usable result of (never saved by a
    # spreadsheet application, or an error such as #REF!): their raw content is the formula.
    unresolved_formulas: list[str] = field(default_factory=list)

    def source(self, path: str) -> Source | None:
        return self.sources.get(path)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape documented for ``perfxl read --format json``."""
        b = self.budget
        budget = {
            "basic": b.basic,
            "project": b.project,
            "total": b.total,
            "fiscal": b.fiscal,
            "other": b.other,
        }
        if self.layout == "guangdong":
            budget.update(
                special_fund=b.special_fund,
                other_development=b.other_development,
                own_level=b.own_level,
                transfer=b.transfer,
            )
        else:
            budget["declared_total"] = b.declared_total
        out: dict[str, Any] = {
            "layout": self.layout,
            "title": self.title,
            "department": self.department,
            "year": self.year,
            "staff_count": self.staff_count,
            "sub_units": self.sub_units,
            "budget": budget,
            "overall_goal": self.overall_goal,
            "tasks": [asdict(t) for t in self.tasks],
            "indicators": [indicator_to_dict(i, self.layout) for i in self.indicators],
        }
        if self.layout == "guangdong":
            out["other_tasks"] = self.other_tasks
            out["value_columns"] = self.value_columns
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Form":
        b = dict(data.get("budget") or {})
        b.pop("total", None)
        budget = Budget(**{k: v for k, v in b.items() if k in Budget.__dataclass_fields__})
        indicators = []
        for row in data.get("indicators") or []:
            row = dict(row)
            std, hist = row.pop("standard", None), row.pop("history", None)
            ind = Indicator(**{k: v for k, v in row.items() if k in Indicator.__dataclass_fields__})
            ind.standard = Standard(**std) if std else None
            ind.history = History(**hist) if hist else None
            indicators.append(ind)
        return cls(
            layout=data.get("layout", "guangdong"),
            title=data.get("title", ""),
            department=data.get("department", ""),
            year=data.get("year"),
            staff_count=data.get("staff_count"),
            sub_units=data.get("sub_units"),
            budget=budget,
            overall_goal=data.get("overall_goal", ""),
            tasks=[Task(**t) for t in data.get("tasks") or []],
            other_tasks=data.get("other_tasks", ""),
            indicators=indicators,
            value_columns=data.get("value_columns", 2),
        )


GUANGDONG_INDICATOR_KEYS = ("level1", "level2", "name", "annual_value", "period_value")
SHANDONG_INDICATOR_KEYS = (
    "duty_no", "duty", "goal", "name", "explanation", "annual_value",
    "standard", "history", "note", "activity", "project",
)


def indicator_to_dict(ind: Indicator, layout: str) -> dict[str, Any]:
    if layout == "guangdong":
        return {k: getattr(ind, k) for k in GUANGDONG_INDICATOR_KEYS}
    out: dict[str, Any] = {k: getattr(ind, k) for k in SHANDONG_INDICATOR_KEYS}
    out["standard"] = asdict(ind.standard or Standard())
    out["history"] = asdict(ind.history or History())
    return out
