"""The documentation: generated pages up to date, the docs build, and a guide that covers
every command and ribbon button with links that resolve."""

from __future__ import annotations

import argparse
import importlib.util
import re
from pathlib import Path

import pytest

from perfxl.excel.buttons import BUTTONS, TAB_LABEL
from perfxl.cli import build_parser
from perfxl.excel.metadata import udf_metadata
from perfxl.excel.reference import EXAMPLES, render_markdown

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GUIDE = DOCS / "guide"
UDF_PAGE = GUIDE / "函数参考.md"


def _build_docs():
    spec = importlib.util.spec_from_file_location("build_docs", ROOT / "scripts" / "build_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the UDF reference ------------------------------------------------------------------

def test_udf_reference_is_up_to_date():
    assert UDF_PAGE.read_text("utf-8") == render_markdown(), (
        "docs/guide/函数参考.md is stale: run `python scripts/build_docs.py --no-render` "
        "(or `python -m perfxl.excel.reference > docs/guide/函数参考.md`)")


def test_udf_reference_documents_every_function_with_a_computed_example():
    page = render_markdown()
    for fn in udf_metadata():
        assert f"\n## {fn['name']}\n" in page
        for arg in fn["args"]:
            assert f"| `{arg['name']}` |" in page
        assert f"| `={fn['name']}({EXAMPLES[fn['name']].formula.replace('|', chr(92) + '|')})` |" in page
    assert "| `=PERF_BUDGET(10, 100, -5)` | 105 |" in page
    assert "PX302 错误：二级指标“成本标”" in page  # PERF_CHECK's example is really checked


def test_a_function_without_an_example_fails_the_reference():
    meta = udf_metadata()
    meta.append({**meta[0], "name": "PERF_NEW"})
    with pytest.raises(KeyError, match="PERF_NEW"):
        render_markdown(meta)


# -- the docs build ---------------------------------------------------------------------

def test_build_without_rendering_writes_every_page_as_html(tmp_path):
    build = _build_docs()
    out = tmp_path / "site"
    index = build.build(out, render=False, update_sources=False)
    assert index == out / "guide" / "README.html" and index.is_file()
    for section in ("guide", "dev"):
        for page in (DOCS / section).glob("*.md"):
            html = (out / section / page.name).with_suffix(".html").read_text("utf-8")
            assert html.startswith("<!DOCTYPE html>") and "<h1" in html, page
            assert not re.search(r'href="(?![a-z]+:)[^"]+\.md[#"]', html), f"unconverted link in {page}"
    assert (out / "guide" / "函数参考.md").read_text("utf-8") == render_markdown()
    assert not (out / "guide" / "images").exists()


def test_html_joins_chinese_lines_without_a_space_but_keeps_english_words_apart():
    html = _build_docs().to_html("# 页\n\n点按钮即可校验、\n填充指标。\n\nthe rule\ncatalogue\n")
    assert "校验、填充指标。" in html
    assert "the rule\ncatalogue" in html


def test_build_refuses_to_wipe_a_folder_it_did_not_make(tmp_path):
    build = _build_docs()
    (tmp_path / "notes.txt").write_text("keep me", "utf-8")
    with pytest.raises(SystemExit, match="not an earlier docs build"):
        build.build(tmp_path, render=False, update_sources=False)
    with pytest.raises(SystemExit, match="refusing"):
        build.build(DOCS / "guide", render=False, update_sources=False)
    assert (tmp_path / "notes.txt").read_text("utf-8") == "keep me"


@pytest.mark.libreoffice
@pytest.mark.slow
def test_build_renders_every_picture_the_guide_shows(tmp_path):
    build = _build_docs()
    out = tmp_path / "site"
    build.build(out, render=True, update_sources=False)
    images = out / "guide" / "images"
    shown = {ref for page in (DOCS / "guide").glob("*.md")
             for ref in build._IMAGE_REF.findall(page.read_text("utf-8"))}
    assert shown, "the guide shows no screenshots"
    for ref in shown:
        data = (out / "guide" / ref).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000, ref
    made = {f"images/{p.name}" for p in images.glob("*.png")}
    assert made >= shown
    assert build.missing_pictures(out / "guide") == []
    page = (out / "guide" / "一键汇总.html").read_text("utf-8")
    assert re.search(r'<img src="images/summary.png" alt="[^"]+"', page)


def test_missing_pictures_names_the_page_and_the_picture(tmp_path):
    build = _build_docs()
    (tmp_path / "页.md").write_text("# 页\n\n![截图](images/nothing.png)\n", "utf-8")
    assert build.missing_pictures(tmp_path) == ["页.md: images/nothing.png"]


# -- the guide covers every command and button ------------------------------------------

def commands(parser: argparse.ArgumentParser | None = None, prefix: str = "perfxl") -> list[str]:
    """``perfxl check``, ``perfxl library search`` …: every command a user can type."""
    parser = parser or build_parser()
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out.append(f"{prefix} {name}")
                out.extend(commands(sub, f"{prefix} {name}"))
    return out


def guide_text() -> str:
    """Every page of the user guide (演示.md included once it exists)."""
    return "\n".join(p.read_text("utf-8") for p in sorted(GUIDE.glob("*.md")))


def missing_mentions(command_names: list[str], button_labels: list[str], text: str) -> list[str]:
    """The commands the text never names as ``perfxl …`` and the button labels it never
    shows in bold (``**校验**``), as a user sees them on the ribbon."""
    missing = [c for c in command_names
               if not re.search(re.escape(c).replace("\\ ", r"\s+") + r"(?![\w-])", text)]
    missing += [b for b in button_labels if f"**{b}**" not in text]
    return missing


def test_every_command_and_button_is_in_the_guide():
    names = commands()
    assert "perfxl check" in names and "perfxl library search" in names and "perfxl addin run" in names
    labels = [b.label for b in BUTTONS] + [TAB_LABEL]
    assert missing_mentions(names, labels, guide_text()) == []


def test_a_command_the_guide_does_not_mention_is_reported():
    text = "用 `perfxl check 表.xlsx` 校验，或点 **校验** 按钮。perfxl library search 法援"
    assert missing_mentions(["perfxl check", "perfxl frobnicate", "perfxl library search"],
                            ["校验", "新按钮"], text) == ["perfxl frobnicate", "新按钮"]
    # a longer command does not count as a mention of a shorter one, nor the reverse
    assert missing_mentions(["perfxl read"], [], "perfxl read-only") == ["perfxl read"]
    assert missing_mentions(["perfxl library check"], [], "perfxl library search") == ["perfxl library check"]


# -- links ------------------------------------------------------------------------------

_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def anchors(page: Path) -> set[str]:
    slug = _build_docs().slug
    text = _FENCE.sub("", page.read_text("utf-8"))
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+)$", text, re.M)}


