"""A sheet as a plain grid of cells, the common input of every form parser.

Workbooks (any engine) and text extracts both become a ``Grid``: values by (row, col),
1-based like Excel, plus merged ranges when the source knows them. Pure Python.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1024)
def col_letter(col: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_number(letters: str) -> int:
    """A → 1, AA → 27 (upper-case letters)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


@lru_cache(maxsize=65536)
def a1(row: int, col: int) -> str:
    """The A1 address of a 1-based (row, col)."""
    # Parsers and rules name ~1,000 cells per form, the same addresses form after form.
    return f"{col_letter(col)}{row}"


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True, init=False)
class MergedRange:
    min_row: int
    min_col: int
    max_row: int
    max_col: int

    def __init__(self, min_row: int, min_col: int, max_row: int, max_col: int) -> None:
        # Frozen all the same; the generated __init__ sets each field through
        # object.__setattr__, 3-4x the cost (see FROZEN_INIT in perfxl.core.values), and a
        # form has dozens of merged ranges.
        fields = self.__dict__
        fields["min_row"], fields["min_col"], fields["max_row"], fields["max_col"] = min_row, min_col, max_row, max_col

    def __contains__(self, rc: tuple[int, int]) -> bool:
        r, c = rc
        return self.min_row <= r <= self.max_row and self.min_col <= c <= self.max_col


@dataclass
class Grid:
    """Cells of one sheet. Blank cells are simply absent.

    ``ragged`` marks grids built from text extracts: their rows may carry stray or missing
    cells, so parsers may re-align a row by its width; workbook grids are taken as laid out.
    ``line_numbers`` maps a grid row to the text line it came from (text extracts only).
    """

    sheet: str = "Sheet1"
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)
    merged: list[MergedRange] = field(default_factory=list)
    ragged: bool = False
    line_numbers: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # is_blank, inlined: a workbook's grid has ~1,000 cells and the call is what costs
        self.cells = {k: v for k, v in self.cells.items()
                      if v is not None and (not isinstance(v, str) or v.strip())}
        self._merge_index: dict[tuple[int, int], MergedRange] | None = None
        by_row: dict[int, list[int]] = {}
        for r, c in self.cells:
            by_row.setdefault(r, []).append(c)
        self._by_row = {r: sorted(cs) for r, cs in by_row.items()}

    @classmethod
    def from_rows(cls, sheet: str, cells: dict[tuple[int, int], Any],
                  by_row: dict[int, list[int]], merged: list[MergedRange]) -> Grid:
        """A Grid from ``cells`` with no blank value, added row by row and left to right,
        and each row's columns in that order: what ``__post_init__`` works out, which a
        workbook reader has at hand as it reads. The parsers rely on blank cells (``is_blank``:
        None or white space only) being absent, so the reader must leave them out."""
        grid = cls.__new__(cls)
        grid.sheet, grid.cells, grid.merged = sheet, cells, merged
        grid.ragged, grid.line_numbers = False, {}
        grid._merge_index, grid._by_row = None, by_row
        return grid

    @property
    def max_row(self) -> int:
        return max(self._by_row, default=0)

    @property
    def max_col(self) -> int:
        return max((c for _, c in self.cells), default=0)

    def get(self, row: int, col: int) -> Any:
        return self.cells.get((row, col))

    def row_values(self, row: int, width: int | None = None) -> list[Any]:
        """Values of ``row`` from column 1 to ``width`` (default: its last filled cell)."""
        width = width if width is not None else self.row_end(row)
        return [self.cells.get((row, c)) for c in range(1, width + 1)]

    def row_end(self, row: int) -> int:
        """Column of the last filled cell of ``row`` (0 when the row is empty)."""
        cols = self._by_row.get(row)
        return cols[-1] if cols else 0

    def rows(self) -> list[int]:
        return sorted(self._by_row)

    def row_cols(self, row: int) -> list[int]:
        return list(self._by_row.get(row, ()))

    def merged_at(self, row: int, col: int) -> MergedRange | None:
        if self._merge_index is None:
            index = {}
            for m in self.merged:
                for r in range(m.min_row, m.max_row + 1):
                    for c in range(m.min_col, m.max_col + 1):
                        index[(r, c)] = m
            self._merge_index = index
        return self._merge_index.get((row, col))

    def put(self, row: int, col: int, value: Any) -> None:
        """Set one cell to a value that is not blank (one a reader recovers afterwards)."""
        if (row, col) not in self.cells:
            cols = self._by_row.setdefault(row, [])
            bisect.insort(cols, col)
        self.cells[(row, col)] = value

    def drop(self, cells: set[tuple[int, int]]) -> None:
        """Forget some cells (e.g. formula cells, whose values are derived)."""
        for rc in cells:
            if self.cells.pop(rc, None) is not None:
                cols = self._by_row[rc[0]]
                cols.remove(rc[1])
                if not cols:
                    del self._by_row[rc[0]]

    def line_of(self, row: int) -> int:
        return self.line_numbers.get(row, row)
