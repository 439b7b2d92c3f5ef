"""Indicator values typed as numbers read as their cells show them (number formats)."""

from __future__ import annotations

import openpyxl
import pytest

from perfxl.adapters.checking import check_file
from perfxl.adapters.sheet_xml import shown_formats, shown_number
from perfxl.adapters.xlsx_reader import read_form
from perfxl.core.textimport import import_text
from tests._workbooks import guangdong_rows, write_rows
from tests.conftest import GUANGDONG_SEED


@pytest.mark.parametrize("value, code, shown", [
    (0.95, "0%", "95%"),
    (1, "0%", "100%"),
    (0.9, "0.00%", "90.00%"),
    (0.957, "0.0%", "95.7%"),
    (0.5, "#%", "50%"),
    (-0.5, "0%", "-50%"),
    (5, '"≤"0"元/人"', "≤5元/人"),
    (0.95, '">="0%', ">=95%"),
    (3000, '#,##0"宗"', "3,000宗"),
    (1234567.891, '#,##0.00"元"', "1,234,567.89元"),
    (0.125, '0.00"万元"', "0.13万元"),  # rounded half up, as a spreadsheet shows it
    (2.5, '0.0#"天"', "2.5天"),
    (2.25, '0.0#"天"', "2.25天"),
    (7, "0\\元", "7元"),
    (-3, '0"个";"减少"0"个"', "减少3个"),
    (0, '0%;-0%;"无"', "无"),
    # what the subset leaves alone: the number is read as it is
    (95, "0.00", None), (95, "General", None), (1.5, "[Red]0%", None),
    (1.5, "0.00E+00", None), (12, 'yyyy"年"', None), (5, '0,"千"', None), (5, '0_)"个"', None),
])
def test_shown_number(value, code, shown):
    assert shown_number(value, code) == shown


def test_shown_formats_are_the_percent_and_literal_ones():
    styles = (b'<styleSheet><numFmts count="2"><numFmt numFmtId="164" formatCode="&quot;&#8804;&quot;'
              b'0&quot;\xe5\x85\x83&quot;"/><numFmt numFmtId="165" formatCode="0.000"/></numFmts>'
              b'<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="9"/><xf numFmtId="164"/>'
              b'<xf numFmtId="165"/><xf numFmtId="10"/></cellXfs></styleSheet>')
    assert shown_formats(styles) == {1: "0%", 2: '"≤"0"元"', 4: "0.00%"}
    assert shown_formats(None) == {} and shown_formats(b"<styleSheet/>") == {}


@pytest.fixture(scope="module")
def formatted(tmp_path_factory):
    """The seed form with the first indicator's values typed as numbers with formats, and
    基本支出 formatted 0.00"万元" (an amount stays a number)."""
    path = tmp_path_factory.mktemp("fmt") / "f.xlsx"
    write_rows(path, *guangdong_rows(import_text(GUANGDONG_SEED.read_text("utf-8")).form))
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for ref, value, code in (("E23", 0.95, "0%"), ("F23", 0.9, "0.00%"),
                             ("E24", 5, '"≤"0"元/人"'), ("F24", 3, "0.00"),
                             ("C6", 4120.17, '0.00"万元"')):
        ws[ref] = value
        ws[ref].number_format = code
    wb.save(path)
    return path


@pytest.mark.parametrize("engine", ["auto", "calamine", "openpyxl"])
def test_an_indicator_value_reads_as_its_cell_shows_it(formatted, engine):
    form = read_form(formatted, engine=engine)
    first, second = form.indicators[0], form.indicators[1]
    assert (first.annual_value, first.period_value) == ("95%", "90.00%")
    assert second.annual_value == "≤5元/人"
    assert second.period_value == "3"  # a format with no percent sign or text: the number
    assert form.sources["indicators[0].annual_value"].raw == "95%"
    assert form.budget.basic == 4120.17 and form.sources["budget.basic"].raw == 4120.17


def test_no_finding_reads_the_number_behind_a_percent(formatted):
    found = [f for f in check_file(formatted) if f.cell in ("E23", "F23")]
    assert not [f for f in found if "0.95" in f.message or "0.9”" in f.message]
    assert "PX403" not in {f.rule for f in found}


def test_shandong_reference_values_read_as_their_cells_show_them(tmp_path):
    from perfxl.core.textimport import text_to_grid
    from tests.conftest import SHANDONG_SEED

    grid = text_to_grid(SHANDONG_SEED.read_text("utf-8"))
    rows = [[grid.get(r, c) for c in range(1, grid.max_col + 1)] for r in range(1, 20)]
    path = write_rows(tmp_path / "sd.xlsx", rows)
    fields = ("standard.plan_value", "standard.value", "history.avg3", "history.last_year")
    cells = {f: read_form(path).sources[f"indicators[4].{f}"].cell for f in fields}
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    for k, field in enumerate(fields):
        ws[cells[field]] = 0.5 + k / 100
        ws[cells[field]].number_format = "0%"
    wb.save(path)
    indicator = read_form(path).indicators[4]
    assert (indicator.standard.plan_value, indicator.standard.value,
            indicator.history.avg3, indicator.history.last_year) == ("50%", "51%", "52%", "53%")
