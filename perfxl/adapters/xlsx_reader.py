"""Read a filled workbook into the form model.

The workbook is checked before any parser touches it (not a zip, corrupt, encrypted,
legacy .xls, zip bomb, XML with DTD/entity declarations), then each sheet becomes a
``Grid`` — by default straight from the XML parts the checks kept (sheet_xml.py), else
through python-calamine or openpyxl in read-only mode — and the
sheet that looks like a form is parsed by the pure parsers in perfxl.core.parsing (of
several: visible before hidden, then the latest year; see docs/dev/reader.md).
Every problem is a FormReadError with a Chinese message naming the file. The source file
is only ever opened for reading.
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from perfxl.adapters.sheet_xml import (FIRST_ELEMENT, Unsupported, shown_formats, shown_number, text,
                                       unescape, workbook_grids)
from perfxl.core.findings import FormReadError
from perfxl.core.grid import Grid, MergedRange, a1, col_number
from perfxl.core.model import Form
from perfxl.core.parsing import detect, parse_grid
from perfxl.core.parsing.labels import is_derived_label
from perfxl.core.values import EXCEL_ERRORS

ENGINES = ("auto", "calamine", "openpyxl")

# Limits: a real form is a few hundred KB unpacked.
MAX_MEMBERS = 2000
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
_CHUNK = 1 << 16
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
# Spreadsheets of other formats that departments send back; each is named in the message
# so the user knows what to save it as. (A .et written by WPS in .xlsx format reads fine.)
OTHER_FORMATS = {".et": "WPS 表格格式（.et）", ".ods": "OpenDocument 电子表格格式（.ods）",
                 ".xlsb": "Excel 二进制工作簿格式（.xlsb）", ".numbers": "Numbers 表格格式（.numbers）"}
NEVER_XLSX = frozenset(OTHER_FORMATS) - {".et"}
# What inflating a member of a damaged zip can raise (a cut or garbled stream, sizes in the
# headers that lie, an unknown compression method): one list, so every reader of a member
# (these checks, batch's look at docProps/core.xml) turns the same damage into a message.
DECOMPRESSION_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError,
    NotImplementedError)
# python-calamine builds a sheet as one dense rectangle from A1 to its farthest row and
# column holding a value (about 32 bytes a cell, then a Python list slot of 8 more), and
# Rust aborts the whole process, uncatchably, when that allocation fails: one stray value
# at XFD2 and another at A1048576 ask for some 550 GB. A form is a few hundred rows by a
# dozen columns; the budget still lets a stray value at the last row through over twelve
# columns (1,048,576 × 12 cells).
CALAMINE_MEMORY_BUDGET = 512 * 1024 * 1024
CALAMINE_BYTES_PER_CELL = 40
_KEEP = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/", "xl/sharedStrings.xml",
         "xl/styles.xml", "docProps/core.xml")


def read_form(path: str | os.PathLike[str], *, engine: str = "auto", parts: Parts | None = None) -> Form:
    """Read the form in ``path``. Raises FormReadError (Chinese message, file named).
    ``parts``: what ``check_workbook(path)`` returned, when the caller already ran it."""
    name = str(path)
    if parts is None:
        parts = check_workbook(path)
    grids, sheets, formulas = _load(path, engine, typed_only=True, parts=parts)
    if not any(g.cells for g in grids):
        raise FormReadError(name, "工作簿是空的：没有任何单元格内容。")
    found = []  # (grid, layout, score) of every sheet that looks like a form
    for grid in grids:
        scores = detect.scores(grid)
        layout = detect.layout_from_scores(scores)
        if layout:
            found.append((grid, layout, scores[layout]))
    if not found:
        raise FormReadError(name, "不是部门整体预算绩效目标表：工作簿中没有找到申报表的标签"
                                  "（如“部门名称”“绩效指标”“职责序号”）。")
    forms = [parse_grid(grid, layout).form for grid, layout, _ in found]
    if len(found) > 1:
        # A sheet that holds the labels but nothing a form holds (a 填报说明 listing
        # "1.一级指标…") is no form; nor is a hidden sheet, a copy the department put away
        # (last year's form), while a visible sheet holds a form.
        hidden = {title for title, state in sheet_states(parts.get("xl/workbook.xml")).items()
                  if state != "visible"}
        keep = [i for i in range(len(found)) if _holds_content(forms[i])] or range(len(found))
        keep = [i for i in keep if found[i][0].sheet not in hidden] or keep
        found, forms = [found[i] for i in keep], [forms[i] for i in keep]
    pick = 0
    if len(forms) > 1:
        # Several forms: this year's is the latest; then the one holding more of the
        # form's labels (a half-filled copy loses to the form); then the first tab. A form
        # without its year (（    年度）) may well be this year's: years are compared only
        # when every form states one, or any dated old copy would win over it.
        years = [_year(f) for f in forms]
        dated = all(years)
        pick = max(range(len(forms)), key=lambda i: (years[i] if dated else 0, found[i][2], -i))
        forms[pick].other_forms = [(found[i][0].sheet, years[i] or None)
                                   for i in range(len(forms)) if i != pick]
    form, (best, layout, _) = forms[pick], found[pick]
    form.file = name
    if formulas.get(best.sheet):
        form = _read_formulas(form, best, layout, sheets[best.sheet], formulas[best.sheet])
    _show_numbers(form, best.sheet, sheets.get(best.sheet, b""), parts.get("xl/styles.xml"))
    return form


def _holds_content(form: Form) -> bool:
    """Whether ``form`` holds anything a filled form does: a department, an amount, a task
    or an indicator."""
    budget = form.budget
    return bool(form.department or form.tasks or form.indicators or any(
        getattr(budget, f.name) is not None for f in fields(budget)))


def _show_numbers(form: Form, sheet: str, xml: bytes, styles: bytes | None) -> None:
    """An indicator value typed as a number reads as its cell shows it: 95% (0.95 in a
    cell formatted 0%), ≤5元/人 (5 formatted "≤"0"元/人"). Amounts stay numbers.

    A number read into a text field reads as its digits ("0.95"), so only values made of
    digits are looked at (a form has a hundred values or more, hardly any a number), and
    their cells' styles are found in one pass over the sheet, in document order."""
    formats = shown_formats(styles)
    if not formats:
        return
    digit, numeric, found = _DIGIT, _NUMERIC.fullmatch, []
    for i, indicator in enumerate(form.indicators):
        for group, part, names in _NUMBER_FIELDS:
            obj = getattr(indicator, group) if group else indicator
            if obj is None:
                continue
            for attr in names:
                # the first character is enough to pass over nearly every value: ≥95%, 达到…
                value = getattr(obj, attr)
                if value and value[0] in digit and numeric(value):
                    found.append((f"indicators[{i}].{part}{attr}", obj, attr))
    if not found:
        return
    sources, cells = form.sources, []
    for path, obj, attr in found:
        src = sources.get(path)
        if src is not None and src.raw.__class__ in (int, float) and src.sheet == sheet:
            cells.append((_position(src.cell), src, path, obj, attr))
    at = 0
    for _, src, path, obj, attr in sorted(cells, key=lambda c: c[0]):
        style, at = _style_at(xml, src.cell, at)
        shown = shown_number(src.raw, formats[style]) if style in formats else None
        if shown is not None:
            setattr(obj, attr, shown)
            sources[path] = replace(src, raw=shown)


