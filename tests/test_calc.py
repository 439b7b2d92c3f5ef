import math

import pytest
from hypothesis import given, settings, strategies as st

from perfxl.core import calc
from perfxl.core.model import Budget, Form, Task
from perfxl.core.values import convert_unit, parse_target, unit_scale

# -- budget and rates -------------------------------------------------------------------


def test_budget_amount_sums_parts_and_treats_blank_as_zero():
    assert calc.budget_amount(10, 100, -5).value == 105
    assert calc.budget_amount(None, 100, None).value == 100
    assert calc.budget_amount("1,000.5万元", "", "500元").value == 1000.55


@pytest.mark.parametrize("parts, reason", [
    ((None, None, None), "预算数为空"),
    ((-1, 100, 0), "上年结转为负数"),
    ((0, -100, 0), "年初预算为负数"),
    ((0, "见附表", 0), "年初预算“见附表”不是有效金额"),
])
def test_budget_amount_undefined(parts, reason):
    total = calc.budget_amount(*parts)
    assert total.value is None and reason in total.reason


def test_execution_rate():
    assert calc.execution_rate(90, 100).value == 0.9
    assert calc.execution_rate(120, 100).value == 1.2  # overspending is reported, not clipped
    assert calc.execution_rate(0, 100).value == 0
    assert calc.execution_rate_parts(90, 100, 10, -5).value == pytest.approx(90 / 105)


@pytest.mark.parametrize("actual, budget, reason", [
    (10, 0, "预算数为0"),
    (10, None, "预算数为空"),
    (10, -5, "预算数为负数"),
    (None, 10, "实际支出为空"),
    (-1, 10, "实际支出为负数"),
    ("abc", 10, "不是有效金额"),
])
def test_execution_rate_undefined(actual, budget, reason):
    rate = calc.execution_rate(actual, budget)
    assert rate.value is None and reason in rate.reason and not rate.ok


def test_execution_rate_parts_zero_budget():
    rate = calc.execution_rate_parts(5, 0, 0, 0)
    assert rate.value is None and "预算数为0" in rate.reason


def test_deviation_rate_is_absolute_and_not_the_seed_formula():
    assert calc.deviation_rate(100, 93).value == pytest.approx(0.07)
    assert calc.deviation_rate(100, 107).value == pytest.approx(0.07)
    assert calc.deviation_rate(100, 100).value == 0
    # the seed's (预算−决算)/预算−1 would give −0.93 here
    assert calc.deviation_rate(100, 93).value != pytest.approx((100 - 93) / 100 - 1)


@pytest.mark.parametrize("budget, final, reason", [
    (0, 5, "本年预算数为0"), (None, 5, "本年预算数为空"), (-3, 5, "本年预算数为负数"),
    (5, None, "本年决算数为空"), (5, -1, "本年决算数为负数"),
])
def test_deviation_rate_undefined(budget, final, reason):
    rate = calc.deviation_rate(budget, final)
    assert rate.value is None and reason in rate.reason


amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False).map(float)


@settings(max_examples=80, deadline=None)
@given(amounts, amounts.filter(lambda b: b > 0))
def test_rates_properties(actual, budget):
    exe = calc.execution_rate(actual, budget).value
    dev = calc.deviation_rate(budget, actual).value
    assert exe == actual / budget
    assert dev >= 0
    assert math.isclose(dev, abs(1 - exe), rel_tol=1e-9, abs_tol=1e-12)
    # as text with a unit, the same result
    assert calc.execution_rate(f"{actual:,.2f}万元", f"{budget}万元").value == pytest.approx(exe)


@settings(max_examples=60, deadline=None)
@given(amounts, amounts, st.decimals(min_value=-10**6, max_value=10**6, places=2).map(float))
def test_budget_amount_property(carry, initial, adjust):
    total = calc.budget_amount(carry, initial, adjust).value
    assert total == pytest.approx(carry + initial + adjust, abs=0.005)
    assert round(total, 2) == total


# -- form totals ------------------------------------------------------------------------


def _form(**budget):
    tasks = budget.pop("tasks", [])
    return Form(budget=Budget(**budget), tasks=[Task(name=f"任务{i}", amount=a) for i, a in enumerate(tasks)])


def test_budget_totals_balanced_and_not():
    ok = calc.budget_totals(_form(basic=100, project=50.5, fiscal=140, other=10.5))
    assert (ok.structure, ok.funding, ok.balanced) == (150.5, 150.5, True)
    bad = calc.budget_totals(_form(basic=100, project=50.5, fiscal=140, other=10))
    assert bad.balanced is False and "不相等" in bad.reason
    within = calc.budget_totals(_form(basic=100, project=50.5, fiscal=140, other=10.49))
    assert within.balanced is True  # 0.01 万元 tolerance
    shandong = calc.budget_totals(_form(declared_total=200, basic=150, project=50))
    assert shandong.balanced is True and shandong.declared == 200
    alone = calc.budget_totals(_form(basic=1))
    assert alone.balanced is None


