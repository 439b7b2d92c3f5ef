"""The registry, configuration, selection and the engine's ordering and cell location."""

import re

import pytest

from perfxl.core.findings import FormReadError
from perfxl.core.model import Budget, Form, Indicator, Source, Task
from perfxl.core.rules import ConfigError, RuleConfig, all_rules, check_form, get_rule, locate
from perfxl.core.rules.registry import GROUPS, Hit, Rule, add
from seed_forms import guangdong_seed, shandong_seed


def test_codes_names_and_texts_are_well_formed():
    rules = all_rules()
    codes = [r.code for r in rules]
    assert codes == sorted(set(codes))
    assert len({r.name for r in rules}) == len(rules)
    for r in rules:
        assert re.fullmatch(r"PX\d{3}", r.code), r.code
        assert r.code[:3] in GROUPS
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.name), r.name
        assert r.severity in ("error", "warning", "info")
        assert re.search(r"[\u4e00-\u9fff]", r.message) and "\n" not in r.message
        assert "修改" in r.explanation or "无需修改" in r.explanation, r.code
    assert get_rule("PX001").name == "file-unreadable"
    assert get_rule("level2-unknown").code == "PX302"
    assert get_rule("px302").code == "PX302"


def test_every_group_has_rules_and_issue_minimum_is_covered():
    names = {r.name for r in all_rules()}
    for prefix in ("PX1", "PX2", "PX3", "PX4", "PX5", "PX6"):
        assert any(r.code.startswith(prefix) for r in all_rules())
    assert {"budget-sources-mismatch", "tasks-exceed-project", "task-coverage", "amount-as-text",
            "amount-unreadable", "staff-count-missing", "level2-unknown", "level2-wrong-parent",
            "category-wrong-column", "service-satisfaction-missing", "operator-missing",
            "currency-missing", "rate-as-fraction", "value-in-name", "placeholder", "vague-target",
            "stale-year", "task-target-unmeasured", "reference-missing",
            "target-below-reference"} <= names


def test_duplicate_code_is_refused():
    with pytest.raises(ValueError):
        add(Rule("PX101", "another-name", "error", "x", "y", check=lambda ctx: []))


def test_read_error_becomes_px001():
    f = FormReadError("a.xlsx", "不是 Excel 文件").to_finding()
    assert (f.rule, f.severity, f.file) == ("PX001", "error", "a.xlsx")


@pytest.mark.parametrize("select, ignore, code, enabled", [
    (("PX",), (), "PX401", True),
    (("PX",), ("PX4",), "PX401", False),
    (("PX",), ("PX4",), "PX302", True),
    (("PX401",), ("PX4",), "PX401", True),  # more specific select wins
    (("PX4",), ("PX401",), "PX401", False),
    (("PX4",), ("PX401",), "PX402", True),
    (("PX1",), (), "PX302", False),
    ((), (), "PX001", True),  # unreadable files are always reported
])
def test_selection_most_specific_prefix_wins(select, ignore, code, enabled):
    assert RuleConfig(select=select, ignore=ignore).enabled(code) is enabled


def test_config_from_dict_kebab_snake_extend_and_severity():
    cfg = RuleConfig.from_dict({
        "framework": "2021", "amount-tolerance": 0.05, "ignore": ["px105", "PX3"],
        "extend-vague-phrases": ["稳步推进"], "severity": {"PX401": "错误", "px402": "warning"},
        "stale_year_gap": 2,
    })
    assert cfg.framework == "2021" and cfg.amount_tolerance == 0.05 and cfg.stale_year_gap == 2
    assert cfg.ignore == ("PX105", "PX3")
    assert "稳步推进" in cfg.vague_phrases and "应做尽做" in cfg.vague_phrases
    assert cfg.severity == {"PX401": "error", "PX402": "warning"}
    nested = RuleConfig.from_dict({"tool": {"perfxl": {"framework": "2021"}}})
    assert nested.framework == "2021"


def test_rules_may_be_named_by_their_english_identifier():
    cfg = RuleConfig.from_dict({"ignore": ["vague-target", "PX6"], "severity": {"operator-missing": "错误"}})
    assert cfg.ignore == ("PX502", "PX6") and cfg.severity == {"PX401": "error"}
    assert RuleConfig().with_selection(select=["level2-unknown，PX1"]).select == ("PX302", "PX1")
    with pytest.raises(ConfigError, match="规则“level2-unkown”无效：应为 PX 开头的代码"):
        RuleConfig.from_dict({"ignore": ["level2-unkown"]})


