"""A filled form writes every model value into the right cell, and reads back."""

from __future__ import annotations

import io

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfxl.adapters.template import build_workbook, layout_info, write_form
from perfxl.adapters.xlsx_reader import read_form
from perfxl.core.model import Form, History, Indicator, Standard, Task
from tests.template_forms import generated_form


def target(wb, name):
    ((sheet, coord),) = list(wb.defined_names[name].destinations)
    return wb[sheet], coord.replace("$", "")


def value(wb, name):
    ws, coord = target(wb, name)
    return ws[coord].value


def field(obj, dotted):
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def as_cell(v):
    return None if v in ("", None) else v


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("layout", ["guangdong", "shandong"])
def test_every_model_value_is_in_its_named_cell(layout, seed):
    form = generated_form(seed, layout, value_columns=1 if seed == 3 else 2)
    wb = build_workbook(form)
    b = form.budget
    assert value(wb, "PX_DEPARTMENT") == form.department
    assert value(wb, "PX_GOAL") == form.overall_goal
    for name, v in (("PX_BASIC", b.basic), ("PX_PROJECT", b.project), ("PX_FISCAL", b.fiscal),
                    ("PX_OTHER", b.other)):
        assert value(wb, name) == v, name
    info = layout_info(layout, form.value_columns)
    ws, coord = target(wb, "PX_INDICATORS")
    first = int(coord.split(":")[0][1:])
    for i, ind in enumerate(form.indicators):
        for path, col in info.indicator_columns:
            got = ws[f"{col}{first + i}"].value
            want = field(ind, path)
            assert (str(got) if got is not None else "") == want, (i, path)
    # the spare rows are empty
    last = int(coord.split(":")[1][1:])
    assert all(c.value is None for row in ws[f"A{first + len(form.indicators)}:O{last}"] for c in row)
    if layout == "guangdong":
        assert str(value(wb, "PX_YEAR")) == f"（{form.year}年度）"
        for name, v in (("PX_STAFF", form.staff_count), ("PX_SUBUNITS", form.sub_units),
                        ("PX_SPECIAL", b.special_fund), ("PX_OTHER_DEV", b.other_development),
                        ("PX_OWN_LEVEL", b.own_level), ("PX_TRANSFER", b.transfer)):
            assert value(wb, name) == v, name
        assert value(wb, "PX_OTHER_TASKS") == as_cell(form.other_tasks)
        ws, coord = target(wb, "PX_TASKS")
        first = int(coord.split(":")[0][1:])
        for i, task in enumerate(form.tasks):
            for path, col in info.task_columns:
                assert ws[f"{col}{first + i}"].value == field(task, path), (i, path)
    else:
        assert value(wb, "PX_TITLE") == f"{form.year}年度部门预算整体绩效目标表"


@pytest.mark.parametrize("layout", ["guangdong", "shandong"])
def test_round_trip_through_the_reader(layout, tmp_path):
    for seed in range(4):
        form = generated_form(100 + seed, layout, value_columns=1 if seed == 2 else 2)
        path = tmp_path / f"{layout}{seed}.xlsx"
        write_form(form, path)
        back = read_form(path)
        want, got = form.to_dict(), back.to_dict()
        for d in (want, got):
            d.pop("title")
            d["budget"].pop("declared_total", None)  # Shandong's total is a formula, never trusted
        assert got == want


def test_title_keeps_a_custom_form_name_without_doubling_the_year():
    form = Form(layout="shandong", year=2024, title="2024年度部门预算整体绩效目标表")
    assert value(build_workbook(form), "PX_TITLE") == "2024年度部门预算整体绩效目标表"
    form = Form(layout="guangdong", year=2024, title="市级部门整体预算绩效目标表")
    assert value(build_workbook(form), "PX_TITLE") == "市级部门整体预算绩效目标表"
    assert value(build_workbook(form, form_name="某某表"), "PX_TITLE") == "某某表"


def test_write_form_is_atomic_and_loads(tmp_path):
    path = tmp_path / "out" / "a.xlsx"
    write_form(generated_form(1, "guangdong"), path)
    assert openpyxl.load_workbook(path).sheetnames == ["绩效目标申报表", "下拉选项"]
    assert [p.name for p in path.parent.iterdir()] == ["a.xlsx"]


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029")
                | st.sampled_from("\n=≥％"), max_size=40)


@settings(max_examples=30, deadline=None)
@given(name=_TEXT, text=_TEXT, goal=_TEXT, duty=_TEXT, amount=st.none() | st.floats(0, 1e7).map(lambda x: round(x, 2)))
def test_any_text_is_written_as_text_and_reads_back(name, text, goal, duty, amount):
    gd = Form(layout="guangdong", year=2023, overall_goal=goal,
              tasks=[Task(name=name, content=text, amount=amount, goal=goal)],
              indicators=[Indicator(level1="产出指标", level2="数量指标", name=name, annual_value=text,
                                    period_value=goal)])
    sd = Form(layout="shandong", year=2023, overall_goal=goal,
              indicators=[Indicator(duty_no="1", duty=duty, name=name, annual_value=text,
                                    standard=Standard(value=text), history=History(last_year=goal))])
    for form in (gd, sd):
        buf = io.BytesIO()
        build_workbook(form).save(buf)
        wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
        assert value(wb, "PX_GOAL") == as_cell(goal)
        ws, coord = target(wb, "PX_INDICATORS")
        first = int(coord.split(":")[0][1:])
        for path, col in layout_info(form.layout).indicator_columns:
            want = field(form.indicators[0], path)
            got = ws[f"{col}{first}"].value
            assert (str(got) if got is not None else "") == want, path
        if form.layout == "guangdong":
            ws, coord = target(wb, "PX_TASKS")
            first = int(coord.split(":")[0][1:])
            assert [ws[f"{c}{first}"].value for c in "BCEF"] == [as_cell(name), as_cell(text), amount, as_cell(goal)]
