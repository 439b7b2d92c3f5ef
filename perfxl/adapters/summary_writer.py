"""Write the consolidation summary workbook (汇总, 指标明细, 重点任务, 问题清单, 图表, 说明).

Two writers share the job, so that memory stays bounded and the big sheets are fast:

* XlsxWriter builds the workbook: 汇总 (one row per file, a total row of native SUM
  formulas, a hyperlink to each source), 图表 (native charts over small formula tables),
  说明, and the three detail sheets with only their header row, column formats, freeze
  panes and the Excel table / autofilter covering the final row count.
* The detail rows (tens of thousands of indicator rows for a thousand forms) are then
  streamed into those sheets' ``<sheetData>`` while the package is copied into the
  output: inline strings, one row at a time, read from the caller's spool. Nothing holds
  all rows at once, and it is several times faster than XlsxWriter's cell objects.

Every text cell is written as a string (``write_string`` or an inline string), so a
department's ``=HYPERLINK(…)`` or ``-1+2`` arrives as text, never as a formula. The file
is written next to the target and renamed into place (``atomic_path``).
"""

from __future__ import annotations

import os
import queue
import re
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, repeat
from pathlib import Path
from typing import Any

from perfxl.adapters.atomic import atomic_path
from perfxl.adapters.excel_limits import MAX_ROW, MAX_STRING, MAX_URL
from perfxl.core.consolidate import (
    FINDING_HEADERS, FINDING_NUMBER_COLUMNS, INDICATOR_HEADERS, INDICATOR_NUMBER_COLUMNS,
    TASK_HEADERS, TASK_NUMBER_COLUMNS, Column, FileSummary,
)
from perfxl.core.grid import col_letter

SUMMARY_TITLE = "部门整体预算绩效目标汇总"  # document title; lets a later run recognise it
SUMMARY_SHEET = "汇总"
INDICATOR_SHEET = "指标明细"
TASK_SHEET = "重点任务"
FINDING_SHEET = "问题清单"
CHART_SHEET = "图表"
NOTES_SHEET = "说明"

# Detail sheets: (kind, sheet name, table name, headers, numeric columns, widths).
DETAIL_SHEETS = (
    ("indicators", INDICATOR_SHEET, "IndicatorDetail", INDICATOR_HEADERS, INDICATOR_NUMBER_COLUMNS,
     (18, 6, 11, 14, 30, 18, 18, 6, 6, 10, 8, 8, 20, 20, 24, 24, 16, 14, 30)),
    ("tasks", TASK_SHEET, "TaskDetail", TASK_HEADERS, TASK_NUMBER_COLUMNS,
     (18, 6, 26, 40, 14, 40, 14, 30)),
    ("findings", FINDING_SHEET, "FindingList", FINDING_HEADERS, FINDING_NUMBER_COLUMNS,
     (18, 30, 14, 8, 8, 6, 60)),
)
# zlib level for the streamed sheets: level 1 is several times faster than the default
# and the file only ~15 % larger.
STREAM_LEVEL = 1
# Rendered rows carry a mark where the cell's style attribute goes: XlsxWriter numbers the
# formats only when it writes the skeleton, after the workers rendered the rows. Control
# characters never reach the XML otherwise (_xml_text escapes them).
STYLE_MARKS = {"text": "\x01", "amount": "\x02"}
TOP_DEPARTMENTS = 30  # bars in the budget chart
MAX_RULE_BARS = 30
LINK_PLACEHOLDER = "perfxl-link-"
# Test hook: seconds to sleep while the temporary file is half written (kill tests).
SLOW_WRITE_ENV = "PERFXL_TEST_SLOW_WRITE"


@dataclass
class SummaryMeta:
    """What 说明 records."""

    version: str
    generated_at: str
    inputs: list[str]
    framework: str
    config_lines: list[str] = field(default_factory=list)
    year: int | None = None
    jobs: int = 1
    elapsed: float | None = None
    status_counts: dict[str, int] = field(default_factory=dict)


