"""Shandong layout (部门预算整体绩效目标表): grid → Form.

Header amounts are found by their labels (部门整体预算总额, and cells *ending* in
财政拨款 / 其他资金 / 基本支出 / 项目支出, since forms write "1.资金来源：（1）财政拨款").
The duty matrix is located by its header row (职责序号, 部门职责, …) plus the sub-header
rows of 指标参考值 below it; a repeated header starts a new segment. Empty 职责序号 /
部门职责 / 职责目标 cells inherit from the rows above (merged cells).

Workbook rows are read column by column through the header map. Text extracts
(``grid.ragged``) lose and gain cells when copied, so their rows are aligned with the
fifteen canonical columns by position and content (``_normalise_ragged``); a row with no
indicator is reported, not guessed.
"""

from __future__ import annotations

import re
from typing import Any

from perfxl.core.grid import Grid, is_blank
from perfxl.core.model import Form, History, Indicator, Source, Standard
from perfxl.core.parsing import labels as L
from perfxl.core.parsing.common import (Cursor, ParseResult, find_title, form_unit,
                                        is_footer, rows_with_key)

# The canonical column order of the duty matrix.
COLUMNS = (
    "duty_no", "duty", "goal", "name", "explanation", "annual_value",
    "standard.plan_value", "standard.value", "standard.source",
    "history.avg3", "history.last_year", "history.source",
    "note", "activity", "project",
)
HEAD = 6  # duty_no … annual_value
REF = 6  # 指标参考值 sub-columns
_INHERIT = ("duty_no", "duty", "goal")  # merged over the rows of a duty
_CHAIN = _INHERIT + ("name",)  # a new value resets the ones after it
_NAME = len(_INHERIT)  # 绩效指标's place in the chain
_DUTY_NO = re.compile(r"^[\d一二三四五六七八九十]+(?:[.．\-]\d+)*[.、．]?$")


def is_sd_label(value: Any) -> bool:
    k = L.key(value)
    if not k or k in _GENERIC:
        return False
    return (L.match_sd_column(value) is not None or L.match_sd_subheader(value) is not None
            or k in _HEADER_LABELS
            or (len(k) <= 20 and k.endswith(_BUDGET_ENDINGS)
                and ("资金" in k or "(" in k or k in _BUDGET_ENDINGS)))


# 序号, 职责, 目标 are labels only in a header row (where they are used): elsewhere, text.
_GENERIC = frozenset(L.SD_GENERIC)
_HEADER_LABELS = frozenset(L.SD_TOTAL + L.SD_STRATEGY + L.DEPARTMENT)
_BUDGET_ENDINGS = tuple(e for ends in L.SD_BUDGET_ENDINGS.values() for e in ends)


# A header row names at least three of these columns, each by one of these keys.
_CORE = ("duty_no", "duty", "goal", "name")
_CORE_KEYS = frozenset(k for name in _CORE for k in L.SD_COLUMNS[name])


def _header_map(grid: Grid, row: int) -> dict[str, int] | None:
    found: dict[str, int] = {}
    cells, of_text = grid.cells, L.sd_column_of_text
    for c in grid.row_cols(row):
        value = cells[(row, c)]
        name = of_text(value) if type(value) is str else L.match_sd_column(value)
        if name and name not in found:
            found[name] = c
    core = found.keys() & _CORE
    return found if len(core) >= 3 else None


def _is_subheader_row(grid: Grid, row: int, base: int) -> bool:
    """A row of 指标参考值 sub-headers (cells left of the matrix are ignored)."""
    cells = grid.cells
    seen = False
    for c in grid.row_cols(row):
        if c >= base:
            if not L.match_sd_subheader(cells[(row, c)]):
                return False
            seen = True
    return seen


