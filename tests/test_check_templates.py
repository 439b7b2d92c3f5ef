"""Checking the official templates as a department receives them: blank, then half filled.
Every finding must be one the user can act on, once."""

import pytest

from perfxl.adapters.checking import check_file
from perfxl.adapters.template import write_form
from perfxl.cli import main
from perfxl.core.model import Budget, Form
from perfxl.core.rules import RuleConfig


def _shandong(tmp_path, budget: Budget):
    path = tmp_path / "sd.xlsx"
    write_form(Form(layout="shandong", year=2026, department="某局", budget=budget), path)
    return [(f.rule, f.cell) for f in check_file(path) if f.rule.startswith("PX1") or f.rule == "PX203"]


def test_shandong_formula_total_is_never_reported_missing(tmp_path):
    # D2 holds =ROUND(SUM(L2:L3),2) with no cached value; the inputs are what is missing
    assert sorted(_shandong(tmp_path, Budget())) == [
        ("PX203", "H2"), ("PX203", "H3"), ("PX203", "L2"), ("PX203", "L3")]
    assert _shandong(tmp_path, Budget(basic=900.0, fiscal=900.0, other=0.0)) == [("PX203", "L3")]
    assert _shandong(tmp_path, Budget(basic=900.0, project=100.0, fiscal=900.0, other=0.0)) == [("PX101", "H2")]


@pytest.mark.parametrize("layout, framework", [("guangdong", "2015"), ("guangdong", "2021"),
                                               ("shandong", "2015"), ("shandong", "2021")])
def test_a_blank_template_reports_each_unfilled_field_once(tmp_path, layout, framework):
    path = tmp_path / "blank.xlsx"
    assert main(["template", "--layout", layout, "--year", "2026", "--framework", framework,
                 "-o", str(path)]) == 0
    found = [(f.rule, f.cell) for f in check_file(path, RuleConfig(framework=framework))]
    assert len(found) == len(set(found))
    assert {rule for rule, _ in found} == BLANK[layout]  # only "未填写…", nothing else
    assert all(f.severity == "error" for f in check_file(path))


BLANK = {"guangdong": {"PX201", "PX203", "PX204", "PX206", "PX208", "PX209"},
         "shandong": {"PX201", "PX203", "PX208", "PX209"}}


@pytest.mark.parametrize("layout, expected", [
    # the name cell of the empty table's first row, not 部门名称 (B3 / B2)
    ("guangdong", {"PX201": "B3", "PX206": "B15", "PX209": "D29"}),
    ("shandong", {"PX201": "B2", "PX209": "D9"}),
])
def test_a_blank_template_points_an_empty_table_at_its_first_row(tmp_path, layout, expected):
    path = tmp_path / "blank.xlsx"
    assert main(["template", "--layout", layout, "--year", "2026", "-o", str(path)]) == 0
    found = {f.rule: f.cell for f in check_file(path) if f.rule in expected}
    assert found == expected


def _basic_by_formula(tmp_path):
    """A Shandong form whose 基本支出 (L2) the department typed as a formula, saved by
    openpyxl: no cached result."""
    import openpyxl

    path = tmp_path / "sd.xlsx"
    write_form(Form(layout="shandong", year=2026, department="某局",
                    budget=Budget(basic=2187.54, project=606.51, fiscal=2690.54, other=103.51)), path)
    wb = openpyxl.load_workbook(path)
    wb["绩效目标表"]["L2"] = "=1000+1187.54"
    wb.save(path)
    return path


def test_an_amount_given_by_formula_is_reported_as_a_formula_not_as_empty(tmp_path):
    path = _basic_by_formula(tmp_path)
    found = {(f.rule, f.cell): f.message for f in check_file(path) if f.rule.startswith(("PX1", "PX2"))}
    assert ("PX203", "L2") not in found
    assert found[("PX110", "L2")] == "基本支出是公式“=1000+1187.54”，文件中没有保存其计算结果，请直接填写金额"
    assert ("PX110", "D2") not in found  # the template's own total formula is not the user's


@pytest.mark.libreoffice
def test_an_amount_formula_saved_by_a_spreadsheet_uses_its_result(tmp_path):
    from perfxl.adapters.libreoffice import recalculate
    from perfxl.adapters.xlsx_reader import read_form

    saved = recalculate([_basic_by_formula(tmp_path)], tmp_path / "lo")[0]  # as Excel would: the result is cached
    form = read_form(saved)
    assert form.budget.basic == pytest.approx(2187.54) and form.budget.total == pytest.approx(2794.05)
    assert form.budget.declared_total is None  # the template's total is still recomputed, not read
    found = {(f.rule, f.cell): f.message for f in check_file(saved)
             if f.rule.startswith("PX1") or f.rule == "PX203"}
    assert found == {("PX111", "L2"): "基本支出是公式“=1000+1187.54”，已采用文件中保存的计算结果2187.54万元"}


def test_the_formula_of_a_cell_is_found_in_the_sheet_xml():
    from perfxl.adapters.xlsx_reader import _formula_at

    xml = (b'<sheetData><row r="2"><c r="A2"><v>1</v></c><c r="B2" s="3"><f>SUM(A1:A2)&amp;"x"</f>'
           b'<v>3</v></c><c r="B20"><f t="shared" si="0"/></c><c r="B3" s="1"/></row></sheetData>')
    assert _formula_at(xml, "B2") == ('=SUM(A1:A2)&"x"', 3.0)
    assert _formula_at(xml, "B20") == ("=", None)  # a shared formula's dependent carries no text
    assert _formula_at(xml, "A2") == _formula_at(xml, "B3") == _formula_at(xml, "C9") == (None, None)
    text = b'<c r="D4" t="str"><f>A1&amp;"x"</f><v>12 &amp; 3</v></c>'  # a text result, as text
    assert _formula_at(text, "D4") == ('=A1&"x"', "12 & 3")
    error = b'<c r="D5" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="D6" t="b"><f>1=1</f><v>1</v></c>'
    assert _formula_at(error, "D5") == ("=1/0", None) and _formula_at(error, "D6") == ("=1=1", True)
