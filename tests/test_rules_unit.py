"""One or more small forms per rule: the rule fires where it should and nowhere else."""

import pytest

from perfxl.core.model import Budget, Form, History, Indicator, Source, Standard, Task
from perfxl.core.rules import RuleConfig, check_form
from perfxl.core.rules.categories import classify
from perfxl.core.rules.consistency import quantities
from perfxl.core.rules.text import stale_years

GOOD_TASK = Task("法律援助", "组织实施法律援助。", 100.0, "办理法律援助案件不少于3000宗。")
FULL_2015 = [
    ("产出指标", "数量指标", "法律援助案件办理数量", "≥3000宗"),
    ("产出指标", "质量指标", "案件质量评查合格率", "≥95%"),
    ("产出指标", "时效指标", "案件按时办结率", "=100%"),
    ("产出指标", "成本指标", "人均培训费", "≤550元/人"),
    ("效益指标", "经济效益指标", "减少群众诉讼成本", "≥10万元"),
    ("效益指标", "社会效益指标", "矛盾纠纷化解率", "≥90%"),
    ("效益指标", "生态效益指标", "生态环境案件办理率", "≥90%"),
    ("效益指标", "可持续影响指标", "服务平台持续运行", "全年正常运行"),
    ("满意度指标", "服务对象满意度指标", "群众满意度", "≥95%"),
]


def gd(indicators=None, **kw) -> Form:
    rows = FULL_2015 if indicators is None else indicators
    base = dict(layout="guangdong", title="部门整体预算绩效目标申报表", department="某局", year=2023,
                staff_count=10, budget=Budget(basic=900.0, project=100.0, fiscal=1000.0, other=0.0,
                                              special_fund=0.0, other_development=0.0,
                                              own_level=1000.0, transfer=0.0),
                overall_goal="目标1：办理法律援助案件不少于3000宗。", tasks=[GOOD_TASK],
                indicators=[Indicator(level1=a, level2=b, name=c, annual_value=d, period_value=d)
                            for a, b, c, d in rows], value_columns=2)
    base.update(kw)
    return Form(**base)


def sd(rows, **kw) -> Form:
    base = dict(layout="shandong", title="部门预算整体绩效目标表", department="某局", year=2021,
                budget=Budget(basic=900.0, project=100.0, fiscal=1000.0, other=0.0, declared_total=1000.0),
                overall_goal="战略目标", indicators=rows)
    base.update(kw)
    return Form(**base)


def codes(form, config=None) -> list[str]:
    return [f.rule for f in check_form(form, config)]


def messages(form, code) -> list[str]:
    return [f.message for f in check_form(form) if f.rule == code]


def test_clean_form_has_only_the_coverage_info():
    assert codes(gd()) == ["PX105"]


# --- PX1xx arithmetic -------------------------------------------------------------------

def test_px101_structure_vs_funding_within_tolerance():
    assert "PX101" not in codes(gd(budget=Budget(basic=900.004, project=100.0, fiscal=1000.0, other=0.0,
                                                 special_fund=0, other_development=0, own_level=0, transfer=0)))
    msgs = messages(gd(budget=Budget(basic=900.0, project=100.0, fiscal=990.0, other=0.0, special_fund=0,
                                     other_development=0, own_level=0, transfer=0)), "PX101")
    assert msgs == ["基本支出+项目支出=1,000万元，与财政拨款+其他资金=990万元不相等（相差10万元）"]
    cfg = RuleConfig(amount_tolerance=20)
    assert "PX101" not in codes(gd(budget=Budget(basic=900.0, project=100.0, fiscal=990.0, other=0.0)), cfg)


def test_px102_px103_against_declared_total():
    ok = sd([Indicator(name="x", annual_value="≥1场", standard=Standard(value="1场"))])
    assert not {"PX101", "PX102", "PX103"} & set(codes(ok))
    bad = sd([], budget=Budget(basic=900.0, project=100.0, fiscal=990.0, other=0.0, declared_total=1000.0))
    assert "PX103" in codes(bad) and "PX102" not in codes(bad) and "PX101" not in codes(bad)
    bad2 = sd([], budget=Budget(basic=800.0, project=100.0, fiscal=1000.0, other=0.0, declared_total=1000.0))
    assert "PX102" in codes(bad2)


