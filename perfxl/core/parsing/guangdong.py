"""Guangdong layout (市直部门整体预算绩效目标申报表): grid → Form.

Blocks are found by their labels, never by address: the header labels (部门名称,
财政供养人数, 基本支出 …) give their value in the next filled cell to the right; the task
and indicator tables are located by their header rows, and each header row maps the
columns of the rows under it (a repeated header starts a new segment with its own map).
Indicator rows with empty 一级/二级 cells inherit them from the rows above (merged cells).
Content is reproduced column by column, defects included: the rules judge it.
"""

from __future__ import annotations

import re

from perfxl.core.framework import FRAMEWORKS
from perfxl.core.grid import Grid, is_blank
from perfxl.core.model import Form, Indicator, Source, Task
from perfxl.core.parsing import labels as L
from perfxl.core.parsing.common import (Cursor, ParseResult, Unit, find_title, form_unit,
                                        is_footer, rows_with_key)
from perfxl.core.values import AMOUNT_UNITS

# A header row needs at least this many of its table's column labels.
_TASK_HEADER_MIN = 3
_GOAL_STOP = (L.TASKS_BLOCK + L.OTHER_TASKS + L.INDICATORS_BLOCK
              + tuple(k for ks in L.TASK_COLUMNS.values() for k in ks)
              + tuple(k for ks in L.INDICATOR_COLUMNS.values() for k in ks))


_TASK_NAMES = L.names_by_key(L.TASK_COLUMNS)
_INDICATOR_NAMES = L.names_by_key(L.INDICATOR_COLUMNS)

Heads = dict[int, dict[str, int]]  # header row → column by name


# A header row names at least three task columns, or two of these indicator columns;
# neither by a year-prefixed spelling (only the annual value column has one).
_HEADER_KEYS = frozenset(_TASK_NAMES) | frozenset(
    k for name in ("level1", "level2", "name") for k in L.INDICATOR_COLUMNS[name])


def _headers(grid: Grid) -> tuple[Heads, Heads]:
    """The task and the indicator table header rows, each with its column map."""
    tasks: Heads = {}
    indicators: Heads = {}
    cells = grid.cells
    for r in rows_with_key(grid, _HEADER_KEYS):
        task: dict[str, int] = {}
        ind: dict[str, int] = {}
        for c in grid.row_cols(r):
            k = L.column_key(cells[(r, c)])
            name = _TASK_NAMES.get(k)
            if name and name not in task:
                task[name] = c
            name = _INDICATOR_NAMES.get(k)
            if name and name not in ind:
                ind[name] = c
        if len(task) >= _TASK_HEADER_MIN:
            tasks[r] = task
        has_value = "annual_value" in ind or "single_value" in ind
        if has_value and len({"level1", "level2", "name"} & ind.keys()) >= 2:
            indicators[r] = ind
    return tasks, indicators


def _row_is_only(grid: Grid, row: int, keys: tuple[str, ...]) -> bool:
    vals = [grid.get(row, c) for c in grid.row_cols(row)]
    return bool(vals) and all(L.key(v) in keys for v in vals)


def parse_guangdong(grid: Grid) -> ParseResult:
    form = Form(layout="guangdong")
    cur = Cursor(grid, form)
    rows = grid.rows()
    find_title(cur, rows)

    task_heads, ind_heads = _headers(grid)
    task_header = min(task_heads, default=None)
    ind_header = min(ind_heads, default=None)
    task_stops = set(ind_heads)
    headerless = None
    if ind_header is None:
        headerless = _headerless_table(cur)
        if headerless:
            first, cols = headerless
            ind_header = first - 1  # (a row above the first one, never read)
            ind_heads = {ind_header: cols}
            task_stops = {first}
    first_table = min((r for r in (task_header, ind_header) if r is not None), default=None)

    unit = form_unit(cur, first_table)
    _read_header(cur, first_table, unit)
    _read_free_text(cur, L.OVERALL_GOAL, "overall_goal", rows)
    if task_header is not None:
        _mark_table(cur, "tasks", task_heads[task_header], task_header)
        _read_tasks(cur, task_header, task_heads, task_stops, unit)
    _read_free_text(cur, L.OTHER_TASKS, "other_tasks", rows)
    if ind_header is not None:
        _mark_table(cur, "indicators", ind_heads[ind_header], ind_header)
        _read_indicators(cur, ind_header, ind_heads, header_row=headerless is None)
    return ParseResult(form, cur.unplaced(L.is_guangdong_label))


