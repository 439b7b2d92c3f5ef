"""Build the documentation: generated pages, screenshots and HTML.

    python scripts/build_docs.py [-o docs/_build] [--no-render]

1. Regenerates the generated pages in the source tree: docs/guide/rules.md (the rule
   registry, as ``perfxl rules --markdown``) and docs/guide/函数参考.md (the UDF metadata,
   ``perfxl.excel.reference``).
2. Makes the guide's pictures (``images/*.png``) from the project's own files with
   LibreOffice headless (perfxl/adapters/render.py): both official templates, the roster
   template, a checked copy of an example form, a form filled from the library, the
   summary of examples/, an import's 导入说明 sheet and the 帮助 button's sheet.
   ``--no-render`` skips this step (fast, no LibreOffice needed).
3. Copies docs/guide and docs/dev into the output with the pictures and renders every page
   to HTML beside its Markdown. With rendering, every picture a guide page refers to must
   have been made, or the build fails.

Nothing here modifies examples/ or workbook_templates/: every picture is made from a copy.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DOCS = ROOT / "docs"
SECTIONS = ("guide", "dev")
IMAGES = "images"  # beside the guide pages in the output; never in the source tree
DPI = 110

TEMPLATES = ROOT / "workbook_templates"
GD_TEMPLATE = TEMPLATES / "部门整体预算绩效目标申报表_广东.xlsx"
SD_TEMPLATE = TEMPLATES / "部门预算整体绩效目标表_山东.xlsx"
ROSTER_TEMPLATE = TEMPLATES / "部门名单模板.xlsx"
EXAMPLES = ROOT / "examples"
CHECKED_EXAMPLE = EXAMPLES / "guangdong_huizhou_2022.xlsx"
IMPORT_SEED = EXAMPLES / "seeds" / "guangdong_huizhou_2022.txt"
IMPORT_NOTES_NAME = "惠州市司法局2022.txt"  # the 来源文本 the picture names
FILL_IDS = ("SF-001", "SF-053", "TY-001")

_IMAGE_REF = re.compile(r"!\[[^\]]*\]\((images/[^)\s]+\.png)\)")
_MD_LINK = re.compile(r'href="(?![a-z]+:|#|/)([^"#]+)\.md(#[^"]*)?"')


def generated_pages() -> dict[Path, str]:
    """The pages generated from code, by their path in the source tree."""
    from perfxl.core.rules.catalogue import render_markdown as rules_page
    from perfxl.excel.reference import render_markdown as udf_page

    return {DOCS / "guide" / "rules.md": rules_page(),
            DOCS / "guide" / "函数参考.md": udf_page()}


def write_generated() -> list[Path]:
    """Rewrite the generated pages that are out of date; return those rewritten."""
    changed = []
    for path, text in generated_pages().items():
        if not path.exists() or path.read_text("utf-8") != text:
            path.write_text(text, "utf-8", newline="\n")
            changed.append(path)
    return changed


# -- pictures ---------------------------------------------------------------------------

def _only_sheet(src: Path, dst: Path, sheet: str, area: str | None = None, fit: bool = False,
                hide: tuple[str, ...] = (), hide_rows: range = range(0)) -> Path:
    """A copy of ``src`` holding ``sheet`` alone, optionally cut to the cell range
    ``area`` and (``fit``) printed landscape, all columns on one page width, as a sheet
    without its own print settings would otherwise split. LibreOffice prints hidden
    sheets too, so the others are removed. ``hide`` lists column ranges ("D:E") to leave
    out of the picture, ``hide_rows`` a block of rows."""
    from openpyxl.worksheet.properties import PageSetupProperties

    import openpyxl

    wb = openpyxl.load_workbook(src)
    for name in wb.sheetnames:
        if name != sheet:
            del wb[name]
    target = wb[sheet]
    target.sheet_state = "visible"
    wb.active = 0
    if area:
        target.print_area = area
    for columns in hide:
        first, _, last = columns.partition(":")
        target.column_dimensions.group(first, last or first, hidden=True)
    for row in hide_rows:
        target.row_dimensions[row].hidden = True
    if fit:
        target.page_setup.orientation = "landscape"
        target.page_setup.fitToWidth, target.page_setup.fitToHeight = 1, 0
        target.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    wb.save(dst)
    return dst


def _first_sheet(path: Path) -> str:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return wb.sheetnames[0]
    finally:
        wb.close()


def _guangdong_blocks(path: Path) -> tuple[int, int, int]:
    """Rows of a Guangdong form's 年度重点工作任务 label, its indicator header (一级指标)
    and its last filled indicator row."""
    import openpyxl

    ws = openpyxl.load_workbook(path).worksheets[0]
    rows = {r: [ws.cell(r, c).value for c in range(1, 5)] for r in range(1, ws.max_row + 1)}
    tasks = next(r for r, v in rows.items() if v[0] == "年度重点工作任务")
    header = next(r for r, v in rows.items() if v[1] == "一级指标")
    last = max(r for r, v in rows.items() if r > header and v[3] not in (None, ""))
    return tasks, header, last


def damaged_import_text() -> str:
    """The Huizhou seed as a careless copy would give it: a 单位：万元 caption beside the
    department name and a page footer among the indicators. 导入文本.md shows what importing
    it prints and its 导入说明 sheet, which then has rows to show (the seeds themselves now
    import completely); tests/test_docs.py checks the page against the real import."""
    lines = IMPORT_SEED.read_text("utf-8").split("\n")
    name = next(n for n, line in enumerate(lines) if line.startswith("部门名称"))
    lines[name] = lines[name].rstrip("\t") + "\t\t单位：万元"
    header = next(n for n, line in enumerate(lines) if line.startswith("一级指标"))
    lines.insert(header + 4, "第 2 页，共 3 页")
    return "\n".join(lines)


def picture_sources(work: Path) -> list[Path]:
    """The workbooks to photograph, each named as its picture will be (``<stem>.png``)."""
    from perfxl.adapters.annotate import annotate
    from perfxl.adapters.batch import consolidate
    from perfxl.adapters.checking import check_file
    from perfxl.adapters.fill_xlsx import fill_form
    from perfxl.adapters.import_workbook import write_import
    from perfxl.adapters.library_xlsx import load_libraries
    from perfxl.core.library.fill import FillItem
    from perfxl.core.textimport import import_text
    from perfxl.excel.dispatch import run_headless

    raw = work / "raw"
    raw.mkdir()
    out: list[Path] = []

    def shot(src: Path, name: str, sheet: str | None = None, area: str | None = None,
             fit: bool = False, hide: tuple[str, ...] = (), hide_rows: range = range(0)) -> None:
        out.append(_only_sheet(src, work / f"{name}.xlsx", sheet or _first_sheet(src), area, fit,
                               hide, hide_rows))

    shot(GD_TEMPLATE, "template_guangdong")
    shot(SD_TEMPLATE, "template_shandong")
    shot(ROSTER_TEMPLATE, "roster_template", area="A1:F12", fit=True)

    form = raw / CHECKED_EXAMPLE.name
    shutil.copyfile(CHECKED_EXAMPLE, form)
    checked = annotate(form, check_file(form), raw / "checked.xlsx")
    tasks, header, last = _guangdong_blocks(form)
    # The header block and the indicators, where most findings are; the tall task rows hidden.
    shot(checked, "checked_form", _first_sheet(form), f"A1:F{last}", hide_rows=range(tasks, header))
    shot(checked, "check_results", "校验结果", fit=True)

    library, _, _ = load_libraries([], replace=False)
    blank = raw / "blank.xlsx"
    shutil.copyfile(GD_TEMPLATE, blank)
    filled = fill_form(blank, raw / "filled.xlsx", [FillItem(library.get(i)) for i in FILL_IDS])
    rows = [row for _, row, _ in filled.plan.placed]
    if len(rows) != len(FILL_IDS):
        raise SystemExit(f"build_docs: filling {FILL_IDS} placed only rows {rows}")
    shot(filled.output, "filled_indicators", _first_sheet(blank), f"A{min(rows) - 3}:F{max(rows) + 3}")

    folder = raw / "examples"
    folder.mkdir()
    for form_file in sorted(EXAMPLES.glob("*.xlsx")):  # the forms, not examples/roster/
        shutil.copyfile(form_file, folder / form_file.name)
    summary = consolidate([folder], raw / "汇总.xlsx", jobs=1)
    # 部门、预算总额, then the verdict columns (错误数 … 原因); the rest would shrink the text
    shot(summary.output, "summary", "汇总", area="A1:AJ5", fit=True, hide=("D:E", "K:AF"))
    shot(summary.output, "summary_findings", "问题清单", area="A1:G16", fit=True)

    imported = raw / "imported.xlsx"
    write_import(import_text(damaged_import_text(), name=IMPORT_NOTES_NAME), imported)
    shot(imported, "import_notes", "导入说明", fit=True)

    book = raw / "book.xlsx"
    shutil.copyfile(GD_TEMPLATE, book)
    run_headless("px_help", book, {}, raw / "help.xlsx")  # what the 帮助 button adds
    shot(raw / "help.xlsx", "help_sheet", "perfxl帮助", fit=True)

    return out


def make_pictures(images: Path) -> list[Path]:
    from perfxl.adapters.render import render_png

    with tempfile.TemporaryDirectory(prefix="perfxl-docs-") as tmp:
        return render_png(picture_sources(Path(tmp)), images, dpi=DPI, trim=True)


# -- HTML -------------------------------------------------------------------------------

STYLE = """
body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif;
       max-width: 60em; margin: 2em auto; padding: 0 1em; line-height: 1.6; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #bbb; padding: .3em .6em; vertical-align: top; }
