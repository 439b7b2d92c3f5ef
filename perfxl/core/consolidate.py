"""Consolidation: many forms' results → the rows of one summary workbook. Pure.

Per file, ``summarize`` turns what the reader and the rules produced (a Form or a read
error, and findings) into a ``FileResult``: one ``FileSummary`` (a 汇总 row before the
cross-file flags) plus compact detail rows (tuples) for 指标明细, 重点任务 and 问题清单.
Workers compute these next to the file, so only small results travel between processes.

``finalize`` then works across files: it sorts (department, then path), flags duplicates
(two files for the same department and year), checks the year and gives each file its
status 通过 / 需修改 / 无法读取 with the reason. ``summary_columns`` describes the 汇总
columns so the writer stays generic; ``column_totals`` gives the sums the native total
formulas must reproduce.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from perfxl.core.findings import SEVERITY_LABELS, Finding
from perfxl.core.framework import DEFAULT_FRAMEWORK, FRAMEWORKS
from perfxl.core.model import Form
from perfxl.core.values import normalize, parse_target, round_half_up

PASSED = "通过"
NEEDS_FIX = "需修改"
UNREADABLE = "无法读取"
STATUSES = (PASSED, NEEDS_FIX, UNREADABLE)
LAYOUT_LABELS = {"guangdong": "广东式", "shandong": "山东式"}
UNCATEGORISED = "未归类"
KIND_LABELS = {"quantitative": "定量", "qualitative": "定性", "empty": "空"}

# Detail sheets: column headers (Chinese, user-facing) in the order of the row tuples.
INDICATOR_HEADERS = ("部门", "年度", "一级指标", "二级指标", "三级指标", "年度指标值",
                     "实施周期指标值", "类型", "运算符", "数值", "单位", "职责序号", "部门职责",
                     "职责目标", "指标解释", "工作活动", "预算项目", "单元格", "文件")
INDICATOR_NUMBER_COLUMNS = frozenset({1, 9})
TASK_HEADERS = ("部门", "年度", "任务名称", "主要实施内容", "拟投入资金（万元）", "期望达到的目标",
                "单元格", "文件")
TASK_NUMBER_COLUMNS = frozenset({1, 4})
FINDING_HEADERS = ("部门", "文件", "工作表", "单元格", "规则", "级别", "问题说明")
FINDING_NUMBER_COLUMNS: frozenset[int] = frozenset()


@dataclass
class FileSummary:
    """One 汇总 row. ``path`` is where the file is (for the link), ``display`` how it is
    shown (relative to the folder it was found in)."""

    path: str
    display: str
    department: str = ""
    layout: str = ""
    year: int | None = None
    staff_count: float | None = None
    sub_units: float | None = None
    total: float | None = None
    basic: float | None = None
    project: float | None = None
    fiscal: float | None = None
    other: float | None = None
    checks_passed: int = 0
    checks_failed: int = 0
    failed_checks: tuple[str, ...] = ()
    task_count: int = 0
    task_amount: float | None = None
    coverage: float | None = None
    indicator_count: int = 0
    level1_counts: dict[str, int] = field(default_factory=dict)
    level2_counts: dict[str, int] = field(default_factory=dict)
    quantitative: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    read_error: str = ""
    duplicates: tuple[str, ...] = ()
    status: str = ""
    reason: str = ""
    index: int = -1  # the caller's position for this file (e.g. in its input list)

    @property
    def readable(self) -> bool:
        return not self.read_error

    @property
    def quantitative_share(self) -> float | None:
        if not self.indicator_count:
            return None
        return self.quantitative / self.indicator_count


@dataclass
class FileResult:
    """What one worker returns for one file: the summary and compact detail rows."""

    summary: FileSummary
    indicators: list[tuple] = field(default_factory=list)
    tasks: list[tuple] = field(default_factory=list)
    findings: list[tuple] = field(default_factory=list)


# --- one file ---------------------------------------------------------------------------

def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _text(value: Any) -> str:
    if type(value) is str:  # most fields: skip the checks below
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _year(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _cell(form: Form, path: str) -> str:
    src = form.sources.get(path) if isinstance(form.sources, dict) else None
    if src is None or not src.cell:
        return ""
    return f"{src.sheet}!{src.cell}" if src.sheet else src.cell


def summarize(path: str, display: str, form: Form | None, findings: Iterable[Finding] = (),
              *, read_error: str = "", framework: str = DEFAULT_FRAMEWORK,
              tolerance: float = 0.01) -> FileResult:
    """The summary row and detail rows of one file. ``form`` is None when it could not be
    read; ``read_error`` then says why (Chinese)."""
    findings = list(findings)
    summary = FileSummary(path=path, display=display)
    result = FileResult(summary)
    if form is None:
        summary.read_error = read_error or "无法读取"
    else:
        _fill_from_form(summary, form, framework, tolerance)
        result.indicators = indicator_rows(form, summary.department, display)
        result.tasks = task_rows(form, summary.department, display)
    counts = Counter(f.severity for f in findings)
    summary.errors, summary.warnings, summary.infos = (
        counts["error"], counts["warning"], counts["info"])
    result.findings = [
        (summary.department, display, f.sheet, f.cell, f.rule,
         SEVERITY_LABELS.get(f.severity, f.severity), f.message)
        for f in findings
    ]
    if form is None and not result.findings:
        result.findings = [("", display, "", "", "PX001", SEVERITY_LABELS["error"],
                            summary.read_error)]
        summary.errors = max(summary.errors, 1)
    return result


def _fill_from_form(s: FileSummary, form: Form, framework: str, tolerance: float) -> None:
    b = form.budget
    s.department = normalize(_text(form.department))
    s.layout = form.layout if form.layout in LAYOUT_LABELS else ""
    s.year = _year(form.year)
    s.staff_count, s.sub_units = _num(form.staff_count), _num(form.sub_units)
    s.basic, s.project = _num(b.basic), _num(b.project)
    s.fiscal, s.other = _num(b.fiscal), _num(b.other)
    declared = _num(b.declared_total)
    if s.basic is None or s.project is None:  # one part alone is no total (Budget.total)
        s.total = declared
    else:
        s.total = round_half_up(s.basic + s.project, 2)

    amounts = [a for a in (_num(t.amount) for t in form.tasks) if a is not None]
    s.task_count = len(form.tasks)
    s.task_amount = round_half_up(sum(amounts), 2) if amounts else None
    if s.task_amount is not None and s.project:
        s.coverage = s.task_amount / s.project

    checks: list[tuple[str, bool]] = []

    def differs(a: float, b_: float) -> bool:
        return abs(a - b_) > tolerance + 1e-9

    if declared is not None and s.basic is not None and s.project is not None:
        checks.append(("基本支出+项目支出≠部门整体预算总额",
                       not differs(s.basic + s.project, declared)))
    reference = declared if declared is not None else (
        s.total if s.basic is not None and s.project is not None else None)
    if reference is not None and s.fiscal is not None and s.other is not None:
        checks.append(("财政拨款+其他资金≠预算总额", not differs(s.fiscal + s.other, reference)))
    if s.task_amount is not None and s.project is not None:
        checks.append(("重点任务资金合计超过项目支出", s.task_amount <= s.project + tolerance + 1e-9))
    s.checks_passed = sum(ok for _, ok in checks)
    s.checks_failed = sum(not ok for _, ok in checks)
    s.failed_checks = tuple(name for name, ok in checks if not ok)

    tree = FRAMEWORKS.get(framework, FRAMEWORKS[DEFAULT_FRAMEWORK])
    level1: Counter[str] = Counter()
    level2: Counter[str] = Counter()
    for ind in form.indicators:
        l1, l2 = _compact(ind.level1), _compact(ind.level2)
        level1[l1 if l1 in tree else UNCATEGORISED] += 1
        level2[l2 if l2 in tree.get(l1, ()) else UNCATEGORISED] += 1
        if parse_target(ind.annual_value).quantitative:
            s.quantitative += 1
    s.indicator_count = len(form.indicators)
    s.level1_counts, s.level2_counts = dict(level1), dict(level2)


def _compact(value: Any) -> str:
    if type(value) is str:
        return _compact_str(value)
    return "".join(normalize(_text(value)).split())


@lru_cache(maxsize=4096)
def _compact_str(value: str) -> str:
    # The category cells: a handful of spellings, ~120 cells a form.
    return "".join(normalize(value.strip()).split())


def indicator_rows(form: Form, department: str, display: str) -> list[tuple]:
    rows = []
    year = _year(form.year)
    for i, ind in enumerate(form.indicators):
        t = parse_target(ind.annual_value)
        rows.append((
            department, year, _text(ind.level1), _text(ind.level2), _text(ind.name),
            _text(ind.annual_value), _text(ind.period_value), KIND_LABELS[t.kind],
            t.operator or "", t.number if t.quantitative else None, t.unit,
            _text(ind.duty_no), _text(ind.duty), _text(ind.goal), _text(ind.explanation),
            _text(ind.activity), _text(ind.project), _cell(form, f"indicators[{i}].name"),
            display,
        ))
    return rows


def task_rows(form: Form, department: str, display: str) -> list[tuple]:
    year = _year(form.year)
    return [
        (department, year, _text(t.name), _text(t.content), _num(t.amount), _text(t.goal),
         _cell(form, f"tasks[{i}].name"), display)
        for i, t in enumerate(form.tasks)
    ]


# --- across files -----------------------------------------------------------------------

def sort_key(s: FileSummary) -> tuple:
    return (s.department, s.display, s.path)


def finalize(summaries: Iterable[FileSummary], *, year: int | None = None) -> list[FileSummary]:
    """Sort, flag duplicates and set every file's status and reason. Returns a new list
    (the summaries themselves are updated)."""
    out = sorted(summaries, key=sort_key)
    groups: dict[tuple[str, int | None], list[FileSummary]] = defaultdict(list)
    for s in out:
        if s.readable and s.department:
            groups[("".join(s.department.split()), s.year)].append(s)
    for members in groups.values():
        if len(members) > 1:
            for s in members:
                s.duplicates = tuple(o.display for o in members if o is not s)
    for s in out:
        s.status, s.reason = _status(s, year)
    return out


def _status(s: FileSummary, year: int | None) -> tuple[str, str]:
    if not s.readable:
        return UNREADABLE, s.read_error
    reasons = []
    if not s.department:
        reasons.append("未填写部门名称")
    if year is not None and s.year != year:
        reasons.append(f"年度为{s.year if s.year is not None else '（空）'}，不是{year}年")
    if s.duplicates:
        reasons.append("重复：同一部门同一年度另有文件 " + "、".join(s.duplicates))
    reasons.extend(s.failed_checks)
    if s.errors:
        reasons.append(f"{s.errors} 个错误")
    if reasons:
        return NEEDS_FIX, "；".join(reasons)
    note = f"{s.warnings} 个警告" if s.warnings else ""
    return PASSED, note


# --- the 汇总 columns ----------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """A 汇总 column. ``kind``: text, int, amount (万元, 2 decimals), percent, link.
    ``total``: the total row sums it (with a native SUM formula)."""

    header: str
    kind: str
    get: Callable[[FileSummary], Any]
    total: bool = False
    width: float = 10


def summary_columns(framework: str = DEFAULT_FRAMEWORK) -> list[Column]:
    tree = FRAMEWORKS.get(framework, FRAMEWORKS[DEFAULT_FRAMEWORK])
    cols = [
        Column("部门名称", "text", lambda s: s.department, width=24),
        Column("版式", "text", lambda s: LAYOUT_LABELS.get(s.layout, ""), width=8),
        Column("年度", "int", lambda s: s.year, width=7),
        Column("财政供养人数", "int", lambda s: s.staff_count, total=True),
        Column("二级单位数", "int", lambda s: s.sub_units, total=True),
        Column("预算总额（万元）", "amount", lambda s: s.total, total=True, width=14),
        Column("基本支出（万元）", "amount", lambda s: s.basic, total=True, width=14),
        Column("项目支出（万元）", "amount", lambda s: s.project, total=True, width=14),
        Column("财政拨款（万元）", "amount", lambda s: s.fiscal, total=True, width=14),
        Column("其他资金（万元）", "amount", lambda s: s.other, total=True, width=14),
        Column("金额校验通过", "int", lambda s: s.checks_passed if s.readable else None,
               total=True),
        Column("金额校验未通过", "int", lambda s: s.checks_failed if s.readable else None,
               total=True),
        Column("重点任务数", "int", lambda s: s.task_count if s.readable else None, total=True),
        Column("任务资金（万元）", "amount", lambda s: s.task_amount, total=True, width=14),
        Column("任务资金覆盖率", "percent", lambda s: s.coverage, width=12),
        Column("指标数", "int", lambda s: s.indicator_count if s.readable else None, total=True),
    ]
    for name in tree:
        cols.append(Column(name, "int", _counter("level1_counts", name), total=True))
    for children in tree.values():
        for name in children:
            cols.append(Column(name, "int", _counter("level2_counts", name), total=True))
    cols += [
        Column(UNCATEGORISED + "（一级）", "int", _counter("level1_counts", UNCATEGORISED),
               total=True),
        Column(UNCATEGORISED + "（二级）", "int", _counter("level2_counts", UNCATEGORISED),
               total=True),
        Column("定量指标数", "int", lambda s: s.quantitative if s.readable else None, total=True),
        Column("定量指标占比", "percent", lambda s: s.quantitative_share, width=12),
        Column("错误数", "int", lambda s: s.errors, total=True, width=8),
        Column("警告数", "int", lambda s: s.warnings, total=True, width=8),
        Column("状态", "text", lambda s: s.status, width=9),
        Column("原因", "text", lambda s: s.reason, width=40),
        Column("源文件", "link", lambda s: s.display, width=40),
    ]
    return cols


def _counter(attr: str, key: str) -> Callable[[FileSummary], int | None]:
    def get(s: FileSummary) -> int | None:
        return getattr(s, attr).get(key, 0) if s.readable else None
    return get


def column_totals(summaries: Iterable[FileSummary], columns: list[Column]) -> dict[str, float]:
    """Python's sums of the total columns (what the native SUM formulas must give)."""
    sums: dict[str, float] = {c.header: 0.0 for c in columns if c.total}
    for s in summaries:
        for c in columns:
            if c.total:
                v = c.get(s)
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    sums[c.header] += v
    return sums


def status_counts(summaries: Iterable[FileSummary]) -> dict[str, int]:
    counts = Counter(s.status for s in summaries)
    return {st: counts.get(st, 0) for st in STATUSES}


def findings_by_rule(counts: dict[str, int]) -> list[tuple[str, int]]:
    """(rule, count) sorted by count descending, then rule."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
