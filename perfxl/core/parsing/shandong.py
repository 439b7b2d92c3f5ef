"""Shandong layout (部门预算整体绩效目标表): grid → Form.

Header amounts are found by their labels (部门整体预算总额, and cells *ending* in
财政拨款 / 其他资金 / 基本支出 / 项目支出, since forms write "1.资金来源：（1）财政拨款").
The duty matrix is located by its header row (职责序号, 部门职责, …) plus the sub-header
rows of 指标参考值 below it; a repeated header starts a new segment. Empty 职责序号 /
部门职责 / 职责目标 cells inherit from the rows above (merged cells).

Workbook rows are read column by column through the header map. Text extracts
(``grid.ragged``) lose and gain cells when copied, so their rows are mapped onto the
fifteen canonical columns with a few structural repairs, each documented in
``_normalise_ragged``; a row that still cannot be placed is reported, not guessed.
"""

from __future__ import annotations

import re
from typing import Any

from perfxl.core.grid import Grid, is_blank
from perfxl.core.model import Form, History, Indicator, Standard
from perfxl.core.parsing import labels as L
from perfxl.core.parsing.common import Cursor, ParseResult, find_title, is_footer

# The canonical column order of the duty matrix.
COLUMNS = (
    "duty_no", "duty", "goal", "name", "explanation", "annual_value",
    "standard.plan_value", "standard.value", "standard.source",
    "history.avg3", "history.last_year", "history.source",
    "note", "activity", "project",
)
HEAD = 6  # duty_no … annual_value
REF = 6  # 指标参考值 sub-columns
_INHERIT = ("duty_no", "duty", "goal")
_DUTY_NO = re.compile(r"^[\d一二三四五六七八九十]+(?:[.．\-]\d+)*[.、．]?$")


def is_sd_label(value: Any) -> bool:
    k = L.key(value)
    if not k:
        return False
    return (L.match_sd_column(value) is not None or L.match_sd_subheader(value) is not None
            or k in L.SD_TOTAL + L.SD_STRATEGY + L.DEPARTMENT
            or (len(k) <= 20 and any(k.endswith(e) and ("资金" in k or "(" in k or k == e)
                                     for ks in L.SD_BUDGET_ENDINGS.values() for e in ks)))


def _header_map(grid: Grid, row: int) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for c in grid.row_cols(row):
        name = L.match_sd_column(grid.get(row, c))
        if name and name not in found:
            found[name] = c
    core = {"duty_no", "duty", "goal", "name"} & found.keys()
    return found if len(core) >= 3 else None


def _is_subheader_row(grid: Grid, row: int, base: int) -> bool:
    """A row of 指标参考值 sub-headers (cells left of the matrix are ignored)."""
    cols = [c for c in grid.row_cols(row) if c >= base]
    return bool(cols) and all(L.match_sd_subheader(grid.get(row, c)) for c in cols)


def _column_map(grid: Grid, header: int, subrows: list[int]) -> dict[str, int]:
    """Field → column for a workbook segment, from its header and sub-header rows."""
    top = _header_map(grid, header) or {}
    cols = {k: v for k, v in top.items() if k != "reference"}
    ref_start = top.get("reference", cols.get("annual_value", 6) + 1)
    sub: dict[str, int] = {}
    sources: list[int] = []
    for r in subrows:
        for c in grid.row_cols(r):
            kind = L.match_sd_subheader(grid.get(r, c))
            if kind == "source":
                sources.append(c)
            elif kind in ("plan_value", "std_value", "avg3", "last_year") and kind not in sub:
                sub[kind] = c
    names = {"plan_value": "standard.plan_value", "std_value": "standard.value",
             "avg3": "history.avg3", "last_year": "history.last_year"}
    for kind, c in sub.items():
        cols[names[kind]] = c
    sources.sort()
    last_std = max((cols.get(k, 0) for k in ("standard.plan_value", "standard.value")), default=0)
    for c in sources:
        if c > cols.get("history.last_year", 10**6) and "history.source" not in cols:
            cols["history.source"] = c
        elif c > last_std and c < cols.get("history.avg3", 10**6) and "standard.source" not in cols:
            cols["standard.source"] = c
    for i, name in enumerate(COLUMNS[HEAD:HEAD + REF]):
        cols.setdefault(name, ref_start + i)
    return cols


