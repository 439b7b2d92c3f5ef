"""Pre-filling next year's form for a department, optionally from last year's form.

What carries over is what a department keeps from year to year: task names, contents and
goals, indicator names, the Guangdong 一级/二级 categories (put right against the
framework) and the Shandong duty chain. Targets do not: 年度指标值 and 实施周期指标值 are
left empty for the department to fill, last year's target is shown as 上年值, the Shandong
标准值 columns (a year's standard and its source) are left empty, and so are task amounts
(the budget is new every year).

``choose_history`` picks the one form per department to carry over when several are at
hand (a folder of last year's returns, a summary listing several files).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import fields

from perfxl.core.findings import Finding
from perfxl.core.framework import DEFAULT_FRAMEWORK
from perfxl.core.library.model import category_in
from perfxl.core.model import Form, History, Indicator, Standard, Task
from perfxl.core.roster import name_key
from perfxl.core.rules.categories import classify, parent, shifted

HISTORY_SOURCE = "上年申报表"
_LISTED = 5  # file names quoted in one message, then “等 N 份”


def new_form(department: str, layout: str, year: int, last: Form | None = None,
             framework: str = DEFAULT_FRAMEWORK) -> Form:
    """``framework``: the one the new form's category dropdowns follow."""
    form = Form(layout=layout, department=department, year=year)
    if last is None:
        return form
    form.value_columns = last.value_columns if last.layout == layout == "guangdong" else 2
    form.tasks = [Task(name=t.name, content=t.content, amount=None, goal=t.goal)
                  for t in last.tasks if t.name or t.content]
    form.indicators = [carry_indicator(i, layout, last.layout, framework)
                       for i in last.indicators if i.name]
    return form


def carry_indicator(old: Indicator, layout: str, old_layout: str,
                    framework: str = DEFAULT_FRAMEWORK) -> Indicator:
    name, last_value = old.name, old.annual_value
    level1 = level2 = ""
    if old_layout == "guangdong":
        if shifted(old.level1, old.level2, framework):
            # The whole row slid one column left (rule PX304): the name sits in the 二级
            # column and last year's target in the name column.
            level2 = classify(old.level1, framework).canonical
            level1, name, last_value = parent(level2, framework), old.level2, old.name
        else:
            level1, level2 = categories(old.level1, old.level2, framework)
    new = Indicator(name=name, history=History(last_year=last_value,
                                               source=HISTORY_SOURCE if last_value else ""))
    if layout == "guangdong":
        new.level1, new.level2 = level1, level2
    else:
        new.standard = Standard()
        if old_layout == "shandong":
            new.duty_no, new.duty, new.goal = old.duty_no, old.duty, old.goal
            new.explanation, new.activity, new.project = old.explanation, old.activity, old.project
    return new


def categories(level1: str, level2: str, framework: str = DEFAULT_FRAMEWORK) -> tuple[str, str]:
    """Last year's (一级, 二级) as the framework spells them. A valid 二级 decides its 一级,
    so a wrong 一级 above it is overruled; misspellings the rules would correct (成本标 →
    成本指标, a missing 指标 suffix) are corrected; what no rule can place is left empty
    for the department to choose rather than copied wrong."""
    level1, level2 = category_in(level1, level2, framework)  # 2015 ↔ 2021 cost categories
    c1, c2 = classify(level1, framework), classify(level2, framework)
    if c2.kind == "level2":
        return parent(c2.canonical, framework), c2.canonical
    if c1.kind == "level2" and c2.kind == "empty":  # a 二级 typed into the 一级 column
        return parent(c1.canonical, framework), c1.canonical
    if c1.kind == "level1":
        return c1.canonical, ""
    if c2.kind == "level1" and c1.kind == "empty":  # a 一级 typed into the 二级 column
        return c2.canonical, ""
    return "", ""


def filled_in(form: Form) -> bool:
    """Whether a department entered anything of its own: a form perfxl sent and nobody
    filled holds names at most, never a target, an amount or a budget figure."""
    return (any(i.annual_value or i.period_value for i in form.indicators)
            or any(t.amount is not None for t in form.tasks)
            or form.staff_count is not None
            or any(getattr(form.budget, f.name) is not None for f in fields(form.budget)))


def prefilled(form: Form) -> bool:
    return bool(form.tasks or form.indicators)


def choose_history(forms: Iterable[Form], year: int, origin: str,
                   received: Mapping[str, str] | None = None) -> tuple[dict[str, Form], list[Finding]]:
    """One form per department (by ``name_key``) to pre-fill ``year``'s forms from.

    Per department: forms of ``year`` or later and forms nobody filled are not used; of the
    rest, the latest year wins (a form without a year counts as older than any dated one).
    Among several of that year: when ``received`` (``file`` → the UTC ISO time perfxl
    collect recorded) knows every one of them, the last received; otherwise the one whose
    ``file`` sorts last. ``origin`` (the folder or summary read) is the file the findings name.
    """
    received = received or {}
    groups: dict[str, list[Form]] = defaultdict(list)
    too_new: list[Form] = []
    blank: list[Form] = []
    for form in forms:
        if not form.department.strip():
            continue
        if form.year is not None and form.year >= year:
            too_new.append(form)
        elif not filled_in(form):
            blank.append(form)
        else:
            groups[name_key(form.department)].append(form)
    chosen: dict[str, Form] = {}
    findings: list[Finding] = []
    for key, candidates in groups.items():
        candidates.sort(key=lambda f: (f.year if f.year is not None else -1, f.file))
        latest = candidates[-1].year
        tied = [f for f in candidates if f.year == latest]
        by_time = len(tied) > 1 and all(f.file in received for f in tied)
        if by_time:
            tied.sort(key=lambda f: (received[f.file], f.file))
        best = chosen[key] = tied[-1]
        if len(tied) > 1:
            how = ("按回收记录取最后收到的一份" if by_time else
                   "按文件路径取排在最后的一份（没有 perfxl 回收记录的收到时间可比较）")
            findings.append(Finding(origin, "", "", "DS006", "info",
                                    f"{best.department}有 {len(tied)} 份{_year(best)}的表格，"
                                    f"{how}预填：{_name(best)}；未采用：{_names(tied[:-1])}"))
    if too_new:
        findings.append(Finding(origin, "", "", "DS004", "warning",
                                f"{len(too_new)} 份表格的年度不早于 {year} 年，未用于预填：{_names(too_new)}"))
    if blank:
        findings.append(Finding(origin, "", "", "DS005", "info",
                                f"{len(blank)} 份表格没有填写任何指标值、金额或预算数（例如分发时发出、"
                                f"部门未填写的原表），未用于预填：{_names(blank)}"))
    return chosen, findings


def _year(form: Form) -> str:
    return f"{form.year}年" if form.year is not None else "未填年度"


def _name(form: Form) -> str:
    return f"“{form.file or form.department}”"


def _names(forms: list[Form]) -> str:
    shown = "、".join(_name(f) for f in forms[:_LISTED])
    return shown + (f"等 {len(forms)} 份" if len(forms) > _LISTED else "")