def test_guangdong_subtotals():
    t = calc.budget_totals(_form(special_fund=30, other_development=20, own_level=40, transfer=10))
    assert (t.development, t.levels) == (50, 50)


def test_task_total_and_coverage():
    form = _form(project=200, tasks=[50, None, "30.5", 19.5])
    assert calc.task_total(form).value == 100
    assert calc.task_coverage(form).value == 0.5
    assert calc.task_coverage(_form(project=0, tasks=[1])).reason.startswith("项目支出为0")
    assert calc.task_coverage(_form(project=10)).reason == "没有年度重点工作任务"
    assert "不是有效金额" in calc.task_coverage(_form(project=10, tasks=["很多"])).reason
    assert calc.task_total(_form(tasks=[None])).value is None
    empty = calc.coverage([None, ""], 10)
    assert empty.value == 0 and "未填写" in empty.reason


@settings(max_examples=60, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=12), amounts.filter(lambda p: p > 0))
def test_coverage_property(tasks, project):
    rate = calc.coverage(tasks, project).value
    assert rate == pytest.approx(sum(tasks) / project, rel=1e-9, abs=0.005 / project)
    assert rate >= 0


# -- units ------------------------------------------------------------------------------


@pytest.mark.parametrize("unit, base, factor", [
    ("万元", "元", 1e4), ("元", "元", 1), ("万件", "件", 1e4), ("‰", "%", 0.1),
    ("万元/个", "元/个", 1e4), ("亿元", "元", 1e8), ("", "", 1),
])
def test_unit_scale(unit, base, factor):
    assert unit_scale(unit) == (base, factor)


def test_convert_unit():
    assert convert_unit(3.5, "万元", "元") == 35000
    assert convert_unit(35000, "元", "万元") == 3.5
    assert convert_unit(5, "‰", "%") == 0.5
    assert convert_unit(3, "宗", "元") is None


# -- target comparison ------------------------------------------------------------------


@pytest.mark.parametrize("target, actual, unit, met", [
    ("≥3000宗", 3120, "", True),
    ("≥3000宗", 2999, "", False),
    ("≥3000宗", 3000, "", True),
    ("≤550元/人", 600, "", False),
    ("≤550元/人", 550, "", True),
    ("≥95%", 0.95, "", True),
    ("≥95%", 95, "", True),
    ("≥95%", "95%", "", True),
    ("≥95%", "94.9%", "", False),
    ("≥95%", 0.949, "", False),
    ("≥95%", "950‰", "", True),
    ("0.95", "96%", "", False),  # bare target 0.95 read as 95 %; "=" asks for exactly 95
    ("≥0.95", "96%", "", True),
    ("≤5万元", 48000, "元", True),
    ("≤5万元", "5.2万元", "", False),
    ("≤5万元", "50000元", "", True),
    ("≥2万件", "19999件", "", False),
    ("≥2万件", "2万件", "", True),
    ("≥20000件", 2, "万件", True),
    ("=2场", 2, "", True),
    (">2场", 2, "", False),
    ("<2场", 1, "", True),
    ("不少于3000宗", "3,120", "", True),
])
def test_compare(target, actual, unit, met):
    c = calc.compare(target, actual, unit)
    assert c.met is met, c.reason
    assert ("已达成" if met else "未达成") in c.reason


@pytest.mark.parametrize("target, actual, reason", [
    ("达到预期目标", 1, "定性指标"),
    (None, 1, "指标值为空"),
    ("15场左右", 15, "约数"),
    ("≥3000宗", None, "实际值为空"),
    ("≥3000宗", "很多", "不是数值"),
    ("≥3000宗", "3000元", "单位不一致"),
    ("≥3000宗", True, "不是数值"),
    ("≥3000宗", float("nan"), "不是有限数值"),
])
def test_compare_not_computable(target, actual, reason):
    c = calc.compare(target, actual)
    assert c.met is None and not c.computable and reason in c.reason


ops = st.sampled_from(["≥", "≤", "=", ">", "<"])
nums = st.integers(min_value=0, max_value=10**6)


