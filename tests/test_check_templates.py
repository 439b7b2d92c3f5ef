"""Checking the official templates as a department receives them: blank, then half filled.
Every finding must be one the user can act on, once."""

from perfxl.adapters.checking import check_file
from perfxl.adapters.template import write_form
from perfxl.core.model import Budget, Form


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
