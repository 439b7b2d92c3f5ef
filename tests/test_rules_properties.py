"""Property tests: random and malformed cell values never make a rule raise, and every
finding from a form with sources names a cell."""

from hypothesis import HealthCheck, given, settings, strategies as st

from perfxl.core.model import Budget, Form, History, Indicator, Source, Standard, Task
from perfxl.core.rules import RuleConfig, check_form

cell_values = st.one_of(
    st.none(), st.text(max_size=30), st.integers(-10**6, 10**6), st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["550/人", "≥95%", "1", "0.95", "XX", "应做尽做", "2万件以上", "15场左右",
                     "成本标", "产出指标", "时效指标", "经济效益指标", "服务对象满意度", "2019年度",
                     "4,120.17万元", "１２３", "《2018年方案》", "=SUM(A1:A3)", "—", "不少于3000宗"]),
)
text_values = st.one_of(st.text(max_size=20), cell_values.map(lambda v: "" if v is None else str(v)))


@st.composite
def forms(draw, with_sources=True):
    layout = draw(st.sampled_from(["guangdong", "shandong"]))
    budget = Budget(**{k: draw(st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False),
                                         st.floats(allow_nan=True)))
                       for k in ("basic", "project", "fiscal", "other", "declared_total")})
    tasks = [Task(draw(text_values), draw(text_values), draw(cell_values), draw(text_values))
             for _ in range(draw(st.integers(0, 3)))]
    indicators = []
    for _ in range(draw(st.integers(0, 6))):
        indicators.append(Indicator(
            level1=draw(text_values), level2=draw(text_values), name=draw(text_values),
            annual_value=draw(cell_values), period_value=draw(cell_values),
            explanation=draw(text_values), note=draw(text_values),
            standard=draw(st.one_of(st.none(), st.builds(Standard, value=text_values))),
            history=draw(st.one_of(st.none(), st.builds(History, avg3=text_values, last_year=text_values)))))
    form = Form(layout=layout, department=draw(text_values), year=draw(st.one_of(
        st.none(), st.integers(1990, 2100), st.floats(allow_nan=True))),
        staff_count=draw(cell_values), budget=budget, overall_goal=draw(text_values),
        tasks=tasks, indicators=indicators, value_columns=draw(st.sampled_from([1, 2])))
    if with_sources:
        sources = {"title": Source("表", "A1", "标题"), "staff_count": Source("表", "C4", draw(cell_values))}
        for i, key in enumerate(("basic", "project", "fiscal", "other", "declared_total")):
            if draw(st.booleans()):
                sources[f"budget.{key}"] = Source("表", f"C{6 + i}", draw(cell_values))
        for i in range(len(tasks)):
            sources[f"tasks[{i}].amount"] = Source("表", f"D{14 + i}", draw(cell_values))
        for i in range(len(indicators)):
            if draw(st.booleans()):
                sources[f"indicators[{i}].name"] = Source("表", f"D{30 + i}", None)
        form.sources = sources
    return form


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forms(), st.sampled_from(["2015", "2021"]))
def test_random_forms_never_raise_and_every_finding_has_a_cell(form, framework):
    findings = check_form(form, RuleConfig(framework=framework))
    for f in findings:
        assert f.sheet == "表" and f.cell, f
        assert f.severity in ("error", "warning", "info")
        assert f.message.strip()
    assert findings == check_form(form, RuleConfig(framework=framework))


@settings(max_examples=40, deadline=None)
@given(forms(with_sources=False))
def test_forms_built_in_code_never_raise(form):
    check_form(form)
