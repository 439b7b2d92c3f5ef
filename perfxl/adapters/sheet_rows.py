"""Insert rows into an openpyxl worksheet the way Excel does: everything that points at
the moved rows follows them.

openpyxl's ``insert_rows`` only moves cells. Here the references are fixed too: formulas
on every sheet, merged ranges, data validation (ranges and list formulas), conditional
formatting, defined names (workbook and sheet scope), the print area and print titles,
the autofilter and row heights. A range that spans the insertion point grows, as in
Excel. One addition to Excel's behaviour, for appending to a table: a multi-row range
that starts at or below ``grow_from`` and ends on the row just above the insertion also
grows, so a name such as PX_INDICATORS or a dropdown covering the indicator block still
covers the block after a row is appended to it.
"""

from __future__ import annotations

import re
from copy import copy

from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formula.tokenizer import Tokenizer
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.formula import ArrayFormula

from perfxl.adapters.excel_limits import MAX_ROW

_CELL = r"\$?[A-Za-z]{1,3}\$?\d+"
_ROW = r"\$?\d+"
_COL = r"\$?[A-Za-z]{1,3}"
_OPERAND = re.compile(
    rf"^(?P<sheet>(?:'(?:[^']|'')+'|[^'!]+)!)?(?P<a>{_CELL}|{_ROW}|{_COL})(?::(?P<b>{_CELL}|{_ROW}|{_COL}))?$")
_FUNC_RANGE = re.compile(r"^(?P<ref>(?:'(?:[^']|'')+'!|[^'!:(]+!)?" + _CELL + r")(?P<tail>:[A-Za-z_.]+\()$")
_PART = re.compile(r"^(?P<col>\$?[A-Za-z]{1,3})?(?P<abs>\$?)(?P<row>\d+)?$")


def _shift_rows(p: int, q: int, idx: int, n: int, grow_from: int | None) -> tuple[int, int]:
    # A range down to MAX_ROW (whole columns, as the templates' print area A1:F1048576)
    # keeps ending there; the rows pushed past it fall off, as in Excel.
    if grow_from is not None and grow_from <= p < q == idx - 1:
        return p, q + n
    if q < idx:
        return p, q
    if p >= idx:
        return min(p + n, MAX_ROW), min(q + n, MAX_ROW)
    return p, min(q + n, MAX_ROW)


def _row_of(part: str) -> int | None:
    m = _PART.match(part)
    return int(m.group("row")) if m and m.group("row") else None


def _with_row(part: str, row: int) -> str:
    m = _PART.match(part)
    return f"{m.group('col') or ''}{m.group('abs')}{row}"


def shift_reference(ref: str, idx: int, n: int, grow_from: int | None = None) -> str:
    """``A5:B9`` with ``n`` rows inserted before row ``idx`` (no sheet prefix)."""
    a, _, b = ref.partition(":")
    p, q = _row_of(a), _row_of(b) if b else _row_of(a)
    if p is None or q is None:
        return ref  # whole columns (A:A) do not move
    p2, q2 = _shift_rows(p, q, idx, n, grow_from)
    if not b:
        return _with_row(a, p2)
    return f"{_with_row(a, p2)}:{_with_row(b, q2)}"


def _sheet_name(prefix: str) -> str:
    name = prefix[:-1]
    if name.startswith("'") and name.endswith("'"):
        name = name[1:-1].replace("''", "'")
    return name


def shift_formula(formula: str, host: str | None, target: str, idx: int, n: int,
                  grow_from: int | None = None) -> str:
    """A formula (with or without ``=``) on sheet ``host`` after inserting rows into
    sheet ``target``. Formulas that cannot be tokenised are returned unchanged."""
    text = formula if formula.startswith("=") else "=" + formula
    try:
        tok = Tokenizer(text)
    except Exception:
        return formula
    changed = False
    for item in tok.items:
        tail = ""
        if item.type == "FUNC" and item.subtype == "OPEN":
            # A range ending in a function, E15:INDEX(E:E,ROW()-1), comes as one token
            # "E15:INDEX(": its leading cell moves like any other.
            f = _FUNC_RANGE.match(item.value)
            if not f:
                continue
            value, tail = f.group("ref"), f.group("tail")
        elif item.type == "OPERAND" and item.subtype == "RANGE":
            value = item.value
        else:
            continue
        m = _OPERAND.match(value)
        if not m:
            continue
        sheet = m.group("sheet")
        if (sheet is None and host != target) or (sheet is not None and _sheet_name(sheet) != target):
            continue
        ref = m.group("a") + (":" + m.group("b") if m.group("b") else "")
        new = shift_reference(ref, idx, n, grow_from)
        if new != ref:
            item.value = (sheet or "") + new + tail
            changed = True
    if not changed:
        return formula
    out = tok.render()
    return out if formula.startswith("=") else out[1:]


def _shift_range(rng: CellRange, idx: int, n: int, grow_from: int | None) -> CellRange:
    p, q = _shift_rows(rng.min_row, rng.max_row, idx, n, grow_from)
    return CellRange(min_col=rng.min_col, min_row=p, max_col=rng.max_col, max_row=q)