def _column_map(grid: Grid, header: int, subrows: list[int],
                top: dict[str, int] | None = None) -> dict[str, int]:
    """Field → column for a workbook segment, from its header (``top``: its header map,
    when known) and sub-header rows."""
    top = top or _header_map(grid, header) or {}
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
    heads = {}
    for r in rows_with_key(grid, _CORE_KEYS):
        top = _header_map(grid, r)
        if top:
            heads[r] = top
    header = min(heads, default=None)
    _read_header(cur, [r for r in rows if header is None or r < header], header)
    if header is not None:
        _mark_matrix(cur, header, heads[header])
        _read_matrix(cur, header, heads)
    return ParseResult(form, cur.unplaced(is_sd_label))


def _mark_matrix(cur: Cursor, header: int, top: dict[str, int]) -> None:
    """The 绩效指标 cell of the matrix's first row, below its sub-headers: where a
    finding about a matrix with no indicator points, instead of the form's header."""
    grid = cur.grid
    base = top.get("duty_no", min(top.values()))
    r = header + 1
    while _is_subheader_row(grid, r, base):
        r += 1
    cols = _column_map(grid, header, list(range(header + 1, r)), top)
    cur.source("indicators", r, cols.get("name", base))


def _label_value(cur: Cursor, hit: tuple[int, int] | None) -> tuple[int, int] | None:
    if not hit:
        return None
    cur.use(*hit)
    return cur.value_cell(*hit, is_sd_label)


def _read_header(cur: Cursor, rows: list[int], header: int | None) -> None:
    """The labelled values in ``rows``, the rows above the matrix's ``header``."""
    form = cur.form
    cell = _label_value(cur, cur.find_label(L.DEPARTMENT, header))
    if cell:
        form.department = cur.take("department", *cell)
    unit = form_unit(cur, header)  # a note such as 单位：元
    hit = cur.find_label(L.SD_TOTAL, header)
    cell = _label_value(cur, hit)
    if cell:
        form.budget.declared_total = cur.take_amount("budget.declared_total", *cell,
                                                     cur.stated_unit(hit, cell) or unit)
    for name, endings in L.SD_BUDGET_ENDINGS.items():
        def pred(v: Any, endings=endings) -> bool:
            k = L.key(v)
            return bool(k) and len(k) <= 20 and k.endswith(endings)
        hit = cur.find(pred, rows)
        cell = _label_value(cur, hit)
        if cell:
            setattr(form.budget, name, cur.take_amount(f"budget.{name}", *cell,
                                                       cur.stated_unit(hit, cell) or unit))
    hit = cur.find_label(L.SD_STRATEGY, header)
    if hit:
        cur.use(*hit)
        cell = cur.value_cell(*hit, is_sd_label)
        if is_blank(cur.raw(*cell)):
            below = [r for r in rows if r > hit[0]]
            nxt = next(((r, c) for r in below for c in cur.grid.row_cols(r)
                        if not is_sd_label(cur.raw(r, c))), None)
            cell = nxt or cell
        form.overall_goal = cur.take("overall_goal", *cell)


def _read_matrix(cur: Cursor, header: int, heads: dict[int, dict[str, int]]) -> None:
    """The rows from ``header`` on; ``heads``: the header map of every header row."""
    grid = cur.grid
    cells = grid.cells
    rows = [r for r in grid.rows() if r >= header]
    segment: dict[str, int] | None = None
    base = 1
    pending_header: int | None = None
    subrows: list[int] = []
    shift = 0  # how far the rows since the last numbered text row were moved
    inherited: dict[str, tuple[str, Source]] = {}  # duty chain value → text and its cell
    for r in rows:
        cols_here = grid.row_cols(r)
        top = heads.get(r)
        if top:
            pending_header, subrows = r, []
            base = top.get("duty_no", min(top.values()))
            shift = 0
            named = set(top.values())
            for c in cols_here:
                if c in named:
                    cur.use(r, c)
                elif c >= base:
                    cur.unread_header(r, c)
            continue
        if _is_subheader_row(grid, r, base):
            subrows.append(r)
            for c in cols_here:
                if c >= base:
                    cur.use(r, c)
            continue
        if pending_header is not None:
            segment = _column_map(grid, pending_header, subrows, heads[pending_header])
            chain_cols = [segment.get(name, 0) for name in _CHAIN]
            reads = _reads(segment)
            pending_header = None
        if segment is None:
            continue
        if is_footer(cells[(r, cols_here[0])]):
            break
        if grid.ragged:
            placed, continuation, shift = _normalise_ragged(cur, r, base, shift)
            if placed is not None:
                _add_ragged_indicator(cur, r, placed, inherited)
            if continuation is not None:
                _continue_duty(cur, r, continuation, inherited)
            continue
        # a workbook row: its cells are where the segment's header puts them (an empty
        # cell is not in the grid: it reads None)
        chain = [(cells.get((r, c)), c) for c in chain_cols]
        if chain[_NAME][0] is not None or any((r, c) in cells for _, c, _, _ in reads[-1]):
            _add_indicator(cur, r, chain, reads, inherited)


