"""Grids straight from the workbook XML that ``check_workbook`` has already inflated.

python-calamine opens the zip a second time, inflates every sheet again and hands back a
dense rectangle that Python then walks cell by cell; for a form that costs about twice
the safety scan. This reader builds the same ``Grid`` from the parts in hand: same keys,
same values and types (integral numbers as int, text, bool), same merged ranges and
sheets in the same order, formula cells left out with ``typed_only``. calamine is the
reference it was checked against (tests/test_sheet_xml.py), and wherever this reader
would have to guess — a date-formatted number, a `t="d"` cell, an unknown entity, CDATA,
a comment, a namespace prefix, a cell without its address, a number calamine would not
parse, a chartsheet, part names that differ only in case … — it gives up with
``Unsupported`` and the caller asks calamine.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from perfxl.core.grid import Grid, MergedRange, col_number


class Unsupported(Exception):
    """The workbook holds something this reader does not reproduce exactly."""


# --- text ------------------------------------------------------------------------------

_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_X_ESCAPE = re.compile(r"_x([0-9a-fA-F]{4})_")
_XML_SPACE = " \t\n\r"


def _char(code: int) -> str:
    # the characters XML 1.0 allows; a reference to any other is not reproduced
    if code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD \
            or 0x10000 <= code <= 0x10FFFF:
        return chr(code)
    raise Unsupported(f"character reference {code:#x}")


def _entity(m: re.Match) -> str:
    if m.group(1):
        return _NAMED[m.group(1)]
    return _char(int(m.group(2)) if m.group(2) else int(m.group(3), 16))


def unescape(s: str) -> str:
    """XML's five entities and character references; any other ``&`` is Unsupported."""
    if "&" not in s:
        return s
    out, n = _ENTITY.subn(_entity, s)
    if n != s.count("&"):
        raise Unsupported("entity")
    return out


def _x_char(m: re.Match) -> str:
    code = int(m.group(1), 16)
    if 0xD800 <= code <= 0xDFFF:
        raise Unsupported("_xHHHH_ surrogate")
    return chr(code)


def text(raw: bytes, preserve: bool = True) -> str:
    """The value of a <t> (or a t="str" <v>) as calamine gives it: line ends normalised,
    entities resolved, XML white space trimmed unless xml:space="preserve", then Excel's
    ``_xHHHH_`` escapes resolved."""
    s = raw.decode("utf-8")
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = unescape(s)
    if not preserve:
        s = s.strip(_XML_SPACE)
    if "_x" in s:
        s = _X_ESCAPE.sub(_x_char, s)
    return s


_T = re.compile(rb"<t(\s[^>]*?)?(/)?>(?(2)|([^<]*+)</t>)")
_PRESERVE = re.compile(rb"""\sxml:space\s*=\s*(["'])preserve\1""")


def rich_text(inner: bytes) -> str:
    """The text of a <si> or <is>: every <t>, runs included, phonetic runs (<rPh>) left out."""
    if b"<rPh" in inner:
        pieces = inner.split(b"<rPh")
        for i in range(1, len(pieces)):
            end = pieces[i].find(b"</rPh>")
            if end < 0:
                raise Unsupported("<rPh>")
            pieces[i] = pieces[i][end + 6:]
        inner = b"".join(pieces)
    found = _T.findall(inner)
    if len(found) != inner.count(b"<t>") + inner.count(b"<t ") + inner.count(b"<t/"):
        raise Unsupported("<t>")
    return "".join(text(raw, bool(attrs) and _PRESERVE.search(attrs) is not None)
                   for attrs, _slash, raw in found)


_SI = re.compile(rb"<si>(?:<t>([^<]*+)</t>|((?:[^<]++|<(?!/si>|si[\s>/]))*+))</si>")


def shared_strings(xml: bytes) -> list[str]:
    _check_markup(xml, b"sst")
    found = _SI.findall(xml)
    if len(found) != xml.count(b"<si"):
        raise Unsupported("<si>")
    return [rich_text(inner) if inner else text(plain, False) for plain, inner in found]


# --- number formats ----------------------------------------------------------------------

_NUMFMT = re.compile(rb"<numFmt\b([^>]*)>")
_XF = re.compile(rb"<xf\b([^>]*)>")
_BUILTIN_DATES = {str(i).encode() for i in (*range(14, 23), 45, 46, 47)}
# Letters that can make a format a date or a time in calamine (d m y h s, a/p for am/pm,
# e g b for era and Buddhist years): a format holding none of them is surely a number.
_DATE_LETTERS = re.compile(r"[dmyhsapegbDMYHSAPEGB]")


