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


def test_parse_amount_garbage_and_empty():
    assert parse_amount("约四千万").value is None
    assert parse_amount("").empty


def test_round_half_up_matches_excel_on_ties():
    assert round_half_up(5 * 0.829, 2) == 4.15
    assert round_half_up(2.675, 2) == 2.68


@pytest.mark.parametrize("raw, op, num, unit", [
    ("≥50,000份", "≥", 50000, "份"),
    ("不少于3,000宗", "≥", 3000, "宗"),
    ("≥1,234,567.5元", "≥", 1234567.5, "元"),
    ("不少于3，000宗", "≥", 3000, "宗"),  # a full-width comma is folded to a comma first
])
def test_thousands_separators_are_one_number(raw, op, num, unit):
    t = parse_target(raw)
    assert (t.operator, t.number, t.unit) == (op, num, unit)
    assert "multiple_numbers" not in t.notes


@pytest.mark.parametrize("raw", ["1,2,3类", "4972,02", "1,0000件", "12,345,6个"])
def test_a_comma_not_in_thousands_groups_separates_numbers(raw):
    t = parse_target(raw)
    assert "multiple_numbers" in t.notes and t.number not in (123, 497202, 10000, 123456)


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