def test_px104_px105_task_sum_and_coverage():
    tasks = [Task("a", "c", 60.0, "g"), Task("b", "c", 50.0, "g")]
    out = check_form(gd(tasks=tasks))
    assert [f.message for f in out if f.rule == "PX104"] == [
        "年度重点工作任务拟投入资金合计110万元，超过项目支出100万元"]
    info = [f for f in out if f.rule == "PX105"][0]
    assert info.severity == "info" and "110.0%" in info.message
    assert "PX104" not in codes(gd(tasks=[Task("a", "c", 100.004, "g")]))


def test_amount_cells_negative_decimals_text_and_garbage():
    s = {"budget.basic": Source("S", "C6", "4,120.17万元"), "budget.project": Source("S", "C7", "约四千万"),
         "budget.fiscal": Source("S", "E6", -5), "budget.other": Source("S", "E7", 1.234),
         "budget.special_fund": Source("S", "C9", "１２"), "budget.other_development": Source("S", "C10", None)}
    form = gd(sources=s, budget=Budget(basic=4120.17, project=None, fiscal=-5, other=1.234, special_fund=12))
    got = {(f.rule, f.cell) for f in check_form(form)}
    assert ("PX108", "C6") in got and ("PX108", "C9") in got
    assert ("PX109", "C7") in got
    assert ("PX106", "E6") in got
    assert ("PX107", "E7") in got
    assert ("PX203", "C10") in got
    assert not {("PX108", "E6"), ("PX109", "C6"), ("PX203", "C7")} & got


def test_px109_says_why_an_amount_was_refused():
    s = {"budget.basic": Source("S", "C6", "4972,02"), "budget.project": Source("S", "C7", 1e27),
         "budget.fiscal": Source("S", "E6", "见附表"), "budget.other": Source("S", "E7", "#DIV/0!")}
    got = {f.cell: f.message for f in check_form(gd(sources=s)) if f.rule == "PX109"}
    assert got["C6"].startswith("基本支出“4972,02”不是有效金额：") and "小数点" in got["C6"]
    assert got["C7"].startswith("项目支出“1e+27”不是有效金额：超出合理范围")
    assert got["E6"] == "财政拨款“见附表”不是有效金额"
    assert "Excel 错误值" in got["E7"] and "公式" in got["E7"]


def test_amount_text_with_wan_alone_is_read():
    s = {"budget.project": Source("S", "C7", "100万")}
    got = codes(gd(sources=s))
    assert "PX109" not in got and "PX108" in got


def test_amount_text_in_yuan_mentions_conversion():
    s = {"budget.basic": Source("S", "C6", "9000000元")}
    msgs = messages(gd(sources=s), "PX108")
    assert msgs and "900万元" in msgs[0] and "换算" in msgs[0]


def test_formula_raw_trusts_model_value():
    s = {"budget.basic": Source("S", "C6", "=C7+C8")}
    assert not {"PX108", "PX109"} & set(codes(gd(sources=s)))


def test_px110_an_amount_formula_without_a_value():
    s = {"budget.basic": Source("S", "C6", "=C7+C8"), "tasks[0].amount": Source("S", "E15", "=")}
    budget = Budget(project=100.0, fiscal=1000.0, other=0.0, special_fund=0.0, other_development=0.0,
                    own_level=1000.0, transfer=0.0)
    form = gd(sources=s, budget=budget, tasks=[Task("法律援助", "组织实施。", None, "不少于3000宗。")])
    got = {(f.rule, f.cell): f.message for f in check_form(form)}
    assert got[("PX110", "C6")] == "基本支出是公式“=C7+C8”，文件中没有保存其计算结果，请直接填写金额"
    assert ("PX110", "E15") in got
    assert not {("PX203", "C6"), ("PX203", "E15"), ("PX109", "C6")} & set(got)
    assert "PX110" not in codes(gd(sources={"budget.basic": Source("S", "C6", "=C7+C8")}))  # has a value


