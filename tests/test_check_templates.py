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