def _attr(attrs: bytes, name: bytes) -> bytes | None:
    m = re.search(rb"(?:^|\s)" + re.escape(name) + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""", attrs)
    return None if m is None else m.group(1) if m.group(1) is not None else m.group(2)


def _may_be_date(code: bytes) -> bool:
    raw = code.decode("utf-8", "replace")
    if raw.lower() == "general":
        return False
    return bool(_DATE_LETTERS.search(raw) or _DATE_LETTERS.search(unescape(raw)))


_STYLES: dict[bytes, tuple[set[int], int]] = {}  # forms of one template share their styles


def date_styles(xml: bytes | None) -> tuple[set[int], int]:
    """Indexes of the cell formats (``s``) whose number format may show a date or a time,
    and how many cell formats there are."""
    if not xml:
        return set(), 0
    known = _STYLES.get(xml)
    if known is None:
        known = _date_styles(xml)
        if len(_STYLES) < 64 and len(xml) < 1 << 18:
            _STYLES[xml] = known
    return known


def _date_styles(xml: bytes) -> tuple[set[int], int]:
    _check_markup(xml, b"styleSheet")
    custom = {}
    for attrs in _NUMFMT.findall(xml):
        fid, code = _attr(attrs, b"numFmtId"), _attr(attrs, b"formatCode")
        if fid is not None and code:
            custom[fid] = code
    start = xml.find(b"<cellXfs")
    if start >= 0 and xml.find(b"<cellXfs", start + 1) >= 0:
        raise Unsupported("several <cellXfs>")
    end = xml.find(b"</cellXfs>", start)
    xfs = _XF.findall(xml, start, end) if start >= 0 and end >= 0 else []
    dates = set()
    for i, attrs in enumerate(xfs):
        fid = _attr(attrs, b"numFmtId")
        if fid is None:
            continue
        if fid in custom:
            if _may_be_date(custom[fid]):
                dates.add(i)
        elif fid.strip() in _BUILTIN_DATES or not fid.strip().isdigit():
            dates.add(i)
    return dates, len(xfs)


# Number formats that show more than the number — a percent sign, literal text — matter
# where the form expects text: a department types 95% into an indicator value and Excel
# stores 0.95 with the format 0%. Built-in 9 and 10 are 0% and 0.00%.
_BUILTIN_SHOWN = {b"9": "0%", b"10": "0.00%"}
_SHOWN: dict[bytes, dict[int, str]] = {}


def shown_formats(xml: bytes | None) -> dict[int, str]:
    """Cell format index (``s``) → number format code, for the cell formats whose number
    format shows a number with a percent sign or literal text (``shown_number``)."""
    if not xml:
        return {}
    known = _SHOWN.get(xml)
    if known is None:
        try:
            known = _shown_formats(xml)
        except Unsupported:
            known = {}
        if len(_SHOWN) < 64 and len(xml) < 1 << 18:
            _SHOWN[xml] = known
    return known


def _shown_formats(xml: bytes) -> dict[int, str]:
    _check_markup(xml, b"styleSheet")
    custom = {}
    for attrs in _NUMFMT.findall(xml):
        fid, code = _attr(attrs, b"numFmtId"), _attr(attrs, b"formatCode")
        if fid is not None and code:
            custom[fid.strip()] = unescape(code.decode("utf-8"))
    start = xml.find(b"<cellXfs")
    end = xml.find(b"</cellXfs>", start)
    out = {}
    for i, attrs in enumerate(_XF.findall(xml, start, end) if 0 <= start < end else []):
        fid = (_attr(attrs, b"numFmtId") or b"").strip()
        code = custom.get(fid) or _BUILTIN_SHOWN.get(fid)
        if code and shown_number(1, code) is not None:
            out[i] = code
    return out


_PLACEHOLDERS = "0#?,."


def shown_number(value, code: str):
    """``value`` as a cell formatted with ``code`` shows it, for the formats that show more
    than the number: a percent sign or literal text (``0%``, ``0.00%``, ``"≤"0"元/人"``,
    ``#,##0"个"``); None for any other format or anything this subset does not cover
    (colours and conditions in brackets, padding, exponents, dates, text sections)."""
    sections = _split(code)
    if sections is None or not 1 <= len(sections) <= 4:
        return None
    sign = ""
    if value < 0 and len(sections) > 1:
        section, value = sections[1], -value  # the negative section shows no minus sign
    elif value == 0 and len(sections) > 2:
        section = sections[2]
    else:
        section = sections[0]
        if value < 0:
            sign, value = "-", -value
    tokens = _tokens(section)
    if tokens is None:
        return None
    numbers = [t for kind, t in tokens if kind == "number"]
    percent = sum(t.count("%") for kind, t in tokens if kind == "literal" and t == "%")
    literal = "".join(t for kind, t in tokens if kind == "literal").strip()
    if not literal or len(numbers) > 1:
        return None
    if not numbers:
        return literal  # a section of text alone, such as "无" for zero
    try:
        number = _render(Decimal(repr(value)).scaleb(2 * percent), numbers[0])
    except (InvalidOperation, ValueError):
        return None
    if number is None:
        return None
    return sign + "".join(number if kind == "number" else t for kind, t in tokens)


def _split(code: str):
    """The sections of a format (``;`` outside quotes)."""
    sections, current, quoted, escaped = [], [], False, False
    for ch in code:
        if escaped:
            escaped = False
        elif ch == "\\" and not quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            sections.append("".join(current))
            current = []
            continue
        current.append(ch)
    if quoted or escaped:
        return None
    sections.append("".join(current))
    return sections


def _tokens(section: str):
    """("number", "#,##0.00") and ("literal", text) pieces, in order; None when the
    section holds something this subset does not show."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            end = section.index('"', i + 1)
            out.append(("literal", section[i + 1:end]))
            i = end + 1
            continue
        if ch == "\\":
            out.append(("literal", section[i + 1]))
            i += 2
            continue
        if ch in _PLACEHOLDERS:
            j = i
            while j < len(section) and section[j] in _PLACEHOLDERS:
                j += 1
            out.append(("number", section[i:j]))
            i = j
            continue
        if ch in "[]_*@" or ch.isascii() and ch.isalpha():
            return None  # colours, conditions, padding, fill, text, dates, exponents
        out.append(("literal", ch))
        i += 1
    return out


def _render(value: Decimal, pattern: str):
    """``value`` (not negative) with the digits of ``pattern`` (``0``, ``0.00``, ``#,##0``,
    ``0.0#``)."""
    whole, _, decimals = pattern.partition(".")
    if "." in decimals or "," in decimals or whole.endswith(","):
        return None  # a second point, or a trailing comma (scales by 1000)
    shown = len(decimals)
    value = value.quantize(Decimal(1).scaleb(-shown), rounding=ROUND_HALF_UP)
    text = f"{value:{',' if ',' in whole else ''}.{shown}f}"
    fixed = decimals.count("0")
    if shown > fixed:  # optional decimals (# or ?): trailing zeros beyond the fixed ones go
        head, _, tail = text.partition(".")
        tail = tail[:fixed] + tail[fixed:].rstrip("0")
        text = head + ("." + tail if tail else "")
    if whole.count("0") == 0 and text.startswith("0"):
        text = text[1:]  # "#.00" shows .5 as ".50", and 0 as nothing
    return text


# --- workbook ----------------------------------------------------------------------------

_SHEET = re.compile(rb"<sheet\b([^>]*)>")
_RELATIONSHIP = re.compile(rb"<Relationship\b([^>]*)>")
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)""")
_STATES = (None, b"visible", b"hidden", b"veryHidden")
FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")


def _check_markup(xml: bytes, root: bytes) -> None:
    """What reading the XML with slices and regular expressions would get wrong: another
    encoding, a namespace prefix on the elements, CDATA, comments."""
    if xml.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unsupported("UTF-16")
    m = _ENCODING.match(xml[:200].lstrip(b"\xef\xbb\xbf"))
    if m and m.group(1).lower() not in (b"utf-8", b"utf8"):
        raise Unsupported("encoding")
    first = FIRST_ELEMENT.search(xml)
    if first is None or not xml.startswith(b"<" + root, first.start()):
        raise Unsupported("prefixed root")
    if b"<!" in xml:
        raise Unsupported("CDATA or a comment")


def workbook_sheets(parts: dict[str, bytes], names: list[str] | None) -> list[tuple[str, str]]:
    """(title, part) of every sheet, in the workbook's order, resolved as calamine does."""
    if names is None or len({n.lower() for n in names}) != len(names):
        raise Unsupported("part names differing only in case")
    wb, rels = parts.get("xl/workbook.xml"), parts.get("xl/_rels/workbook.xml.rels")
    if wb is None or rels is None:
        raise Unsupported("no workbook part")
    _check_markup(wb, b"workbook")
    _check_markup(rels, b"Relationships")
    targets = {}
    for attrs in _RELATIONSHIP.findall(rels):
        rid, target = _attr(attrs, b"Id"), _attr(attrs, b"Target")
        if rid is not None and target is not None:
            targets[rid] = target.decode("utf-8")
    out = []
    for attrs in _SHEET.findall(wb):
        name, state = _attr(attrs, b"name"), _attr(attrs, b"state")
        rid = _attr(attrs, b"r:id")
        if name is None or rid not in targets or state not in _STATES:
            raise Unsupported("sheet")
        target = targets[rid]
        part = target[1:] if target.startswith("/xl/") else (
            target if target.startswith("xl/") else "xl/" + target)
        if not part.startswith("xl/worksheets/") or part not in parts:
            raise Unsupported("not a worksheet")
        title = name.decode("utf-8")
        if any(ch in title for ch in "\t\n\r"):
            raise Unsupported("white space in a sheet name")
        out.append((unescape(title), part))
    if wb.count(b"<sheet ") + wb.count(b"<sheet>") + wb.count(b"<sheet/") != len(out):
        raise Unsupported("sheet")
    return out


# --- worksheet ---------------------------------------------------------------------------

_V = re.compile(rb"<v>([^<]*+)</v>|<v/>")
_IS = re.compile(rb"<is>((?:[^<]++|<(?!/is>))*+)</is>|<is/>")
_FORMULA = re.compile(rb"<f[\s>/]")
_NUMBER = re.compile(rb"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_REF = re.compile(rb"([A-Z]{1,3})([0-9]{1,7})")
_ANY_ATTR = re.compile(rb"""\s*([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')\s*""")
_STYLE_TYPE = re.compile(rb'(?: s="([0-9]{1,9})")?(?: t="([a-zA-Z]{1,9})")? ?')
_OPEN_TAG = re.compile(rb"<c\b[^>]*>")
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3}[0-9]{1,7})(?::([A-Z]{1,3}[0-9]{1,7}))?"')
_ERRORS = {b"#DIV/0!", b"#N/A", b"#NAME?", b"#NULL!", b"#NUM!", b"#REF!", b"#VALUE!"}