Reads = tuple[list[tuple[str, int, int, str]], ...]


def _reads(cols: dict[str, int]) -> Reads:
    """The cells of a row that ``Cursor.take_row`` reads in one pass, as (name, column,
    model object, attribute) — the object is 0 for the indicator, 1 for its standard, 2
    for its history: item d when the row states its duty chain from ``_CHAIN[d]`` on,
    those chain columns (the ones ``cols`` places) and every column after the chain."""
    fields = [(name, c, group, attr) for name, group, attr in _FIELDS if (c := cols.get(name))]
    chain = [(name, c, 0, name) for name in _CHAIN if (c := cols.get(name))]
    return tuple([e for e in chain if e[0] in _CHAIN[d:]] + fields for d in range(len(_CHAIN) + 1))


def _continue_duty(cur: Cursor, r: int, cell: tuple[Any, int],
                   inherited: dict[str, tuple[str, Source]]) -> None:
    """A line of the merged 部门职责 cell printed beside a later row: it is appended to
    that duty, in every row the merged cell spans. The 部门职责 is the merged column that
    spans such rows: a numberless row may start its own 职责目标 or 绩效指标 (both happen
    in the seeds), never its own 部门职责."""
    value, c = cell
    if "duty" not in inherited:
        cur.reject(r, c, "职责序号列中的文字无法确定所属栏目（可能来自合并单元格）")
        return
    text, source = inherited["duty"]
    joined = f"{text}\n{L.clean_text(value)}"
    for i, ind in enumerate(cur.form.indicators):
        src = cur.form.sources.get(f"indicators[{i}].duty")
        if src is not None and src.cell == source.cell and ind.duty == text:
            ind.duty = joined
    inherited["duty"] = (joined, source)
    cur.use(r, c)


def _add_ragged_indicator(cur: Cursor, r: int, placed: dict[str, tuple[Any, int]],
                          inherited: dict[str, tuple[str, Source]]) -> None:
    """A text-extract row, aligned with the canonical columns by ``_normalise_ragged``."""
    for name, (v, _) in placed.items():
        if name not in _INHERIT and not is_blank(v):
            break
    else:
        return  # nothing but the duty chain
    chain = [placed[name] for name in _CHAIN]
    own = {name for name, (v, _) in zip(_CHAIN, chain) if not is_blank(v)}
    # An empty 绩效指标 that the alignment left empty continues the one above, in a row
    # that keeps its duty and goal.
    if "name" not in own and (own & set(_INHERIT) or "name" not in inherited):
        for v, c in placed.values():
            if c and not is_blank(v):
                cur.reject(r, c, "无法识别的行：没有绩效指标")
        return
    _add_indicator(cur, r, chain, _reads({name: c for name, (_, c) in placed.items()}), inherited)