def test_px111_an_amount_formula_with_its_saved_result():
    form = gd(sources={"budget.basic": Source("S", "C6", "=C7+C8")})  # the reader set the cached value
    msgs = messages(form, "PX111")
    assert msgs == [f"基本支出是公式“=C7+C8”，已采用文件中保存的计算结果{form.budget.basic:g}万元"]
    assert "PX111" not in codes(gd())


# --- PX2xx required ---------------------------------------------------------------------

def test_required_fields():
    form = gd(department=" ", year=None, staff_count=None, overall_goal="", tasks=[])
    got = set(codes(form))
    assert {"PX201", "PX202", "PX204", "PX206", "PX208"} <= got
    assert "PX204" not in codes(sd([Indicator(name="x", annual_value="≥1场", note="新增")]))
    assert "PX206" not in codes(sd([Indicator(name="x", annual_value="≥1场", note="新增")]))
    assert "PX209" in codes(sd([]))
    derived = sd([Indicator(name="x", annual_value="≥1场", note="新增")],
                 budget=Budget(basic=900.0, project=100.0, fiscal=1000.0, other=0.0))
    assert "PX203" not in codes(derived) and "PX101" not in codes(derived)
    nothing = sd([], budget=Budget(fiscal=1000.0, other=0.0))
    assert messages(nothing, "PX203") == ["未填写基本支出", "未填写项目支出"]


def test_an_empty_shandong_total_is_derived_not_missing():
    """The template's 部门整体预算总额 is a formula the reader leaves empty: the missing
    inputs are reported, never the total the user cannot type in."""
    half = sd([], budget=Budget(basic=900.0, fiscal=900.0, other=0.0))
    assert messages(half, "PX203") == ["未填写项目支出"]
    assert sorted(messages(sd([], budget=Budget()), "PX203")) == sorted([
        "未填写财政拨款", "未填写其他资金", "未填写基本支出", "未填写项目支出"])
    formula = {"budget.declared_total": Source("绩效目标表", "D2", "=IF(COUNT(L2:L3)=0,\"\",SUM(L2:L3))")}
    unbalanced = sd([], sources=formula, budget=Budget(basic=900.0, project=100.0, fiscal=990.0, other=0.0))
    assert "PX203" not in codes(unbalanced)
    assert messages(unbalanced, "PX101") == [
        "基本支出+项目支出=1,000万元，与财政拨款+其他资金=990万元不相等（相差10万元）"]


def test_staff_count_invalid_and_task_incomplete_and_values_missing():
    assert "PX205" in codes(gd(staff_count=12.5))
    assert "PX205" in codes(gd(sources={"staff_count": Source("S", "C4", "十二人")}))
    assert messages(gd(tasks=[Task("培训", "", 5.0, "")]), "PX207") == [
        "重点工作任务“培训”未填写主要实施内容、期望达到的目标"]
    rows = FULL_2015 + [("满意度指标", "服务对象满意度指标", "企业满意度", "")]
    assert messages(gd(rows), "PX210") == ["指标“企业满意度”未填写年度指标值"]
    rows = FULL_2015 + [("满意度指标", "服务对象满意度指标", "", "≥90%")]
    assert messages(gd(rows), "PX211") == ["指标值“≥90%”没有对应的指标名称"]


# --- PX3xx framework --------------------------------------------------------------------

@pytest.mark.parametrize("name, kind, canonical, exact", [
    ("成本标", "level2", "成本指标", False),
    ("服务对象满意度", "level2", "服务对象满意度指标", False),
    ("产出指标", "level1", "产出指标", True),
    ("效益指", "level1", "效益指标", False),
    ("提升政府立法立规与法律顾问工作质效", "unknown", "", True),
    ("", "empty", "", True),
])
def test_classify(name, kind, canonical, exact):
    c = classify(name, "2015")
    assert (c.kind, c.canonical, c.exact) == (kind, canonical, exact)