RowSource = Callable[[str, FileSummary], bytes]


def write_summary(output: str | os.PathLike[str], summaries: list[FileSummary],
                  rows_for: RowSource, *, columns: list[Column], row_counts: dict[str, int],
                  rule_counts: list[tuple[str, int]], meta: SummaryMeta) -> Path:
    """Write the summary workbook atomically to ``output``.

    ``summaries`` are final (sorted, with status); ``rows_for(kind, summary)`` returns the
    detail rows of one file for ``kind`` in indicators / tasks / findings as
    ``RowRenderer.render`` made them (empty when there are none), and ``row_counts[kind]``
    is their total (the tables are sized before rows are streamed).
    """
    output = Path(output)
    for kind, sheet, *_ in DETAIL_SHEETS:
        if row_counts.get(kind, 0) + 1 > MAX_ROW:
            raise ValueError(f"“{sheet}”共 {row_counts[kind]} 行，超过 Excel 的行数上限。")
    with tempfile.TemporaryDirectory(prefix="perfxl-summary-") as scratch:
        skeleton = Path(scratch) / "skeleton.xlsx"
        links = _write_skeleton(skeleton, output, summaries, columns, row_counts,
                                rule_counts, meta)
        with atomic_path(output) as tmp:
            _assemble(skeleton, tmp, summaries, rows_for, row_counts, links)
    return output


# --- the XlsxWriter part --------------------------------------------------------------

