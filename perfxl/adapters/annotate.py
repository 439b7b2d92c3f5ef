"""Annotated copies: findings written into a copy of the workbook.

``annotate`` writes a COPY of the source (the source is never touched) with a 校验结果
sheet listing every finding with a hyperlink to its cell, and each offending cell filled
by severity and commented. ``clear_annotations`` undoes all of it — the 清除标注 button —
restoring the original fills and comments, which are kept in a very hidden sheet.
"""

from __future__ import annotations

import json
import os
from copy import copy
from collections import defaultdict
from pathlib import Path

from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.colors import Color
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.utils.exceptions import CellCoordinatesException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink

from perfxl.adapters.atomic import atomic_path
from perfxl.adapters.print_area import load_workbook
from perfxl.adapters.ribbon_parts import save_keeping_ribbon
from perfxl.core.findings import SEVERITIES, SEVERITY_LABELS, Finding

RESULTS_SHEET = "校验结果"
STATE_SHEET = "perfxl标注记录"
AUTHOR = "perfxl"
FILLS = {"error": "FFFFC7CE", "warning": "FFFFEB9C", "info": "FFDDEBF7"}
HEADERS = ("序号", "级别", "规则", "工作表", "单元格", "问题说明")
WIDTHS = (6, 8, 9, 22, 9, 100)


def annotate(source: str | os.PathLike[str], findings: list[Finding],
             out: str | os.PathLike[str]) -> Path:
    """Write an annotated copy of ``source`` to ``out`` (atomically) and return ``out``."""
    source, out = Path(source), Path(out)
    if out.exists() and out.resolve() == source.resolve():
        raise ValueError("输出文件不能与源文件相同（源文件不会被修改），请用 -o 指定另一个文件名")
    wb = _load(source)
    clear_workbook(wb)  # annotating an annotated copy starts from the original state
    state = wb.create_sheet(STATE_SHEET)
    state.sheet_state = "veryHidden"
    state.append(("sheet", "cell", "fill", "comment", "author"))
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        if f.sheet in wb.sheetnames and _valid(f.cell):
            by_cell[(f.sheet, _anchor(wb[f.sheet], f.cell))].append(f)
    for (sheet, cell), items in by_cell.items():
        target = wb[sheet][cell]
        old = target.comment
        original = copy(target.fill)  # a StyleProxy; copy gives the fill object itself
        state.append((sheet, cell, json.dumps(_fill_state(original)),
                      old.text if old else None, old.author if old else None))
        worst = min((f.severity for f in items), key=_rank)
        if isinstance(original, PatternFill):  # gradients are left alone
            target.fill = PatternFill("solid", fgColor=FILLS.get(worst, FILLS["info"]))
        body = "\n".join(f"[{f.rule} {SEVERITY_LABELS.get(f.severity, f.severity)}] {f.message}"
                         for f in sorted(items, key=lambda f: (_rank(f.severity), f.rule)))
        comment = Comment(body, AUTHOR)
        comment.width, comment.height = 320, min(60 + 40 * len(items), 400)
        target.comment = comment
    _results_sheet(wb, findings)
    _save(wb, source, out)
    return out


def clear_annotations(path: str | os.PathLike[str], out: str | os.PathLike[str] | None = None) -> Path:
    """Remove perfxl's annotations from a workbook (in place unless ``out`` is given)."""
    path = Path(path)
    wb = _load(path)
    clear_workbook(wb)
    target = Path(out) if out else path
    _save(wb, path, target)
    return target