# Cell addresses and the rest of a cell's attributes (s="…" t="…") repeat from one form to
# the next, so each is parsed once: A1 → (row, col), ' s="3" t="s"' → (3, b"s").
_REFS: dict[bytes, tuple[int, int]] = {}
_TAILS: dict[bytes, tuple[int | None, bytes]] = {}
_CACHE_MAX = 50_000
# A plain inline-string cell means the same in any workbook: its XML (address included) →
# (row, col) and text. Forms made from one template repeat most of theirs (labels,
# headers, 一级/二级 indicators, common values): ~60 % of the cells of generated forms.
_SEEN: dict[bytes, tuple[tuple[int, int], str]] = {}
_SEEN_MAX = 20_000
_SEEN_CELL = 256  # bytes of cell XML


def _ref(ref: bytes) -> tuple[int, int]:
    m = _REF.fullmatch(ref)
    if m is None:
        raise Unsupported("cell address")
    rc = (int(m.group(2)), col_number(m.group(1).decode()))
    if rc[0] == 0:  # rows count from 1 (calamine refuses the file; the fallback says so)
        raise Unsupported("row 0")
    if len(_REFS) < _CACHE_MAX:
        _REFS[ref] = rc
    return rc


def _tail(tail: bytes) -> tuple[int | None, bytes] | None:
    m = _STYLE_TYPE.fullmatch(tail)
    if m is None:
        return None
    st = (int(m.group(1)) if m.group(1) else None, m.group(2) or b"")
    if len(_TAILS) < _CACHE_MAX:
        _TAILS[tail] = st
    return st