def broken_links(pages: list[Path], root: Path = ROOT) -> list[str]:
    """``page: target`` for every relative link that does not resolve. Pictures under
    ``images/`` are made by the docs build and checked there."""
    out = []
    for page in pages:
        text = _FENCE.sub("", page.read_text("utf-8"))
        for target in _LINK.findall(text):
            if re.match(r"^[a-z]+:", target) or target.startswith("images/"):
                continue
            path, _, fragment = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            if not dest.exists():
                out.append(f"{page.relative_to(root)}: {target}")
            elif fragment and dest.suffix == ".md" and fragment not in anchors(dest):
                out.append(f"{page.relative_to(root)}: {target} (no such heading)")
    return out


def doc_pages() -> list[Path]:
    return [ROOT / "README.md"] + sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.parts)


def test_every_relative_link_in_the_docs_resolves():
    pages = doc_pages()
    assert len(pages) > 20
    assert broken_links(pages) == []


def test_a_broken_link_or_anchor_is_reported(tmp_path):
    (tmp_path / "甲.md").write_text("# 甲\n\n## 二、常见问题\n", "utf-8")
    page = tmp_path / "乙.md"
    page.write_text("[好](甲.md) [好](甲.md#二常见问题) [坏](丙.md) [坏](甲.md#没有)\n"
                    "![图](images/x.png) [外](https://example.org/a.md)\n"
                    "```\n[代码里的](不算.md)\n```\n", "utf-8")
    assert broken_links([page], tmp_path) == ["乙.md: 丙.md", "乙.md: 甲.md#没有 (no such heading)"]


def test_toml_examples_in_the_guide_are_valid_configs():
    import tomllib

    from perfxl.core.rules import RuleConfig

    blocks = [b.split("```")[0] for b in guide_text().split("```toml")[1:]]
    assert len(blocks) >= 3
    for block in blocks:
        RuleConfig.from_dict(tomllib.loads(block))


# -- what the guide quotes is what the program says --------------------------------------

def code_blocks(page: Path) -> list[str]:
    return re.findall(r"^```[^\n]*\n(.*?)^```", page.read_text("utf-8"), re.M | re.S)


def test_import_page_quotes_the_real_import_output():
    from perfxl.core.textimport import import_text

    page = GUIDE / "导入文本.md"
    blocks = code_blocks(page)
    seed = (ROOT / "examples" / "seeds" / "shandong_linyi_2021.txt").read_text("utf-8")
    damaged = import_text(_build_docs().damaged_import_text())
    for result, output in ((import_text(seed), "临沂市司法局2021.xlsx"),
                           (damaged, "惠州市司法局2022.xlsx")):
        assert f"{result.summary}\n已生成：{output}\n" in blocks, result.summary
    # The 导入说明 picture is of the damaged text: it has unplaced lines to show.
    assert len(damaged.unplaced) == 2 and "未能导入 2 处" in page.read_text("utf-8")


def test_check_page_quotes_what_the_check_button_says_on_the_pictured_form(tmp_path):
    # The picture is of examples/guangdong_huizhou_2022.xlsx (scripts/build_docs.py).
    from perfxl.excel.dispatch import run_headless

    message = run_headless("px_check", _build_docs().CHECKED_EXAMPLE, {}, tmp_path / "checked.xlsx")[0]
    assert message.startswith("校验完成：共 ")
    assert f"{message}\n" in code_blocks(GUIDE / "填写与校验.md")