def test_classify_other_framework():
    assert classify("经济成本指标", "2015").other_framework == "2021"


def _with(row_index, **changes):
    rows = [list(r) for r in FULL_2015]
    for k, v in changes.items():
        rows[row_index][{"l1": 0, "l2": 1, "name": 2, "value": 3}[k]] = v
    return gd([tuple(r) for r in rows])


def test_px302_near_miss_names_the_correct_spelling():
    assert messages(_with(3, l2="成本标"), "PX302") == [
        "二级指标“成本标”不是2015年指标框架中的名称，应为“成本指标”"]
    msg = messages(_with(3, l2="经济成本指标"), "PX302")[0]
    assert "2021年" in msg


def test_px301_unknown_level1():
    assert messages(_with(0, l1="产出指"), "PX301") == [
        "一级指标“产出指”不是2015年指标框架中的名称，应为“产出指标”"]


def test_px303_wrong_parent_and_px304_wrong_column():
    form = _with(4, l1="时效指标")
    assert messages(form, "PX303") == [
        "二级指标“经济效益指标”填在一级指标“时效指标”下（“时效指标”本身是二级指标，却填在了一级指标列），"
        "应属于一级指标“效益指标”"]
    assert messages(_with(5, l1="产出指标"), "PX303") == [
        "二级指标“社会效益指标”填在一级指标“产出指标”下，应属于一级指标“效益指标”"]
    assert "PX304" in codes(form)
    shifted = gd(FULL_2015 + [("生态效益指标", "提升政府立法立规与法律顾问工作质效的说明文字", "办理法律事务不少于200件", "")])
    msgs = messages(shifted, "PX304")
    assert msgs == ["“生态效益指标”是二级指标名称，却填在一级指标列，整行可能向左错位了一列"]
    assert not {"PX302", "PX210", "PX408"} & set(codes(shifted))
    assert "PX304" in codes(_with(1, l2="产出指标"))


def test_px305_suffix_missing_is_a_warning():
    out = [f for f in check_form(_with(8, l2="服务对象满意度")) if f.rule == "PX305"]
    assert [(f.severity, f.message) for f in out] == [
        ("warning", "“服务对象满意度”应写作框架中的规范名称“服务对象满意度指标”")]


def test_px306_px307_missing_categories():
    no_benefit = gd([r for r in FULL_2015 if r[0] != "效益指标"])
    assert messages(no_benefit, "PX306") == ["一级指标“效益指标”下没有任何绩效指标"]
    assert "PX307" not in codes(no_benefit)  # not repeated for each 二级
    no_sustain = gd([r for r in FULL_2015 if r[1] != "可持续影响指标"])
    assert messages(no_sustain, "PX307") == ["二级指标“可持续影响指标”（属于效益指标）下没有绩效指标"]


def test_px306_2021_framework_needs_cost_level1():
    cfg = RuleConfig(framework="2021")
    got = [f.message for f in check_form(gd(), cfg) if f.rule == "PX306"]
    assert got == ["一级指标“成本指标”下没有任何绩效指标"]


def test_px308_satisfaction_missing_and_internal_staff_only():
    none = gd([r for r in FULL_2015 if r[0] != "满意度指标"])
    assert "PX308" in codes(none)
    internal = gd([r for r in FULL_2015 if r[0] != "满意度指标"]
                  + [("满意度指标", "服务对象满意度指标", "各科室的满意度", "≥90%")])
    msg = messages(internal, "PX308")[0]
    assert "各科室的满意度" in msg and "内部" in msg
    shandong = sd([Indicator(name="各科室的满意度评价", annual_value="依照实际打分情况", note="内部")])
    assert "PX308" in codes(shandong)
    shifted = sd([Indicator(name="保证各科室的有效运作", explanation="各科室的满意度评价",
                            annual_value="依照实际打分情况", note="内部")])
    msg = messages(shifted, "PX308")[0]
    assert "各科室的满意度评价" in msg
    ok = sd([Indicator(name="群众满意度", annual_value="≥95%", note="新增")])
    assert "PX308" not in codes(ok)
    for empty in (gd([]), sd([]), sd([Indicator(level1="满意度指标")])):
        assert "PX209" in codes(empty) and "PX308" not in codes(empty)  # one finding, not two