def _write_skeleton(path: Path, output: Path, summaries: list[FileSummary],
                    columns: list[Column], row_counts: dict[str, int],
                    rule_counts: list[tuple[str, int]], meta: SummaryMeta) -> list[str]:
    """Write everything but the detail rows; returns the hyperlink targets (see
    _write_link)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        "use_zip64": True,
    })
    wb.set_properties({"title": SUMMARY_TITLE, "author": f"perfxl {meta.version}"})
    f = {
        "header": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                 "text_wrap": True, "valign": "vcenter"}),
        "text": wb.add_format({}),
        "int": wb.add_format({"num_format": "0"}),
        "amount": wb.add_format({"num_format": "#,##0.00"}),
        "percent": wb.add_format({"num_format": "0.0%"}),
        "link": wb.add_format({"font_color": "blue", "underline": 1}),
        "total_label": wb.add_format({"bold": True, "top": 1}),
        "total_int": wb.add_format({"bold": True, "top": 1, "num_format": "0"}),
        "total_amount": wb.add_format({"bold": True, "top": 1, "num_format": "#,##0.00"}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "bold": wb.add_format({"bold": True}),
        "fix": wb.add_format({"font_color": "#9C5700", "bg_color": "#FFEB9C"}),
        "bad": wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"}),
        "ok": wb.add_format({"font_color": "#006100", "bg_color": "#C6EFCE"}),
    }
    summary_ws = wb.add_worksheet(SUMMARY_SHEET)
    detail_ws = {kind: wb.add_worksheet(name) for kind, name, *_ in DETAIL_SHEETS}
    chart_ws = wb.add_worksheet(CHART_SHEET)
    notes_ws = wb.add_worksheet(NOTES_SHEET)

    links: list[str] = []
    total_row = _write_summary_sheet(summary_ws, f, output, summaries, columns, links)
    for kind, name, table, headers, numeric, widths in DETAIL_SHEETS:
        _write_detail_header(detail_ws[kind], f, kind, table, headers, numeric,
                                            widths, row_counts.get(kind, 0))
    _write_charts(wb, chart_ws, f, summaries, columns, total_row, rule_counts,
                  row_counts.get("findings", 0))
    _write_notes(notes_ws, f, meta, summaries, row_counts)
    wb.close()
    return links


def _write_summary_sheet(ws, f, output: Path, summaries: list[FileSummary],
                         columns: list[Column], links: list[str]) -> int:
    ws.freeze_panes(1, 1)
    ws.set_row(0, 36)
    for c, col in enumerate(columns):
        ws.write_string(0, c, col.header, f["header"])
        ws.set_column(c, c, col.width)
    status_col = next(i for i, c in enumerate(columns) if c.header == "状态")
    for r, s in enumerate(summaries, start=1):
        for c, col in enumerate(columns):
            value = col.get(s)
            if col.kind == "link":
                _write_link(ws, r, c, s.path, str(value), output, f["link"], links)
            elif col.kind == "text":
                fmt = None
                if c == status_col:
                    fmt = {"通过": f["ok"], "需修改": f["fix"], "无法读取": f["bad"]}.get(value)
                _write_text(ws, r, c, value, fmt)
            elif value is not None:
                ws.write_number(r, c, value, f[col.kind])
    last = len(summaries)
    total_row = last + 1
    ws.write_string(total_row, 0, f"合计（{len(summaries)} 个文件）", f["total_label"])
    for c, col in enumerate(columns):
        if not col.total:
            continue
        letter = col_letter(c + 1)
        cached = sum(v for s in summaries
                     if isinstance(v := col.get(s), (int, float)) and not isinstance(v, bool))
        formula = f"=SUM({letter}2:{letter}{last + 1})" if last else "=0"
        fmt = f["total_amount"] if col.kind == "amount" else f["total_int"]
        ws.write_formula(total_row, c, formula, fmt, round(cached, 2))
    if last:
        ws.autofilter(0, 0, last, len(columns) - 1)
    return total_row


def _write_text(ws, r: int, c: int, value: Any, fmt=None) -> None:
    text = "" if value is None else str(value)
    if text:
        ws.write_string(r, c, text[:MAX_STRING], fmt)


def link_target(path: str, output: Path) -> str | None:
    """The hyperlink target (a URI reference) for a source file: relative with forward
    slashes when the source lies under the summary's folder (the folder can then be
    moved or shared as a whole, and the link works wherever it is opened), otherwise an
    absolute ``file://`` URI. None for an absolute Windows path, which XlsxWriter
    already writes the way Excel does (``file:///C:\\…``)."""
    target = Path(path).resolve()
    try:
        rel = os.path.relpath(target, _folder(Path(os.path.abspath(output))))
    except ValueError:  # another drive on Windows
        rel = ""
    if rel and rel != os.pardir and not rel.startswith(os.pardir + os.sep):
        return _escape_uri(rel.replace(os.sep, "/"))
    if os.name == "nt":
        return None
    return "file://" + _escape_uri(target.as_posix())


@lru_cache(maxsize=8)
def _folder(output: Path) -> Path:
    # Resolved once per summary, not once per row (it walks the path with syscalls).
    # Callers pass an absolute path: in the add-in's long-lived process the working
    # folder can change between two summaries named by the same relative path.
    return output.resolve().parent


def _escape_uri(path: str) -> str:
    # The characters XlsxWriter and Excel escape in a file link; other text (Chinese
    # names) stays as it is, as Excel writes it. A POSIX file name may hold a backslash,
    # which would otherwise read as a Windows separator.
    for ch in '%"<>[]^`{}#\\ ':
        path = path.replace(ch, f"%{ord(ch):02X}")
    # A byte the file system's encoding could not decode (surrogate escape U+DC80–U+DCFF)
    # is put back as that byte, escaped: the link still opens the file.
    return _UNDECODED.sub(lambda m: f"%{ord(m.group()) - 0xDC00:02X}", path)


_UNDECODED = re.compile("[\udc80-\udcff]")


def _write_link(ws, r: int, c: int, path: str, display: str, output: Path, fmt,
                links: list[str]) -> None:
    """A link to the source file. XlsxWriter turns every ``/`` of a file link into ``\\``
    (a Windows path, broken elsewhere), so links are written as numbered placeholders
    and their real targets put into the sheet's relationships while assembling."""
    target = link_target(path, output)
    if target is None:
        url = "external:" + str(Path(path).resolve())
    elif len(target) <= MAX_URL:
        url = f"external:{LINK_PLACEHOLDER}{len(links)}"
        links.append(target)
    else:
        url = ""
    if not url or ws.write_url(r, c, url, fmt, display[:MAX_STRING]) < 0:
        _write_text(ws, r, c, display)  # too long for a hyperlink: plain text


def _write_detail_header(ws, f, kind: str, table: str, headers: Sequence[str],
                         numeric: frozenset[int], widths: Sequence[float], n_rows: int) -> None:
    """Header, widths, column formats (the streamed cells take their style from <col>)
    and the table sized for the rows to come."""
    ws.freeze_panes(1, 0)
    for c, (header, width) in enumerate(zip(headers, widths)):
        ws.set_column(c, c, width, f[_column_format(kind, c)])
    if n_rows:
        # XlsxWriter records every cell of a table's range (millions for a big summary);
        # declare a two-row table and set its real size while assembling (_patch_table).
        ws.add_table(0, 0, 1, len(headers) - 1, {
            "name": table, "style": "Table Style Light 9",
            "columns": [{"header": h, "header_format": f["header"]} for h in headers],
        })
    else:
        for c, h in enumerate(headers):
            ws.write_string(0, c, h, f["header"])
        ws.autofilter(0, 0, 0, len(headers) - 1)


def _column_format(kind: str, c: int) -> str:
    return "amount" if kind == "tasks" and c == 4 else "text"


def _write_charts(wb, ws, f, summaries: list[FileSummary], columns: list[Column],
                  total_row: int, rule_counts: list[tuple[str, int]], n_findings: int) -> None:
    """Small formula tables on 图表 (live links into 汇总 / 问题清单) and charts over them."""
    idx = {c.header: i for i, c in enumerate(columns)}
    s_name = f"'{SUMMARY_SHEET}'"
    ws.set_column(0, 0, 26)
    ws.set_column(1, 3, 14)
    # 1. Budget by department: the largest TOP_DEPARTMENTS by total.
    ws.write_string(0, 0, "预算总额最大的部门（万元）", f["title"])
    ws.write_string(1, 0, "部门", f["header"])
    ws.write_string(1, 1, "预算总额", f["header"])
    ranked = sorted(((s.total, r) for r, s in enumerate(summaries, start=2)
                     if s.total is not None), key=lambda t: (-t[0], t[1]))[:TOP_DEPARTMENTS]
    tcol = col_letter(idx["预算总额（万元）"] + 1)
    for i, (total, r) in enumerate(ranked, start=2):
        s = summaries[r - 2]
        ws.write_formula(i, 0, f"={s_name}!A{r}", None, s.department or s.display)
        ws.write_formula(i, 1, f"={s_name}!{tcol}{r}", f["amount"], total)
    if ranked:
        chart = wb.add_chart({"type": "bar"})
        last = len(ranked) + 1
        chart.add_series({"name": "预算总额（万元）",
                          "categories": [CHART_SHEET, 2, 0, last, 0],
                          "values": [CHART_SHEET, 2, 1, last, 1]})
        chart.set_title({"name": "各部门预算总额（万元）"})
        chart.set_legend({"none": True})
        chart.set_y_axis({"reverse": True})
        chart.set_size({"width": 720, "height": max(300, 22 * len(ranked) + 80)})
        ws.insert_chart(1, 4, chart)
    # 2. Funding structure: totals row of 汇总.
    base = max(len(ranked) + 4, 24)
    ws.write_string(base, 0, "资金结构（万元）", f["title"])
    pairs = [("财政拨款", "财政拨款（万元）"), ("其他资金", "其他资金（万元）"),
             ("基本支出", "基本支出（万元）"), ("项目支出", "项目支出（万元）")]
    for i, (label, header) in enumerate(pairs, start=base + 1):
        col = col_letter(idx[header] + 1)
        cached = sum(getattr(s, _ATTR[header]) or 0.0 for s in summaries)
        ws.write_string(i, 0, label)
        ws.write_formula(i, 1, f"={s_name}!{col}{total_row + 1}", f["amount"], round(cached, 2))
    for name, first in (("资金来源：财政拨款与其他资金", base + 1), ("资金用途：基本支出与项目支出", base + 3)):
        pie = wb.add_chart({"type": "pie"})
        pie.add_series({"name": name, "categories": [CHART_SHEET, first, 0, first + 1, 0],
                        "values": [CHART_SHEET, first, 1, first + 1, 1],
                        "data_labels": {"percentage": True, "category": True}})
        pie.set_title({"name": name})
        pie.set_size({"width": 360, "height": 260})
        ws.insert_chart(base, 4 if first == base + 1 else 10, pie)
    # 3. Findings by rule: COUNTIF over 问题清单's rule column.
    top = base + 16
    ws.write_string(top, 0, "问题按规则统计", f["title"])
    ws.write_string(top + 1, 0, "规则", f["header"])
    ws.write_string(top + 1, 1, "问题数", f["header"])
    shown = rule_counts[:MAX_RULE_BARS]
    rule_col = col_letter(FINDING_HEADERS.index("规则") + 1)
    for i, (rule, count) in enumerate(shown, start=top + 2):
        ws.write_string(i, 0, rule)
        ws.write_formula(i, 1, f"=COUNTIF('{FINDING_SHEET}'!{rule_col}2:{rule_col}{n_findings + 1},A{i + 1})",
                         f["int"], count)
    if shown:
        chart = wb.add_chart({"type": "column"})
        chart.add_series({"name": "问题数", "categories": [CHART_SHEET, top + 2, 0, top + 1 + len(shown), 0],
                          "values": [CHART_SHEET, top + 2, 1, top + 1 + len(shown), 1]})
        chart.set_title({"name": "问题按规则统计"})
        chart.set_legend({"none": True})
        chart.set_size({"width": 720, "height": 320})
        ws.insert_chart(top + 1, 4, chart)


_ATTR = {"财政拨款（万元）": "fiscal", "其他资金（万元）": "other", "基本支出（万元）": "basic",
         "项目支出（万元）": "project"}


def _write_notes(ws, f, meta: SummaryMeta, summaries: list[FileSummary],
                 row_counts: dict[str, int]) -> None:
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 90)
    rows: list[tuple[str, str]] = [
        ("生成时间", meta.generated_at),
        ("perfxl 版本", meta.version),
        ("汇总年度", str(meta.year) if meta.year is not None else "（未指定）"),
        ("指标框架", meta.framework),
        ("文件数", str(len(summaries))),
    ]
    for status, n in meta.status_counts.items():
        rows.append((f"  {status}", str(n)))
    rows += [
        ("指标明细行数", str(row_counts.get("indicators", 0))),
        ("重点任务行数", str(row_counts.get("tasks", 0))),
        ("问题清单行数", str(row_counts.get("findings", 0))),
        ("并行进程数", str(meta.jobs)),
    ]
    if meta.elapsed is not None:
        rows.append(("读取与校验用时", f"{meta.elapsed:.1f} 秒"))
    rows += [(("输入" if i == 0 else ""), p) for i, p in enumerate(meta.inputs)]
    rows += [(("校验规则配置" if i == 0 else ""), line) for i, line in enumerate(meta.config_lines)]
    rows += [
        ("说明", "“汇总”每行一个文件，按部门名称、文件路径排序；合计行为 SUM 公式。"),
        ("", "状态：通过＝可读取且无错误；需修改＝有错误、金额校验未通过、部门名称缺失、年度不符或同一部门同一年度有多个文件；"
             "无法读取＝文件损坏、加密、不是申报表等，原因见“原因”列。"),
        ("", "重复文件都会列出并计入合计，请删除多余的文件后重新汇总。"),
        ("", "源文件只读打开，从未修改。"),
    ]
    ws.write_string(0, 0, "汇总说明", f["title"])
    for r, (label, value) in enumerate(rows, start=2):
        if label:
            ws.write_string(r, 0, label, f["bold"])
        _write_text(ws, r, 1, value)