# The text fields of an indicator a department may type a number into: (the group
# attribute of Indicator, "" for the indicator itself; its part of the path; the fields).
_NUMBER_FIELDS = (
    ("", "", ("annual_value", "period_value")),
    ("standard", "standard.", ("plan_value", "value")),
    ("history", "history.", ("avg3", "last_year")),
)
# A number read into a text field (its digits: "0.95", "1e-05"), and how one can start.
_NUMERIC = re.compile(r"-?[0-9.]+(?:e[-+]?[0-9]+)?")
_DIGIT = frozenset("-.0123456789")


def _style_at(xml: bytes, ref: str, start: int) -> tuple[int | None, int]:
    """The style index (``s``) of cell ``ref``, searched from ``start`` (cells come in
    document order), and where the search may go on from."""
    address = b' r="' + ref.encode() + b'"'
    at = xml.find(address, start)
    if at < 0:
        at = xml.find(address)  # a sheet whose cells are out of order
        if at < 0:
            return None, start
    tag = xml[xml.rfind(b"<", 0, at):xml.find(b">", at)]
    style = _STYLE.search(tag) if tag.startswith(b"<c ") else None
    return (int(style.group(1)) if style else None), at


_STYLE = re.compile(rb'\ss="([0-9]+)"')


def _position(cell: str) -> tuple[int, int]:
    letters = cell.rstrip("0123456789")
    return int(cell[len(letters):] or 0), col_number(letters)


