"""Fill library indicators into a form workbook (openpyxl), following a pure plan.

The form is read into a Grid first (the reader's safe loader), the pure planner
(``perfxl.core.library.fill``) decides where each indicator goes, and the plan is carried
out on an openpyxl copy: empty rows are written, new rows are inserted with every
reference fixed (``perfxl.adapters.sheet_rows``). The source is never written; the
output appears atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from perfxl.adapters.atomic import atomic_path
from perfxl.adapters.print_area import load_workbook
from perfxl.adapters.ribbon_parts import save_keeping_ribbon
from perfxl.adapters.sheet_rows import extend_merge_down, insert_rows
from perfxl.adapters.xlsx_reader import load_grids, read_form
from perfxl.core.findings import FormReadError
from perfxl.core.library.fill import FillError, FillItem, FillPlan, InsertRow, WriteRow, plan_fill
from perfxl.core.parsing import detect

# The defined name the templates give the indicator table, when present.
INDICATOR_NAMES = ("PX_INDICATORS",)


@dataclass
class FillResult:
    plan: FillPlan
    output: Path


def _form_grid(path: Path):
    grids = load_grids(path)
    best, best_score = None, 0
    for grid in grids:
        layout = detect.detect_layout(grid)
        if layout:
            score = max(detect.scores(grid).values())
            if score > best_score:
                best, best_score = (grid, layout), score
    if best is None:
        raise FormReadError(str(path), "不是部门整体预算绩效目标表：没有找到申报表的标签。")
    return best


def _block_rows(wb, sheet: str) -> range | None:
    """Rows of the indicator table according to the template's defined name."""
    from openpyxl.worksheet.cell_range import CellRange

    for name in INDICATOR_NAMES:
        dn = wb.defined_names.get(name)
        if dn is None and sheet in wb.sheetnames:
            dn = wb[sheet].defined_names.get(name)
        if dn is None:
            continue
        for title, coord in dn.destinations:
            if title == sheet:
                rng = CellRange(coord.replace("$", ""))
                return range(rng.min_row, rng.max_row + 1)
    return None


def _template_framework(wb) -> str | None:
    """The framework a template's dropdowns follow (its PX_FRAMEWORK constant)."""
    dn = wb.defined_names.get("PX_FRAMEWORK")
    value = (dn.attr_text or "").strip().strip('"=') if dn is not None else ""
    return value if value in ("2015", "2021") else None


def fill_form(source: str | Path, output: str | Path, items: list[FillItem], *,
              framework: str | None = None) -> FillResult:
    """Write ``source`` with ``items`` filled in to ``output``. Raises FormReadError."""
    from openpyxl.cell.cell import MergedCell

    source, output = Path(source), Path(output)
    if source.exists() and output.exists() and source.resolve() == output.resolve():
        raise FormReadError(str(source), "输出文件不能与原表相同（原表不会被修改），请用 -o 指定另一个文件。")
    grid, layout = _form_grid(source)
    keep_vba = source.suffix.lower() == ".xlsm"
    try:
        wb = load_workbook(source, keep_vba=keep_vba, keep_links=True)
    except Exception as exc:
        raise FormReadError(str(source), f"无法打开工作簿（{type(exc).__name__}）。") from None
    ws = wb[grid.sheet]
    framework = framework or _template_framework(wb)
    try:
        plan = plan_fill(grid, layout, items, framework=framework, block_rows=_block_rows(wb, ws.title))
    except FillError as exc:
        raise FormReadError(str(source), str(exc), sheet=ws.title) from None
    for op in plan.ops:
        if isinstance(op, InsertRow):
            insert_rows(ws, op.after + 1, 1, style_from=op.after, grow_from=plan.header_row)
            for col in op.extend:
                extend_merge_down(ws, op.after, col, op.after + 1)
            row = op.after + 1
        else:
            row = op.row
        for col, text in op.values.items():
            cell = ws.cell(row, col)
            if isinstance(cell, MergedCell) or cell.value not in (None, ""):
                continue  # never overwrite what is there; merged cells read their top-left
            cell.value = text
            if text.startswith("="):
                cell.data_type = "s"  # "=100%" is a target written as text, not a formula
    with atomic_path(output) as tmp:
        save_keeping_ribbon(wb, source, tmp)
        wb.close()
        read_form(tmp)  # the result must still read as a form before it replaces anything
    return FillResult(plan, output)