def _attrs(head: bytes) -> tuple[tuple[int, int], int | None, bytes]:
    """A cell's address, style and type from its attributes written any other way."""
    found = {}
    pos = 0
    while pos < len(head):
        m = _ANY_ATTR.match(head, pos)
        if m is None or m.end() == pos:
            raise Unsupported("cell attributes")
        found[m.group(1)] = m.group(2) if m.group(2) is not None else m.group(3)
        pos = m.end()
    if b"r" not in found:
        raise Unsupported("cell without its address")
    s = found.get(b"s")
    if s is not None and not s.isdigit():
        raise Unsupported("cell style")
    return _ref(found[b"r"]), int(s) if s is not None else None, found.get(b"t", b"")


class _Book:
    """What the cells of every sheet refer to: shared strings (parsed when first needed)
    and the cell formats that may show a number as a date."""

    def __init__(self, sst: bytes | None, styles: bytes | None) -> None:
        self._sst = sst
        self._strings: list[str] | None = None
        self.dates, self.n_xfs = date_styles(styles)

    def string(self, v: bytes) -> str:
        if self._strings is None:
            if self._sst is None:
                raise Unsupported("no shared strings")
            self._strings = shared_strings(self._sst)
        if not v.isdigit() or int(v) >= len(self._strings):
            raise Unsupported("shared string index")
        return self._strings[int(v)]

    def number(self, s: int | None, v: bytes) -> int | float:
        if _NUMBER.fullmatch(v) is None:
            raise Unsupported("number")
        if self.dates and ((s or 0) in self.dates or (s or 0) >= self.n_xfs):
            raise Unsupported("date-formatted number")
        value = float(v)
        return int(value) if value.is_integer() else value

    def value(self, t: bytes, s: int | None, content: bytes):
        """The value of a cell from its content (``<v>`` or ``<is>``)."""
        if t == b"inlineStr":
            m = _IS.search(content)
            return rich_text(m.group(1) or b"") if m else None
        m = _V.search(content)
        v = m.group(1) if m else None
        if not v:
            if t not in (b"", b"n", b"s", b"str"):
                raise Unsupported("empty typed cell")
            return None
        if t == b"" or t == b"n":
            return self.number(s, v)
        if t == b"s":
            return self.string(v)
        if t == b"str":
            return text(v)
        if t == b"b" and v in (b"0", b"1"):
            return v == b"1"
        if t == b"e" and v in _ERRORS:
            return None
        raise Unsupported(f"cell type {t!r} holding {v!r}")


