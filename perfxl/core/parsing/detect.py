"""Which official layout a grid holds, judged by the labels it contains."""

from __future__ import annotations

from perfxl.core.grid import Grid
from perfxl.core.parsing import labels as L


def _countable(keys: tuple[str, ...]) -> frozenset[str]:
    """Keys longer than 40 characters are not counted: no cell that long is a label."""
    return frozenset(k for k in keys if 0 < len(k) <= 40)


_SHANDONG = _countable(
    L.SD_TOTAL + L.SD_STRATEGY + L.SD_COLUMNS["duty_no"] + L.SD_COLUMNS["duty"]
    + L.SD_COLUMNS["goal"] + L.SD_COLUMNS["explanation"] + L.SD_COLUMNS["reference"]
    + L.SD_COLUMNS["activity"] + L.SD_COLUMNS["project"]
) - frozenset(L.SD_GENERIC)
_GUANGDONG = _countable(
    L.BASIC_INFO + L.STAFF_COUNT + L.SUB_UNITS + L.BUDGET_BLOCK + L.OVERALL_GOAL
    + L.TASKS_BLOCK + L.OTHER_TASKS
    + tuple(k for ks in L.TASK_COLUMNS.values() for k in ks)
    + tuple(k for ks in L.INDICATOR_COLUMNS.values() for k in ks)
    + L.BUDGET_FIELDS["special_fund"] + L.BUDGET_FIELDS["transfer"]
)
MIN_LABELS = 3  # fewer distinct form labels than this: not a form


def scores(grid: Grid) -> dict[str, int]:
    """How many distinct labels of each layout the grid holds."""
    # Each distinct value is keyed once: a form repeats many of its texts and numbers.
    try:
        distinct = set(grid.cells.values())
    except TypeError:  # an unhashable value
        distinct = list(grid.cells.values())
    keys = {L.text_key(v) if type(v) is str else L.key(v) for v in distinct}
    return {"shandong": len(keys & _SHANDONG), "guangdong": len(keys & _GUANGDONG)}


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