def _add_indicator(cur: Cursor, r: int, chain: list[tuple[Any, int]], reads: Reads,
                   inherited: dict[str, tuple[str, Source]]) -> None:
    """An indicator from row ``r``: ``chain`` holds the (value, column) of 职责序号,
    部门职责, 职责目标 and 绩效指标 (None: empty; column 0: not in the table), ``reads``
    its cells (``_reads``)."""
    grid, form = cur.grid, cur.form
    name_row = r
    name_value, name_col = chain[_NAME]
    merge = (grid.merged_at(r, name_col) if name_col and not grid.ragged and name_value is None
             else None)
    if merge is not None:
        # inside a merged 绩效指标: the merge's top-left cell holds the indicator
        name_row, name_col = merge.min_row, merge.min_col
        chain = [*chain[:_NAME], (grid.get(name_row, name_col), name_col)]
    stated = [value is not None for value, _ in chain]  # (an empty cell reads None)
    # The chain up to the first value the row states continues the rows above (merged
    # cells). From there on it is read with the rest of the row: reading an empty cell
    # records what the loop below records for it (its address, no content, no text).
    # Not so in a text extract, where the alignment may place an empty value where the
    # copy printed another cell, nor in a merged 绩效指标, read from its top-left cell.
    first = (stated.index(True) if True in stated and merge is None and not grid.ragged
             else len(_CHAIN))
    i = len(form.indicators)
    prefix = f"indicators[{i}]."
    ind = Indicator(standard=Standard(), history=History())
    for depth in range(first):
        name, (value, c) = _CHAIN[depth], chain[depth]
        path = prefix + name
        if stated[depth]:
            text = cur.take(path, name_row if name == "name" else r, c)
            setattr(ind, name, text)
            inherited[name] = (text, form.sources[path])
            for deeper in _CHAIN[depth + 1:]:
                inherited.pop(deeper, None)
        elif name in inherited and (name != "name" or grid.ragged):
            # the rows of a merged cell share its value and its Source
            text, form.sources[path] = inherited[name]
            setattr(ind, name, text)
        elif c:
            cur.source(path, r, c, None)
    cur.take_row(prefix, r, reads[first], (ind, ind.standard, ind.history))
    for name, own in zip(_CHAIN[first:], stated[first:]):
        if own:
            inherited[name] = (getattr(ind, name), form.sources[prefix + name])
        else:
            inherited.pop(name, None)
    form.indicators.append(ind)


# (column, model object — 0 the indicator, 1 its standard, 2 its history —, attribute) of
# the columns after the duty chain
def _field(name: str) -> tuple[str, int, str]:
    group, _, attr = name.rpartition(".")
    return name, ("", "standard", "history").index(group), attr


_FIELDS = tuple(_field(name) for name in COLUMNS[len(_CHAIN):])


# Costs of the ragged-row alignment (see _normalise_ragged). A changed run of empty cells
# is one copying accident whatever its length, so its cost grows only slowly with the size.
_RUN_CHANGED = 2.0
_RUN_EXTRA_CELL = 1.0
_SOURCE_PLACED = -3.0  # a source-like text in a 来源 column
_SOURCE_AS_VALUE = 2.0  # … in a value column of 指标参考值
_NUMBER_NOT_FIRST = 5.0  # a leading duty number kept out of the 职责序号 column
_DUTY_WITHOUT_NO = 3.0  # a new 部门职责 in a row without its own 职责序号
_TAIL_SHORT = 3.0  # a row reaching the tail that does not end in 预算项目
_NUMBER_WITHOUT_DUTY = 3.0  # a new 职责序号 comes with its 部门职责
_GROUP_MOVED = 3.0  # a numberless row's own 部门职责/职责目标 moved from where it was printed
_ANNUAL_EMPTY = 3.0  # every indicator row states its 年度指标值 …
_STATED_EMPTY = 2.0  # … and its 指标解释
_REPEATS_TARGET = -1.0  # a 2021年标准值 repeating the 年度指标值 printed just before it
_NOTE_FILLED = 1.0  # 备注 (why no 标准值/历史值) is filled less often than 工作活动
_NEW_GOAL_NO_NAME = 10.0  # a row with its own 职责目标 has its own 绩效指标
_NAME_SHARED = 5.0  # rows print their own 绩效指标; an empty one is mostly a copying artefact
_NEARER = 0.01  # ties: the placement nearest to where the cell was printed
_SOURCE_COLS = frozenset(COLUMNS.index(n) for n in ("standard.source", "history.source"))
_REF_VALUE_COLS = frozenset(COLUMNS.index(n) for n in (
    "standard.plan_value", "standard.value", "history.avg3", "history.last_year"))
