"""Print setup, frozen panes and protection shared by the layouts."""

from __future__ import annotations

from openpyxl.styles import Protection
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from perfxl.adapters.excel_limits import MAX_ROW  # a print area down to it is whole columns
from perfxl.adapters.template import styles

# How far below the indicator table a typed row still gets the 一级/二级 dropdowns.
ROWS_BELOW = 200


def print_setup(ws: Worksheet, *, area: str, title_rows: str) -> None:
    """A4 landscape, all columns on one page width, header rows repeated on every page.

    ``area`` may be whole columns ("A1:F1048576", shown as $A:$F): Excel, WPS and LibreOffice then print down to
    the last used row, so rows typed below the table are printed and blank rows are not.
    """
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_area = area
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def protect(ws: Worksheet) -> None:
    """Labels and formulas locked, inputs (unlocked cells) editable, no password.

    Row height, column width and inserting rows stay allowed: long texts need taller
    rows and users add task/indicator rows inside the tables.
    """
    p = ws.protection
    p.sheet = True
    p.formatRows = False
    p.formatColumns = False
    p.insertRows = False
    p.selectLockedCells = False
    p.selectUnlockedCells = False


def typed_rows_below(ws: Worksheet, first: str, last: str) -> None:
    """Leave the empty cells of columns ``first``–``last`` editable under protection.

    A column style, not cell styles: a row typed below the table is then editable in
    Excel, WPS and LibreOffice, and unlike styled cells it does not count as used, so it
    adds no blank rows to the print. The table's own cells keep their cell styles.
    """
    for i in range(column_index_from_string(first), column_index_from_string(last) + 1):
        dim = ws.column_dimensions[get_column_letter(i)]
        dim.font = styles.BODY_FONT
        dim.protection = Protection(locked=False)