# --- PX4xx values -----------------------------------------------------------------------

@pytest.mark.parametrize("name, value, code", [
    ("设备维护验收合格率", "100%", "PX401"),
    ("人均培训费", "550/人", "PX402"),
    ("考核完成率", "1", "PX403"),
    ("考核完成", "考核完成率1 考核完成率100%", "PX403"),
    ("群众满意度", "0.95", "PX403"),
    ("培训场次", "≥2", "PX404"),
    ("合格率", "≥120%", "PX405"),
    ("案件数", "2万件以上", "PX406"),
    ("培训场次", "15场左右", "PX407"),
    ("开展政治轮训与综合业务培训2场次数", "≥2场", "PX408"),
])
def test_value_rules_fire(name, value, code):
    form = gd(FULL_2015 + [("产出指标", "数量指标", name, value)])
    assert code in codes(form)


@pytest.mark.parametrize("name, value", [
    ("合格率", "≥95%"), ("人均培训费", "≤550元/人"), ("培训场次", "≥2场"), ("平台运行", "全年正常运行"),
    ("完成2023年度评查工作", "=1次"), ("12348热线坐席", "≥2个"), ("落实《2022年培训方案》", "=1项"),
])
def test_value_rules_quiet_on_good_values(name, value):
    form = gd(FULL_2015 + [("产出指标", "数量指标", name, value)])
    assert not [c for c in codes(form) if c.startswith("PX4")]


def test_px401_on_a_date_and_a_negative_target():
    import datetime

    rows = FULL_2015[:2] + [("产出指标", "时效指标", "完成时间", "2023-12-31"),
                            ("产出指标", "成本指标", "成本降低率", "≤-5%")] + FULL_2015[4:]
    form = gd(rows)
    form.indicators[2].period_value = datetime.date(2023, 12, 31)  # a date cell
    msgs = messages(form, "PX401")
    hint = "这是一个日期：时效指标请写明期限，如“≤2023年12月31日”或“2023年12月31日前完成”"
    # (one message: a form built in code has no cells, and the two are the same finding)
    assert msgs == [f"指标值“2023-12-31”缺少比较符号（≥、≤ 或 =），{hint}"]
    assert "PX401" not in codes(gd(FULL_2015[:2] + [("产出指标", "时效指标", "完成时间",
                                                      "2023年12月31日前完成")] + FULL_2015[3:]))


def test_long_descriptions_with_a_number_are_not_missing_an_operator():
    desc = "13个县区(开发区)建立“一站式”调解中心,开展人民调解员培训,提升人民调解影响力"
    form = gd(FULL_2015 + [("产出指标", "数量指标", "预算资金偏离率说明", desc)])
    assert "PX401" not in codes(form)


def test_rate_as_fraction_suggests_percent_and_skips_operator_warning():
    form = gd(FULL_2015 + [("产出指标", "质量指标", "验收合格率", 1)])
    msgs = messages(form, "PX403")
    assert msgs and "“≥100%”" in msgs[0]
    assert not [m for m in messages(form, "PX401") if "“1”" in m]


# --- PX5xx text -------------------------------------------------------------------------

def test_placeholders():
    form = gd(FULL_2015 + [("产出指标", "数量指标", "培训场次", "计划举办XX场次")],
              department="（单位）", overall_goal="待填写")
    msgs = messages(form, "PX501")
    assert len(msgs) == 3 and any("XX" in m for m in msgs) and any("(单位)" in m for m in msgs)