# Framework categories: a row holding a 一级 and, right of it, a 二级 category is an
# indicator row, with or without a header above it.
_LEVEL1 = frozenset(L.key(n) for fw in FRAMEWORKS.values() for n in fw)
_LEVEL2 = frozenset(L.key(n) for fw in FRAMEWORKS.values() for ns in fw.values() for n in ns)
_OFFICIAL_ORDER = ("level1", "level2", "name", "annual_value", "period_value")


def _headerless_table(cur: Cursor) -> tuple[int, dict[str, int]] | None:
    """An indicator table whose header row was deleted: its first row, on the 绩效指标
    block label's row or one of the two below it, holds a framework 一级 and 二级 category
    side by side; its columns are taken in the official order from there (一级, 二级, 三级,
    年度指标值, then 实施周期指标值 if any row fills that column). The first row's 一级
    cell is recorded as ``sources["indicator_header_missing"]``, for PX213 to warn."""
    label = cur.find_label(L.INDICATORS_BLOCK)
    if label is None:
        return None
    grid, cells = cur.grid, cur.grid.cells
    for r in grid.rows():
        if r < label[0]:
            continue
        if r > label[0] + 2:
            return None
        for c in grid.row_cols(r):
            if L.key(cells[(r, c)]) in _LEVEL1 and L.key(cells.get((r, c + 1))) in _LEVEL2:
                cols = dict(zip(_OFFICIAL_ORDER, range(c, c + 5)))
                if not any((row, c + 4) in cells for row in grid.rows() if row >= r):
                    del cols["period_value"]
                cur.source("indicator_header_missing", r, c, cells[(r, c)])
                return r, cols
    return None


def _mark_table(cur: Cursor, path: str, cols: dict[str, int], header: int) -> None:
    """The name cell of the table's first row: where a finding about an empty table
    (no task, no indicator) points, instead of the form's header."""
    cur.source(path, header + 1, cols.get("name", min(cols.values())))


def _label_value(cur: Cursor, keys: tuple[str, ...], before: int | None
                 ) -> tuple[int, int] | None:
    hit = cur.find_label(keys, before)
    if not hit:
        return None
    cur.use(*hit)
    return cur.value_cell(*hit, L.is_guangdong_label)


def _read_header(cur: Cursor, first_table: int | None, unit: Unit | None) -> None:
    """The labelled values above the first table; ``unit``: the form's amount unit, if a
    note states one."""
    form = cur.form
    cell = _label_value(cur, L.DEPARTMENT, first_table)
    if cell:
        form.department = cur.take("department", *cell)
    cell = _label_value(cur, L.STAFF_COUNT, first_table)
    if cell:
        form.staff_count = cur.take_amount("staff_count", *cell)
    cell = _label_value(cur, L.SUB_UNITS, first_table)
    if cell:
        form.sub_units = cur.take_amount("sub_units", *cell)
    for name, keys in L.BUDGET_FIELDS.items():
        hit = cur.find_label(keys, first_table)
        if hit:
            cur.use(*hit)
            cell = cur.value_cell(*hit, L.is_guangdong_label)
            stated = cur.stated_unit(hit, cell) or unit
            setattr(form.budget, name, cur.take_amount(f"budget.{name}", *cell, stated))


def _read_free_text(cur: Cursor, keys: tuple[str, ...], path: str, rows: list[int]) -> None:
    """A free-text block (总体绩效目标, 其他需完成的任务): right of its label, or — as text
    extracts print the label as a heading — in the rows below it, up to the next block."""
    grid = cur.grid
    hit = cur.find_label(keys)
    if not hit:
        return
    r0, c0 = hit
    cur.use(r0, c0)
    cell = cur.value_cell(r0, c0, L.is_guangdong_label)
    if not is_blank(grid.get(*cell)):
        setattr(cur.form, path, cur.take(path, *cell))
        return
    parts, first = [], None
    for r in rows:
        if r <= r0:
            continue
        cols = grid.row_cols(r)
        if any(L.key(grid.get(r, c)) in _GOAL_STOP for c in cols) or is_footer(grid.get(r, cols[0])):
            break
        for c in cols:
            first = first or (r, c)
            parts.append(cur.text(r, c))
            cur.use(r, c)
    if first:
        text = "\n".join(parts)
        setattr(cur.form, path, text)
        cur.source(path, *first, grid.get(*first) if len(parts) == 1 else text)
    else:
        cur.source(path, *cell, None)


