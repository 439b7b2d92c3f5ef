"""LibreOffice recalculates filled templates of both layouts; every formula cell equals
what Python computes from the Form. One batched soffice call for the whole module."""

from __future__ import annotations

import openpyxl
import pytest

from perfxl.adapters.libreoffice import recalculate
from perfxl.adapters.template import build_workbook, write_form
from perfxl.core.framework import FRAMEWORKS
from perfxl.core.model import Budget, Form, Indicator, Task
from perfxl.core.values import round_half_up
from tests.template_forms import generated_form

pytestmark = pytest.mark.libreoffice


def _forms() -> dict[str, Form]:
    forms = {f"{layout}_{seed}": generated_form(seed, layout) for layout in ("guangdong", "shandong")
             for seed in range(8)}
    forms["gd_empty"] = Form(layout="guangdong", year=2023)
    forms["sd_empty"] = Form(layout="shandong", year=2023)
    forms["gd_no_project"] = Form(layout="guangdong", year=2023, budget=Budget(basic=10.0, project=0.0, fiscal=10.0),
                                  tasks=[Task(name="甲", amount=5.0)])
    forms["gd_over"] = Form(layout="guangdong", year=2023,
                            budget=Budget(basic=100.0, project=50.0, fiscal=150.0, other=0.0),
                            tasks=[Task(name="甲", amount=30.5), Task(name="乙", amount=19.51)])
    forms["gd_tolerance"] = Form(layout="guangdong", year=2023, budget=Budget(basic=100.0, project=0.01, fiscal=100.02))
    forms["gd_off"] = Form(layout="guangdong", year=2023, budget=Budget(basic=100.0, project=0.01, fiscal=100.03))
    forms["sd_off"] = Form(layout="shandong", year=2023, budget=Budget(basic=2187.54, project=606.51,
                                                                       fiscal=2690.54, other=100.0))
    forms["sd_ok"] = Form(layout="shandong", year=2021, budget=Budget(basic=2187.54, project=606.51,
                                                                      fiscal=2690.54, other=103.51))
    forms["gd_eq_text"] = Form(layout="guangdong", year=2023, indicators=[
        Indicator(level1="产出指标", level2="数量指标", name="培训场次", annual_value="=2场", period_value="=SUM(1,2)")])
    return forms


