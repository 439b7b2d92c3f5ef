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
