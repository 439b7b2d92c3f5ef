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


# Values a user might type into a workbook cell (no NaN: Excel cannot store it).
typed = st.one_of(
    st.none(), st.integers(-10**6, 10**6), st.floats(-1e7, 1e7, allow_nan=False),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=15)
    .filter(lambda s: not s.startswith("=")),
    st.sampled_from(["550/人", "≥95%", "1", "XX", "应做尽做", "2万件以上", "成本标", "时效指标",
                     "4,120.17万元", "１２３", "约四千万", "—", "2019年度", "（单位）"]),
)


@st.composite
def workbook_forms(draw):
    n_tasks, n_ind = draw(st.integers(1, 3)), draw(st.integers(1, 5))
    return Form(
        title="市直部门整体预算绩效目标申报表", department=draw(typed), year=2022,
        staff_count=draw(typed), sub_units=draw(typed),
        budget=Budget(**{k: draw(typed) for k in ("basic", "project", "fiscal", "other",
                                                   "special_fund", "other_development",
                                                   "own_level", "transfer")}),
        overall_goal=draw(typed),
        tasks=[Task(draw(typed), draw(typed), draw(typed), draw(typed)) for _ in range(n_tasks)],
        indicators=[Indicator(level1=draw(st.sampled_from(["产出指标", "效益指标", "满意度指标", "成本标", "时效指标"])),
                              level2=draw(typed), name=draw(typed), annual_value=draw(typed),
                              period_value=draw(typed)) for _ in range(n_ind)],
    )


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                               HealthCheck.function_scoped_fixture])
@given(workbook_forms())
def test_workbooks_read_back_every_finding_names_a_cell(tmp_path, form):
    from _workbooks import guangdong_rows, write_rows
    from perfxl.adapters.checking import check_file

    rows, merges = guangdong_rows(form)
    path = write_rows(tmp_path / "random.xlsx", rows, merges)
    findings = check_file(path)
    for f in findings:
        assert f.file == str(path)
        assert f.sheet and f.cell, f
