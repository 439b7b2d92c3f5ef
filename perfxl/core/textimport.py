"""Text extracts of published forms (PDF or web tables copied as text) → Form.

A text extract is a grid in disguise: one line per table row, cells separated by tabs,
blank cells as empty fields. ``text_to_grid`` rebuilds that grid (row = line number, so
every cell address names its line) and mends what copying breaks:

- a label broken over lines ("年度重点工作  " / "任务") is joined back into one cell;
- markdown marks (``###``, ``**…**``) that some converters add are ignored;
- a line without tabs whose cells are separated by runs of spaces is split on them;
- a cell holding a label and its amount run together ("基本支出4120.17") is split.

The grid then goes through the same layout parsers as a workbook. Whatever the parser
could not place is returned with its line number and the reason, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from perfxl.core.calc import AMOUNT_TOLERANCE
from perfxl.core.findings import FormReadError
from perfxl.core.grid import Grid, is_blank
from perfxl.core.model import Form
from perfxl.core.parsing import NotAForm, parse_grid
from perfxl.core.parsing import labels as L
from perfxl.core.parsing.detect import _GUANGDONG, _SHANDONG, MIN_LABELS, scores
from perfxl.core.values import parse_amount

SHEET = "导入文本"
_KNOWN = frozenset(_GUANGDONG | _SHANDONG | L.ALL_GUANGDONG_LABELS)
_SPACE_RUN = re.compile(r"[ \u3000]{2,}")
_AMOUNT_LABELS = tuple(k for ks in L.BUDGET_FIELDS.values() for k in ks) + L.SD_TOTAL
_LABEL_AMOUNT = re.compile(r"^(?P<label>\D+?)\s*(?P<amount>-?\d[\d,]*(?:\.\d+)?\s*(?:万元|元)?)$")
_AMOUNT_PATHS = ("budget.", "staff_count", "sub_units")
_COUNT_LABELS = {"staff_count": "财政供养人数", "sub_units": "下属二级单位数"}


@dataclass
class ImportResult:
    form: Form
    unplaced: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, reason)
    summary: str = ""


def _split_line(line: str) -> list[str]:
    if "\t" not in line and _SPACE_RUN.search(line.strip()):
        return _SPACE_RUN.split(line.strip())
    return line.split("\t")


def _split_label_amount(cell: str) -> list[str]:
    m = _LABEL_AMOUNT.match(cell.strip())
    if m and L.key(m.group("label")) in _AMOUNT_LABELS:
        return [m.group("label").strip(), m.group("amount").strip()]
    return [cell]


def text_to_grid(text: str, sheet: str = SHEET) -> Grid:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    rows: dict[int, list[str]] = {}
    skip: set[int] = set()
    for i, line in enumerate(lines):
        n = i + 1
        if n in skip or not line.strip():
            continue
        if "\t" not in line and L.key(line) not in _KNOWN:
            joined = _join_broken_label(lines, i)
            if joined:
                label, used = joined
                rows[n] = [label]
                skip.update(used)
                continue
        cells: list[str] = []
        for cell in _split_line(line):
            cells.extend(_split_label_amount(cell))
        rows[n] = cells
    _join_broken_rows(rows)
    grid_cells = {}
    for n, cells in rows.items():
        for c, value in enumerate(cells, start=1):
            if not is_blank(value):
                grid_cells[(n, c)] = value.strip()
    return Grid(sheet=sheet, cells=grid_cells, ragged=True)


_TABLE_COLUMNS = {**{f"t.{k}": v for k, v in L.TASK_COLUMNS.items()},
                  **{f"i.{k}": v for k, v in L.INDICATOR_COLUMNS.items()}}


def _labels_in(cells: list[str]) -> int:
    return sum(1 for c in cells if L.match_column(c, _TABLE_COLUMNS))


def _width(cells: list[str]) -> int:
    return max((i + 1 for i, c in enumerate(cells) if not is_blank(c)), default=0)


def _joined(a: list[str], b: list[str]) -> list[str]:
    a = a[:_width(a)]
    return a[:-1] + [a[-1] + b[0]] + b[1:]


def _stacked(a: list[str], b: list[str]) -> list[str]:
    width = max(len(a), len(b))
    a, b = a + [""] * (width - len(a)), b + [""] * (width - len(b))
    return [x.strip() + y.strip() for x, y in zip(a, b)]


def _join_broken_rows(rows: dict[int, list[str]]) -> None:
    """Mend table rows that a line break inside a cell split over two lines.

    A task/indicator header printed over two lines (one label broken at the line end, or
    every label continued in its column on the next line) is joined when joining
    completes more column labels; under a header of width W, a short row whose continuation line starts
    with text (not an empty merged cell) is joined when together they make exactly W
    cells. The continuation line's number is left empty."""
    order = sorted(rows)
    width = 0
    i = 0
    while i < len(order):
        n = order[i]
        cells = rows[n]
        nxt = order[i + 1] if i + 1 < len(order) else None
        found = _labels_in(cells)
        if (nxt is not None and len(cells) > 1 and len(rows[nxt]) > 1
                and _labels_in(rows[nxt]) < 3):
            # A header printed over two lines: either one cell broken at the line end, or
            # every cell continued in the same column on the next line.
            follow = rows[nxt]
            candidates = [_stacked(cells, follow)]
            if not is_blank(follow[0]):
                candidates.append(_joined(cells, follow))
            best = max(candidates, key=_labels_in)
            if _labels_in(best) >= 3 and _labels_in(best) > found:
                rows[n] = cells = best
                del rows[nxt]
                order.pop(i + 1)
                found = _labels_in(cells)
        if found >= 3:
            width = _width(cells)
            i += 1
            continue
        if found == 0 and width and len(cells) > 1 and nxt is not None:
            k, follow = _width(cells), rows[nxt]
            if (0 < k < width and not is_blank(follow[0]) and len(follow) > 1
                    and k + _width(follow) - 1 == width and _labels_in(follow) == 0):
                rows[n] = _joined(cells, follow)
                del rows[nxt]
                order.pop(i + 1)
        i += 1