def _aligned(grid: Grid, row: int, cols: dict[str, int]) -> dict[str, int]:
    """Column map for one data row. Text extracts may carry a stray leading cell (a merged
    side label such as 绩效指标 printed on the row): a row wider than its header is
    right-aligned to it."""
    if not grid.ragged:
        return cols
    last = max(cols.values())
    extra = grid.row_end(row) - last
    if extra <= 0:
        return cols
    return {k: c + extra for k, c in cols.items()}


def _indicator_columns(grid: Grid, row: int, cols: dict[str, int], side: int
                       ) -> tuple[dict[str, int], int]:
    """Column map for one indicator row of a text extract, and the side columns it carries.

    A row wider than its header carries side-label columns (``_aligned``). A row that is
    not wider but leaves its first column empty, below rows that carried a side column,
    carries it too and ends in an empty cell that copying dropped: its cells are read
    where they stand, so a 二级 name printed in the 一级 column stays there for the rules.
    A row that starts with content in the first column (a 一级 of its own) carries none."""
    if not grid.ragged:
        return cols, 0
    aligned = _aligned(grid, row, cols)
    extra = min(aligned.values()) - min(cols.values())
    if extra:
        return aligned, extra
    first = grid.get(row, min(cols.values()))
    if L.key(first) in L.INDICATORS_BLOCK or (side and is_blank(first)):
        shift = max(side, 1)
        return {k: c + shift for k, c in cols.items()}, shift
    return cols, 0


def _segment_rows(cur: Cursor, header: int, heads: Heads, stop, header_row: bool = True,
                  ) -> list[tuple[int, dict[str, int]]]:
    """Data rows under ``header`` with the column map in force for each; repeated headers
    (``heads``: the table's header rows) start a new segment and are consumed
    (``header_row``: whether ``header`` is one, or just the row above a headerless table)."""
    grid = cur.grid
    cols = heads[header]
    if header_row:
        _use_header(cur, header, cols)
    out = []
    for r in grid.rows():
        if r <= header:
            continue
        again = heads.get(r)
        if again:
            cols = again
            _use_header(cur, r, cols)
            continue
        if stop(r):
            break
        out.append((r, cols))
    return out


# Header cells that name no column to read, and need none.
_NOT_A_COLUMN = frozenset(L.key(s) for s in ("序号", "编号"))


def _use_header(cur: Cursor, row: int, cols: dict[str, int]) -> None:
    """Consume a header row; a cell naming no column of its table is reported."""
    mapped = set(cols.values())
    for c in cur.grid.row_cols(row):
        v = cur.raw(row, c)
        if c in mapped or L.is_guangdong_label(v) or L.key(v) in _NOT_A_COLUMN:
            cur.use(row, c)
        else:
            cur.unread_header(row, c)


def _read_tasks(cur: Cursor, header: int, heads: Heads, stops: set[int],
                unit: Unit | None) -> None:
    """The task rows under ``header``, up to a row of ``stops`` (where the indicator
    table starts) or another block."""
    grid = cur.grid
    # the amount unit each header row states (拟投入资金（元）), else the form's
    units = {id(cols): _header_unit(cur, r, cols) or unit for r, cols in heads.items()}

    def stop(r: int) -> bool:
        first = grid.get(r, grid.row_cols(r)[0])
        return (r in stops or L.key(first) in L.OTHER_TASKS
                or is_footer(first)
                or (L.key(first) in L.INDICATORS_BLOCK and len(grid.row_cols(r)) > 1))

    for r, cols in _segment_rows(cur, header, heads, stop):
        if _row_is_only(grid, r, L.TASKS_BLOCK):
            cur.use(r, grid.row_cols(r)[0])
            continue
        stated = units[id(cols)]
        cols = _aligned(grid, r, cols)
        if all(is_blank(grid.get(r, c)) for c in cols.values()):
            continue
        if _is_total_row(grid, r, cols):
            for c in grid.row_cols(r):
                cur.use(r, c)  # 合计 / coverage rows are derived, never read
            continue
        i = len(cur.form.tasks)
        task = Task()
        for name, c in cols.items():
            path = f"tasks[{i}].{name}"
            if name == "amount":
                task.amount = cur.take_amount(path, r, c, stated)
            else:
                setattr(task, name, cur.take(path, r, c))
        cur.form.tasks.append(task)


