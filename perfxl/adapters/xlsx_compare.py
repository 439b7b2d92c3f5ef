"""Compare two .xlsx workbooks part by part, the way XlsxWriter's tests compare against
reference files: what the user sees and what code relies on, not the zip bytes (which
carry timestamps).

Compared per sheet: name, state, cell values and formulas, number formats, protection of
cells, merged ranges, data validations, column widths, row heights, frozen panes, sheet
protection and print setup; per workbook: sheet order and defined names.
"""

from __future__ import annotations

import os
from typing import Any

import openpyxl


def _sheet_facts(ws) -> dict[str, Any]:
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None or c.has_style:
                cells[c.coordinate] = (c.value, c.number_format, c.protection.locked,
                                       c.fill.fgColor.rgb if c.fill and c.fill.fill_type else None,
                                       c.font.name, bool(c.font.b), c.alignment.wrap_text)
    ps = ws.page_setup
    return {
        "state": ws.sheet_state,
        "cells": cells,
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "validations": sorted(
            (dv.type or "", dv.operator or "", dv.formula1 or "", dv.formula2 or "", str(dv.sqref),
             bool(dv.allow_blank), bool(dv.showErrorMessage), dv.error or "", dv.prompt or "")
            for dv in ws.data_validations.dataValidation),
        "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.width},
        "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height},
        "freeze": ws.freeze_panes,
        "protection": (ws.protection.sheet, ws.protection.password, ws.protection.insertRows,
                       ws.protection.formatRows, ws.protection.formatColumns),
        "print": (ps.orientation, str(ps.paperSize), ps.fitToWidth, ps.fitToHeight,
                  ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
                  ws.print_area, ws.print_title_rows, ws.print_title_cols),
    }


def workbook_facts(path: str | os.PathLike[str]) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path)
    return {
        "sheets": wb.sheetnames,
        "names": sorted((n, dn.attr_text) for n, dn in wb.defined_names.items()),
        **{f"sheet:{ws.title}": _sheet_facts(ws) for ws in wb.worksheets},
    }


def workbook_differences(a: str | os.PathLike[str], b: str | os.PathLike[str], limit: int = 20) -> list[str]:
    """Human-readable differences between two workbooks ([] when they match)."""
    fa, fb = workbook_facts(a), workbook_facts(b)
    out: list[str] = []
    for key in sorted(set(fa) | set(fb)):
        va, vb = fa.get(key), fb.get(key)
        if va == vb:
            continue
        if isinstance(va, dict) and isinstance(vb, dict):
            for part in sorted(set(va) | set(vb)):
                pa, pb = va.get(part), vb.get(part)
                if pa == pb:
                    continue
                if isinstance(pa, dict) and isinstance(pb, dict):
                    for k in sorted(set(pa) | set(pb)):
                        if pa.get(k) != pb.get(k):
                            out.append(f"{key} {part} {k}: {pa.get(k)!r} != {pb.get(k)!r}")
                else:
                    out.append(f"{key} {part}: {pa!r} != {pb!r}")
        else:
            out.append(f"{key}: {va!r} != {vb!r}")
    return out[:limit]
