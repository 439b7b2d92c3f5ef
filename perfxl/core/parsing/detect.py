"""Which official layout a grid holds, judged by the labels it contains."""

from __future__ import annotations

from perfxl.core.grid import Grid
from perfxl.core.parsing import labels as L

_SHANDONG = frozenset(
    L.SD_TOTAL + L.SD_STRATEGY + L.SD_COLUMNS["duty_no"][:1] + L.SD_COLUMNS["duty"]
    + L.SD_COLUMNS["goal"] + L.SD_COLUMNS["explanation"] + L.SD_COLUMNS["reference"]
    + L.SD_COLUMNS["activity"] + L.SD_COLUMNS["project"]
)
_GUANGDONG = frozenset(
    L.BASIC_INFO + L.STAFF_COUNT + L.SUB_UNITS + L.BUDGET_BLOCK + L.OVERALL_GOAL
    + L.TASKS_BLOCK + L.OTHER_TASKS
    + tuple(k for ks in L.TASK_COLUMNS.values() for k in ks)
    + tuple(k for ks in L.INDICATOR_COLUMNS.values() for k in ks)
    + L.BUDGET_FIELDS["special_fund"] + L.BUDGET_FIELDS["transfer"]
)
MIN_LABELS = 3  # fewer distinct form labels than this: not a form


def scores(grid: Grid) -> dict[str, int]:
    seen_sd: set[str] = set()
    seen_gd: set[str] = set()
    for value in grid.cells.values():
        k = L.key(value)
        if not k or len(k) > 40:
            continue
        if k in _SHANDONG:
            seen_sd.add(k)
        if k in _GUANGDONG:
            seen_gd.add(k)
    return {"shandong": len(seen_sd), "guangdong": len(seen_gd)}


def detect_layout(grid: Grid) -> str | None:
    """'guangdong', 'shandong', or None when the grid does not look like a form."""
    return layout_from_scores(scores(grid))


def layout_from_scores(s: dict[str, int]) -> str | None:
    best = max(s, key=lambda k: s[k])
    if s[best] < MIN_LABELS:
        return None
    if s["shandong"] == s["guangdong"]:
        return None
    return best