def parse_shandong(grid: Grid) -> ParseResult:
    form = Form(layout="shandong")
    cur = Cursor(grid, form)
    rows = grid.rows()
    find_title(cur, rows)
    header = next((r for r in rows if _header_map(grid, r)), None)
    head_rows = [r for r in rows if header is None or r < header]
    _read_header(cur, head_rows)
    if header is not None:
        _read_matrix(cur, header)
    return ParseResult(form, cur.unplaced(is_sd_label))


def _label_value(cur: Cursor, pred, rows: list[int]) -> tuple[int, int] | None:
    hit = cur.find(pred, rows)
    if not hit:
        return None
    cur.use(*hit)
    return cur.value_cell(*hit, is_sd_label)


def _read_header(cur: Cursor, rows: list[int]) -> None:
    form = cur.form
    cell = _label_value(cur, lambda v: L.key(v) in L.DEPARTMENT, rows)
    if cell:
        form.department = cur.take("department", *cell)
    cell = _label_value(cur, lambda v: L.key(v) in L.SD_TOTAL, rows)
    if cell:
        form.budget.declared_total = cur.take_amount("budget.declared_total", *cell)
    for name, endings in L.SD_BUDGET_ENDINGS.items():
        def pred(v: Any, endings=endings) -> bool:
            k = L.key(v)
            return bool(k) and len(k) <= 20 and any(k.endswith(e) for e in endings)
        cell = _label_value(cur, pred, rows)
        if cell:
            setattr(form.budget, name, cur.take_amount(f"budget.{name}", *cell))
    hit = cur.find(lambda v: L.key(v) in L.SD_STRATEGY, rows)
    if hit:
        cur.use(*hit)
        cell = cur.value_cell(*hit, is_sd_label)
        if is_blank(cur.raw(*cell)):
            below = [r for r in rows if r > hit[0]]
            nxt = next(((r, c) for r in below for c in cur.grid.row_cols(r)
                        if not is_sd_label(cur.raw(r, c))), None)
            cell = nxt or cell
        form.overall_goal = cur.take("overall_goal", *cell)


def _read_matrix(cur: Cursor, header: int) -> None:
    grid, form = cur.grid, cur.form
    rows = [r for r in grid.rows() if r >= header]
    segment: dict[str, int] | None = None
    base = 1
    pending_header: int | None = None
    subrows: list[int] = []
    inherited: dict[str, tuple[str, int, int]] = {}
    for r in rows:
        cols_here = grid.row_cols(r)
        top = _header_map(grid, r)
        if top:
            pending_header, subrows = r, []
            base = top.get("duty_no", min(top.values()))
            for c in cols_here:
                if c >= base:
                    cur.use(r, c)
            continue
        if _is_subheader_row(grid, r, base):
            subrows.append(r)
            for c in cols_here:
                if c >= base:
                    cur.use(r, c)
            continue
        if pending_header is not None:
            segment = _column_map(grid, pending_header, subrows)
            pending_header = None
        if segment is None:
            continue
        if is_footer(grid.get(r, cols_here[0])):
            break
        if grid.ragged:
            placed = _normalise_ragged(cur, r, base)
        else:
            placed = {name: (grid.get(r, c), c) for name, c in segment.items()}
        if placed is None:
            continue
        _add_indicator(cur, r, placed, inherited)


def _add_indicator(cur: Cursor, r: int, placed: dict[str, tuple[Any, int]],
                   inherited: dict[str, tuple[str, int, int]]) -> None:
    grid, form = cur.grid, cur.form
    if all(is_blank(v) for name, (v, _) in placed.items() if name not in _INHERIT):
        return
    i = len(form.indicators)
    ind = Indicator(standard=Standard(), history=History())
    for depth, name in enumerate(_INHERIT):
        value, c = placed.get(name, (None, 0))
        path = f"indicators[{i}].{name}"
        if not is_blank(value):
            setattr(ind, name, cur.take(path, r, c))
            inherited[name] = (getattr(ind, name), r, c)
            for deeper in _INHERIT[depth + 1:]:
                inherited.pop(deeper, None)
        elif name in inherited:
            text, rr, cc = inherited[name]
            setattr(ind, name, text)
            cur.source(path, rr, cc, grid.get(rr, cc))
        elif c:
            cur.source(path, r, c, None)
    for name in COLUMNS[3:]:
        value, c = placed.get(name, (None, 0))
        if not c:
            continue
        text = cur.take(f"indicators[{i}].{name}", r, c)
        if "." in name:
            group, attr = name.split(".")
            setattr(getattr(ind, group), attr, text)
        else:
            setattr(ind, name, text)
    form.indicators.append(ind)


