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


# --- formula cells in the form's fields ------------------------------------------------

import openpyxl  # noqa: E402
import pytest  # noqa: E402

from perfxl.adapters.checking import check_file  # noqa: E402
from perfxl.adapters.xlsx_reader import read_form  # noqa: E402
from perfxl.core.textimport import import_text  # noqa: E402
from tests._workbooks import guangdong_rows, save_results, write_rows  # noqa: E402
from tests.conftest import GUANGDONG_SEED  # noqa: E402


def _with_formulas(path, formulas: dict[str, str], cached: dict[str, tuple[str, str]]):
    """The seed form with ``formulas`` typed in (openpyxl: no results saved), then the
    results in ``cached`` (cell → (t, value)) written beside them as Excel saves them."""
    form = import_text(GUANGDONG_SEED.read_text("utf-8")).form
    write_rows(path, *guangdong_rows(form))
    wb = openpyxl.load_workbook(path)
    for ref, formula in formulas.items():
        wb.active[ref] = formula
    wb.save(path)
    if cached:
        save_results(path, cached)
    return path


# 部门名称 B3, 财政供养人数 C4, the first indicator's 年度/实施周期指标值 E23/F23
FORMULAS = {"B3": '="惠州市"&"司法局"', "C4": "=100+28", "F23": "=E23"}


@pytest.mark.parametrize("engine", ["auto", "calamine"])
def test_a_formula_in_a_field_is_read_as_its_saved_result(tmp_path, engine):
    seed = read_form(write_rows(tmp_path / "seed.xlsx", *guangdong_rows(
        import_text(GUANGDONG_SEED.read_text("utf-8")).form)))
    annual = seed.indicators[0].annual_value
    assert seed.sources["indicators[0].period_value"].cell == "F23"
    path = _with_formulas(tmp_path / "f.xlsx", FORMULAS, {
        "B3": ("str", "惠州市司法局"), "C4": ("n", "128"), "F23": ("str", annual)})
    form = read_form(path, engine=engine)
    assert (form.department, form.staff_count, form.indicators[0].period_value) == (
        "惠州市司法局", 128, annual)
    assert form.to_dict() == {**seed.to_dict(), "staff_count": 128}  # the seed has none
    found = {(f.rule, f.cell) for f in check_file(path)}
    assert found == {(f.rule, f.cell) for f in check_file(tmp_path / "seed.xlsx")} - {("PX204", "C4")}


def test_a_formula_without_a_saved_result_is_named_not_reported_empty(tmp_path):
    path = _with_formulas(tmp_path / "f.xlsx", FORMULAS, {})
    found = {(f.rule, f.cell): f.message for f in check_file(path)
             if f.rule.startswith("PX2")}
    assert found == {
        ("PX214", "B3"): '部门名称是公式“="惠州市"&"司法局"”，文件中没有可用的计算结果，请直接填写',
        ("PX214", "C4"): "财政供养人数是公式“=100+28”，文件中没有可用的计算结果，请直接填写",
        ("PX214", "F23"): "指标“" + read_form(path).indicators[0].name
                          + "”的实施周期指标值是公式“=E23”，文件中没有可用的计算结果，请直接填写"}


def test_an_error_result_is_no_value(tmp_path):
    path = _with_formulas(tmp_path / "f.xlsx", {"F23": "=E99/0"}, {"F23": ("e", "#DIV/0!")})
    assert read_form(path).indicators[0].period_value == ""
    assert [f.rule for f in check_file(path) if f.cell == "F23"] == ["PX214"]


def test_a_text_typed_with_an_equals_sign_is_no_formula(tmp_path):
    path = _with_formulas(tmp_path / "f.xlsx", {}, {})
    wb = openpyxl.load_workbook(path)
    wb.active["F23"].value = "=100%"
    wb.active["F23"].data_type = "s"  # typed as text, as a cell formatted 文本 keeps it
    wb.save(path)
    assert read_form(path).indicators[0].period_value == "=100%"
    assert "PX214" not in {f.rule for f in check_file(path)}