def _join_broken_label(lines: list[str], i: int) -> tuple[str, set[int]] | None:
    """A label that copying broke over two or three tab-free lines (blank lines between
    are tolerated): return the joined label and the line numbers it consumed."""
    parts, used = [lines[i].strip()], set()
    j = i + 1
    while j < len(lines) and len(parts) < 3:
        line = lines[j]
        if not line.strip():
            j += 1
            continue
        if "\t" in line or len(line.strip()) > 12:
            return None
        parts.append(line.strip())
        used.add(j + 1)
        if L.key("".join(parts)) in _KNOWN:
            return "".join(parts), used
        j += 1
    return None


def import_text(text: str, layout: str = "auto", name: str = "") -> ImportResult:
    """Parse a text extract. Raises FormReadError when no form can be recognised."""
    grid = text_to_grid(text)
    if not grid.cells:
        raise FormReadError(name, "文本为空，没有可导入的内容。")
    if layout != "auto" and scores(grid).get(layout, 0) < MIN_LABELS:
        wanted = {"guangdong": "广东样式", "shandong": "山东样式"}.get(layout, layout)
        raise FormReadError(name, f"文本中没有找到{wanted}申报表的标签，请检查 --layout 选项"
                                  "（或使用 auto 自动识别）。")
    try:
        result = parse_grid(grid, None if layout == "auto" else layout)
    except NotAForm:
        raise FormReadError(name, "未能识别表格类型：文本中没有找到申报表的标签"
                                  "（如“部门名称”“绩效指标”“职责序号”）。") from None
    form = result.form
    form.file = name
    unplaced = [(u.row, u.text, u.reason) for u in result.unplaced]
    for path, src in form.sources.items():
        if path.startswith(_AMOUNT_PATHS) or path.endswith(".amount"):
            if not is_blank(src.raw) and parse_amount(src.raw).value is None:
                line = int(re.sub(r"^[A-Z]+", "", src.cell))
                unplaced.append((line, str(src.raw), f"{_field_label(form, path)}无法识别"))
    total_note = _declared_total_not_kept(form)
    if total_note:
        unplaced.append(total_note)
    unplaced.sort(key=lambda u: u[0])
    return ImportResult(form, unplaced, summarize(form, unplaced))


def _field_label(form: Form, path: str) -> str:
    """What a number cell is, as the form names it (the user never sees field paths)."""
    from perfxl.core.rules.arithmetic import BUDGET_LABELS

    if path.startswith("budget."):
        return f"“{BUDGET_LABELS.get(path[len('budget.'):], path)}”的金额"
    if path in _COUNT_LABELS:
        return f"“{_COUNT_LABELS[path]}”"
    m = re.match(r"tasks\[(\d+)\]\.amount$", path)
    name = form.tasks[int(m.group(1))].name if m and int(m.group(1)) < len(form.tasks) else ""
    return f"任务“{name}”的拟投入资金" if name else "重点工作任务的拟投入资金"


def _declared_total_not_kept(form: Form) -> tuple[int, str, str] | None:
    """The official Shandong template computes 部门整体预算总额 (基本支出 + 项目支出) by
    formula, so a stated total that differs from that sum would not survive the import:
    it is reported instead, with its line. A total that agrees is carried by the formula."""
    b = form.budget
    src = form.sources.get("budget.declared_total")
    if form.layout != "shandong" or b.declared_total is None or src is None:
        return None
    if b.basic is None and b.project is None:
        return None
    computed = round((b.basic or 0.0) + (b.project or 0.0), 2)
    if abs(computed - b.declared_total) <= AMOUNT_TOLERANCE + 1e-9:
        return None
    line = int(re.sub(r"^[A-Z]+", "", src.cell))
    return (line, str(src.raw),
            f"部门整体预算总额 {b.declared_total:g} 万元与基本支出+项目支出 {computed:g} 万元不符；"
            "模板中的总额由公式计算，原文数值未写入表格")


def summarize(form: Form, unplaced: list[tuple[int, str, str]]) -> str:
    layout = {"guangdong": "广东样式", "shandong": "山东样式"}.get(form.layout, form.layout)
    b = form.budget
    amounts = [b.basic, b.project, b.fiscal, b.other]
    if form.layout == "guangdong":
        amounts += [b.special_fund, b.other_development, b.own_level, b.transfer]
    else:
        amounts.append(b.declared_total)
    got = sum(a is not None for a in amounts)
    lines = [
        f"已识别：{layout}，部门“{form.department or '（未识别）'}”，年度 {form.year or '（未识别）'}。",
        f"已导入：预算金额 {got}/{len(amounts)} 项，"
        + (f"重点工作任务 {len(form.tasks)} 项，" if form.layout == "guangdong" else "")
        + f"绩效指标 {len(form.indicators)} 行，"
        + ("总体绩效目标" if form.layout == "guangdong" else "战略目标")
        + ("已导入。" if form.overall_goal else "未找到。"),
    ]
    if unplaced:
        lines.append(f"未能导入 {len(unplaced)} 处内容，已列入“导入说明”工作表：")
        lines += [f"  第 {n} 行：{reason}：{text[:40]}" for n, text, reason in unplaced]
    else:
        lines.append("所有内容均已导入。")
    return "\n".join(lines)