def _year(form: Form) -> int:
    year = form.year
    return year if isinstance(year, int) and not isinstance(year, bool) else 0


def _read_formulas(form: Form, grid: Grid, layout: str, xml: bytes,
                   cells: set[tuple[int, int]]) -> Form:
    """The fields read from formula cells: their saved results, and their formulas.

    Formula cells were left out of the grid, so the first parse read such a field as
    empty, and skipped a table row whose every content cell is a formula. The template's
    own formulas are no field: a formula beside a 合计, 校验 or 覆盖率 label
    (``labels.is_derived_label``), unless the first parse read it as a field; the Shandong
    部门整体预算总额 is read but stays a formula (derived figures are recomputed, never
    read). Every other formula is something the department typed (实施周期指标值 =E28,
    部门名称 built from pieces, 基本支出 =1000+1187.54, a row of =明细!D28), and Excel, WPS
    and LibreOffice save its result in the file: the form is parsed again with those
    results in their cells, so they are read exactly as typed values are. An amount keeps
    its formula as its source's raw content (PX111 says the saved result was used), and so
    does any field whose formula has no usable result (PX110, PX214)."""
    sheet, sources = grid.sheet, form.sources
    total = sources.get("budget.declared_total")
    total = total.cell if total is not None and total.sheet == sheet else None
    read = {src.cell for src in sources.values() if src.raw is None and src.sheet == sheet}
    formulas = {}  # A1 → (formula, saved result or None)
    results = {}  # (row, col) → saved result, for the second parse
    for r, c in cells:
        ref = a1(r, c)
        if ref not in read and _beside_derived_label(grid, r, c):
            continue
        formula, cached = _formula_at(xml, ref)
        if formula is None:
            continue
        formulas[ref] = (formula, cached)
        if cached is not None and ref != total:
            results[(r, c)] = cached
    if results:
        again = parse_grid(Grid(sheet=sheet, cells={**grid.cells, **results},
                                merged=grid.merged), layout).form
        again.file, again.other_forms, form = form.file, form.other_forms, again
    for path, src in form.sources.items():
        hit = formulas.get(src.cell) if src.sheet == sheet else None
        if hit is not None and (hit[1] is None or _AMOUNT.fullmatch(path)):
            form.sources[path] = replace(src, raw=hit[0])
            if hit[1] is None:
                form.unresolved_formulas.append(path)
    return form


def _beside_derived_label(grid: Grid, row: int, col: int) -> bool:
    """Whether the nearest filled cell left of (row, col) names a figure the template
    computes (部门预算支出合计, the task table's 合计 row, 收支平衡校验 …)."""
    left = [c for c in grid.row_cols(row) if c < col]
    return bool(left) and is_derived_label(grid.cells[(row, left[-1])])


_AMOUNT = re.compile(r"budget\.\w+|tasks\[\d+\]\.amount")