def test_vague_targets_and_custom_list():
    form = gd(FULL_2015 + [("产出指标", "数量指标", "各项工作", "职责内的各项工作应做尽做")],
              tasks=[Task("a", "b", 10.0, "按时按量完成")])
    assert len(messages(form, "PX502")) == 2
    # 基本完成 cannot be judged at year end either; it is in the default list
    basic = gd(FULL_2015 + [("产出指标", "数量指标", "法治宣传工作", "基本完成")],
               tasks=[Task("a", "b", 10.0, "年底前基本完成平台建设")])
    assert [m for m in messages(basic, "PX502") if "基本完成" in m] and len(messages(basic, "PX502")) == 2
    form2 = gd(FULL_2015 + [("产出指标", "数量指标", "工作", "稳步推进")])
    assert "PX502" not in codes(form2)
    assert "PX502" in codes(form2, RuleConfig.from_dict({"extend-vague-phrases": ["稳步推进"]}))
    # 左右 in a value is PX407's, not repeated by PX502
    form3 = gd(FULL_2015 + [("产出指标", "数量指标", "培训场次", "15场左右")])
    assert "PX502" not in codes(form3) and "PX407" in codes(form3)


def test_stale_years():
    assert stale_years("完成2020年度行政执法案卷评查工作", 2021, 1) == [2020]
    assert stale_years("落实《2018-2022年教育培训方案》", 2021, 1) == []
    assert stale_years("较2020年增长10%", 2021, 1) == []
    assert stale_years("2021年底完成", 2021, 1) == []
    assert stale_years("2019年和2020年", 2021, 2) == [2019]
    form = sd([Indicator(name="评查", annual_value="2020年底完成", note="2020年新项目",
                         history=History(last_year="2019年度已完成"))])
    out = [f for f in check_form(form) if f.rule == "PX503"]
    std = sd([Indicator(name="x", annual_value="按期完成", standard=Standard(plan_value="2020年完成", value="2020年底完成"), note="n")])
    assert [m for m in messages(std, "PX503") if "2020年底完成" in m]
    assert not [m for m in messages(std, "PX503") if "2020年完成" in m]
    assert len(out) == 1 and "2020年" in out[0].message and "2021年度" in out[0].message


def test_deviation_formula():
    ind = Indicator(name="预算资金偏离率", explanation="偏离率=(本年预算数-本年决算数)/本年预算数*100%-1",
                    annual_value="≤5%", note="x")
    assert "PX504" in codes(sd([ind]))
    shifted = Indicator(name="在保证预算编制完整的前提下", annual_value="预算资金偏离率=(预算-决算)/预算*100%-1",
                        note="x")
    assert "PX504" in codes(sd([shifted]))
    ind.explanation = "偏离率=|本年预算数-本年决算数|/本年预算数×100%"
    assert "PX504" not in codes(sd([ind]))


# --- PX6xx consistency ------------------------------------------------------------------

def test_quantities_in_text():
    qs = quantities("全市办理法律援助案件不少于3000宗，法律帮助不少于4000件；打造10个示范点")
    assert [(q.number, q.unit) for q in qs] == [(3000, "宗"), (4000, "件"), (10, "个")]
    qs = quantities("办理法律援助案件不少于3,000宗，调解1,2类纠纷")
    assert [(q.number, q.unit) for q in qs] == [(3000, "宗")]


def test_thousands_separators_in_indicator_values_match_the_task_targets():
    rows = [("产出指标", "数量指标", "法律援助案件办理数量", "不少于3,000宗")] + FULL_2015[1:]
    task = Task("法律服务", "内容", 100.0, "办理法律援助案件不少于3000宗")
    assert "PX601" not in codes(gd(rows, tasks=[task]))
    assert "PX404" not in codes(gd(rows, tasks=[task]))