def _num_text(x: float) -> str:
    """A number as Excel/LibreOffice concatenate it (General format)."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def _s(*values):
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def expected(form: Form) -> dict[str, object]:
    b = form.budget
    spent, funded = _s(b.basic, b.project), _s(b.fiscal, b.other)
    if form.layout == "guangdong":
        who, against = "部门预算支出合计", "预算来源合计"
    else:
        who, against = "资金结构合计", "资金来源合计"
    if spent is None and funded is None:
        balance = ""
    else:
        diff = round_half_up((spent or 0) - (funded or 0), 2)
        balance = (f"平衡：{who}等于{against}" if round_half_up(abs(diff), 2) <= 0.01
                   else f"不平衡：{who}与{against}相差{_num_text(diff)}万元")
    out: dict[str, object] = {"PX_TOTAL": "" if b.total is None else b.total, "PX_BALANCE": balance}
    if form.layout == "guangdong":
        out["PX_FUNDING_TOTAL"] = "" if b.funding_total is None else b.funding_total
        amounts = [t.amount for t in form.tasks if t.amount is not None]
        task_sum = sum(amounts)
        out["PX_TASK_TOTAL"] = round_half_up(task_sum, 2) if amounts else ""
        out["PX_TASK_COVERAGE"] = round_half_up(task_sum / b.project, 4) if b.project else ""
        out["PX_TASK_CHECK"] = ("重点任务资金合计超过项目支出"
                                if round_half_up(task_sum - (b.project or 0), 2) > 0 else "")
    return out


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    src = tmp_path_factory.mktemp("src")
    forms = _forms()
    paths = []
    for key, form in forms.items():
        path = src / f"{key}.xlsx"
        write_form(form, path)
        paths.append(path)
    # INDIRECT over the per-一级 names, as the 二级 dropdown uses it, evaluated by LibreOffice
    probe = build_workbook(Form(layout="guangdong", year=2023), framework="2021")
    ws = probe.create_sheet("probe")
    for i, level1 in enumerate(FRAMEWORKS["2021"], start=1):
        ws.cell(i, 1, level1)
        ws.cell(i, 2, f'=COUNTA(INDIRECT("PX_L2_"&A{i}))')
        ws.cell(i, 3, f'=INDEX(INDIRECT("PX_L2_"&A{i}),1)')
    probe.save(src / "probe.xlsx")
    paths.append(src / "probe.xlsx")
    outs = recalculate(paths, tmp_path_factory.mktemp("out"))
    return forms, {p.stem: openpyxl.load_workbook(p, data_only=True) for p in outs}


def _value(wb, name):
    ((sheet, coord),) = list(wb.defined_names[name].destinations)
    v = wb[sheet][coord.replace("$", "")].value
    return "" if v is None else v


def test_every_formula_cell_equals_python(recalculated):
    forms, books = recalculated
    checked = 0
    for key, form in forms.items():
        wb = books[key]
        for name, want in expected(form).items():
            got = _value(wb, name)
            if isinstance(want, float):
                assert isinstance(got, (int, float)) and got == pytest.approx(want, abs=1e-9), (key, name, got)
            else:
                assert got == want, (key, name)
            checked += 1
    assert checked == sum(len(expected(f)) for f in forms.values()) >= 90


def test_the_named_cells_are_all_the_formula_cells():
    for form in _forms().values():
        wb = build_workbook(form)
        ws = wb.worksheets[0]
        formulas = {c.coordinate for row in ws.iter_rows() for c in row
                    if c.data_type == "f"}
        named = set()
        for name in expected(form):
            ((_sheet, coord),) = list(wb.defined_names[name].destinations)
            named.add(coord.replace("$", ""))
        assert formulas == named


def test_edge_cases_read_as_intended(recalculated):
    _, books = recalculated
    assert _value(books["gd_no_project"], "PX_TASK_COVERAGE") == ""
    assert _value(books["gd_over"], "PX_TASK_CHECK") == "重点任务资金合计超过项目支出"
    assert _value(books["gd_tolerance"], "PX_BALANCE").startswith("平衡")
    assert _value(books["gd_off"], "PX_BALANCE") == "不平衡：部门预算支出合计与预算来源合计相差-0.02万元"
    assert _value(books["sd_ok"], "PX_TOTAL") == pytest.approx(2794.05)
    assert _value(books["sd_off"], "PX_BALANCE") == "不平衡：资金结构合计与资金来源合计相差3.51万元"
    assert _value(books["gd_empty"], "PX_TOTAL") == "" and _value(books["gd_empty"], "PX_BALANCE") == ""


def test_level2_lists_resolve_through_indirect(recalculated):
    _, books = recalculated
    ws = books["probe"]["probe"]
    for i, (level1, children) in enumerate(FRAMEWORKS["2021"].items(), start=1):
        assert ws.cell(i, 2).value == len(children), level1
        assert ws.cell(i, 3).value == children[0], level1


def test_text_starting_with_equals_stays_text(recalculated):
    _, books = recalculated
    ws, coord = books["gd_eq_text"].defined_names["PX_INDICATORS"].destinations.__next__()
    row = int(coord.split(":")[0].split("$")[-1])
    sheet = books["gd_eq_text"][ws]
    assert (sheet[f"E{row}"].value, sheet[f"F{row}"].value) == ("=2场", "=SUM(1,2)")


def _task_rows(wb):
    ((sheet, coord),) = list(wb.defined_names["PX_TASKS"].destinations)
    first, last = (int(a[1:]) for a in coord.replace("$", "").split(":"))
    return wb[sheet], first, last


def test_a_task_row_inserted_at_the_total_row_is_summed(tmp_path):
    """The user inserts a row at 合计 (Excel: the new row comes above it, and a range that
    ends just above does not grow) and types a task amount there: 合计 and the coverage
    row include it."""
    from perfxl.adapters.sheet_rows import insert_rows

    form = Form(layout="guangdong", year=2023, budget=Budget(basic=100.0, project=50.0, fiscal=150.0),
                tasks=[Task(name="甲", amount=10.0), Task(name="乙", amount=5.0)])
    wb = build_workbook(form, spare_task_rows=0)
    ws, first, last = _task_rows(wb)
    insert_rows(ws, last + 1, 1, style_from=last)  # no grow_from: what Excel does
    ws.cell(last + 1, 2, "丙")
    ws.cell(last + 1, 5, 20.0)
    wb.save(tmp_path / "inserted.xlsx")
    [out] = recalculate([tmp_path / "inserted.xlsx"], tmp_path / "out")
    book = openpyxl.load_workbook(out, data_only=True)
    assert _value(book, "PX_TASK_TOTAL") == pytest.approx(35.0)
    assert _value(book, "PX_TASK_COVERAGE") == pytest.approx(0.7)
    assert _value(book, "PX_TASK_CHECK") == ""


def _pdf(path, tmp_path):
    import subprocess

    from perfxl.adapters.libreoffice import convert

    [pdf] = convert([path], "pdf", tmp_path / path.stem)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return pages, text


@pytest.mark.parametrize("layout", ["guangdong", "shandong"])
def test_whole_column_print_area_prints_the_form_and_typed_rows_only(layout, tmp_path):
    """A blank template prints on as many pages as with the print area cut at the table's
    last row, and a row typed below the table is printed."""
    from perfxl.adapters.template import write_template

    blank = tmp_path / "blank.xlsx"
    write_template(layout, 2023, "", blank)
    wb = openpyxl.load_workbook(blank)
    ((sheet, coord),) = list(wb.defined_names["PX_INDICATORS"].destinations)
    ws = wb[sheet]
    last = int(coord.split(":")[1].lstrip("$ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    right = "F" if layout == "guangdong" else "O"
    ws.print_area = f"A1:{right}{last}"
    wb.save(tmp_path / "cut.xlsx")
    wb = openpyxl.load_workbook(blank)
    wb[sheet].cell(last + 3, 4, "追加的指标行")
    wb.save(tmp_path / "typed.xlsx")
    blank_pages, _ = _pdf(blank, tmp_path)
    cut_pages, _ = _pdf(tmp_path / "cut.xlsx", tmp_path)
    _, typed_text = _pdf(tmp_path / "typed.xlsx", tmp_path)
    assert blank_pages == cut_pages
    assert "追加的指标行" in typed_text