@settings(max_examples=100, deadline=None)
@given(ops, nums, nums, st.sampled_from(["宗", "件", "人次", "元/人"]))
def test_compare_matches_operator(op, target, actual, unit):
    c = calc.compare(f"{op}{target}{unit}", actual)
    expected = {"≥": actual >= target, "≤": actual <= target, "=": actual == target,
                ">": actual > target, "<": actual < target}[op]
    assert c.met is expected


@settings(max_examples=60, deadline=None)
@given(ops, nums, nums)
def test_compare_is_unit_invariant(op, target, actual):
    """万元 vs 元: the same amounts give the same verdict whichever unit is typed."""
    a = calc.compare(f"{op}{target}元", actual, "元").met
    b = calc.compare(f"{op}{target}元", actual / 1e4, "万元").met
    assert a is b


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=1000))
def test_percent_spellings_agree(target_tenths, actual_tenths):
    target = f"≥{target_tenths / 10:g}%"
    pct = actual_tenths / 10
    forms = [f"{pct:g}%"] + ([pct / 100] if pct <= 100 else []) + ([pct] if pct > 1 else [])
    verdicts = {calc.compare(target, f).met for f in forms}
    assert verdicts == {pct >= target_tenths / 10}


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=20), st.one_of(st.none(), st.floats(), st.text(max_size=10)))
def test_compare_never_raises(target, actual):
    c = calc.compare(target, actual)
    assert c.met in (True, False, None) and c.reason


# -- progress ---------------------------------------------------------------------------


@pytest.mark.parametrize("target, actual, month, light", [
    ("≥1200件", 300, 6, "red"),  # 300 / 600 = 0.5
    ("≥1200件", 360, 6, "yellow"),  # exactly 0.6
    ("≥1200件", 479, 6, "yellow"),
    ("≥1200件", 480, 6, "green"),  # exactly 0.8
    ("≥1200件", 719, 6, "green"),
    ("≥1200件", 720, 6, "blue"),  # exactly 1.2
    ("≥95%", 0.96, 3, "green"),  # a level: compared with 95 %, not 95 % × 3/12
    ("≥95%", 50, 3, "red"),
    ("≤100万元", 50, 6, "green"),  # within the time-proportional bound
    ("≤100万元", 55, 6, "yellow"),
    ("≤100万元", 61, 6, "red"),
    ("≤550元/人", 500, 2, "green"),  # per-unit: a ceiling, not scaled by month
    ("≤550元/人", 600, 2, "yellow"),
    ("≤0起", 0, 5, "green"),
    ("≤0起", 1, 5, "red"),
    ("=12次", 6, "6月", "green"),
])
def test_progress_lights(target, actual, month, light):
    p = calc.progress(target, actual, month)
    assert p.light == light, p.reason
    assert p.label == calc.LIGHT_LABELS[light] and p.label in p.reason


def test_progress_expected_value():
    p = calc.progress("≥1200件", 500, 6)
    assert p.expected == 600 and p.ratio == 500 / 600
    assert calc.progress("≥1200件", 500, 6, cumulative=False).expected == 1200
    assert calc.expected_progress(1200, 3) == 300
    assert calc.time_standard("≥1200件", 3) == calc.Quantity(300, "件")
    assert calc.time_standard("≥95%", 3).number == 95  # a level, not prorated
    assert calc.time_standard("≥95%", 3, cumulative=True).number == 95 * 3 / 12
    assert "月份" in calc.time_standard("≥1200件", 0).reason
    assert "定性指标" in calc.time_standard("合规", 3).reason


@pytest.mark.parametrize("target, actual, month, reason", [
    ("达到预期", 1, 6, "定性指标"),
    ("≥100件", 1, 13, "月份"),
    ("≥100件", 1, 0, "月份"),
    ("≥100件", 1, 2.5, "月份"),
    ("≥100件", 1, None, "月份为空"),
    ("≥100件", -1, 6, "负数"),
    ("≥0件", 1, 6, "时间进度标准为0"),
    ("≥100件", "100元", 6, "单位不一致"),
])
def test_progress_not_computable(target, actual, month, reason):
    p = calc.progress(target, actual, month)
    assert p.light is None and reason in p.reason


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=1, max_value=10**5), st.integers(min_value=0, max_value=2 * 10**5),
       st.integers(min_value=1, max_value=12))
def test_progress_light_is_monotonic(target, actual, month):
    order = ["red", "yellow", "green", "blue"]
    a = calc.progress(f"≥{target}件", actual, month).light
    b = calc.progress(f"≥{target}件", actual + target, month).light
    assert order.index(a) <= order.index(b)
    up = calc.progress(f"≤{target}件", actual, month).light
    assert up == "green" if actual <= target * month / 12 else up in ("yellow", "red")


# -- year over year ---------------------------------------------------------------------


