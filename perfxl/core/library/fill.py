"""Planning where library indicators go in a form: pure, over a Grid.

The plan is a list of operations in execution order, each in the row numbers current at
that moment: write into an empty row (``WriteRow``) or insert a row after another one
(``InsertRow``), growing the merged category/duty cells of the row above when the new row
continues its block. The adapter (``perfxl.adapters.fill_xlsx``) carries it out.

Guangdong forms: an indicator goes under its 一级/二级 (mapped to the form's framework):
first an empty row of that 二级 (a template's spare row), else a new row after the last
row of that 二级, else after the last row of its 一级 (with the 二级 written), else at the
end of the block (with both written). Shandong forms have no categories: an indicator
goes to the duty (职责) whose texts mention its keywords, else to an empty row, else to
the end of the matrix; 指标解释 and 来源 are filled too.
Indicators whose 三级 name is already on the form are skipped, never written twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from perfxl.core.grid import Grid, is_blank
from perfxl.core.library.model import LibraryIndicator, category_in
from perfxl.core.parsing import labels as L
from perfxl.core.parsing import shandong as S  # the reader's own header/column mapping
from perfxl.core.parsing.common import is_footer
from perfxl.core.values import normalize

_2021_ONLY = {"成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标")}


@dataclass(frozen=True)
class FillItem:
    indicator: LibraryIndicator
    target: str = ""  # what to write as 指标值; the indicator's default when empty

    @property
    def value(self) -> str:
        return self.target or self.indicator.target


@dataclass(frozen=True)
class WriteRow:
    row: int
    values: dict[int, str]  # column → text; only empty cells are written
    item: FillItem


@dataclass(frozen=True)
class InsertRow:
    after: int  # the new row is after + 1 and takes this row's style
    values: dict[int, str]
    extend: tuple[int, ...]  # columns whose merged range ending at ``after`` grows
    item: FillItem


@dataclass
class FillPlan:
    layout: str
    header_row: int
    ops: list[WriteRow | InsertRow] = field(default_factory=list)
    skipped: list[tuple[FillItem, str]] = field(default_factory=list)  # (item, Chinese reason)
    placed: list[tuple[FillItem, int, str]] = field(default_factory=list)  # (item, final row, where)
    framework: str = ""
    notes: list[str] = field(default_factory=list)  # Chinese, for the user


class FillError(ValueError):
    """The grid has no indicator table to fill (message is Chinese)."""


@dataclass
class _Row:
    row: int
    name: str
    cat: tuple[str, str]  # Guangdong: (一级, 二级); Shandong: (职责序号, 部门职责)
    text: str = ""  # Shandong: duty, goal, activity texts, for matching


# --- shared ------------------------------------------------------------------------------

def _merged_value(grid: Grid, r: int, c: int):
    v = grid.get(r, c)
    if not is_blank(v):
        return v
    m = grid.merged_at(r, c)
    return grid.get(m.min_row, m.min_col) if m else None


def _merge_ends_at(grid: Grid, r: int, c: int) -> bool:
    m = grid.merged_at(r, c)
    return m is not None and m.max_row == r


def _shift(rows: list[_Row], after: int) -> None:
    for x in rows:
        if x.row > after:
            x.row += 1


def _dedupe(items: list[FillItem], present: set[str], plan: FillPlan) -> list[FillItem]:
    out = []
    for item in items:
        key = normalize(item.indicator.name)
        if key in present:
            plan.skipped.append((item, "表中已有同名三级指标"))
            continue
        present.add(key)
        out.append(item)
    return out


def plan_fill(grid: Grid, layout: str, items: list[FillItem], *, framework: str | None = None,
              block_rows: range | None = None) -> FillPlan:
    """Where each item goes. ``block_rows`` (e.g. from a PX_INDICATORS defined name) marks
    rows that belong to the indicator table even when they are entirely empty."""
    if layout == "shandong":
        return _plan_shandong(grid, items, block_rows)
    return _plan_guangdong(grid, items, framework, block_rows)


# --- Guangdong ---------------------------------------------------------------------------

def _gd_header(grid: Grid) -> tuple[int, dict[str, int]]:
    for r in grid.rows():
        found: dict[str, int] = {}
        for c in grid.row_cols(r):
            name = L.match_column(grid.get(r, c), L.INDICATOR_COLUMNS)
            if name and name not in found:
                found[name] = c
        if {"level1", "level2", "name"} <= found.keys() and ("annual_value" in found or "single_value" in found):
            return r, found
    raise FillError("没有找到绩效指标表（需要“一级指标、二级指标、三级指标、指标值”表头）")


def _gd_rows(grid: Grid, header: int, cols: dict[str, int], block: range | None) -> list[_Row]:
    table_cols = list(cols.values())
    last_merge = max((m.max_row for m in grid.merged
                      if m.min_row > header and m.min_col in (cols["level1"], cols["level2"])), default=0)
    end = max(grid.max_row, last_merge, block.stop - 1 if block else 0)
    rows: list[_Row] = []
    l1 = l2 = ""
    for r in range(header + 1, end + 1):
        first = next((grid.get(r, c) for c in grid.row_cols(r)), None)
        if first is not None and (is_footer(first) or L.key(first) in L.OTHER_TASKS):
            break
        in_block = bool(block and r in block) or r <= last_merge
        has = any(not is_blank(grid.get(r, c)) for c in table_cols)
        if not has and not in_block:
            if rows and r > max(last_merge, block.stop - 1 if block else 0):
                break
            continue
        v1 = normalize(_merged_value(grid, r, cols["level1"]) or "")
        v2 = normalize(_merged_value(grid, r, cols["level2"]) or "")
        if v1 and v1 != l1:
            l1, l2 = v1, ""
        if v2:
            l2 = v2
        name = normalize(grid.get(r, cols["name"]) or "")
        # An empty row with empty category cells is a free row of the table, not part of
        # the block above it (categories inherit only through merges or onto filled rows).
        free = not has and not v1 and not v2
        rows.append(_Row(r, name, ("", "") if free else (l1, l2)))
    return rows


def _framework_of(rows: list[_Row]) -> str:
    for x in rows:
        if x.cat[0] == "成本指标" or x.cat[1] in _2021_ONLY["成本指标"]:
            return "2021"
    return "2015"


def _plan_guangdong(grid: Grid, items: list[FillItem], framework: str | None,
                    block: range | None) -> FillPlan:
    header, cols = _gd_header(grid)
    rows = _gd_rows(grid, header, cols, block)
    fw = framework or _framework_of(rows)
    plan = FillPlan("guangdong", header, framework=fw)
    present = {x.name for x in rows if x.name}
    placed: list[tuple[FillItem, _Row, str]] = []
    c1, c2, cn = cols["level1"], cols["level2"], cols["name"]
    value_cols = [cols[k] for k in ("annual_value", "period_value", "single_value") if k in cols]
    # In framework order, so that a template's empty rows fill top-down block by block and
    # no row is inserted while empty ones remain.
    order = _category_order(fw)
    items = sorted(items, key=lambda i: order.get(category_in(i.indicator.level1, i.indicator.level2, fw), len(order)))
    for item in _dedupe(items, present, plan):
        l1, l2 = category_in(item.indicator.level1, item.indicator.level2, fw)
        values = {cn: item.indicator.name, **{c: item.value for c in value_cols}}
        where = f"{l1}/{l2}"
        spare = next((x for x in rows if not x.name and x.cat == (l1, l2)), None)
        if spare is None:
            # An uncategorised empty row right after the block of the same 二级 (or 一级),
            # or anywhere when the form has neither: written with its categories.
            same_or_parent = [x for x in rows if x.cat[0] == l1]
            spare = (_free_after(rows, lambda x: x.cat == (l1, l2))
                     or _free_after(rows, lambda x: x.cat[0] == l1)
                     or (None if same_or_parent else next((x for x in rows if not x.name and not x.cat[0]), None)))
            if spare is not None:
                values.update({c1: l1, c2: l2})
        if spare is not None:
            plan.ops.append(WriteRow(spare.row, values, item))
            spare.name, spare.cat = item.indicator.name, (l1, l2)
            placed.append((item, spare, where))
            continue
        same = [x for x in rows if x.cat == (l1, l2)]
        parent = [x for x in rows if x.cat[0] == l1]
        anchor = (same or parent or rows or [_Row(header, "", ("", ""))])[-1]
        view = grid_view(grid, plan)
        extend: list[int] = []
        for col, label, continues in ((c1, l1, bool(same or parent)), (c2, l2, bool(same))):
            cover = _cover(view, anchor.row, col) if continues else None
            if cover == "ends":
                extend.append(col)
            elif cover is None:
                values[col] = label
        plan.ops.append(InsertRow(anchor.row, values, tuple(extend), item))
        _shift(rows, anchor.row)
        new = _Row(anchor.row + 1, item.indicator.name, (l1, l2))
        rows.insert(rows.index(anchor) + 1 if anchor in rows else len(rows), new)
        placed.append((item, new, where))
    plan.placed = [(item, x.row, where) for item, x, where in placed]
    return plan


def _category_order(framework: str) -> dict[tuple[str, str], int]:
    from perfxl.core.framework import FRAMEWORKS

    pairs = [(l1, l2) for l1, children in FRAMEWORKS[framework].items() for l2 in children]
    return {pair: i for i, pair in enumerate(pairs)}


def _cover(view: Grid, row: int, col: int) -> str | None:
    """How a merged range in ``col`` relates to a row inserted after ``row``: "below" (the
    range continues, the new row lands inside it), "ends" (it ends at ``row`` and should
    grow), or None (no merge)."""
    m = view.merged_at(row, col)
    if m is None:
        return None
    return "below" if m.max_row > row else "ends"


def _free_after(rows: list[_Row], pred) -> _Row | None:
    """The first empty, uncategorised row directly after the last row matching ``pred``."""
    idx = [i for i, x in enumerate(rows) if pred(x)]
    if not idx:
        return None
    nxt = idx[-1] + 1
    if nxt < len(rows) and not rows[nxt].name and not rows[nxt].cat[0] \
            and rows[nxt].row == rows[idx[-1]].row + 1:
        return rows[nxt]
    return None


def grid_view(grid: Grid, plan: FillPlan) -> Grid:
    """The grid as it will be after the planned insertions, for merge questions.

    Merges are only consulted at anchor rows of earlier ops' coordinates; inserted rows
    shift merges below them. Rebuilt lazily per call (plans are a handful of rows)."""
    from perfxl.core.grid import MergedRange

    merged = list(grid.merged)
    for op in plan.ops:
        if not isinstance(op, InsertRow):
            continue
        a = op.after
        out = []
        for m in merged:
            if m.min_row > a:
                m = MergedRange(m.min_row + 1, m.min_col, m.max_row + 1, m.max_col)
            elif m.max_row > a or (m.max_row == a and m.min_col in op.extend and m.max_col in op.extend):
                m = MergedRange(m.min_row, m.min_col, m.max_row + 1, m.max_col)
            out.append(m)
        merged = out
    return Grid(sheet=grid.sheet, cells={(1, 1): "x"}, merged=merged)


# --- Shandong ----------------------------------------------------------------------------

def _sd_columns(grid: Grid) -> tuple[int, int, dict[str, int]]:
    """Header row, first data row and field → column, as the Shandong reader maps them."""
    for r in grid.rows():
        top = S._header_map(grid, r)
        if not top:
            continue
        base = top.get("duty_no", min(top.values()))
        subrows = []
        nxt = r + 1
        while S._is_subheader_row(grid, nxt, base) or (not grid.row_cols(nxt) and nxt <= r + 4):
            if grid.row_cols(nxt):
                subrows.append(nxt)
            nxt += 1
        return r, (subrows[-1] + 1 if subrows else r + 1), S._column_map(grid, r, subrows)
    raise FillError("没有找到职责—指标矩阵（需要“职责序号、部门职责、职责目标、绩效指标”表头）")


def _plan_shandong(grid: Grid, items: list[FillItem], block: range | None) -> FillPlan:
    header, first, cols = _sd_columns(grid)
    plan = FillPlan("shandong", header)
    matrix = [c for k, c in cols.items()]
    last_merge = max((m.max_row for m in grid.merged if m.min_row >= first and m.min_col in matrix), default=0)
    end = max(grid.max_row, last_merge, block.stop - 1 if block else 0)
    rows: list[_Row] = []
    duty: tuple[str, str] = ("", "")
    texts: dict[tuple[str, str], str] = {}
    for r in range(first, end + 1):
        cells = grid.row_cols(r)
        if cells and is_footer(grid.get(r, cells[0])):
            break
        if _is_repeated_header(grid, r):
            continue  # a repeated header (a new printed page)
        has = any(not is_blank(grid.get(r, c)) for c in matrix)
        in_block = bool(block and r in block) or r <= last_merge
        if not has and not in_block:
            continue
        no = normalize(_merged_value(grid, r, cols.get("duty_no", 0)) or "") if "duty_no" in cols else ""
        dt = normalize(_merged_value(grid, r, cols.get("duty", 0)) or "") if "duty" in cols else ""
        if no or dt:
            duty = (no or duty[0], dt or duty[1])
        text = " ".join(normalize(_merged_value(grid, r, cols[k]) or "")
                        for k in ("duty", "goal", "activity", "project") if k in cols)
        texts[duty] = texts.get(duty, "") + " " + text
        rows.append(_Row(r, normalize(grid.get(r, cols["name"]) or ""), duty))
    present = {x.name for x in rows if x.name}
    placed: list[tuple[FillItem, _Row, str]] = []
    for x in rows:
        x.text = texts.get(x.cat, "")
    numbers = [int(float(x.cat[0])) for x in rows if _is_number(x.cat[0])]
    new_duty: str | None = None
    for item in _dedupe(items, present, plan):
        ind = item.indicator
        values = {cols["name"]: ind.name}
        if "explanation" in cols and ind.definition:
            values[cols["explanation"]] = ind.definition
        if "annual_value" in cols:
            values[cols["annual_value"]] = item.value
        if ind.last_value and "history.last_year" in cols:
            values[cols["history.last_year"]] = ind.last_value
            if "history.source" in cols:
                values[cols["history.source"]] = f"{ind.year}年报表" if ind.year else "上年报表"
        elif "standard.value" in cols:
            values[cols["standard.value"]] = ind.target or item.value
            if "standard.source" in cols and ind.source:
                values[cols["standard.source"]] = ind.source
        duty_key = _best_duty(rows, ind)
        group = [x for x in rows if duty_key and x.cat == duty_key]
        spare = next((x for x in group if not x.name), None) or \
            next((x for x in rows if not x.name and not x.cat[0] and not x.cat[1]), None)
        if spare is not None:
            plan.ops.append(WriteRow(spare.row, values, item))
            spare.name = ind.name
            placed.append((item, spare, f"职责“{spare.cat[1]}”" if spare.cat[1] else "空行"))
            continue
        anchor = (group or rows or [_Row(first - 1, "", ("", ""))])[-1]
        view = grid_view(grid, plan)
        extend = tuple(cols[k] for k in ("duty_no", "duty", "goal")
                       if group and k in cols and _merge_ends_at(view, anchor.row, cols[k]))
        if not group and "duty_no" in cols and new_duty is None:
            # A row appended without a matching duty would read as part of the last duty
            # (empty duty cells inherit); a new duty number makes the gap visible instead.
            new_duty = str(max(numbers, default=0) + 1)
            values[cols["duty_no"]] = new_duty
        plan.ops.append(InsertRow(anchor.row, values, extend, item))
        _shift(rows, anchor.row)
        cat = anchor.cat if group else (new_duty or "", "")
        new = _Row(anchor.row + 1, ind.name, cat, anchor.text if group else "")
        rows.insert(rows.index(anchor) + 1 if anchor in rows else len(rows), new)
        placed.append((item, new, f"职责“{anchor.cat[1]}”" if group else f"新职责序号 {new.cat[0]}（请补填部门职责和职责目标）"))
    plan.placed = [(item, x.row, where) for item, x, where in placed]
    return plan


def _is_repeated_header(grid: Grid, r: int) -> bool:
    cells = [grid.get(r, c) for c in grid.row_cols(r)]
    return S._header_map(grid, r) is not None or (
        bool(cells) and all(L.match_sd_subheader(v) or L.match_sd_column(v) for v in cells))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _best_duty(rows: list[_Row], ind: LibraryIndicator) -> tuple[str, str] | None:
    terms = [k for k in (*ind.keywords, ind.name) if len(k) >= 2]
    best, best_score = None, 0.0
    for key in dict.fromkeys(x.cat for x in rows):
        if not key[1]:
            continue
        text = next(x.text for x in rows if x.cat == key)
        score = sum(min(len(t), 6) for t in terms if t in text)
        if score > best_score:
            best, best_score = key, score
    return best
