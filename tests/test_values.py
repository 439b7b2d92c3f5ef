import pytest
from hypothesis import given, strategies as st

from perfxl.core.values import normalize, parse_amount, parse_target, round_half_up, years_in


@pytest.mark.parametrize("raw, op, num, unit, notes", [
    ("≥2场", "≥", 2, "场", set()),
    ("100%", "=", 100, "%", {"operator_missing"}),
    ("550/人", "=", 550, "/人", {"operator_missing", "currency_missing"}),
    ("≤550元/人", "≤", 550, "元/人", set()),
    ("平台案件办理宗数2万件以上", "≥", 20000, "件", {"word_operator", "above_word", "multiplied"}),
    ("≧95％", "≥", 95, "%", set()),
    ("不少于3000宗", "≥", 3000, "宗", {"word_operator"}),
    ("15场左右", "≈", 15, "场", {"word_operator", "approx"}),
    ("5000人次以内", "≤", 5000, "人次", {"word_operator"}),
    ("≤5万元", "≤", 5, "万元", set()),
    ("＞＝１２次", "≥", 12, "次", set()),
    (0.95, "=", 0.95, "", {"operator_missing", "bare_number"}),
    ("120%", "=", 120, "%", {"operator_missing", "percent_over_100"}),
])
def test_parse_target_quantitative(raw, op, num, unit, notes):
    t = parse_target(raw)
    assert t.kind == "quantitative"
    assert (t.operator, t.number, t.unit) == (op, num, unit)
    assert set(t.notes) == notes


@pytest.mark.parametrize("raw, op, num, unit", [
    ("≤-5%", "≤", -5, "%"),  # 成本降低、偏离率: a fall of at least 5 %
    ("≥ −3.5 %", "≥", -3.5, "%"),
    ("不低于-5%", "≥", -5, "%"),
    ("-5%", "=", -5, "%"),
    ("- 100件", "=", 100, "件"),  # a dash and a space: a list's dash, not a sign
    ("5-10次", "=", 5, ""),  # a range, not 5 and -10
])
def test_a_minus_sign_after_an_operator_or_at_the_start(raw, op, num, unit):
    t = parse_target(raw)
    assert (t.operator, t.number, t.unit) == (op, num, unit)


@pytest.mark.parametrize("raw, day", [
    ("2023-12-31", "2023年12月31日"), ("2023-12-31 00:00:00", "2023年12月31日"),
    ("2023/6/30", "2023年6月30日"), ("2023年12月31日", "2023年12月31日"),
])
def test_a_date_alone_is_a_date_not_the_number_2023(raw, day):
    from perfxl.core.values import date_text

    t = parse_target(raw)
    assert t.kind == "qualitative" and t.notes == ("date",) and date_text(t.text) == day


def test_a_date_cell_is_a_date():
    import datetime

    assert parse_target(datetime.date(2023, 12, 31)).notes == ("date",)
    assert parse_target(datetime.datetime(2023, 12, 31)).notes == ("date",)


@pytest.mark.parametrize("raw", ["2023年12月31日前完成", "12月31日前完成", "≤2023年12月31日"])
def test_a_deadline_is_not_a_quantity_of_months(raw):
    t = parse_target(raw)
    assert t.kind == "qualitative" and t.notes == ()


@pytest.mark.parametrize("raw", ["应做尽做", "达到预期目标", "2020年底完成", "合规"])
def test_parse_target_qualitative(raw):
    assert parse_target(raw).kind == "qualitative"


def test_parse_target_empty():
    assert parse_target(None).kind == "empty"
    assert parse_target("  ").kind == "empty"


@pytest.mark.parametrize("raw, value, from_text", [
    (4120.17, 4120.17, False),
    ("4,120.17万元", 4120.17, True),
    ("４１２０.１７", 4120.17, True),
    ("1000元", 0.1, True),
])
def test_parse_amount(raw, value, from_text):
    a = parse_amount(raw)
    assert a.value == pytest.approx(value)
    assert a.from_text is from_text


@pytest.mark.parametrize("raw, value, note", [
    ("851.85万", 851.85, "文本已按数字读取"),  # 万 is how finance staff shorten 万元
    ("60 万", 60, "文本已按数字读取"),
    ("1.2亿", 12000, "金额以“亿”填写，已换算为万元"),
    ("3亿元", 30000, "金额以“亿元”填写，已换算为万元"),
    ("￥4,972.02", 4972.02, "文本已按数字读取"),
    ("4 972.02", 4972.02, "文本已按数字读取"),
])
def test_parse_amount_text_variants(raw, value, note):
    a = parse_amount(raw)
    assert a.value == pytest.approx(value) and a.from_text and a.note == note