def test_year_over_year():
    y = calc.year_over_year("≥3000宗", "3200宗", 2800)
    assert y.last_year.rate == pytest.approx(-0.0625) and y.last_year.weaker is True
    assert "需在备注中说明" in y.last_year.reason
    assert y.avg3.rate == pytest.approx(200 / 2800) and y.avg3.weaker is False
    cost = calc.change("≤550元/人", "500元/人")
    assert cost.weaker is True and cost.difference == 50  # a higher ceiling is weaker
    pct = calc.change("≥95%", 0.93)
    assert pct.base == 93 and pct.difference == pytest.approx(2)
    money = calc.change("≥5万元", "40000元")
    assert money.base == 4 and money.rate == pytest.approx(0.25)


@pytest.mark.parametrize("target, base, reason", [
    ("≥10件", 0, "上年值为0"),
    ("≥10件", None, "上年值为空"),
    ("合规", 3, "定性指标"),
    ("≥10件", "10元", "单位不一致"),
])
def test_change_edge_cases(target, base, reason):
    c = calc.change(target, base)
    assert c.rate is None and reason in c.reason


def test_change_zero_base_still_gives_difference():
    c = calc.change("≥10件", 0)
    assert c.difference == 10 and c.weaker is False


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_change_property(target, base):
    c = calc.change(f"≥{target}件", base)
    assert c.rate == pytest.approx((target - base) / base)
    assert c.weaker is (target < base)


def test_parsed_target_objects_are_accepted():
    assert calc.compare(parse_target("≥3000宗"), 3120).met is True


def test_form_figures_shandong_seed():
    from seed_forms import shandong_seed

    fig = calc.form_figures(shandong_seed())
    assert fig.budget.balanced is True and fig.budget.declared == 2794.05
    by_name = {i.name: i for i in fig.indicators}
    rate = by_name["调解成功率"].last_year
    assert rate.weaker is True and rate.rate == pytest.approx((98 - 99.7) / 99.7)
    assert "需在备注中说明" in rate.reason
    assert by_name["开办培训"].avg3.rate is None  # 15场左右 is not a verifiable target
    same = by_name["压实全面从严治党主体责任"].last_year
    assert same.rate == 0 and "持平" in same.reason
    d = fig.to_dict()
    assert d["budget"]["balanced"] is True and d["coverage"]["value"] is None


def test_form_figures_guangdong_seed():
    from seed_forms import guangdong_seed

    fig = calc.form_figures(guangdong_seed())
    assert fig.tasks.value == 609
    assert fig.coverage.value == pytest.approx(609 / 851.85)
    assert all(i.last_year is None for i in fig.indicators)


SPELLINGS = {"≥": ["≥", ">=", "≧", "＞＝", "不少于", "不低于"], "≤": ["≤", "<=", "≦", "不超过", "不高于"],
             "=": ["=", "＝"]}
FULL_WIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(SPELLINGS)), st.data(),
       st.decimals(min_value=0, max_value=10**6, places=2),
       st.sampled_from(["宗", "件", "%", "元/人", "人次", "万元", "场次"]), st.booleans())
def test_written_targets_parse_and_compare(op, data, number, unit, full_width):
    """However the operator and digits are written, the target parses to the same
    operator/number/unit and an actual equal to the number meets it."""
    spelling = data.draw(st.sampled_from(SPELLINGS[op]))
    text = f"{spelling}{number}{unit}"
    if full_width:
        text = text.translate(FULL_WIDTH)
    t = parse_target(text)
    assert (t.operator, t.number, t.unit) == (op, float(number), unit)
    # the actual in the target's unit (a bare 0.5 against a % target would mean 50 %)
    assert calc.compare(text, float(number), unit).met is True
    step = {"≥": 1, "≤": -1, "=": 0}[op]
    if step:  # one unit on the allowed side meets it, one on the other side does not
        assert calc.compare(text, float(number) + step, unit).met is True
        assert calc.compare(text, float(number) - step, unit).met is False


def test_budget_totals_one_part_alone_is_no_structure_total():
    from perfxl.core.calc import budget_totals
    from perfxl.core.model import Budget, Form

    t = budget_totals(Form(budget=Budget(basic=4120.17, fiscal=4972.02, other=0.0)))
    assert t.structure is None and t.balanced is None and "项目支出为空" in t.reason
    t = budget_totals(Form(budget=Budget(basic=4120.17, project="见附表", fiscal=4972.02, other=0.0)))
    assert t.structure is None and "项目支出“见附表”不是有效金额" in t.reason
    assert budget_totals(Form(budget=Budget(basic=1.0, project=2.0, fiscal=3.0, other=0.0))).balanced
