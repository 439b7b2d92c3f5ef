"""Native spreadsheet formulas and perfxl's Python calculations agree.

One generated workbook holds, for each generated case, the inputs, the native formula a
template or a user would write, and Python's result as a value; beside it, the official
templates (perfxl.adapters.template.write_form) filled with generated forms. LibreOffice
recalculates all of them in one call; every formula must then equal core.calc to 1e-9
(and the lights and verdicts exactly).
"""

import random

import openpyxl
import pytest

from perfxl.adapters.libreoffice import recalculate
from perfxl.adapters.template import write_form
from perfxl.core import calc
from perfxl.core.model import Budget, Form, Task
from perfxl.core.values import round_half_up
from tests.template_forms import generated_form

pytestmark = pytest.mark.libreoffice
CASES = 60


def _amount(rng: random.Random, low: float = 0.0, high: float = 50000.0) -> float:
    return round(rng.uniform(low, high), 2)


def _cases(rng: random.Random):
    """(sheet name, headers, rows); each row: inputs…, native formula, Python result.
    Formulas use {r} for the row number."""
    rows = {}

    # 预算执行率 with 预算数 = 上年结转 + 年初预算 + 本年调整
    exe = []
    for _ in range(CASES):
        carry, initial = _amount(rng, 0, 500), _amount(rng, 1, 50000)
        adjust = _amount(rng, -initial / 2, initial / 2)
        actual = _amount(rng, 0, (carry + initial + adjust) * 1.3)
        exe.append(([actual, carry, initial, adjust], "=A{r}/(B{r}+C{r}+D{r})",
                    calc.execution_rate_parts(actual, initial, carry, adjust).value))
    rows["execution"] = exe

    dev = []
    for _ in range(CASES):
        budget = _amount(rng, 0.01, 50000)
        final = _amount(rng, 0, budget * 1.5)
        dev.append(([budget, final], "=ABS(A{r}-B{r})/A{r}", calc.deviation_rate(budget, final).value))
    rows["deviation"] = dev

    cov = []
    for _ in range(CASES):
        tasks = [_amount(rng, 0, 2000) if rng.random() > 0.2 else None for _ in range(5)]
        project = _amount(rng, 1, 12000)
        cov.append(([*tasks, project], "=SUM(A{r}:E{r})/F{r}", calc.coverage(tasks, project).value))
    rows["coverage"] = cov

    progress = []
    for _ in range(CASES):
        upper = rng.random() < 0.3
        target = rng.randint(1, 5000)
        month = rng.randint(1, 12)
        actual = rng.randint(0, int(target * 1.5))
        text = f"{'≤' if upper else '≥'}{target}件"
        p = calc.progress(text, actual, month)
        ratio = "C{r}/(B{r}*D{r}/12)"
        light = (f'=IF({ratio}<=1,"绿灯",IF({ratio}<1.2,"黄灯","红灯"))' if upper else
                 f'=IF({ratio}<0.6,"红灯",IF({ratio}<0.8,"黄灯",IF({ratio}<1.2,"绿灯","蓝灯")))')
        progress.append(([text, target, actual, month], light, p.label))
        progress.append(([text, target, actual, month], "=B{r}*D{r}/12", p.expected))
    rows["progress"] = progress

    meets = []
    for _ in range(CASES):
        target = rng.randint(50, 100)
        # the actual as an Excel percent cell (0.93) or as a number of percent (93)
        pct = rng.randint(40, 100)
        actual = pct / 100 if rng.random() < 0.5 else pct
        meets.append(([f"≥{target}%", target, actual], "=IF(C{r}<=1,C{r}*100,C{r})>=B{r}",
                      calc.compare(f"≥{target}%", actual).met))
    rows["meets"] = meets

    yoy = []
    for _ in range(CASES):
        target, base = rng.randint(1, 10000), rng.randint(1, 10000)
        wan = rng.random() < 0.5  # the base typed in 万元 against a target in 元
        base_cell = base / 1e4 if wan else base
        formula = "=(B{r}-C{r}*10000)/(C{r}*10000)" if wan else "=(B{r}-C{r})/C{r}"
        yoy.append(([f"≥{target}元", target, base_cell], formula,
                    calc.change(f"≥{target}元", f"{base_cell}万元" if wan else base).rate))
    rows["yoy"] = yoy
    return rows