def _sheet_data(xml: bytes) -> tuple[bytes, int]:
    """The inside of <sheetData>, and where the part after it starts."""
    start = xml.find(b"<sheetData")
    if start < 0 or xml.find(b"<sheetData", start + 1) >= 0:
        raise Unsupported("sheetData")
    if xml.startswith(b"<sheetData/>", start):
        return b"", start + 12
    end = xml.find(b"</sheetData>", start)
    if end < 0:
        raise Unsupported("sheetData")
    return xml[start:end], end


_SLOW = object()


def sheet_grid(title: str, xml: bytes, book: _Book, typed_only: bool
               ) -> tuple[Grid, set[tuple[int, int]]]:
    """The Grid of one worksheet and its formula cells.

    The sheet data is cut at every ``</c>``: each piece ends with one cell that has
    content, after the empty (self-closing) cells and row tags before it. Cutting is done
    in C, and the plain cells — an inline string, a number, a shared string: ~800 in a
    form — are then read with a few slices; anything else goes through ``_Book.value``."""
    _check_markup(xml, b"worksheet")
    data, after = _sheet_data(xml)
    pieces = data.split(b"</c>")
    if len(pieces) - 1 != data.count(b"</c"):
        raise Unsupported("</c >")
    for tag in _OPEN_TAG.findall(pieces[-1]):
        if not tag.endswith(b"/>"):
            raise Unsupported("a cell left open")
    cells: dict[tuple[int, int], object] = {}
    by_row: dict[int, list[int]] = {}  # the Grid's columns of each row, built as we go
    row, cols = 0, []
    formulas = set()
    last = (0, 0)
    refs, tails, seen = _REFS, _TAILS, _SEEN
    # partition, slices and tests on str rather than find/startswith/`in` on bytes: on
    # ~800 cells a form their overhead is what costs.
    for piece in pieces[:-1]:
        _, found, cell = piece.rpartition(b"<c ")
        known = found and seen.get(cell)
        if known:
            rc, value = known
            if rc <= last:
                raise Unsupported("cells out of order")
            last = rc
            # The same four lines end the loop: written out twice, not called, as most
            # cells take this path and a call would cost more than the rest of it.
            cells[rc] = value
            if rc[0] != row:
                row, cols = rc[0], by_row.setdefault(rc[0], [])
            cols.append(rc[1])
            continue
        head, closed, content = cell.partition(b">")
        if not found or not closed or head[-1:] == b"/":  # no cell with content
            raise Unsupported("cell")
        name, _, rest = head.partition(b'"')
        ref, _, tail = rest.partition(b'"')
        st = tails.get(tail) or _tail(tail) if name == b"r=" else None
        if st:
            rc = refs.get(ref) or _ref(ref)
            s, t = st
        else:
            rc, s, t = _attrs(head)
        if rc <= last:  # calamine's cells come row by row; a cell twice is not reproduced
            raise Unsupported("cells out of order")
        last = rc
        value = _SLOW
        if t == b"inlineStr":
            if content[:7] == b"<is><t>" and content[-9:] == b"</t></is>":
                plain = content[7:-9].decode()
                if "<" not in plain and "&" not in plain and "\r" not in plain \
                        and "_x" not in plain and plain == plain.strip(_XML_SPACE):
                    value = plain
                    # Worth keeping are the short texts forms repeat (labels, units); a
                    # bound on size keeps the long-lived add-in process small too. Only
                    # those the Grid keeps: not blank.
                    if len(cell) <= _SEEN_CELL and len(seen) < _SEEN_MAX and plain.strip():
                        seen[cell] = (rc, plain)
        elif content[:3] == b"<v>" and content[-4:] == b"</v>" and len(content) > 7:
            if t == b"" or t == b"n":
                value = book.number(s, content[3:-4])
            elif t == b"s":
                value = book.string(content[3:-4])
        if value is _SLOW:
            if _FORMULA.search(content):
                formulas.add(rc)
                if typed_only:
                    continue
            value = book.value(t, s, content)
        if value is None or (value.__class__ is str and not value.strip()):
            continue  # blank: not in a Grid
        cells[rc] = value
        if rc[0] != row:
            row, cols = rc[0], by_row.setdefault(rc[0], [])
        cols.append(rc[1])
    return Grid.from_rows(title, cells, by_row, merged_ranges(xml[after:])), formulas


