"""Amounts in the unit the form states: 预算金额（元）, 拟投入资金（元）, 单位：元.

The model and the summary are in 万元; a form that says it is filled in 元 is read in 元
and converted, and PX112 asks the department to fill in 万元 as the official form does."""

from __future__ import annotations

import zipfile

import pytest

from _workbooks import guangdong_rows, shandong_rows, write_rows
from perfxl.adapters.xlsx_reader import read_form
from perfxl.core.grid import Grid
from perfxl.core.parsing import parse_grid
from perfxl.core.parsing import labels as L
from perfxl.core.rules import check_form
from seed_forms import guangdong_seed, shandong_seed

YUAN = {"预算金额(万元)": "预算金额（元）", "拟投入资金(万元)": "拟投入资金（元）"}


def grid(rows: list[list]) -> Grid:
    return Grid(sheet="表", cells={(r, c): v for r, row in enumerate(rows, 1)
                                   for c, v in enumerate(row, 1) if v not in (None, "")})


def in_yuan(form):
    """The form's amounts as a department filling them in 元 types them."""
    b = form.budget
    for name in ("basic", "project", "fiscal", "other", "special_fund", "other_development",
                 "own_level", "transfer", "declared_total"):
        if getattr(b, name) is not None:
            setattr(b, name, round(getattr(b, name) * 10000, 2))
    for t in form.tasks:
        t.amount = round(t.amount * 10000, 2) if t.amount is not None else None
    return form


@pytest.mark.parametrize("label, unit", [
    ("预算金额（元）", "元"), ("拟投入资金(元)", "元"), ("预算金额(单位：元)", "元"),
    ("预算金额（万元）", "万元"), ("基本支出（千元）", "千元"), ("预算金额", ""), ("元", ""),
])
def test_the_unit_a_label_states(label, unit):
    assert L.label_unit(label) == unit


def test_guangdong_amounts_under_yuan_headers_are_converted():
    seed = guangdong_seed()
    rows, _ = guangdong_rows(in_yuan(guangdong_seed()), labels=YUAN)
    form = parse_grid(grid(rows), "guangdong").form
    b, s = form.budget, seed.budget
    assert (b.basic, b.project, b.fiscal, b.other, b.own_level) == pytest.approx(
        (s.basic, s.project, s.fiscal, s.other, s.own_level))
    assert [t.amount for t in form.tasks] == pytest.approx([t.amount for t in seed.tasks])
    assert form.amount_units["budget.basic"] == ("元", "预算金额（元）")
    assert form.amount_units["tasks[0].amount"] == ("元", "拟投入资金（元）")

    findings = check_form(form)
    got = [f for f in findings if f.rule == "PX112"]
    assert [(f.cell, f.severity) for f in got] == [
        (form.sources["budget.basic"].cell, "warning"), (form.sources["tasks[0].amount"].cell, "warning")]
    assert got[0].message.startswith("“预算金额（元）”以“元”为金额单位，已将8个金额换算为万元（如基本支出")
    assert f"{len(seed.tasks)}个金额" in got[1].message
    # the converted amounts add up; 元 amounts have no decimals problem in 万元
    assert not {"PX101", "PX104", "PX107", "PX108"} & {f.rule for f in findings}


def test_only_the_columns_that_say_yuan_are_converted():
    seed = guangdong_seed()
    form = guangdong_seed()
    form.tasks = [t for t in form.tasks]
    for t in form.tasks:
        t.amount = round(t.amount * 10000, 2)
    rows, _ = guangdong_rows(form, labels={"拟投入资金(万元)": "拟投入资金(元)"})
    got = parse_grid(grid(rows), "guangdong").form
    assert got.budget.basic == seed.budget.basic  # 预算金额（万元）
    assert [t.amount for t in got.tasks] == pytest.approx([t.amount for t in seed.tasks])
    assert set(got.amount_units) == {f"tasks[{i}].amount" for i in range(len(seed.tasks))}


def test_a_unit_note_states_the_unit_of_every_amount():
    seed = guangdong_seed()
    rows, _ = guangdong_rows(in_yuan(guangdong_seed()),
                             labels={"预算金额(万元)": "预算金额", "拟投入资金(万元)": "拟投入资金"})
    rows.insert(2, [None, None, None, None, "单位：元"])
    form = parse_grid(grid(rows), "guangdong").form
    assert form.budget.basic == pytest.approx(seed.budget.basic)
    assert form.tasks[0].amount == pytest.approx(seed.tasks[0].amount)
    (msg,) = [f.message for f in check_form(form) if f.rule == "PX112"]
    assert msg.startswith("“单位：元”以“元”为金额单位，已将") and "基本支出41,201,700元→4,120.17万元" in msg


