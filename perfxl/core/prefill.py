"""Pre-filling next year's form for a department, optionally from last year's form.

Last year's indicators come over with their targets moved to 历史值 → 上年值 and the
new year's target left empty for the department to fill; last year's tasks come over
as a starting point without amounts (the budget is new every year).
"""

from __future__ import annotations

from perfxl.core.model import Form, History, Indicator, Standard, Task

HISTORY_SOURCE = "上年申报表"


def new_form(department: str, layout: str, year: int, last: Form | None = None) -> Form:
    form = Form(layout=layout, department=department, year=year)
    if last is None:
        return form
    form.value_columns = last.value_columns if last.layout == layout == "guangdong" else 2
    form.tasks = [Task(name=t.name, content=t.content, amount=None, goal=t.goal)
                  for t in last.tasks if t.name or t.content]
    form.indicators = [carry_indicator(i, layout, last.layout) for i in last.indicators if i.name]
    return form


def carry_indicator(old: Indicator, layout: str, old_layout: str) -> Indicator:
    new = Indicator(name=old.name,
                    history=History(last_year=old.annual_value,
                                    source=HISTORY_SOURCE if old.annual_value else ""))
    if layout == "guangdong":
        if old_layout == "guangdong":
            new.level1, new.level2 = old.level1, old.level2
            new.period_value = old.period_value  # a multi-year target spans both years
    else:
        new.standard = Standard()
        if old_layout == "shandong":
            new.duty_no, new.duty, new.goal = old.duty_no, old.duty, old.goal
            new.explanation, new.activity, new.project = old.explanation, old.activity, old.project
            if old.standard:
                new.standard = Standard(old.standard.plan_value, old.standard.value, old.standard.source)
    return new