def _normalise_ragged(cur: Cursor, r: int, base: int) -> dict[str, tuple[Any, int]] | None:
    """Map one text-extract row onto the canonical columns.

    Repairs, in order (positions are relative to the 职责序号 column):
    1. stray leading cells: a row whose first filled cell is a duty number standing right
       of the 职责序号 column is shifted left onto it;
    2. a text fragment in the 职责序号 column followed by an empty cell is the overflow of
       a merged cell from another column; it is reported and blanked;
    3. an empty 绩效指标 cell with content right of it is closed up (the extract lost the
       cell of a merged group column);
    4. a row wider than fifteen columns loses empty cells from its longest run of empty
       cells after the 年度指标值 column;
    5. a row ending before the 备注 column's right neighbours is right-anchored: its last
       cell is 预算项目 and the one before 工作活动.
    Rows whose 职责序号 (own or inherited) is not a number, or whose 绩效指标 stays empty,
    are reported whole.
    """
    grid = cur.grid
    cols = grid.row_cols(r)
    width = max(cols) - base + 1
    cells: list[tuple[Any, int]] = [(grid.get(r, base + i), base + i) for i in range(width)]
    for c in cols:
        if c < base:
            cur.reject(r, c, "位于表格左侧的多余内容")
    first = next((i for i, (v, _) in enumerate(cells) if not is_blank(v)), None)
    if first is None:
        return None
    # 1. stray leading cells
    if first > 0 and _DUTY_NO.match(L.clean_text(cells[first][0])):
        cells = cells[first:]
        first = 0
    # 2. a fragment in the 职责序号 column
    v0 = cells[0][0]
    if (not is_blank(v0) and not _DUTY_NO.match(L.clean_text(v0)) and len(cells) > 1
            and is_blank(cells[1][0])):
        cur.reject(r, cells[0][1], "职责序号列中的文字无法确定所属栏目（可能来自合并单元格）")
        cells = [(None, cells[0][1])] + cells[1:]
        # 3. … and its row is usually shifted right by the lost cell
    # 3. close up an empty 绩效指标 cell
    while len(cells) > 4 and is_blank(cells[3][0]) and any(
            not is_blank(v) for v, _ in cells[4:HEAD + 1]):
        del cells[3]
    # 4. too wide: drop empty cells from the longest empty run after the head
    excess = _last_filled(cells) + 1 - len(COLUMNS)
    while excess > 0:
        run = _longest_empty_run(cells, HEAD)
        if run is None:
            break
        del cells[run]
        excess -= 1
    if excess > 0:
        for v, c in cells[len(COLUMNS):]:
            cur.reject(r, c, "超出表格列数的多余内容")
        cells = cells[:len(COLUMNS)]
    last = _last_filled(cells)
    placed: dict[str, tuple[Any, int]] = {}
    for i, name in enumerate(COLUMNS):
        if i < len(cells):
            placed[name] = cells[i]
    # 5. right-anchor a short tail
    tail_start = HEAD + REF
    if tail_start <= last < len(COLUMNS) - 1:
        tail = cells[tail_start:last + 1]
        placed["project"] = tail[-1]
        placed["activity"] = tail[-2] if len(tail) >= 2 else (None, 0)
        placed["note"] = tail[-3] if len(tail) >= 3 else (None, 0)
    duty_no = placed.get("duty_no", (None, 0))[0]
    if not is_blank(duty_no) and not _DUTY_NO.match(L.clean_text(duty_no)):
        for v, c in cells:
            cur.reject(r, c, "无法识别的行：职责序号不是序号，列可能错位")
        return None
    if is_blank(placed.get("name", (None, 0))[0]):
        for v, c in cells:
            cur.reject(r, c, "无法识别的行：没有绩效指标")
        return None
    return placed


def _last_filled(cells: list[tuple[Any, int]]) -> int:
    return max((i for i, (v, _) in enumerate(cells) if not is_blank(v)), default=-1)


def _longest_empty_run(cells: list[tuple[Any, int]], start: int) -> int | None:
    best, best_len, i = None, 0, start
    last = _last_filled(cells)
    while i < last:
        if is_blank(cells[i][0]):
            j = i
            while j < last and is_blank(cells[j][0]):
                j += 1
            if j - i > best_len:
                best, best_len = i, j - i
            i = j
        else:
            i += 1
    return best