def test_shandong_unit_note():
    seed = shandong_seed()
    rows, _ = shandong_rows(in_yuan(shandong_seed()))
    for row in rows[1:3]:  # numbers, as typed: shandong_rows writes "…万元" text
        row[:] = [float(v[:-2]) if isinstance(v, str) and v.endswith("万元") else v for v in row]
    rows.insert(1, [None] * 13 + ["金额单位：元"])
    form = parse_grid(grid(rows), "shandong").form
    assert form.budget.basic == pytest.approx(seed.budget.basic)
    assert form.budget.fiscal == pytest.approx(seed.budget.fiscal)
    assert "PX112" in {f.rule for f in check_form(form)}


def test_a_form_in_wanyuan_records_no_unit():
    rows, _ = guangdong_rows(guangdong_seed())
    form = parse_grid(grid(rows), "guangdong").form
    assert form.amount_units == {}
    assert "PX112" not in {f.rule for f in check_form(form)}


def test_a_formula_result_under_a_yuan_header_is_converted(tmp_path):
    form = in_yuan(guangdong_seed())
    form.budget.basic = "=41201700+0"
    path = write_rows(tmp_path / "a.xlsx", *guangdong_rows(form, labels=YUAN))
    # as Excel saves it: the formula with its result
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = next(n for n in parts if n.startswith("xl/worksheets/"))
    parts[sheet] = parts[sheet].replace(b"<f>41201700+0</f><v />", b"<f>41201700+0</f><v>41201700</v>")
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    got = read_form(path)
    assert got.budget.basic == 4120.17 and got.sources["budget.basic"].raw == "=41201700+0"
    msgs = [(f.rule, f.message) for f in check_form(got)]
    assert ("PX111", "基本支出是公式“=41201700+0”，已采用文件中保存的计算结果4120.17万元") in msgs
    assert any(rule == "PX112" and "基本支出41,201,700元→4,120.17万元" in m for rule, m in msgs)


@pytest.mark.parametrize("engine", ["auto", "calamine"])
def test_an_excel_error_value_is_said_to_be_one(tmp_path, engine):
    """#DIV/0! pasted as a value: not 未填写 (PX203) but an error value to put right."""
    import openpyxl

    path = write_rows(tmp_path / "a.xlsx", *guangdong_rows(guangdong_seed()))
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "基本支出").offset(0, 1)
    cell.value, cell.data_type = "#DIV/0!", "e"
    wb.save(path)
    form = read_form(path, engine=engine)
    assert form.budget.basic is None and form.sources["budget.basic"].raw == "#DIV/0!"
    got = {(f.rule, f.cell): f.message for f in check_form(form)}
    assert got[("PX109", cell.coordinate)] == (
        "基本支出“#DIV/0!”不是有效金额：这是 Excel 错误值，说明单元格中的公式出错，请修正公式或直接填写金额")
    assert ("PX203", cell.coordinate) not in got


def test_a_row_label_stating_yuan_converts_that_amount_only():
    seed = guangdong_seed()
    form = guangdong_seed()
    form.budget.project = round(form.budget.project * 10000, 2)
    rows, _ = guangdong_rows(form, labels={"项目支出": "项目支出（元）"})
    got = parse_grid(grid(rows), "guangdong").form
    assert (got.budget.basic, got.budget.project) == (seed.budget.basic, pytest.approx(seed.budget.project))
    assert got.amount_units == {"budget.project": ("元", "项目支出（元）")}


def test_shandong_labels_stating_yuan():
    seed = shandong_seed()
    rows, _ = shandong_rows(in_yuan(shandong_seed()))
    for row in rows[1:3]:
        row[:] = [float(v[:-2]) if isinstance(v, str) and v.endswith("万元") else
                  f"{v}（元）" if isinstance(v, str) and v.endswith(("财政拨款", "其他资金", "基本支出", "项目支出"))
                  else v for v in row]
    form = parse_grid(grid(rows), "shandong").form
    b, s = form.budget, seed.budget
    assert (b.fiscal, b.other, b.basic, b.project) == pytest.approx((s.fiscal, s.other, s.basic, s.project))
    # 部门整体预算总额 states no unit: read as 万元, and PX102 says it does not add up
    assert b.declared_total == s.declared_total * 10000
    assert {"PX112", "PX102"} <= {f.rule for f in check_form(form)}


def test_an_amount_typed_as_text_between_header_and_amount_keeps_the_header_unit():
    seed = guangdong_seed()
    form = in_yuan(guangdong_seed())
    form.budget.basic = "41201700"  # text, between 预算金额（元） and 项目支出's amount
    form.budget.fiscal = "—"
    rows, _ = guangdong_rows(form, labels=YUAN)
    got = parse_grid(grid(rows), "guangdong").form
    assert got.budget.basic == pytest.approx(seed.budget.basic)
    assert got.budget.project == pytest.approx(seed.budget.project)
    assert got.budget.other == pytest.approx(seed.budget.other)
