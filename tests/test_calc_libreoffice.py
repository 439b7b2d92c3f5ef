"""Native spreadsheet formulas and perfxl's Python calculations agree.

One generated workbook holds, for each generated case, the inputs, the native formula a
template or a user would write, and Python's result as a value. LibreOffice recalculates
it once; every formula must then equal Python's number to 1e-9 (and the lights and
verdicts exactly).
"""

import random

import openpyxl
import pytest

from perfxl.adapters.libreoffice import recalculate
from perfxl.core import calc

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


def test_native_formulas_equal_python(tmp_path):
    rng = random.Random(20261122)
    cases = _cases(rng)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in cases.items():
        ws = wb.create_sheet(name)
        for i, (inputs, formula, expected) in enumerate(rows, start=1):
            for j, value in enumerate(inputs, start=1):
                ws.cell(i, j, value)
            ws.cell(i, len(inputs) + 1, formula.format(r=i))
            ws.cell(i, len(inputs) + 2, expected)  # Python's result beside it, for a reader
    src = tmp_path / "calc_cases.xlsx"
    wb.save(src)
    (out,) = recalculate([src], tmp_path / "out")
    got = openpyxl.load_workbook(out, data_only=True)
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