# --- streaming the detail rows ----------------------------------------------------------

def _assemble(skeleton: Path, target: Path, summaries: list[FileSummary], rows_for: RowSource,
              row_counts: dict[str, int], links: Sequence[str] = ()) -> None:
    parts = _detail_parts(skeleton)
    with zipfile.ZipFile(skeleton) as src, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            kind = parts.get(info.filename)
            if kind is None:
                data = src.read(info)
                if info.filename.startswith("xl/tables/"):
                    data = _patch_table(data, row_counts)
                elif links and info.filename.startswith("xl/worksheets/_rels/"):
                    data = _patch_links(data, links)
                dst.writestr(_clone(info), data)
                continue
            xml = src.read(info).decode("utf-8")
            _stream_sheet(dst, info, xml, kind, summaries, rows_for, row_counts[kind])
            _maybe_pause()


def _patch_table(data: bytes, row_counts: dict[str, int]) -> bytes:
    xml = data.decode("utf-8")
    for kind, _, table, headers, *_ in DETAIL_SHEETS:
        if f'name="{table}"' in xml:
            last = f"{col_letter(len(headers))}{row_counts.get(kind, 0) + 1}"
            xml = re.sub(r'ref="A1:[A-Z]+\d+"', f'ref="A1:{last}"', xml)
    return xml.encode("utf-8")


