"""docs/guide/rules.md is generated from the registry and must be up to date."""

from pathlib import Path

from perfxl.core.rules import all_rules
from perfxl.core.rules.catalogue import render_markdown

DOC = Path(__file__).resolve().parent.parent / "docs" / "guide" / "rules.md"


def test_committed_catalogue_is_up_to_date():
    assert DOC.read_text("utf-8") == render_markdown(), (
        "docs/guide/rules.md is stale: run `python -m perfxl rules --markdown > docs/guide/rules.md`")


def test_catalogue_lists_every_rule_with_its_explanation():
    text = render_markdown()
    for rule in all_rules():
        assert f"### {rule.code} {rule.name}" in text
        assert rule.explanation.splitlines()[0] in text


def test_toml_examples_in_the_guides_are_valid_configs():
    import tomllib

    from perfxl.core.rules import RuleConfig

    for page in ("rules.md", "填写与校验.md"):
        text = (DOC.parent / page).read_text("utf-8")
        blocks = [b.split("```")[0] for b in text.split("```toml")[1:]]
        assert blocks, page
        for block in blocks:
            cfg = RuleConfig.from_dict(tomllib.loads(block))
            assert cfg.ignore and cfg.severity == {"PX401": "error"}


def test_one_rule_is_plain_text_in_the_terminal_and_markdown_on_request(capsys):
    from perfxl.cli import main

    assert main(["rules", "PX302"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("PX302  level2-unknown（英文标识）\n类别：指标框架与分类    默认级别：错误\n")
    assert "提示信息：二级指标“…”不是…年指标框架中的名称，…\n" in text
    assert not any(mark in text for mark in ("###", "- 默认级别", "‹", "›", "{", "}"))
    assert main(["rules", "PX302", "--markdown"]) == 0
    assert "### PX302 level2-unknown\n" in capsys.readouterr().out


def test_rule_list_has_a_header_naming_the_english_identifier(capsys):
    from perfxl.cli import main

    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["代码", "英文标识", "级别", "类别"]
    assert lines[1].split()[:2] == ["PX001", "file-unreadable"]
    assert "| 代码 | 英文标识 | 类别 | 默认级别 |" in DOC.read_text("utf-8")