@pytest.mark.parametrize("raw, detail", [
    ("4 972,02", "小数请用小数点"),  # 4972.02 or 497202: not guessed
    ("4972,02", "小数请用小数点"),
    ("1,2", "小数请用小数点"),
    ("(1,234)", ""),  # not a decimal comma: nothing more to say than 不是有效金额
    (1e27, "超出合理范围"),
    ("1e27", "超出合理范围"),
    (-2e10, "超出合理范围"),
    ("1e999999999", "超出合理范围"),
    ("#DIV/0!", "Excel 错误值"),
    ("#N/A", "Excel 错误值"),
])
def test_parse_amount_refuses_what_it_cannot_read_for_sure(raw, detail):
    a = parse_amount(raw)
    assert a.value is None and not a.empty
    assert a.problem.startswith("不是有效金额") and detail in a.problem
    assert (a.problem == "不是有效金额") is (detail == "")


def test_parse_amount_in_the_unit_the_label_states():
    assert parse_amount(49720200, "元").value == 4972.02
    assert parse_amount(41201712.35, "元").value == 4120.171235
    assert parse_amount("8,518,500", "元").value == 851.85
    assert parse_amount("851.85万元", "元").value == 851.85  # the text's own unit wins
    assert parse_amount(4972.02).note == "" and "换算" in parse_amount(49720200, "元").note
    assert parse_amount(2e13, "元").value == 2e9  # 2 万亿元 is still a possible amount


def test_parse_amount_garbage_and_empty():
    assert parse_amount("约四千万").value is None
    assert parse_amount("").empty


def test_round_half_up_matches_excel_on_ties():
    assert round_half_up(5 * 0.829, 2) == 4.15
    assert round_half_up(2.675, 2) == 2.68


def test_round_half_up_of_huge_numbers_does_not_raise():
    # Decimal's quantize raised InvalidOperation beyond 28 digits: a 1e27 amount once made
    # consolidate list its file as unreadable
    assert round_half_up(1e27, 2) == 1e27
    assert round_half_up(float("inf"), 2) == float("inf")


@pytest.mark.parametrize("raw, op, num, unit", [
    ("≥50,000份", "≥", 50000, "份"),
    ("不少于3,000宗", "≥", 3000, "宗"),
    ("≥1,234,567.5元", "≥", 1234567.5, "元"),
])
def test_thousands_separators_are_one_number(raw, op, num, unit):
    t = parse_target(raw)
    assert (t.operator, t.number, t.unit) == (op, num, unit)
    assert "multiple_numbers" not in t.notes


@pytest.mark.parametrize("raw", ["1,2,3类", "4972,02", "1,0000件", "12,345,6个",
                                 "分别培训120，150，180人", "完成120，300人次", "不少于3，000宗"])
def test_a_comma_not_in_thousands_groups_separates_numbers(raw):
    t = parse_target(raw)
    # (a full-width ， separates a list in Chinese: never a thousands separator)
    assert "multiple_numbers" in t.notes and t.number not in (123, 497202, 10000, 123456, 120150180,
                                                              120300, 3000)


def test_years_and_normalize():
    assert years_in("完成2020年度评查，2021年计划") == [2020, 2021]
    assert normalize("（１）　≧９５％") == "(1) ≥95%"


@given(st.one_of(st.text(), st.floats(), st.integers(), st.none(), st.booleans()))
def test_parsers_never_raise(raw):
    parse_target(raw)
    parse_amount(raw)


def test_a_decimal_before_year_is_a_quantity_not_a_crash():
    # "2.25年" has four characters like a year; it once reached int("2.25").
    t = parse_target("≥2.25年")
    assert t.quantitative and t.number == 2.25 and t.unit == "年"
    assert not parse_target("2024年完成").quantitative


def test_the_fast_path_for_operator_number_unit_agrees_with_the_general_parse():
    # parse_target answers "≥95%", "≤550元/件" … without the general parse; it must give
    # exactly what the general parse gives, whatever the unit.
    from perfxl.core.values import UNITS, _parse_text, _simple_target

    fast = 0
    for unit in UNITS + ["/人", "元/件", "元/人次", "万元/个", "万件", "人/年", "年度", "米x"]:
        for prefix in ("", "万", "亿", "千"):
            for op in ("", "≥", "≤", "=", ">", "<", "≈"):
                for num in ("0", "0.95", "95", "100.5", "2020", "007"):
                    s = f"{op}{num}{prefix}{unit}"
                    assert parse_target(s) == _parse_text(s, s), s
                    fast += _simple_target(s, s) is not None
    assert fast > 2000
    assert parse_target("≥150%").notes == ("percent_over_100",)
    assert parse_target("≈15场").notes == ("approx",)
    assert parse_target("550/人").notes == ("operator_missing", "currency_missing")
    assert (parse_target("≥12万元").unit, parse_target("≥12万元").number) == ("万元", 12)
