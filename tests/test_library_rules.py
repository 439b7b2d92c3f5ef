"""The built-in library passes the validation rules (perfxl.core.rules) without errors.

Every indicator is put on a form the way ``perfxl fill`` writes it — Guangdong rows under
their 一级/二级 in both frameworks, Shandong rows with 指标解释 and 标准值/来源 — and the
rules engine must find nothing wrong with any indicator row.
"""

from __future__ import annotations

import pytest

from perfxl.adapters.library_xlsx import builtin_library
from perfxl.core.library.model import category_in
from perfxl.core.model import Form, Indicator, Source, Standard
from perfxl.core.rules import RuleConfig, check_form

LIB = list(builtin_library())
FIRST_ROW = 10
COLUMNS = {"level1": "A", "level2": "B", "name": "C", "annual_value": "D", "period_value": "E",
           "explanation": "F", "standard": "G"}


def _form(layout: str, framework: str) -> Form:
    indicators, sources = [], {"department": Source("表", "B2")}
    for i, ind in enumerate(LIB):
        if layout == "guangdong":
            l1, l2 = category_in(ind.level1, ind.level2, framework)
            row = Indicator(level1=l1, level2=l2, name=ind.name, annual_value=ind.target,
                            period_value=ind.target)
        else:
            row = Indicator(duty_no="1", duty="履行部门职责", goal="完成年度目标", name=ind.name,
                            explanation=ind.definition, annual_value=ind.target,
                            standard=Standard(value=ind.target, source=ind.source))
        indicators.append(row)
        for field, col in COLUMNS.items():
            sources[f"indicators[{i}].{field}"] = Source("表", f"{col}{FIRST_ROW + i}")
    return Form(layout=layout, department="某市某局", year=2024, indicators=indicators,
                sources=sources)


@pytest.mark.parametrize("layout,framework", [("guangdong", "2015"), ("guangdong", "2021"),
                                              ("shandong", "2015")])
def test_builtin_library_rows_have_no_rule_errors(layout, framework):
    findings = check_form(_form(layout, framework), RuleConfig(framework=framework))
    on_rows = [f for f in findings if f.cell and f.cell[0] in "ABCDEFG" and int(f.cell[1:]) >= FIRST_ROW]
    errors = [(LIB[int(f.cell[1:]) - FIRST_ROW].id, f.rule, f.message)
              for f in on_rows if f.severity == "error"]
    assert errors == []
    warnings = [(LIB[int(f.cell[1:]) - FIRST_ROW].id, f.rule, f.message)
                for f in on_rows if f.severity == "warning"]
    assert warnings == []