def _shift_multi(sqref: MultiCellRange, idx: int, n: int, grow_from: int | None) -> MultiCellRange:
    return MultiCellRange([_shift_range(r, idx, n, grow_from) for r in sqref.ranges])


def insert_rows(ws, idx: int, amount: int = 1, *, style_from: int | None = None,
                grow_from: int | None = None) -> None:
    """Insert ``amount`` rows before row ``idx`` of ``ws``, fixing every reference.

    ``style_from`` (a row number before the insertion) gives the new rows their cell
    styles and height.
    """
    wb = ws.parent
    # Merged ranges: unmerge those that move, re-merge them shifted.
    moving = [CellRange(r.coord) for r in ws.merged_cells.ranges if r.max_row >= idx - (1 if grow_from else 0)]
    for rng in moving:
        ws.unmerge_cells(rng.coord)
    heights = {r: ws.row_dimensions[r] for r in list(ws.row_dimensions) if r >= idx}
    ws.insert_rows(idx, amount)
    for r in sorted(heights, reverse=True):
        dim = heights[r]
        del ws.row_dimensions[r]
        dim.index = r + amount
        ws.row_dimensions[r + amount] = dim
    for rng in moving:
        # Merged cells grow when the insertion is inside them, and a side label that spans
        # the whole table from its header (绩效指标 in column A) grows with an appended row;
        # category cells below the header are grown explicitly by the caller.
        side_label = grow_from is not None and rng.min_row <= grow_from and rng.max_row == idx - 1
        if side_label and rng.min_row < rng.max_row:
            new = CellRange(min_col=rng.min_col, min_row=rng.min_row, max_col=rng.max_col,
                            max_row=rng.max_row + amount)
        else:
            new = _shift_range(rng, idx, amount, None)
        ws.merge_cells(new.coord)

    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                v = cell.value
                if isinstance(v, str) and cell.data_type == "f":
                    cell.value = shift_formula(v, sheet.title, ws.title, idx, amount, grow_from)
                elif isinstance(v, ArrayFormula):
                    v.text = shift_formula(v.text, sheet.title, ws.title, idx, amount, grow_from)
                    if sheet is ws:
                        v.ref = shift_reference(v.ref, idx, amount)

    for dv in ws.data_validations.dataValidation:
        dv.sqref = _shift_multi(dv.sqref, idx, amount, grow_from)
        for attr in ("formula1", "formula2"):
            f = getattr(dv, attr)
            if f:
                setattr(dv, attr, shift_formula(f, ws.title, ws.title, idx, amount, grow_from))

    old_cf = ws.conditional_formatting
    new_cf = ConditionalFormattingList()
    for cf in old_cf:
        sqref = _shift_multi(cf.sqref, idx, amount, grow_from)
        for rule in cf.rules:
            rule.formula = [shift_formula(f, ws.title, ws.title, idx, amount, grow_from)
                            for f in (rule.formula or [])]
            new_cf.add(str(sqref), rule)
    ws.conditional_formatting = new_cf

    for dn in list(wb.defined_names.values()) + list(getattr(ws, "defined_names", {}).values()):
        if dn.attr_text:
            dn.attr_text = shift_formula(dn.attr_text, None, ws.title, idx, amount, grow_from)
    if ws.print_area:
        parts = []
        for part in ws.print_area.split(","):
            ref = part.split("!")[-1]
            # The print area grows with a row appended at its bottom, wherever it starts.
            parts.append(shift_reference(ref.replace("$", ""), idx, amount,
                                         1 if grow_from is not None else None))
        ws.print_area = parts
    if ws.print_title_rows:
        ws.print_title_rows = shift_reference(ws.print_title_rows.replace("$", ""), idx, amount)
    if ws.auto_filter.ref:
        ws.auto_filter.ref = shift_reference(ws.auto_filter.ref, idx, amount, grow_from)
    for table in ws.tables.values():
        table.ref = shift_reference(table.ref, idx, amount, grow_from)

    if style_from is not None:
        src_row = style_from if style_from < idx else style_from + amount
        height = ws.row_dimensions[src_row].height if src_row in ws.row_dimensions else None
        for r in range(idx, idx + amount):
            for c in range(1, ws.max_column + 1):
                src = ws.cell(src_row, c)
                if src.has_style:
                    ws.cell(r, c)._style = copy(src._style)
            if height is not None:
                ws.row_dimensions[r].height = height


def extend_merge_down(ws, row: int, col: int, to_row: int) -> bool:
    """Grow the merged range whose bottom-left cell is (row, col) down to ``to_row``.

    Returns False when (row, col) is not the bottom of a merged range.
    """
    for rng in ws.merged_cells.ranges:
        if rng.min_col <= col <= rng.max_col and rng.max_row == row and rng.min_row <= row:
            coord = CellRange(rng.coord)
            ws.unmerge_cells(coord.coord)
            coord.expand(down=to_row - row)
            ws.merge_cells(coord.coord)
            return True
    return False


def merged_range_at(ws, row: int, col: int) -> CellRange | None:
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
            return CellRange(rng.coord)
    return None


def copy_style(ws, src_row: int, dst_row: int) -> None:
    for c in range(1, ws.max_column + 1):
        src = ws.cell(src_row, c)
        if src.has_style:
            ws.cell(dst_row, c)._style = copy(src._style)