_DUTY_COL, _GOAL_COL, _NAME_COL, _EXPLANATION_COL, _ANNUAL_COL, _STANDARD_COL, _NOTE_COL = (
    COLUMNS.index(n) for n in ("duty", "goal", "name", "explanation", "annual_value",
                               "standard.value", "note"))
_SOURCE_TEXT = re.compile(
    r"[《》〔〕\[\]]|号文$|(?:统计|要求|计划|要点|精神|安排|文件|通知|办法|规定|规则|评价|工作职责)[。.]?$")


def is_source_text(value: Any) -> bool:
    """Text that reads like a 来源 (a document, a plan, a statistic), not like a value."""
    return bool(_SOURCE_TEXT.search(L.clean_text(value)))


def _normalise_ragged(cur: Cursor, r: int, base: int, shift: int
                      ) -> tuple[dict[str, tuple[Any, int]] | None, tuple[Any, int] | None, int]:
    """Map one text-extract row onto the fifteen canonical columns.

    Copying a PDF table drops empty cells and invents others, so a row's cells keep
    their order but not their positions. Each filled cell (positions relative to the
    职责序号 column) is given a canonical column by the cheapest alignment (``_align``),
    where cost comes from:
    - every run of empty cells whose length had to change (one copying accident each),
      counting the run before the first cell from where ``shift`` expects it: the rows
      after a duty number moved by a stray cell are expected to be moved alike;
    - content: only a duty number may stand in 职责序号, a leading duty number belongs
      there and comes with its 部门职责; texts that read like a source (《…》, …统计,
      …要求, …计划) belong in the two 来源 columns, not among the 标准值/历史值 values; a
      numberless row rarely starts a new 部门职责 or moves its own 职责目标; every row
      states its 指标解释 and 年度指标值; a row that reaches the tail ends in 预算项目
      (a dropped empty 备注 is the usual loss).
    An empty 绩效指标 is then a merged cell: the indicator above continues (several
    指标解释 lines under one 绩效指标, as the Shandong seed prints them).
    A text alone in the 职责序号 column, followed by an empty cell, is a line of a merged
    cell printed beside the row: it is returned separately as the continuation of the
    部门职责 above. Returns (placed, continuation, shift for the next row); placed is None
    for a row with nothing to read.
    """
    grid = cur.grid
    cols = grid.row_cols(r)
    width = max(cols) - base + 1
    cells: list[tuple[Any, int]] = [(grid.get(r, base + i), base + i) for i in range(width)]
    for c in cols:
        if c < base:
            cur.reject(r, c, "位于表格左侧的多余内容")
    filled = [i for i, (v, _) in enumerate(cells) if not is_blank(v)]
    if not filled:
        return None, None, shift
    continuation = None
    if filled[0] == 0 and not _DUTY_NO.match(L.clean_text(cells[0][0])):
        if len(filled) == 1:
            cur.reject(r, cells[0][1], "职责序号列中的文字无法确定所属栏目（该行没有其他内容）")
            return None, None, shift
        if filled[1] > 1:
            continuation = cells[0]
            filled = filled[1:]
    values = [cells[i][0] for i in filled]
    assigned = _align(filled, values, shift)
    while assigned is None:  # more filled cells than the columns can take
        cur.reject(r, cells[filled.pop()][1], "超出表格列数的多余内容")
        assigned = _align(filled, [cells[i][0] for i in filled], shift)
    placed: dict[str, tuple[Any, int]] = {}
    taken = {cells[i][1] for i in filled}
    for k, name in enumerate(COLUMNS):
        if k in assigned:
            placed[name] = cells[filled[assigned.index(k)]]
        else:
            placed[name] = (None, _blank_address(cells, filled, assigned, k, taken, base))
    # A duty number fixes how far this stretch of the extract is moved; the rows after it
    # are expected to be moved alike for as long as they agree.
    moved = assigned[0] - filled[0]
    return placed, continuation, moved if assigned[0] == 0 or moved == shift else 0


