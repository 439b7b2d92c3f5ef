"""Cell styles of the official templates and the helpers that apply them.

Three kinds of cell, told apart at a glance and by protection: labels (grey, bold,
locked), inputs (light yellow, unlocked) and formulas (light green, locked). Every cell
of a merged range gets the style, otherwise only the top-left cell shows its border.
"""

from __future__ import annotations

from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

FONT_NAME = "宋体"
TITLE_FONT_NAME = "黑体"

_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
NO_BORDER = Border()

LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
FORMULA_FILL = PatternFill("solid", fgColor="E2EFDA")

BODY_FONT = Font(name=FONT_NAME, size=11)
LABEL_FONT = Font(name=FONT_NAME, size=11, bold=True)
TITLE_FONT = Font(name=TITLE_FONT_NAME, size=18, bold=True)
SUBTITLE_FONT = Font(name=FONT_NAME, size=12, bold=True)

CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
LEFT_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center", wrap_text=True)

LOCKED = Protection(locked=True)
UNLOCKED = Protection(locked=False)

AMOUNT_FORMAT = "0.00"
COUNT_FORMAT = "0"
PERCENT_FORMAT = "0.00%"


def cells_of(ref: str) -> list[str]:
    """Every A1 address in ``ref`` ("B3" or "B3:F3")."""
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    return [f"{get_column_letter(c)}{r}" for r in range(min_row, max_row + 1)
            for c in range(min_col, max_col + 1)]


def _put(ws: Worksheet, ref: str, value: Any, *, font: Font, fill: PatternFill | None,
         alignment: Alignment, protection: Protection, number_format: str | None = None,
         border: Border = BORDER) -> str:
    first = ref.split(":")[0]
    if ":" in ref:
        ws.merge_cells(ref)
    for addr in cells_of(ref):
        cell = ws[addr]
        cell.font = font
        if fill is not None:
            cell.fill = fill
        cell.alignment = alignment
        cell.border = border
        cell.protection = protection
        if number_format:
            cell.number_format = number_format
    if value is not None and value != "":
        cell = ws[first]
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        if isinstance(value, str) and value.startswith("=") and protection is UNLOCKED:
            # User text such as "=2场" (an operator target) is text, not a formula.
            cell.data_type = "s"
    return first


def label(ws: Worksheet, ref: str, text: str, *, align: Alignment = CENTER) -> str:
    return _put(ws, ref, text, font=LABEL_FONT, fill=LABEL_FILL, alignment=align, protection=LOCKED)


def title(ws: Worksheet, ref: str, text: str, *, font: Font = TITLE_FONT) -> str:
    return _put(ws, ref, text, font=font, fill=None, alignment=CENTER, protection=LOCKED,
                border=NO_BORDER)


def entry(ws: Worksheet, ref: str, value: Any = None, *, number_format: str | None = None,
          align: Alignment = LEFT) -> str:
    """An input cell: unlocked, light yellow."""
    return _put(ws, ref, value, font=BODY_FONT, fill=INPUT_FILL, alignment=align,
                protection=UNLOCKED, number_format=number_format)


def formula(ws: Worksheet, ref: str, text: str, *, number_format: str | None = None,
            align: Alignment = RIGHT) -> str:
    """A derived cell: the native formula, locked, light green."""
    return _put(ws, ref, text, font=LABEL_FONT, fill=FORMULA_FILL, alignment=align,
                protection=LOCKED, number_format=number_format)


def plain(ws: Worksheet, ref: str) -> str:
    """A bordered, locked empty cell (filler inside a table)."""
    return _put(ws, ref, None, font=BODY_FONT, fill=None, alignment=CENTER, protection=LOCKED)


def fit_height(texts: list[tuple[Any, float]], *, line: float = 15.0, minimum: float = 20.0,
               maximum: float = 400.0) -> float:
    """A row height (points) that shows wrapped ``(text, column width)`` pairs in full.

    openpyxl cannot measure text and Excel does not refit stored heights, so estimate:
    a CJK character is about two width units, other characters one.
    """
    lines = 1
    for text, width in texts:
        if text is None or text == "":
            continue
        n = 0
        for paragraph in str(text).split("\n"):
            units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in paragraph)
            n += max(1, -(-units // max(1, int(width) - 1)))
        lines = max(lines, n)
    return max(minimum, min(maximum, lines * line + 4))


def use_default_font(wb) -> None:
    """Make 宋体 the workbook's Normal font, so empty and user-added cells match the form.

    openpyxl has no public setter: the Normal style's font is font 0 of the style table.
    """
    from openpyxl.utils.indexed_list import IndexedList

    default = Font(name=FONT_NAME, sz=11, family=3, charset=134)
    wb._fonts = IndexedList([default])
    wb._named_styles["Normal"].font = default
