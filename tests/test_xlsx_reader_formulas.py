"""Formula cells are left out of typed grids: which cells the reader takes for formulas."""

from __future__ import annotations

from perfxl.adapters.xlsx_reader import _formula_cells
from perfxl.core.grid import Grid

SHEET = (
    b'<worksheet><sheetData><row r="1"><c r="A1" s="2"/><c r="B1" t="s"><v>0</v></c>'
    b'<c r="C1" t="inlineStr"><is><t>&lt;f&gt; is text</t></is></c></row>'
    b'<row r="2"><c r="A2"><v>1</v></c><c r="B2" s="3"><f>SUM(A1:A2)</f><v>3</v></c></row>'
    b'<row r="3"><c r="AB3"><f t="shared" ref="AB3:AB4" si="0">A3*2</f><v></v></c>'
    b'<c r="AC3"><f t="shared" si="0"/></c><c><v>5</v></c></row>'
    b'</sheetData><dataValidations><dataValidation><formula1>"a,b"</formula1>'
    b'</dataValidation></dataValidations></worksheet>'
)


def test_formula_cells_are_the_cells_holding_an_f_element():
    assert _formula_cells(SHEET) == {(2, 2), (3, 28), (3, 29)}
    assert _formula_cells(b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>') == set()


def test_dropping_cells_keeps_the_row_index():
    grid = Grid(cells={(1, 1): "a", (1, 2): "b", (2, 1): "c"})
    grid.drop({(1, 2), (2, 1), (9, 9)})
    assert grid.cells == {(1, 1): "a"}
    assert grid.rows() == [1] and grid.row_cols(1) == [1] and grid.row_end(1) == 1
    assert grid.max_row == 1
