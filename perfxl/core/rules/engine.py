"""Run the enabled rules over a form and turn hits into located findings."""

from __future__ import annotations

import re
from functools import lru_cache

from perfxl.core.findings import Finding
from perfxl.core.model import Form, Source
from perfxl.core.rules.config import RuleConfig
from perfxl.core.rules.arithmetic import BUDGET_LABELS
from perfxl.core.rules.context import Context
from perfxl.core.rules.registry import all_rules

# When a hit's own field has no cell (e.g. "the form has no tasks"), the nearest
# meaningful cell: the same row's most telling column, then the form header.
_ROW_PREFERENCE = ("name", "level2", "level1", "annual_value", "goal", "amount", "duty")
_FORM_PREFERENCE = ("department", "title", "year")


def check_form(form: Form, config: RuleConfig | None = None) -> list[Finding]:
    """All findings for one form, in a stable order (sheet, row, column, rule)."""
    config = config or RuleConfig()
    ctx = Context(form, config)
    # Findings as tuples of their fields until sorted: the same equality, the same hash
    # (so the same order among equal keys) and hashed in C.
    findings: set[tuple[str, str, str, str, str, str]] = set()
    file = str(form.file or "")
    sources = form.sources if isinstance(form.sources, dict) else {}
    # path → (sheet, cell, note to the message): rules hit the same paths
    cells: dict[str, tuple[str, str, str]] = {}
    for rule in all_rules():
        if rule.check is None or not config.enabled(rule.code):
            continue
        severity = config.severity_of(rule.code, rule.severity)
        for hit in rule.check(ctx):
            where = cells.get(hit.path)
            if where is None:
                where = cells[hit.path] = _cell(form, sources, hit.path)
            findings.add((file, where[0], where[1], rule.code, severity,
                          rule.format(hit.values) + where[2]))
    # The sheet order only decides between findings on different sheets.
    order = _sheet_order(form) if len({f[1] for f in findings}) > 1 else {}
    last = len(order)
    return [_finding(f) for f in sorted(findings, key=lambda f: (
        order.get(f[1], last), f[1], cell_position(f[2]), f[3], f[5]))]


def _finding(fields: tuple[str, str, str, str, str, str]) -> Finding:
    """``Finding(*fields)`` at a third of the cost, ~80 a form: filled through its
    ``__dict__`` (see FROZEN_INIT in perfxl.core.values). The same object."""
    finding = _new(Finding)
    d = finding.__dict__
    d["file"], d["sheet"], d["cell"], d["rule"], d["severity"], d["message"] = fields
    return finding


_new = object.__new__


def _cell(form: Form, sources: dict[str, Source], path: str) -> tuple[str, str, str]:
    """Sheet and cell of a finding about ``path``, and a note to its message."""
    src = sources.get(path)
    if src is None and sources and form.file and (label := _label(form, path)):
        # The form was read from a file, but not this label: any cell would mislead (the
        # value of another label, the department's name). The finding names the sheet and
        # says so.
        sheet = next(iter(sources.values())).sheet
        return str(sheet), "", f"（表中没有找到“{label}”一栏）"
    if src is None and sources and form.file and path in ("indicators", "tasks"):
        # a table whose header row was not found: no cell of the form is the table's
        sheet = next(iter(sources.values())).sheet
        return str(sheet), "", ""
    src = src or locate(form, path)
    return (str(src.sheet), str(src.cell), "") if src else ("", "", "")


# Fields read from the cell beside their label, by path.
_LABELS = {"department": "部门名称", "staff_count": "财政供养人数", "sub_units": "下属二级单位数",
           "other_tasks": "其他需完成的任务",
           **{f"budget.{name}": label for name, label in BUDGET_LABELS.items()}}


def _label(form: Form, path: str) -> str | None:
    if path == "overall_goal":
        return "战略目标" if form.layout == "shandong" else "总体绩效目标"
    return _LABELS.get(path)


def locate(form: Form, path: str) -> Source | None:
    """The cell a field path was read from, or the nearest meaningful one."""
    sources = form.sources if isinstance(form.sources, dict) else {}
    if not sources:
        return None
    if path in sources:
        return sources[path]
    parts = path.split(".")
    # Walk up: indicators[3].standard.value → indicators[3].standard → indicators[3]
    while len(parts) > 1:
        parts.pop()
        prefix = ".".join(parts)
        for attr in _ROW_PREFERENCE:
            if f"{prefix}.{attr}" in sources:
                return sources[f"{prefix}.{attr}"]
        under = sorted((k for k in sources if k.startswith(prefix + ".")), key=_natural)
        if under:
            return sources[under[0]]
    head = parts[0]
    collection = re.match(r"(\w+)\[(\d+)\]$", head)
    if collection:  # a row that was not read: the same table's nearest row
        name, idx = collection.group(1), int(collection.group(2))
        rows = sorted({int(m.group(1)) for k in sources
                       if (m := re.match(rf"{name}\[(\d+)\]\.", k))}, key=lambda i: abs(i - idx))
        if rows:
            return locate(form, f"{name}[{rows[0]}].{_ROW_PREFERENCE[0]}")
    elif head in ("indicators", "tasks"):
        return locate(form, f"{head}[0].{_ROW_PREFERENCE[0]}") if any(
            k.startswith(head + "[") for k in sources) else _header(sources)
    under = sorted((k for k in sources if k.startswith(head + ".")), key=_natural)
    if under:
        return sources[under[0]]
    return _header(sources)


def _header(sources: dict[str, Source]) -> Source:
    for key in _FORM_PREFERENCE:
        if key in sources:
            return sources[key]
    return sources[sorted(sources, key=_natural)[0]]


def _natural(key: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", key))


@lru_cache(maxsize=4096)
def cell_position(cell: str) -> tuple[int, int]:
    """(row, column) of an A1 reference (the first cell of a range); (0, 0) if none."""
    m = re.match(r"\$?([A-Za-z]{1,3})\$?(\d+)", cell or "")
    if not m:
        return (0, 0)
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return (int(m.group(2)), col)


def _sheet_order(form: Form) -> dict[str, int]:
    order: dict[str, int] = {}
    sources = form.sources if isinstance(form.sources, dict) else {}
    for src in sources.values():
        order.setdefault(src.sheet, len(order))
    return order