th { background: #f0f0f0; }
code { background: #f4f4f4; padding: 0 .2em; }
pre { background: #f4f4f4; padding: .8em; overflow-x: auto; }
pre code { padding: 0; }
img { max-width: 100%; border: 1px solid #ccc; }
blockquote { border-left: 4px solid #ddd; margin-left: 0; padding-left: 1em; color: #555; }
"""


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, letters, digits, ``-`` and ``_`` kept,
    spaces to ``-`` (六、常见问题 → 六常见问题, PX001 file-unreadable → px001-file-unreadable)."""
    kept = "".join(ch for ch in heading.strip().lower()
                   if ch in " -_" or unicodedata.category(ch)[0] in "LN")
    return kept.replace(" ", "-")


def _wide(ch: str) -> bool:
    return bool(ch) and ord(ch) > 0x2E7F  # CJK and full-width punctuation


def _softbreak(self, tokens, idx, options, env) -> str:
    """A line break inside a paragraph is a space in English, but nothing between Chinese
    characters: a browser would show a stray space mid-sentence."""
    before = tokens[idx - 1].content[-1:] if idx > 0 else ""
    after = tokens[idx + 1].content[:1] if idx + 1 < len(tokens) else ""
    return "" if _wide(before) or _wide(after) else "\n"


def to_html(markdown_text: str) -> str:
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        raise SystemExit("build_docs: markdown-it-py is missing: pip install -e .[dev]") from None
    # CommonMark, as GitHub renders the pages: fenced code inside list items, 3-space
    # list continuations and tables all work.
    md = MarkdownIt("commonmark").enable("table")
    md.add_render_rule("softbreak", _softbreak)
    tokens = md.parse(markdown_text)
    seen: dict[str, int] = {}
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            base = slug(tokens[i + 1].content)
            n = seen.get(base, 0)
            seen[base] = n + 1
            token.attrSet("id", base if n == 0 else f"{base}-{n}")
    body = md.renderer.render(tokens, md.options, {})
    body = _MD_LINK.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', body)
    title = next((line[2:].strip() for line in markdown_text.splitlines() if line.startswith("# ")), "perfxl")
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")


def missing_pictures(guide: Path) -> list[str]:
    """``page: images/x.png`` for every picture a guide page shows that is not there."""
    return [f"{page.name}: {ref}" for page in sorted(guide.glob("*.md"))
            for ref in _IMAGE_REF.findall(page.read_text("utf-8")) if not (guide / ref).is_file()]


def build(out: Path, render: bool = True, update_sources: bool = True) -> Path:
    """Build into ``out``; return the guide's index page (HTML). The output always has
    freshly generated pages; ``update_sources`` also rewrites stale ones in docs/."""
    if update_sources:
        for path in write_generated():
            print(f"已更新：{path.relative_to(ROOT)}")
    if out in (ROOT, DOCS) or ROOT.is_relative_to(out) or any(
            out.is_relative_to(DOCS / s) for s in SECTIONS):
        raise SystemExit(f"build_docs: refusing to build into {out}")
    if out.exists():
        if any(out.iterdir()) and not (out / "index.html").is_file():
            raise SystemExit(f"build_docs: {out} is not empty and not an earlier docs build; "
                             "choose another folder")
        shutil.rmtree(out)
    for section in SECTIONS:
        shutil.copytree(DOCS / section, out / section,
                        ignore=shutil.ignore_patterns(IMAGES, "_build", "*.html"))
    for path, text in generated_pages().items():
        (out / path.relative_to(DOCS)).write_text(text, "utf-8", newline="\n")
    guide = out / "guide"
    if render:
        pictures = make_pictures(guide / IMAGES)
        print(f"已生成 {len(pictures)} 张截图：{guide / IMAGES}")
        missing = missing_pictures(guide)
        if missing:
            raise SystemExit("build_docs: pages show pictures the build did not make:\n  "
                             + "\n  ".join(missing))
    for page in sorted(out.rglob("*.md")):
        page.with_suffix(".html").write_text(to_html(page.read_text("utf-8")), "utf-8")
    index = guide / "README.html"
    (out / "index.html").write_text(
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>perfxl</title>'
        f"<style>{STYLE}</style></head><body><h1>perfxl 文档</h1><ul>"
        '<li><a href="guide/README.html">用户指南</a></li>'
        '<li><a href="dev/README.html">Developer guide</a></li></ul></body></html>\n', "utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-o", "--output", default=str(DOCS / "_build"), help="output folder (default docs/_build)")
    parser.add_argument("--no-render", action="store_true",
                        help="skip the screenshots (no LibreOffice needed)")
    args = parser.parse_args(argv)
    index = build(Path(args.output).resolve(), render=not args.no_render)
    print(f"文档已生成：{index}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
