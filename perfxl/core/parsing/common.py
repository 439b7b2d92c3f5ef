"""Shared machinery of the layout parsers: reading cells into the model with sources.

A ``Cursor`` wraps a grid and the form being built. Every value read goes through
``take``/``take_amount``, which record ``Form.sources[path]`` (sheet, A1 cell, raw) and mark
the cell as used, so whatever was *not* placed can be reported (text import never drops
a line silently).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from typing import Any

from perfxl.core.grid import Grid, col_letter, is_blank
from perfxl.core.model import Form, Source
from perfxl.core.parsing import labels as L
from perfxl.core.values import AMOUNT_UNITS, parse_amount

# An amount's unit and the label text stating it (元, "预算金额（元）").
Unit = tuple[str, str]
_WAN = ("万元", "万")
# How far above an amount its column header may be (预算金额 over 基本支出 and 项目支出).
_HEADER_REACH = 5

# What ends a table: a note or a sign-off line under it. These words may also start an
# indicator's or a task's name (审核人员培训覆盖率, 联系电话接通率, 注册企业数, 说明会场次,
# 备注信息完整率), so a word counts only alone, or before a colon, white space or a seal or
# signature note — "审核：李四", "填表人 张三", "填报单位（盖章）：…", "（盖章）"; a note word
# also before a number — "注1.…", "注（2）：…". Matched on the NFKC text (full-width colons
# and brackets made ASCII), with its white space kept: "注 本表…" is a note, "注册…" is not.
_SIGN_OFF = (
    r"(?:填表|制表|填报|审核|复核|经办|联系)人?|(?:部门\(单位\)|单位\(部门\)|部门|单位|主要|分管|财务)?负责人"
    r"|(?:分管|单位|主管|部门)领导|联系电话|联系方式|电话|(?:填表|制表|填报|报送|申报)时间"
    r"|(?:填表|制表|填报|报送|申报)?日期|(?:填报|申报|编制)单位|附件|签字|签名|(?:单位)?(?:盖章|公章)"
)
_NOTE = r"填表说明|备注说明|注意事项|注释|备注|说明|注"
_SEAL_NOTE = r"\((?:盖章|公章|签字|签名|签章)\)"
_FOOTER = re.compile(
    rf"\(?(?:{_SIGN_OFF})\)?(?:{_SEAL_NOTE})?(?:$|[:\s])"
    rf"|(?:单位|单位名称){_SEAL_NOTE}(?:$|[:\s])"  # not alone: 单位名称 also heads the form
    rf"|\(?(?:{_NOTE})\)?(?:$|[:\s]|\(?\d)")


@dataclass
class Unplaced:
    row: int  # grid row (the text line number for text extracts)
    text: str
    reason: str


@dataclass
class ParseResult:
    form: Form
    unplaced: list[Unplaced] = field(default_factory=list)


def _source(sheet: str, cell: str, raw: Any) -> Source:
    """``Source(sheet, cell, raw)``, made at half the cost: a form records ~700 of them,
    and the frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``. The object is the same (fields, equality, hash, pickling)."""
    source = _new(Source)
    fields = source.__dict__
    fields["sheet"] = sheet
    fields["cell"] = cell
    fields["raw"] = raw
    return source


_new = object.__new__


class _Letters(dict):
    """Column letters by column number (``a1()`` without its cache's hashing of the row)."""

    def __missing__(self, col: int) -> str:
        letters = self[col] = col_letter(col)
        return letters


_LETTERS = _Letters()


class Cursor:
    def __init__(self, grid: Grid, form: Form) -> None:
        self.grid = grid
        self.form = form
        self.used: set[tuple[int, int]] = set()
        self.reasons: dict[tuple[int, int], str] = {}
        # take() runs for every value of the form (~600 cells): it reaches these directly
        self._cells = grid.cells
        self._sheet = grid.sheet
        self._sources = form.sources
        # find_label(): the first cell of each key, in the rows scanned so far
        self._first_of_key: dict[str, tuple[int, int]] = {}
        self._rows = grid.rows()
        self._scanned = 0
        self._unread: set[tuple[int, str]] = set()  # (column, key) of unread header cells

    # --- reading -----------------------------------------------------------------------
    def raw(self, row: int, col: int) -> Any:
        return self._cells.get((row, col))

    def text(self, row: int, col: int) -> str:
        return L.clean_text(self._cells.get((row, col)))

    def source(self, path: str, row: int, col: int, raw: Any = None) -> None:
        self._sources[path] = _source(self._sheet, _LETTERS[col] + str(row), raw)

    def take(self, path: str, row: int, col: int) -> str:
        # the common cases of clean_text() inlined
        rc = (row, col)
        raw = self._cells.get(rc)
        self._sources[path] = _source(self._sheet, _LETTERS[col] + str(row), raw)
        self.used.add(rc)
        if raw is None:
            return ""
        if type(raw) is str:
            s = raw.strip()
            if s.lstrip("#*") is s:  # (the string itself unless it starts with # or *)
                return s
        return L.clean_text(raw)

    def take_row(self, prefix: str, row: int, fields: Iterable[tuple[str, int, int, str]],
                 objects: tuple[Any, ...]) -> None:
        """``objects[i].attr = take(prefix + name, row, col)`` for each (name, col, i, attr)
        of ``fields``: the cells of one table row, read in one pass."""
        # A form reads ~60 such rows of about a dozen cells: take()'s call per cell, and
        # _source()'s within it, were a good part of the cost of reading them.
        cells, sources, used, sheet = self._cells, self._sources, self.used, self._sheet
        number = str(row)
        for name, col, i, attr in fields:
            rc = (row, col)
            raw = cells.get(rc)
            source = _new(Source)
            attrs = source.__dict__
            attrs["sheet"] = sheet
            attrs["cell"] = _LETTERS[col] + number
            attrs["raw"] = raw
            sources[prefix + name] = source
            used.add(rc)
            if raw is None:
                text = ""
            elif type(raw) is str and (text := raw.strip()).lstrip("#*") is text:
                pass
            else:
                text = L.clean_text(raw)
            setattr(objects[i], attr, text)

    def take_amount(self, path: str, row: int, col: int, unit: Unit | None = None) -> float | None:
        """The amount at (row, col) in 万元; ``unit``: the unit its label states, if any."""
        rc = (row, col)
        raw = self._cells.get(rc)
        self._sources[path] = _source(self._sheet, _LETTERS[col] + str(row), raw)
        self.used.add(rc)
        if unit is None or unit[0] in _WAN:
            return parse_amount(raw).value
        self.form.amount_units[path] = unit
        return parse_amount(raw, unit[0]).value

    def stated_unit(self, label: tuple[int, int], cell: tuple[int, int]) -> Unit | None:
        """The unit stated for the amount at ``cell``: by its ``label`` (基本支出（元）), else
        by the text nearest above it in its column (a header such as 预算金额（元）)."""
        raw = self._cells.get(label)
        unit = L.label_unit(raw)
        if unit in AMOUNT_UNITS:
            return unit, L.clean_text(raw)
        row, col = cell
        for r in range(row - 1, max(row - _HEADER_REACH, 0), -1):
            raw = self._cells.get((r, col))
            if raw is None:
                m = self.grid.merged_at(r, col)
                raw = self._cells.get((m.min_row, m.min_col)) if m else None
            if raw is None or type(raw) in (int, float) or _is_amount_text(raw):
                continue  # the amounts of the rows between (41201700, "—" typed as text)
            unit = L.label_unit(raw)
            return (unit, L.clean_text(raw)) if unit in AMOUNT_UNITS else None
        return None

    def use(self, row: int, col: int) -> None:
        self.used.add((row, col))

    def unread_header(self, row: int, col: int) -> None:
        """A cell of a table's header row that names no known column: its column is not
        read. Recorded as ``sources["unread_headers[i]"]`` (once per column and text, as
        every printed page may repeat the header) for a rule to report, and reported
        among the unplaced cells of a text import."""
        raw = self._cells.get((row, col))
        seen = (col, L.key(raw))
        if seen not in self._unread:
            self._unread.add(seen)
            self.source(f"unread_headers[{len(self._unread) - 1}]", row, col, raw)
        self.reject(row, col, "表头文字未能识别，这一列的内容没有读取")

    def reject(self, row: int, col: int, reason: str) -> None:
        if not is_blank(self._cells.get((row, col))):
            self.reasons[(row, col)] = reason

    # --- finding -----------------------------------------------------------------------
    def find(self, pred: Callable[[Any], bool], rows: Iterable[int] | None = None,
             ) -> tuple[int, int] | None:
        cells = self._cells
        for r in rows if rows is not None else self.grid.rows():
            for c in self.grid.row_cols(r):
                if pred(cells[(r, c)]):
                    return r, c
        return None

    def find_label(self, keys: tuple[str, ...], before: int | None = None,
                   ) -> tuple[int, int] | None:
        """The first cell, row by row, whose key is one of ``keys`` (in the rows above
        ``before``, if given)."""
        # A form looks up a dozen labels: the rows are scanned once, as far as needed,
        # noting the first cell of every key. The rows scanned are a prefix of the grid,
        # so a key noted there is found at its first cell.
        first = self._first_of_key
        hit = min((first[k] for k in keys if k in first), default=None)
        rows, cells = self._rows, self._cells
        while hit is None and self._scanned < len(rows):
            r = rows[self._scanned]
            if before is not None and r >= before:
                break
            self._scanned += 1
            for c in self.grid.row_cols(r):
                k = L.key(cells[(r, c)])
                if k and k not in first:
                    first[k] = (r, c)
                    if hit is None and k in keys:
                        hit = (r, c)
        if hit is None or (before is not None and hit[0] >= before):
            return None
        return hit

    def value_cell(self, row: int, col: int, is_label: Callable[[Any], bool]) -> tuple[int, int]:
        """The cell holding a label's value: the first filled cell to its right that is not
        another label; if there is none, the cell just right of the label (or of its
        merged range), so an empty value still has an address."""
        m = self.grid.merged_at(row, col)
        start = (m.max_col if m else col) + 1
        for c in self.grid.row_cols(row):
            if c < start:
                continue
            if is_label(self.grid.get(row, c)):
                break
            return row, c
        return row, start

    # --- reporting ---------------------------------------------------------------------
    def unplaced(self, is_label: Callable[[Any], bool]) -> list[Unplaced]:
        by_row: dict[int, list[int]] = {}
        for r, c in sorted(self._cells.keys() - self.used):
            by_row.setdefault(r, []).append(c)
        out = []
        for r, cols in by_row.items():
            texts, reasons = [], []
            for c in cols:
                v = self._cells[(r, c)]
                if (r, c) not in self.reasons and is_label(v):
                    continue
                texts.append(L.clean_text(v))
                reasons.append(self.reasons.get((r, c), "未能确定该内容在表中的位置"))
            if texts:
                reason = "；".join(dict.fromkeys(reasons))
                out.append(Unplaced(self.grid.line_of(r), "\t".join(texts), reason))
        return out


def rows_with_key(grid: Grid, keys: frozenset[str]) -> list[int]:
    """The rows holding a text whose key is one of ``keys``, or a value that is neither
    text nor a number (a date: parsers key its text)."""
    # Every row of a table may repeat its header, but most cells are texts of the form's
    # own: this spares asking each cell whether it is a header label. Each distinct text
    # is keyed once, through map() and compress(), without a Python call per text (their
    # keys are cached since detect_layout()).
    cells = grid.cells
    try:
        distinct = set(cells.values())
    except TypeError:  # an unhashable value
        return grid.rows()
    texts = [v for v in distinct if type(v) is str]
    wanted = set(compress(texts, map(keys.__contains__, map(L.text_key, texts))))
    wanted.update(v for v in distinct.difference(texts) if type(v) not in (int, float, bool))
    # (a value equal to a wanted one, 1 == Decimal(1), only adds a row to look at)
    return sorted({r for r, _ in compress(cells, map(wanted.__contains__, cells.values()))})


def is_footer(value: Any) -> bool:
    """Whether a row starting with ``value`` is a footer: a note or a signature line
    under the table, which ends it."""
    if value is None or isinstance(value, (int, float)):
        return False
    return _is_footer_text(L.clean_text(value))


@lru_cache(maxsize=4096)
def _is_footer_text(text: str) -> bool:
    # on the text, not the key: L.key() drops the colon and the space that tell "审核：" from
    # "审核率" and "注 本表…" from "注册…"
    return bool(_FOOTER.match(unicodedata.normalize("NFKC", text)))


_NUMBER_TEXT = re.compile(r"^\d+(\.\d+)?$")


def text_of(value: Any) -> str:
    return L.clean_text(value)


def _is_amount_text(raw: Any) -> bool:
    return type(raw) is str and (raw.strip() in _DASHES or parse_amount(raw).ok)


_DASHES = ("—", "-", "－", "/", "——", "－－")


def form_unit(cur: Cursor, before: int | None) -> Unit | None:
    """The amount unit a note such as 单位：元 above row ``before`` states for the form
    (单位：万元, the form's own unit, changes nothing and is left as it was: unplaced)."""
    hit = cur.find_label(_UNIT_NOTE_KEYS, before)
    if hit is None:
        return None
    cur.use(*hit)
    raw = cur.raw(*hit)
    return L.UNIT_NOTES[L.key(raw)], L.clean_text(raw)


_UNIT_NOTE_KEYS = tuple(k for k, unit in L.UNIT_NOTES.items() if unit != "万元")


_YEAR_CELL = re.compile(rf"\(?(?:\d{{4}}|[{L.CN_DIGITS}]{{4}})年度?\)?")


def find_title(cur: Cursor, rows: list[int]) -> None:
    """Title and year: the first title-like cell near the top; the year from the title or
    from a cell such as "(2022年度)" just below it."""
    form = cur.form
    hit = cur.find(L.is_title, rows[:12])
    if hit:
        form.title = cur.take("title", *hit)
        year = L.year_in(form.title)
        if year:
            form.year = year
            cur.source("year", *hit, cur.raw(*hit))
            return
    for r in rows[:12]:
        for c in cur.grid.row_cols(r):
            v = cur.raw(r, c)
            k = L.key(v)
            if k and len(k) <= 12 and L.year_in(v) and _YEAR_CELL.fullmatch(k):
                form.year = L.year_in(v)
                cur.source("year", r, c, v)
                cur.use(r, c)
                return