def _template_forms() -> dict[str, Form]:
    forms = {f"{layout}_{seed}": generated_form(seed, layout)
             for layout in ("guangdong", "shandong") for seed in range(100, 112)}
    forms["gd_zero_project"] = Form(layout="guangdong", year=2023, tasks=[Task(name="甲", amount=5.0)],
                                    budget=Budget(basic=10.0, project=0.0, fiscal=10.0))
    forms["gd_over"] = Form(layout="guangdong", year=2023, tasks=[Task(name="甲", amount=30.5),
                                                                  Task(name="乙", amount=19.51)],
                            budget=Budget(basic=100.0, project=50.0, fiscal=150.0, other=0.0))
    forms["gd_no_amounts"] = Form(layout="guangdong", year=2023, tasks=[Task(name="甲")],
                                  budget=Budget(basic=1.0, project=2.0))
    return forms


def _cases_book(cases, path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in cases.items():
        ws = wb.create_sheet(name)
        for i, (inputs, formula, expected) in enumerate(rows, start=1):
            for j, value in enumerate(inputs, start=1):
                ws.cell(i, j, value)
            ws.cell(i, len(inputs) + 1, formula.format(r=i))
            ws.cell(i, len(inputs) + 2, expected)  # Python's result beside it, for a reader
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    src = tmp_path_factory.mktemp("src")
    cases = _cases(random.Random(20261122))
    forms = _template_forms()
    paths = [_cases_book(cases, src / "calc_cases.xlsx")]
    for key, form in forms.items():
        write_form(form, src / f"{key}.xlsx")
        paths.append(src / f"{key}.xlsx")
    outs = recalculate(paths, tmp_path_factory.mktemp("out"))
    books = {p.stem: openpyxl.load_workbook(p, data_only=True) for p in outs}
    return cases, forms, books


def test_native_formulas_equal_python(recalculated):
    cases, _, books = recalculated
    got = books["calc_cases"]
    checked = 0
    for name, rows in cases.items():
        ws = got[name]
        for i, (inputs, _, expected) in enumerate(rows, start=1):
            native = ws.cell(i, len(inputs) + 1).value
            assert expected is not None, (name, inputs)
            if isinstance(expected, bool) or isinstance(expected, str):
                assert native == expected, (name, inputs, native, expected)
            else:
                assert abs(native - expected) <= 1e-9, (name, inputs, native, expected)
            checked += 1
    assert checked >= 6 * CASES


def _named(wb, name):
    ((sheet, coord),) = list(wb.defined_names[name].destinations)
    value = wb[sheet][coord.replace("$", "")].value
    return None if value == "" else value


def _close(native, python) -> bool:
    if python is None:
        return native is None
    return isinstance(native, (int, float)) and abs(native - python) <= 1e-9


def test_template_formulas_equal_calc(recalculated):
    """The official templates' totals and coverage, as LibreOffice computes them, are
    core.calc's figures for the same form (the template shows coverage to 4 decimals,
    i.e. a percentage with 2)."""
    _, forms, books = recalculated
    checked = 0
    for key, form in forms.items():
        wb = books[key]
        totals = calc.budget_totals(form)
        assert _close(_named(wb, "PX_TOTAL"), totals.structure), key
        checked += 1
        if form.layout != "guangdong":
            continue
        task_total = calc.task_total(form).value
        coverage = calc.task_coverage(form).value
        pairs = [("PX_FUNDING_TOTAL", totals.funding), ("PX_TASK_TOTAL", task_total),
                 ("PX_TASK_COVERAGE", None if coverage is None else round_half_up(coverage, 4))]
        for name, python in pairs:
            assert _close(_named(wb, name), python), (key, name, _named(wb, name), python)
            checked += 1
        # tasks beyond 项目支出: coverage above 100 %, or any task money when 项目支出 is 0
        over = (coverage > 1 and round_half_up(task_total - form.budget.project, 2) > 0
                if coverage is not None else bool(task_total))
        assert bool(_named(wb, "PX_TASK_CHECK")) is over, key
    assert _named(books["gd_over"], "PX_TASK_CHECK")
    assert _named(books["gd_zero_project"], "PX_TASK_COVERAGE") is None
    assert checked >= 60