def test_task_target_unmeasured():
    measured = gd()
    assert "PX601" not in codes(measured)
    form = gd(tasks=[Task("法律服务", "内容", 100.0, "办理法律援助案件不少于3000宗，办理公证不少于20000件")])
    msgs = messages(form, "PX601")
    assert len(msgs) == 1 and "20000件" in msgs[0] and "3000宗" not in msgs[0]
    # same number, unrelated subject: still unmeasured
    other = gd(FULL_2015 + [("产出指标", "数量指标", "平台案件办理宗数", "≥2万件")],
               tasks=[Task("公证", "内容", 100.0, "办理公证不少于20000件")])
    assert "PX601" in codes(other)


def test_reference_missing_needs_note():
    row = Indicator(name="加强公证质量检查", annual_value="应做尽做")
    assert "PX602" in codes(sd([row]))
    row.note = "2021年新增工作，无历史数据"
    assert "PX602" not in codes(sd([row]))
    assert "PX602" not in codes(sd([Indicator(name="x", annual_value="≥1场", history=History(last_year="1场"))]))


def test_target_below_reference():
    row = Indicator(name="开办培训", annual_value="15场左右",
                    standard=Standard(plan_value="满足需求", value="20"), history=History(avg3="18", last_year="21"))
    msgs = messages(sd([row]), "PX603")
    assert msgs == ["指标“开办培训”的年度指标值“15场左右”低于标准值20、前三年均值18、上年值21，备注中未说明原因"]
    rate = Indicator(name="调解成功率", annual_value="98%", standard=Standard(value="98.00%"),
                     history=History(last_year="99.70%"))
    assert messages(sd([rate]), "PX603") == ["指标“调解成功率”的年度指标值“98%”低于上年值99.70%，备注中未说明原因"]
    excel_percent = Indicator(name="调解成功率", annual_value="98%", history=History(last_year="0.997"))
    assert "PX603" in codes(sd([excel_percent]))
    rate.note = "受疫情影响调解难度加大"
    assert "PX603" not in codes(sd([rate]))
    ceiling = Indicator(name="人均成本", annual_value="≤500元/人", history=History(last_year="550元/人"))
    assert "PX603" not in codes(sd([ceiling]))
    scaled = Indicator(name="培训人次", annual_value="≥1.5万人次", history=History(last_year="16000人次"))
    assert "PX603" in codes(sd([scaled]))
    scaled.history = History(last_year="14000人次")
    assert "PX603" not in codes(sd([scaled]))
    units = Indicator(name="x", annual_value="≥15场", history=History(last_year="21%"))
    assert "PX603" not in codes(sd([units]))


@pytest.mark.parametrize("pattern", ["^待填$", r"\bTBD\b", "(?<!已)待定$"])
def test_placeholder_patterns_that_depend_on_their_surroundings(pattern):
    # PX501 clears a whole form with one search only for patterns whose matches cannot
    # depend on the text around them; anchored and look-around patterns go cell by cell.
    config = RuleConfig.from_dict({"placeholder-patterns": [pattern]})
    hit = {"^待填$": "待填", r"\bTBD\b": "TBD", "(?<!已)待定$": "时间待定"}[pattern]
    assert "PX501" in codes(gd(FULL_2015, overall_goal=hit), config)
    miss = {"^待填$": "目标：待填", r"\bTBD\b": "TBDX", "(?<!已)待定$": "时间已待定"}[pattern]
    assert "PX501" not in codes(gd(FULL_2015, overall_goal=miss), config)


@pytest.mark.parametrize("pattern, text", [
    ("x*y", "只有y"), ("(?i)xx", "填XX"), ("(?i:x)x", "Xx"), ("[^甲]{3}", "乙丙丁"),
    (r"\d{2}号", "12号"), ("(?:某|XX)+单位", "某某单位"), ("[Xx×]{2,}", "××"),
])
def test_placeholder_patterns_that_may_start_anywhere(pattern, text):
    # PX501 skips a pattern for a whole form when no text holds a character its matches
    # start with; patterns that can start with any character are searched.
    config = RuleConfig.from_dict({"placeholder-patterns": [pattern]})
    assert "PX501" in codes(gd(FULL_2015, overall_goal=text), config)
