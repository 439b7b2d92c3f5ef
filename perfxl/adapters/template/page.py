"""Print setup, frozen panes and protection shared by the layouts."""

from __future__ import annotations

from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet


def print_setup(ws: Worksheet, *, area: str, title_rows: str) -> None:
    """A4 landscape, all columns on one page width, header rows repeated on every page."""
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