def _blank_address(cells, filled, assigned, k, taken, base) -> int:
    """Where an empty canonical column was printed, for its source: counted from the
    nearest placed cell to its left (or right), if that cell is empty; else no address."""
    left = [j for j, c in enumerate(assigned) if c < k]
    if left:
        j = left[-1]
        i = filled[j] + (k - assigned[j])
    else:
        i = filled[0] - (assigned[0] - k)
    col = base + i
    return col if i >= 0 and col not in taken else 0


def _align(positions: list[int], values: list[Any], shift: int = 0) -> list[int] | None:
    """Canonical column of each filled cell (strictly increasing), at the least cost."""
    n, width = len(values), len(COLUMNS)
    if n > width:
        return None
    inf = float("inf")
    numbers = [bool(_DUTY_NO.match(L.clean_text(v))) for v in values]
    sources = [is_source_text(v) for v in values]
    repeats = [k > 0 and L.clean_text(values[k]) == L.clean_text(values[k - 1])
               for k in range(n)]

    def node(k: int, c: int) -> float:
        if c == 0:
            return 0.0 if numbers[k] else inf
        cost = _NEARER * abs(c - positions[k])
        if k == 0 and numbers[k]:
            cost += _NUMBER_NOT_FIRST
        if sources[k]:
            cost += _SOURCE_PLACED if c in _SOURCE_COLS else (
                _SOURCE_AS_VALUE if c in _REF_VALUE_COLS else 0.0)
        if c == _STANDARD_COL and repeats[k]:
            cost += _REPEATS_TARGET
        elif c == _NOTE_COL:
            cost += _NOTE_FILLED
        return cost

    def step(k: int, p: int, c: int) -> float:
        """Cost of placing cell k at c after cell k-1 at p (p is -1 for the first cell)."""
        extra = 0.0
        if p == 0 and c != _DUTY_COL:
            extra += _NUMBER_WITHOUT_DUTY
        # cells 0, 1, 2 at 职责序号, 部门职责, 职责目标: a numbered row, whose duty and goal
        # follow the number wherever they were printed
        follows_number = numbers[0] and p == c - 1 == k - 1
        if c in (_DUTY_COL, _GOAL_COL) and not follows_number:
            if c == _DUTY_COL:
                extra += _DUTY_WITHOUT_NO
            if c != positions[k]:
                extra += _GROUP_MOVED
        if p < _ANNUAL_COL < c:
            extra += _ANNUAL_EMPTY
        if p < _EXPLANATION_COL < c:
            extra += _STATED_EMPTY
        if p == _DUTY_COL and c > _GOAL_COL:
            extra += _STATED_EMPTY  # a new 部门职责 comes with its 职责目标
        if p == _GOAL_COL and c > _NAME_COL:
            extra += _NEW_GOAL_NO_NAME
        elif p < _NAME_COL < c:
            extra += _NAME_SHARED
        return extra

    def run(observed: int, placed: int) -> float:
        d = abs(observed - placed)
        return 0.0 if d == 0 else _RUN_CHANGED + _RUN_EXTRA_CELL * (d - 1)

    cost = [[inf] * width for _ in range(n)]
    back = [[-1] * width for _ in range(n)]
    for c in range(width):
        cost[0][c] = node(0, c) + run(positions[0] + shift, c) + step(0, -1, c)
    for k in range(1, n):
        gap = positions[k] - positions[k - 1] - 1
        for c in range(k, width):
            here = node(k, c)
            if here == inf:
                continue
            for p in range(k - 1, c):
                if cost[k - 1][p] == inf:
                    continue
                total = cost[k - 1][p] + here + run(gap, c - p - 1) + step(k, p, c)
                if total < cost[k][c]:
                    cost[k][c], back[k][c] = total, p
    ends = [cost[n - 1][c] + (_TAIL_SHORT if _NOTE_COL <= c < width - 1 else 0.0)
            for c in range(width)]
    c = min(range(width), key=lambda x: ends[x])
    if ends[c] == inf:
        return None
    out = [c]
    for k in range(n - 1, 0, -1):
        c = back[k][c]
        out.append(c)
    return out[::-1]
