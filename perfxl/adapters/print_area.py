"""Load a workbook with openpyxl keeping a print area of whole columns.

The official templates print whole columns (A1:F1048576), which Excel and LibreOffice
save as ``$A:$F``. openpyxl cannot parse that: it warns (in English, on the user's
console) and drops the print area, so every openpyxl round trip of a form saved by Excel
(fill, annotate, the headless ribbon buttons) would lose it. ``load_workbook`` silences
that warning and puts such print areas back.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from perfxl.adapters.excel_limits import MAX_ROW

_WARNING = "Print area cannot be set to Defined name"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PART = re.compile(r"(?:'(?:[^']|'')+'|[^'!,]+)!(?P<ref>[$A-Za-z0-9:]+)")
_COLUMNS = re.compile(r"^\$?(?P<a>[A-Za-z]{1,3}):\$?(?P<b>[A-Za-z]{1,3})$")
_CELLS = re.compile(r"^\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?$")


def load_workbook(path, **kwargs):
    """``openpyxl.load_workbook`` that keeps whole-column print areas."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_WARNING)
        wb = openpyxl.load_workbook(path, **kwargs)
    if not kwargs.get("read_only"):
        for index, refs in _column_print_areas(path).items():
            ws = wb._sheets[index] if index < len(wb._sheets) else None  # chartsheets count
            if hasattr(ws, "print_area") and not ws.print_area:
                ws.print_area = refs
    return wb


def _column_print_areas(path) -> dict[int, list[str]]:
    """Sheet index → print area as openpyxl takes it, for the print areas that name whole
    columns (the others openpyxl reads itself)."""
    try:
        with zipfile.ZipFile(Path(path)) as z:
            root = ElementTree.fromstring(z.read("xl/workbook.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    out: dict[int, list[str]] = {}
    for dn in root.iter(f"{_MAIN}definedName"):
        if dn.get("name") != "_xlnm.Print_Area" or dn.get("localSheetId") is None:
            continue
        refs, whole = [], False
        for m in _PART.finditer(dn.text or ""):
            ref = m.group("ref")
            cols = _COLUMNS.match(ref)
            if cols:
                refs.append(f"{cols['a']}1:{cols['b']}{MAX_ROW}")
                whole = True
            elif _CELLS.match(ref):
                refs.append(ref.replace("$", ""))
            else:
                break  # whole rows or anything else: leave it to openpyxl
        else:
            if whole and refs:
                out[int(dn.get("localSheetId"))] = refs
    return out
