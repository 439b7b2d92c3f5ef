"""Last year's summary workbook as history for pre-filling: one Form per source file.

The summary (perfxl consolidate) lists indicators on 指标明细 and tasks on 重点任务, one
row per item with the department, 年度 and source 文件 in their own columns. Columns are
found by their header labels, so renamed or reordered columns still read. Rows are
grouped by (department, 文件, 年度) so that a summary holding several files of one
department (duplicates, several years) yields several forms; ``choose_history`` then
picks one, never the union.
"""

from __future__ import annotations

import os
import zipfile
from typing import Any

from openpyxl import load_workbook

from perfxl.core.findings import Finding, FormReadError
from perfxl.core.model import Form, Indicator, Task
from perfxl.core.roster import name_key
from perfxl.core.values import normalize, parse_amount

INDICATOR_SHEET = "指标明细"
TASK_SHEET = "重点任务"
# field → accepted header labels (after removing spaces), first match wins
INDICATOR_COLUMNS = {
    "department": ("部门名称", "部门"),
    "year": ("年度",),
    "file": ("文件", "源文件"),
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标", "绩效指标", "指标名称"),
    "annual_value": ("年度指标值", "指标值"),
    "period_value": ("实施周期指标值",),
    "duty_no": ("职责序号",),
    "duty": ("部门职责",),
    "goal": ("职责目标",),
    "explanation": ("指标解释",),
    "activity": ("工作活动",),
    "project": ("预算项目",),
}
TASK_COLUMNS = {
    "department": ("部门名称", "部门"),
    "year": ("年度",),
    "file": ("文件", "源文件"),
    "name": ("任务名称", "重点工作任务"),
    "content": ("主要实施内容", "实施内容"),
    "amount": ("拟投入资金（万元）", "拟投入资金(万元)", "拟投入资金"),
    "goal": ("期望达到的目标", "预期目标"),
}


def _label(v: Any) -> str:
    return normalize(v).replace(" ", "") if v is not None else ""


def _value(v: Any) -> str:
    # Values are the department's own text: kept as written (no full-width folding).
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _columns(rows: list[tuple], spec: dict[str, tuple[str, ...]]) -> tuple[int, dict[str, int]] | None:
    for r, values in enumerate(rows[:15]):
        labels = [_label(v) for v in values]
        found: dict[str, int] = {}
        for fieldname, names in spec.items():
            for name in names:
                if name in labels:
                    found[fieldname] = labels.index(name)
                    break
        if "department" in found and "name" in found:
            return r, found
    return None


def _year(v: Any) -> int | None:
    try:
        return int(float(_value(v)))
    except ValueError:
        return None


def read_summary_history(path: str | os.PathLike[str]) -> tuple[list[Form], list[Finding]]:
    file = str(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise FormReadError(file, "找不到上年汇总表") from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FormReadError(file, f"无法打开上年汇总表（{type(exc).__name__}）") from None
    forms: dict[tuple[str, str, int | None], Form] = {}
    findings: list[Finding] = []

    def form_for(dept: str, source: str, year: int | None) -> Form:
        key = (name_key(dept), source, year)
        if key not in forms:
            forms[key] = Form(department=dept, year=year, file=source)
        return forms[key]

    try:
        if INDICATOR_SHEET not in wb.sheetnames:
            raise FormReadError(file, f"上年汇总表中没有“{INDICATOR_SHEET}”工作表")
        for sheet, spec in ((INDICATOR_SHEET, INDICATOR_COLUMNS), (TASK_SHEET, TASK_COLUMNS)):
            if sheet not in wb.sheetnames:
                findings.append(Finding(file, sheet, "", "DS002", "warning",
                                        f"上年汇总表中没有“{sheet}”工作表，不预填这部分"))
                continue
            rows = list(wb[sheet].iter_rows(values_only=True))
            found = _columns(rows, spec)
            if found is None:
                findings.append(Finding(file, sheet, "A1", "DS003", "warning",
                                        f"“{sheet}”中找不到“部门名称”和名称列，不预填这部分"))
                continue
            header, cols = found
            for values in rows[header + 1:]:
                cell = {f: (values[c] if c < len(values) else None) for f, c in cols.items()}
                dept = _value(cell.pop("department"))
                source, year = _value(cell.pop("file", None)), _year(cell.pop("year", None))
                if not dept or dept in ("合计", "小计"):
                    continue
                form = form_for(dept, source, year)
                if sheet == INDICATOR_SHEET:
                    ind = Indicator(**{k: _value(v) for k, v in cell.items()})
                    if ind.name:
                        form.indicators.append(ind)
                else:
                    amount = parse_amount(cell.pop("amount", None)).value
                    task = Task(**{k: _value(v) for k, v in cell.items()}, amount=amount)
                    if task.name or task.content:
                        form.tasks.append(task)
    finally:
        wb.close()
    for form in forms.values():
        form.layout = "guangdong" if any(i.level1 or i.level2 for i in form.indicators) else "shandong"
    return list(forms.values()), findings