def _header_unit(cur: Cursor, row: int, cols: dict[str, int]) -> Unit | None:
    c = cols.get("amount")
    raw = cur.raw(row, c) if c is not None else None
    unit = L.label_unit(raw)
    return (unit, L.clean_text(raw)) if unit in AMOUNT_UNITS else None


_TOTAL_WORDS = ("合计", "小计", "总计")
# The template's coverage row, 重点任务资金覆盖率（合计/项目支出）, and its shorter spellings;
# not any 覆盖率: a task may be named 提升村（社区）法律顾问覆盖率.
_COVERAGE_ROW = re.compile(r"(?:重点)?(?:任务)?资金覆盖率(?:\(.*\))?")


def _is_total_row(grid: Grid, r: int, cols: dict[str, int]) -> bool:
    first = L.key(grid.get(r, min(cols.values())))
    return first.startswith(_TOTAL_WORDS) or _COVERAGE_ROW.fullmatch(first) is not None


def _read_indicators(cur: Cursor, header: int, heads: Heads, header_row: bool = True) -> None:
    grid, form = cur.grid, cur.form
    form.value_columns = 2 if "period_value" in heads[header] else 1

    def stop(r: int) -> bool:
        first = grid.get(r, grid.row_cols(r)[0])
        return is_footer(first) or L.key(first) in L.OTHER_TASKS

    cells = grid.cells
    inherited: dict[str, tuple[str, Source]] = {}  # level → text and its cell
    side, segment = 0, None
    cols = None
    for r, header_cols in _segment_rows(cur, header, heads, stop, header_row):
        if header_cols is not segment:  # a repeated header starts afresh
            side, segment = 0, header_cols
        new_cols, side = _indicator_columns(grid, r, header_cols, side)
        if new_cols is not cols:  # a workbook's rows share their segment's map
            cols = new_cols
            content = [c for k, c in cols.items() if k not in _LEVELS]
            first = min(cols.values())
            levels = [(level, cols[level]) for level in _LEVELS if level in cols]
            fields = _value_fields(cols)
        if not any((r, c) in cells for c in content):  # (an empty cell is not in the grid)
            continue  # an empty template row, or a side label alone
        for c in grid.row_cols(r):
            if c >= first:
                break
            if L.key(cells[(r, c)]) in L.INDICATORS_BLOCK:
                cur.use(r, c)
        i = len(form.indicators)
        ind = Indicator()
        for level, c in levels:
            path = f"indicators[{i}].{level}"
            if (r, c) in cells:
                text = cur.take(path, r, c)
                setattr(ind, level, text)
                inherited[level] = (text, form.sources[path])
                if level == "level1":
                    inherited.pop("level2", None)
            elif level in inherited:
                # the rows of a merged cell share its value and its Source
                text, form.sources[path] = inherited[level]
                setattr(ind, level, text)
            else:
                cur.source(path, r, c, None)
        cur.take_row(f"indicators[{i}].", r, fields, (ind,))
        form.indicators.append(ind)


def _value_fields(cols: dict[str, int]) -> list[tuple[str, int, int, str]]:
    """The (name, column, 0, attribute) of an indicator row's 三级指标 and values, for
    ``Cursor.take_row``; a single 指标值 column is read as the annual value."""
    out = []
    for name in ("name", "annual_value", "period_value"):
        c = cols.get(name)
        if name == "annual_value" and c is None:
            c = cols.get("single_value")
        if c is not None:
            out.append((name, c, 0, name))
    return out


_LEVELS = ("level1", "level2")