def _formula_at(xml: bytes, ref: str) -> tuple[str | None, Any]:
    """The formula in cell ``ref`` as ``=text`` (``=`` for a shared formula's dependent,
    which carries no text; None when the cell holds no formula) and its cached result:
    a number, a text or a truth value as a typed cell would give it (None when the file
    has none or it is an error such as #REF!)."""
    address = b'r="' + ref.encode() + b'"'
    first = xml.find(address)
    if first < 0:
        return None, None
    # The first match holds one of the address's occurrences with no ">" before it in its
    # tag, so it starts after the last ">" before the first occurrence: searched from there
    # instead of scanning the whole sheet.
    m = re.compile(rb'<c\b([^>]*?)\b' + address + rb'([^>]*?)(?:/>|>(.*?)</c>)', re.S).search(
        xml, xml.rfind(b">", 0, first) + 1)
    if not m or not m.group(3):
        return None, None
    f = re.search(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", m.group(3), re.S)
    if f is None:
        return None, None
    formula = "=" + _unescape((f.group(1) or b"").decode("utf-8", "replace"))
    v = re.search(rb"<v>([^<]*)</v>", m.group(3))
    if v is None:
        return formula, None
    kind = re.search(rb'\bt="([^"]*)"', m.group(1) + m.group(2))
    kind = kind.group(1) if kind else b"n"
    try:
        if kind == b"str":
            return formula, text(v.group(1))
        if kind == b"b":
            return formula, {b"0": False, b"1": True}.get(v.group(1))
        if kind == b"n":
            return formula, _norm(float(v.group(1)))
    except (ValueError, Unsupported):
        pass
    return formula, None


def load_grids(path: str | os.PathLike[str], *, engine: str = "auto",
               typed_only: bool = False) -> list[Grid]:
    """Every sheet of the workbook as a Grid, after the safety checks.

    ``typed_only`` leaves formula cells out (their cached values, when a spreadsheet
    application left any, are derived figures the reader recomputes instead), so both
    engines see the same cells whether or not the file carries cached values."""
    return _load(path, engine, typed_only)[0]


def _load(path, engine: str, typed_only: bool, parts: Parts | None = None
          ) -> tuple[list[Grid], dict[str, bytes], dict[str, set[tuple[int, int]]]]:
    """The grids; each sheet's XML and (with ``typed_only``) dropped formula cells, by title.
    ``parts``: what ``check_workbook(path)`` returned, when the caller already ran it."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}")
    name = str(path)
    if parts is None:
        parts = check_workbook(path)
    if engine == "auto":
        try:
            grids, sheets, dropped = workbook_grids(parts, parts.names, typed_only)
            _put_errors(grids, sheets)
            return grids, sheets, dropped if typed_only else {}
        except Exception:  # noqa: BLE001 — Unsupported: what it does not reproduce exactly,
            # calamine reads; anything else would be a bug of ours, which must not cost the
            # user the file (tests/test_sheet_xml.py calls workbook_grids directly, so it
            # shows there).
            pass
    sheets = _sheet_xml(parts)
    grids = None
    if engine in ("auto", "calamine"):
        for title, xml in sheets.items():
            _refuse_a_far_used_range(name, title, xml)
        try:
            grids = _calamine_grids(path)
        except Exception as exc:  # calamine's errors are not a stable API
            if engine == "calamine":
                raise FormReadError(name, f"文件已损坏，无法读取（{exc}）。") from None
    if grids is None:
        try:
            grids = _openpyxl_grids(path, sheets)
        except Exception as exc:
            raise FormReadError(name, f"文件已损坏，无法读取（{type(exc).__name__}）。") from None
    dropped = {}
    if typed_only:
        for grid in grids:
            formulas = _formula_cells(sheets.get(grid.sheet, b""))
            if formulas:
                grid.drop(formulas)
                dropped[grid.sheet] = formulas
    _put_errors(grids, sheets)
    return grids, sheets, dropped


def _put_errors(grids: list[Grid], sheets: dict[str, bytes]) -> None:
    """Cells holding an Excel error value as such (#DIV/0! pasted as a value), with that
    text: both engines read them as empty, and a rule would call the cell unfilled where
    it should say the value is an error. (A formula's error result is the formula's.)"""
    for grid in grids:
        xml = sheets.get(grid.sheet, b"")
        if b't="e"' in xml:  # hardly ever: one search of the sheet
            for (r, c), error in _error_cells(xml).items():
                grid.put(r, c, error)


def _error_cells(xml: bytes) -> dict[tuple[int, int], str]:
    out = {}
    for t in re.finditer(rb'\bt="e"', xml):
        start = max(xml.rfind(b"<c ", 0, t.start()), xml.rfind(b"<c>", 0, t.start()))
        m = _CELL.match(xml, start) if start >= 0 else None
        if m is None or m.group(3) == b"/>" or m.end() <= t.start():
            continue  # not an attribute of this cell's tag
        end = xml.find(b"</c>", m.end())
        body = xml[m.end():end] if end >= 0 else b""
        v = re.fullmatch(rb"\s*<v>([^<]*)</v>\s*", body)
        error = v.group(1).decode("ascii", "replace") if v else ""
        if error in EXCEL_ERRORS:  # (a formula's body holds its <f> first: no fullmatch)
            out[(int(m.group(2)), col_number(m.group(1).decode()))] = error
    return out


# --- safety checks -------------------------------------------------------------------

class Parts(dict):
    """The XML parts a reader needs, by part name, and ``names``: every member's name."""

    names: list[str]


def check_workbook(path: str | os.PathLike[str]) -> Parts:
    """Refuse files that are not a safe .xlsx, before any parser sees them. Returns the
    workbook, worksheet, shared strings and styles XML parts and the document properties
    (docProps/core.xml), already decompressed and checked, by part name."""
    name = str(path)
    p = Path(path)
    if not p.exists():
        raise FormReadError(name, "文件不存在。")
    if p.is_dir():
        raise FormReadError(name, "这是一个文件夹，不是工作簿文件。")
    with open(p, "rb") as fh:
        head = fh.read(8)
        if not head:
            raise FormReadError(name, "文件是空的（0 字节）。")
        if p.suffix.lower() in NEVER_XLSX:
            raise FormReadError(name, _other_format(p.suffix.lower()))
        if head == _OLE_MAGIC:
            fh.seek(0)
            if _ole_has_encrypted_package(fh):
                raise FormReadError(name, "文件已加密（设置了打开密码），请取消密码后再读取。")
            if p.suffix.lower() == ".et":
                raise FormReadError(name, _other_format(".et"))
            raise FormReadError(name, "这是旧版 Excel 97-2003 格式（.xls），请在 Excel 中另存为"
                                      " .xlsx 后再读取。")
    if not head.startswith(b"PK"):
        if p.suffix.lower() in OTHER_FORMATS:
            raise FormReadError(name, _other_format(p.suffix.lower()))
        raise FormReadError(name, "不是 Excel 工作簿（.xlsx）文件。")
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FormReadError(name, "文件已损坏：无法作为 .xlsx（zip）打开。") from None
    with zf:
        infos = zf.infolist()
        members = {i.filename for i in infos}
        if "xl/workbook.bin" in members:
            raise FormReadError(name, _other_format(".xlsb"))
        if "[Content_Types].xml" not in members or not any(
                m.startswith("xl/workbook") for m in members):
            if p.suffix.lower() in OTHER_FORMATS:
                raise FormReadError(name, _other_format(p.suffix.lower()))
            raise FormReadError(name, "不是 Excel 工作簿（.xlsx）文件：缺少工作簿结构。")
        if len(infos) > MAX_MEMBERS:
            raise FormReadError(name, f"文件结构异常（包含 {len(infos)} 个部件），已拒绝读取。")
        declared = sum(i.file_size for i in infos)
        if declared > MAX_TOTAL_UNCOMPRESSED:
            raise FormReadError(name, "文件解压后过大（疑似“压缩炸弹”），已拒绝读取。")
        for info in infos:
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise FormReadError(name, f"文件部件 {info.filename} 压缩比异常（疑似“压缩炸弹”），"
                                          "已拒绝读取。")
        total = 0
        kept = Parts()
        kept.names = [i.filename for i in infos]
        for info in infos:
            keep = info.filename.startswith(_KEEP)
            total, data = _scan_member(zf, info, name, total, keep)
            if keep:
                kept[info.filename] = data
        return kept


def _other_format(suffix: str) -> str:
    return (f"这是 {OTHER_FORMATS[suffix]}，不是 .xlsx 工作簿，请在 Excel、WPS 或 LibreOffice 中"
            "另存为 .xlsx 后再读取。")


def _scan_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, total: int,
                 keep: bool) -> tuple[int, bytes]:
    """Decompress one member in chunks: bound the real size (headers can lie) and refuse
    DTD/entity declarations in XML parts."""
    is_xml = info.filename.endswith((".xml", ".rels", ".vml"))
    head = b""
    seen = 0
    chunks: list[bytes] = []
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                seen += len(chunk)
                total += len(chunk)
                if seen > info.file_size + _CHUNK or total > MAX_TOTAL_UNCOMPRESSED:
                    raise FormReadError(name, "文件解压后过大（疑似“压缩炸弹”），已拒绝读取。")
                if is_xml and len(head) < _CHUNK:
                    head += chunk[: _CHUNK - len(head)]
                if keep:
                    chunks.append(chunk)
    except FormReadError:
        raise
    except DECOMPRESSION_ERRORS as exc:
        raise FormReadError(name, f"文件已损坏：部件 {info.filename} 无法解压"
                                  f"（{type(exc).__name__}）。") from None
    if is_xml:
        m = FIRST_ELEMENT.search(head)
        prolog = head[: m.start()] if m else head
        if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
            raise FormReadError(name, f"文件部件 {info.filename} 含有 DTD/实体声明（可能是恶意"
                                      "构造的文件），已拒绝读取。")
    return total, b"".join(chunks)


def _ole_has_encrypted_package(fh) -> bool:
    """An OLE compound file holding an OOXML document encrypted with a password carries a
    stream named EncryptedPackage; its name sits in the directory in UTF-16."""
    while True:
        block = fh.read(1 << 20)
        if not block:
            return False
        if _ENCRYPTED in block:
            return True
        if len(block) < (1 << 20):
            return False
        fh.seek(-len(_ENCRYPTED), os.SEEK_CUR)


# --- engines ---------------------------------------------------------------------------

def _norm(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _calamine_grids(path) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    grids = []
    try:
        for sheet_name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(sheet_name)
            cells = {}
            for r, row in enumerate(sheet.to_python(skip_empty_area=False), start=1):
                for c, value in enumerate(row, start=1):
                    # _norm inlined: most cells of the rectangle are empty
                    if value is None or value == "":
                        continue
                    if isinstance(value, float) and value.is_integer():
                        value = int(value)
                    cells[(r, c)] = value
            merged = [MergedRange(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1)
                      for a, b in (sheet.merged_cell_ranges or [])]
            grids.append(Grid(sheet=sheet_name, cells=cells, merged=merged))
    finally:
        wb.close()
    return grids


def _openpyxl_grids(path, sheets: dict[str, bytes]) -> list[Grid]:
    from perfxl.adapters.print_area import load_workbook  # quiet about $A:$F print areas

    wb = load_workbook(str(path), read_only=True, data_only=True)
    merges = {title: _merged_ranges(xml) for title, xml in sheets.items()}
    grids = []
    try:
        for ws in wb.worksheets:
            cells = {}
            for row in ws.iter_rows():
                for cell in row:
                    v = _norm(getattr(cell, "value", None))
                    if v is not None and getattr(cell, "row", None):
                        cells[(cell.row, cell.column)] = v
            grids.append(Grid(sheet=ws.title, cells=cells, merged=merges.get(ws.title, [])))
    finally:
        wb.close()
    return grids




def sheet_states(workbook_xml: bytes | None) -> dict[str, str]:
    """The sheets xl/workbook.xml lists: title → state ("visible", "hidden" or
    "veryHidden")."""
    text = (workbook_xml or b"").decode("utf-8", "replace")
    out = {}
    for tag in _SHEET_TAG.findall(text):
        title = _SHEET_NAME.search(tag)
        if title:
            state = _SHEET_STATE.search(tag)
            out[_unescape(title.group(1))] = state.group(1) if state else "visible"
    return out


_SHEET_NAME = re.compile(r'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"')
_SHEET_TAG = re.compile(r"<(?:\w+:)?sheet\b[^>]*>")
_SHEET_STATE = re.compile(r'\bstate="([^"]*)"')


def _sheet_xml(parts: dict[str, bytes]) -> dict[str, bytes]:
    """Sheet title → worksheet XML, through the workbook relationships."""
    wb_xml = parts.get("xl/workbook.xml", b"").decode("utf-8", "replace")
    rels = parts.get("xl/_rels/workbook.xml.rels", b"").decode("utf-8", "replace")
    targets = {}
    for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
        rid = re.search(r'\bId="([^"]+)"', rel.group(0))
        target = re.search(r'\bTarget="([^"]+)"', rel.group(0))
        if rid and target:
            targets[rid.group(1)] = target.group(1)
    out: dict[str, bytes] = {}
    for sheet in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", wb_xml):
        tag = sheet.group(0)
        nm = re.search(r'\bname="([^"]*)"', tag)
        rid = re.search(r'\br:id="([^"]*)"', tag) or re.search(r'\w+:id="([^"]*)"', tag)
        if not nm or not rid or rid.group(1) not in targets:
            continue
        target = targets[rid.group(1)]
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if part in parts:
            out[_unescape(nm.group(1))] = parts[part]
    return out


_MERGE = re.compile(rb'<mergeCell\b[^>]*\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?(/>|>)')
_FORMULA_OPEN = re.compile(rb"<f[\s>/]")


def _refuse_a_far_used_range(name: str, title: str, xml: bytes) -> None:
    """Raise FormReadError when calamine's dense rectangle for this sheet would exceed
    CALAMINE_MEMORY_BUDGET (openpyxl is no way out: it walks that rectangle cell by cell).
    Only cells with content count, as for calamine: an empty styled <c …/> does not."""
    far_row = far_col = None  # (number, reference) of the cells reaching farthest
    for m in _CELL.finditer(xml):
        if m.group(3) == b"/>":
            continue
        row, col = int(m.group(2)), col_number(m.group(1).decode())
        if far_row is None or row > far_row[0]:
            far_row = (row, a1(row, col))
        if far_col is None or col > far_col[0]:
            far_col = (col, a1(row, col))
    if far_row is None or far_col is None:
        return
    if far_row[0] * far_col[0] * CALAMINE_BYTES_PER_CELL <= CALAMINE_MEMORY_BUDGET:
        return
    refs = "、".join(dict.fromkeys((far_col[1], far_row[1])))
    raise FormReadError(name, f"工作表“{title}”的单元格 {refs} 超出申报表的合理范围"
                              f"（内容延伸到第 {far_row[0]} 行、第 {far_col[0]} 列），无法读取；"
                              "请删除表格以外的多余内容后再试。")


def _merged_ranges(xml: bytes) -> list[MergedRange]:
    """openpyxl's read-only mode does not expose merged cells: read <mergeCell> directly."""
    return [MergedRange(int(r1), col_number(c1.decode()), int(r2), col_number(c2.decode()))
            for c1, r1, c2, r2 in _MERGE.findall(xml)]


def _formula_cells(xml: bytes) -> set[tuple[int, int]]:
    """(row, col) of every cell holding a formula (<c …><f>…</f>…</c>).

    A form has a few formulas among hundreds of cells, so each <f> is traced back to the
    cell it sits in rather than every cell searched for an <f>."""
    out = set()
    for f in _FORMULA_OPEN.finditer(xml):
        start = max(xml.rfind(b"<c ", 0, f.start()), xml.rfind(b"<c>", 0, f.start()))
        m = _CELL.match(xml, start) if start >= 0 else None
        if m is None or m.group(3) == b"/>" or m.end() > f.start():
            continue
        if xml.find(b"</c>", m.end(), f.start()) >= 0:
            continue  # the <f> lies after this cell closed: not a cell's formula
        out.add((int(m.group(2)), col_number(m.group(1).decode())))
    return out


def _unescape(s: str) -> str:
    try:
        return unescape(s)
    except Unsupported:  # a stray "&" or a reference to a character XML forbids
        return (s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
                .replace("&apos;", "'").replace("&amp;", "&"))