def clear_workbook(wb: Workbook) -> None:
    """Undo annotations in an open openpyxl workbook: restore fills and comments."""
    if STATE_SHEET in wb.sheetnames:
        state = wb[STATE_SHEET]
        for row in state.iter_rows(min_row=2, values_only=True):
            sheet, cell, fill, text, author = (list(row) + [None] * 5)[:5]
            if sheet not in wb.sheetnames or not _valid(str(cell or "")):
                continue
            target = wb[sheet][cell]
            restored = _restore_fill(json.loads(fill)) if fill else None
            if restored is not None:
                target.fill = restored
            target.comment = Comment(text, author or "") if text else None
        wb.remove(state)
    for ws in wb.worksheets:  # comments perfxl left without a record (e.g. a copied sheet)
        for row in ws.iter_rows():
            for c in row:
                if c.comment is not None and c.comment.author == AUTHOR:
                    c.comment = None
    if RESULTS_SHEET in wb.sheetnames:
        wb.remove(wb[RESULTS_SHEET])
    visible = [i for i, ws in enumerate(wb.worksheets) if ws.sheet_state == "visible"]
    if visible and wb.active is not None and wb.active.sheet_state != "visible":
        wb.active = visible[0]


def _load(path: Path) -> Workbook:
    return load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm", rich_text=True)


def _save(wb: Workbook, source: Path, out: Path) -> None:
    with atomic_path(out) as tmp:
        save_keeping_ribbon(wb, source, tmp)


def _results_sheet(wb: Workbook, findings: list[Finding]) -> None:
    ws = wb.create_sheet(RESULTS_SHEET)
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(65 + i)].width = width
    counts = {s: 0 for s in SEVERITIES}
    for n, f in enumerate(findings, start=1):
        counts[f.severity] = counts.get(f.severity, 0) + 1
        ws.append((n, SEVERITY_LABELS.get(f.severity, f.severity), f.rule, f.sheet, f.cell, f.message))
        level = ws.cell(row=n + 1, column=2)
        level.fill = PatternFill("solid", fgColor=FILLS.get(f.severity, FILLS["info"]))
        ws.cell(row=n + 1, column=6).alignment = Alignment(wrap_text=True, vertical="top")
        if f.sheet in wb.sheetnames and _valid(f.cell):
            link = ws.cell(row=n + 1, column=5)
            sheet = f.sheet.replace("'", "''")
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{sheet}'!{f.cell}",
                                       display=f.cell)
            link.style = "Hyperlink"
    ws.freeze_panes = "A2"
    if findings:
        ws.auto_filter.ref = f"A1:F{len(findings) + 1}"
    summary = "，".join(f"{SEVERITY_LABELS[s]} {counts.get(s, 0)} 个" for s in SEVERITIES)
    ws.cell(row=len(findings) + 3, column=6, value=f"共 {len(findings)} 个问题：{summary}")
    wb.active = wb.sheetnames.index(RESULTS_SHEET)
    for other in wb.worksheets:
        other.sheet_view.tabSelected = other.title == RESULTS_SHEET


def _rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def _valid(cell: str) -> bool:
    # (a finding about a label the form lacks names its sheet and no cell)
    try:
        coordinate_from_string(cell)
        return True
    except (ValueError, TypeError, CellCoordinatesException):
        return False


def _anchor(ws, cell: str) -> str:
    """The top-left cell of the merged range holding ``cell`` (comments live there)."""
    for rng in ws.merged_cells.ranges:
        if cell in rng:
            return rng.start_cell.coordinate
    return cell


def _color_state(color: Color | None) -> dict | None:
    if color is None:
        return None
    value = getattr(color, color.type, None) if color.type else None
    return {"type": color.type, "value": value, "tint": color.tint}


def _fill_state(fill) -> dict | None:
    if not isinstance(fill, PatternFill):
        return None
    return {"patternType": fill.patternType, "fg": _color_state(fill.fgColor),
            "bg": _color_state(fill.bgColor)}


def _restore_color(state: dict | None) -> Color | None:
    if not state or not state.get("type") or state.get("value") is None:
        return None
    return Color(**{state["type"]: state["value"]}, tint=state.get("tint") or 0.0)


def _restore_fill(state: dict | None) -> PatternFill | None:
    if state is None:
        return None
    kwargs = {"patternType": state.get("patternType")}
    fg, bg = _restore_color(state.get("fg")), _restore_color(state.get("bg"))
    if fg is not None:
        kwargs["fgColor"] = fg
    if bg is not None:
        kwargs["bgColor"] = bg
    return PatternFill(**kwargs)