_PLACEHOLDER_TARGET = re.compile(rf'Target="{LINK_PLACEHOLDER}(\d+)"')


def _patch_links(data: bytes, links: Sequence[str]) -> bytes:
    xml = data.decode("utf-8")
    xml = _PLACEHOLDER_TARGET.sub(
        lambda m: f'Target="{_xml_attr(links[int(m.group(1))])}"', xml)
    return xml.encode("utf-8")


def _xml_attr(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _maybe_pause() -> None:
    delay = os.environ.get(SLOW_WRITE_ENV)
    if delay:
        time.sleep(float(delay))


def _clone(info: zipfile.ZipInfo, level: int = 6) -> zipfile.ZipInfo:
    out = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    out.compress_type = zipfile.ZIP_DEFLATED
    out.external_attr = info.external_attr
    # A ZipInfo of our own does not inherit the archive's level (the attribute's name
    # changed in Python 3.13).
    for name in ("compress_level", "_compresslevel"):
        if hasattr(zipfile.ZipInfo, name):
            setattr(out, name, level)
            break
    return out


def _detail_parts(skeleton: Path) -> dict[str, str]:
    """Map the detail sheets' part names (xl/worksheets/sheetN.xml) to their kind, from the
    workbook's own sheet list and relationships rather than assuming a numbering."""
    with zipfile.ZipFile(skeleton) as zf:
        wb_xml = zf.read("xl/workbook.xml").decode("utf-8")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {m.group(1): m.group(2) for m in re.finditer(
        r'<Relationship Id="([^"]+)" Type="[^"]+/worksheet" Target="([^"]+)"', rels)}
    by_name = {name: kind for kind, name, *_ in DETAIL_SHEETS}
    out = {}
    for m in re.finditer(r'<sheet name="([^"]+)" sheetId="\d+" r:id="([^"]+)"', wb_xml):
        if m.group(1) in by_name:
            out["xl/" + targets[m.group(2)]] = by_name[m.group(1)]
    if len(out) != len(DETAIL_SHEETS):
        raise RuntimeError(f"summary skeleton: detail sheets not found ({out})")
    return out


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x")


def _xml_text(value: str) -> str:
    """A string as the <t> element of an inline string."""
    if len(value) > MAX_STRING:
        value = value[:MAX_STRING]
    if _SPECIAL.search(value) is not None:
        if "_x" in value:  # Excel would decode _x0041_; keep the literal text
            value = _ESCAPED_LIKE.sub(r"_x005F_\1", value)
        if _CONTROL.search(value):
            value = _CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", value)
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if value[:1].isspace() or value[-1:].isspace():
        return f'<t xml:space="preserve">{value}</t>'
    return f"<t>{value}</t>"


def _cell_tail(value: Any) -> str:
    """A cell's XML after its style: type and value. Text (and True/False) is an inline
    string, so it can never become a formula."""
    if type(value) is str:
        return f' t="inlineStr"><is>{_xml_text(value)}</is></c>'
    if isinstance(value, bool):
        return f' t="inlineStr"><is><t>{value}</t></is></c>'
    return f"><v>{value!r}</v></c>"


class RowRenderer:
    """Detail rows → the XML of their ``<row>``s, done in the workers (they have the
    cores; the parent writes the sheets alone once the order is known).

    ``render(kind, rows)`` returns one file's rows as zlib-compressed XML with a NUL
    wherever the row number goes, then a NUL and one byte per row saying how many
    numbers it takes (1 + its cells): the writer fills the numbers for a whole file in
    a few C-level calls (``_number_rows``), and the spool on disk stays about as small
    as the final sheets. A cell's style is a mark (``STYLE_MARKS``) in its opening tag.
    NUL and the marks never occur in the XML otherwise (``_xml_text`` escapes control
    characters).
    """

    # Cached cell XML, bounded: most texts of a form are its own (~150 per form miss),
    # the ones that repeat come back within a file or two after the cache is cleared.
    CACHE_LIMIT = 20_000

    def __init__(self) -> None:
        self._opens = {
            kind: [f'<c r="{col_letter(c + 1)}\0"{STYLE_MARKS[_column_format(kind, c)]}'.encode()
                   for c in range(len(headers))]
            for kind, _, _, headers, *_ in DETAIL_SHEETS}
        # A text cell's tail is the same in every column: cached per text (departments,
        # files, rules and units repeat within and across files).
        self._tails: dict[str, bytes] = {}

    def render(self, kind: str, rows: Iterable[Sequence[Any]]) -> bytes:
        opens = self._opens[kind]
        tails = self._tails
        get = tails.get
        flat: list[bytes] = []
        counts = bytearray()
        for row in rows:
            start = len(flat)
            flat.append(b'<row r="\0">')
            for o, v in zip(opens, row):
                if type(v) is str:
                    if not v:
                        continue
                    t = get(v)
                    if t is None:
                        if len(tails) >= self.CACHE_LIMIT:
                            tails.clear()
                        t = tails[v] = _cell_tail(v).encode()
                elif v is None:
                    continue
                else:
                    t = _cell_tail(v).encode()
                flat += (o, t)
            flat.append(b"</row>")
            counts.append((len(flat) - start) // 2)
        flat += (b"\0", counts)
        return zlib.compress(b"".join(flat), 1)


def _number_rows(data: bytes, first: int) -> tuple[bytes, int]:
    """``RowRenderer.render``'s rows numbered from ``first``; and how many there are."""
    xml, _, counts = zlib.decompress(data).rpartition(b"\0")
    parts = xml.split(b"\0")
    numbers = b"%d".__mod__
    out = [b""] * (2 * len(parts) - 1)
    out[::2] = parts
    out[1::2] = chain.from_iterable(map(repeat, map(numbers, range(first, first + len(counts))),
                                        counts))
    return b"".join(out), len(counts)


def _column_styles(xml: str) -> dict[int, int]:
    """Style ids of the <col> elements XlsxWriter wrote (0-based column → xf id)."""
    out = {}
    for m in re.finditer(r"<col\b[^>]*/>", xml):
        tag = m.group(0)
        lo, hi = re.search(r'min="(\d+)"', tag), re.search(r'max="(\d+)"', tag)
        st = re.search(r'style="(\d+)"', tag)
        if lo and hi and st:
            for c in range(int(lo.group(1)), int(hi.group(1)) + 1):
                out[c - 1] = int(st.group(1))
    return out


def _style_attrs(kind: str, n_cols: int, xml: str) -> list[tuple[bytes, bytes]]:
    """(mark, ' s="N"') for the marks of this sheet's columns, from the skeleton's <col>s."""
    col_styles = _column_styles(xml)
    attrs: dict[str, str] = {}
    for c in range(n_cols):
        mark = STYLE_MARKS[_column_format(kind, c)]
        attr = f' s="{col_styles[c]}"' if col_styles.get(c) else ""
        if attrs.setdefault(mark, attr) != attr:
            raise RuntimeError(f"{kind}: columns sharing a format have different styles")
    return [(m.encode(), a.encode()) for m, a in attrs.items()]


class _WriteBehind:
    """``write`` called on a second thread, in order. Deflating a detail sheet is the
    writer's largest cost, and zlib (like crc32 and the file write) releases the GIL, so
    it runs beside the numbering of the next files' rows on the otherwise idle core.
    Chunks are gathered to ~1 MB and at most a few are queued (bounded memory). An error
    of the thread is raised in the caller."""

    CHUNK = 1 << 20

    def __init__(self, write: Callable[[bytes], Any]) -> None:
        self._write = write
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self._buf: list[bytes] = []
        self._size = 0
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="perfxl-deflate", daemon=True)

    def __enter__(self) -> _WriteBehind:
        self._thread.start()
        return self

    def __call__(self, data: bytes) -> None:
        self._buf.append(data)
        self._size += len(data)
        if self._size >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._error is not None:
            raise self._error
        if self._buf:
            self._queue.put(b"".join(self._buf))
            self._buf, self._size = [], 0

    def _run(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._error is None:  # after an error, drain so that the caller never blocks
                try:
                    self._write(data)
                except BaseException as exc:  # noqa: BLE001 — raised in the caller
                    self._error = exc

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self._flush()
        finally:
            self._queue.put(None)
            self._thread.join()
        if exc_type is None and self._error is not None:
            raise self._error


def _stream_sheet(dst: zipfile.ZipFile, info: zipfile.ZipInfo, xml: str, kind: str,
                  summaries: list[FileSummary], rows_for: RowSource, n_rows: int) -> None:
    n_cols = next(len(headers) for k, _, _, headers, *_ in DETAIL_SHEETS if k == kind)
    styles = _style_attrs(kind, n_cols, xml)
    end = xml.index("</sheetData>")
    if n_rows:
        last = f"{col_letter(n_cols)}{n_rows + 1}"
        xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', xml, count=1)
        end = xml.index("</sheetData>")
    zinfo = _clone(info, STREAM_LEVEL)
    big = n_rows * n_cols > 20_000_000
    r = 2  # the first row after the header
    with dst.open(zinfo, "w", force_zip64=big) as out, _WriteBehind(out.write) as write:
        write(xml[:end].encode("utf-8"))
        for s in summaries:
            data = rows_for(kind, s)
            if not data:
                continue
            chunk, n = _number_rows(data, r)
            for mark, attr in styles:
                chunk = chunk.replace(mark, attr)
            write(chunk)
            r += n
        write(xml[end:].encode("utf-8"))
    if r - 2 != n_rows:
        raise RuntimeError(f"{kind}: {r - 2} rows streamed, {n_rows} announced")