@pytest.mark.parametrize("data", [
    {"framework": "2019"}, {"unknown-key": 1}, {"amount-tolerance": -1},
    {"amount-tolerance": "0.01"}, {"select": ["E501"]}, {"severity": {"PX401": "fatal"}},
    {"vague-phrases": "ok"} | {"vague-phrases": [1, 2]}, {"placeholder-patterns": ["(unclosed"]},
])
def test_bad_config_is_a_chinese_error(data):
    with pytest.raises(ConfigError) as exc:
        RuleConfig.from_dict(data)
    assert re.search(r"[\u4e00-\u9fff]", str(exc.value))


@pytest.mark.parametrize("pattern", ["x*", "待填?|", "a|b?", r"\b", "(?=待填)", "(?:XX)?"])
def test_a_placeholder_pattern_that_matches_empty_text_is_refused(pattern):
    # Its empty match would be found in every text cell: PX501 on all of them.
    with pytest.raises(ConfigError) as exc:
        RuleConfig.from_dict({"placeholder-patterns": ["XX", pattern]})
    assert str(exc.value) == (f"占位符正则表达式“{pattern}”可匹配空文本（每个单元格都会被当作"
                              "含有占位内容），请修改")
    RuleConfig.from_dict({"placeholder-patterns": ["XX", r"\bTBD\b", "^待填$", "(a)\\1"]})


def test_severity_override_and_ignore_apply_to_findings():
    form = guangdong_seed()
    base = check_form(form)
    assert any(f.rule == "PX401" and f.severity == "warning" for f in base)
    cfg = RuleConfig.from_dict({"severity": {"PX401": "error"}, "ignore": ["PX6", "PX105"]})
    out = check_form(form, cfg)
    assert all(f.severity == "error" for f in out if f.rule == "PX401")
    assert not any(f.rule.startswith("PX6") or f.rule == "PX105" for f in out)
    only = check_form(form, RuleConfig().with_selection(select=["PX3"]))
    assert only and all(f.rule.startswith("PX3") for f in only)


def test_findings_are_sorted_by_position_and_deterministic():
    form = shandong_seed()
    a, b = check_form(form), check_form(form)
    assert a == b
    from perfxl.core.rules.engine import cell_position
    keys = [cell_position(f.cell) for f in a]
    assert keys == sorted(keys)


def test_locate_falls_back_to_nearest_meaningful_cell():
    s = {"title": Source("S", "A1", "t"), "department": Source("S", "B2", "d"),
         "indicators[0].name": Source("S", "D10", "n"), "indicators[1].name": Source("S", "D11", "m"),
         "indicators[1].level2": Source("S", "C11", "x")}
    form = Form(sources=s)
    assert locate(form, "indicators[1].annual_value").cell == "D11"
    assert locate(form, "indicators[1].standard.value").cell == "D11"
    assert locate(form, "indicators[7].name").cell == "D11"
    assert locate(form, "indicators").cell == "D10"
    assert locate(form, "tasks").cell == "B2"
    assert locate(form, "budget.basic").cell == "B2"
    assert locate(Form(), "budget.basic") is None


def test_forms_without_sources_give_empty_cells_not_errors():
    form = Form(department="", tasks=[Task("t", "c", 1.0, "g")],
                indicators=[Indicator(level1="产出指标", level2="数量指标", name="x", annual_value="≥1场")])
    findings = check_form(form)
    assert findings and all(f.cell == "" for f in findings)
    assert "PX201" in {f.rule for f in findings}


def test_message_template_missing_value_renders_blank():
    r = Rule("PX999", "x-test", "info", "值“{value}”{missing}", "修改方法：无")
    assert r.format({"value": 1}) == "值“1”"
    assert Hit("a").values == {}


@pytest.mark.parametrize("data, named", [
    ({"severity": {"PX4O1": "error"}}, "PX4O1"),  # letter O for zero: matched nothing before
    ({"severity": {"PX4": "error"}}, "PX4"),  # a level is per rule, a prefix would do nothing
    ({"ignore": ["PX4O1"]}, "PX4O1"),
    ({"select": ["PX1", "PX99"]}, "PX99"),
])
def test_unknown_rule_codes_are_refused_naming_the_code(data, named):
    with pytest.raises(ConfigError) as exc:
        RuleConfig.from_dict(data)
    assert f"“{named}”" in str(exc.value)


def test_known_codes_and_prefixes_are_accepted():
    cfg = RuleConfig.from_dict({"select": ["PX"], "ignore": ["px4", "PX302"], "severity": {"px401": "错误"}})
    assert cfg.ignore == ("PX4", "PX302") and cfg.severity == {"PX401": "error"}
    with pytest.raises(ConfigError, match="PX4O1"):
        cfg.with_selection(ignore=["PX4O1"])