def merged_ranges(xml: bytes) -> list[MergedRange]:
    """The merged ranges in the part of a worksheet after its cells, in document order."""
    if b"<mergeCell" not in xml:
        return []
    if xml.count(b"<mergeCells") > 1:  # calamine reads the first block only
        raise Unsupported("mergeCells")
    found = _MERGE.findall(xml)
    if len(found) != xml.count(b"<mergeCell ") + xml.count(b"<mergeCell>") + xml.count(b"<mergeCell/"):
        raise Unsupported("mergeCell")
    out = []
    for first, last in found:
        r1, c1 = _REFS.get(first) or _ref(first)
        r2, c2 = (_REFS.get(last) or _ref(last)) if last else (r1, c1)
        out.append(MergedRange(r1, c1, r2, c2))
    return out


def workbook_grids(parts: dict[str, bytes], names: list[str] | None, typed_only: bool
                   ) -> tuple[list[Grid], dict[str, bytes], dict[str, set[tuple[int, int]]]]:
    """Every sheet's Grid, (title → sheet XML) and (title → formula cells). Raises
    Unsupported."""
    sheets = workbook_sheets(parts, names)
    if len({title for title, _ in sheets}) != len(sheets):
        raise Unsupported("two sheets of one name")  # calamine would read the first twice
    lower = {n.lower(): n for n in names}
    for name in ("xl/styles.xml", "xl/sharedStrings.xml"):
        if lower.get(name.lower(), name) != name:
            raise Unsupported(f"{name} spelled otherwise")  # calamine finds it all the same
    book = _Book(parts.get("xl/sharedStrings.xml"), parts.get("xl/styles.xml"))
    grids, formulas = [], {}
    try:
        for title, part in sheets:
            grid, f = sheet_grid(title, parts[part], book, typed_only)
            grids.append(grid)
            if f:
                formulas[title] = f
    except UnicodeDecodeError as exc:  # calamine says what is wrong with the file
        raise Unsupported("not UTF-8") from exc
    return grids, {title: parts[part] for title, part in sheets}, formulas
