"""Findings written into an open book (校验) and taken out again (清除标注).

The same layout as ``perfxl.adapters.annotate`` (which does it for files): a 校验结果
sheet, each offending cell filled by severity and commented, and the original fills and
comments kept in a very hidden sheet so clearing restores them exactly.
"""

from __future__ import annotations

import json
from collections import defaultdict

from perfxl.adapters.annotate import AUTHOR, FILLS, HEADERS, RESULTS_SHEET, STATE_SHEET
from perfxl.core.findings import SEVERITIES, SEVERITY_LABELS, Finding
from perfxl.excel.book import Book

_CELL_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def _valid(cell: str) -> bool:
    letters = cell.rstrip("0123456789")
    return bool(cell) and set(cell) <= _CELL_CHARS and letters.isalpha() and cell[len(letters):].isdigit()


def apply(book: Book, findings: list[Finding]) -> int:
    """Mark ``findings`` in ``book``; returns how many cells were marked."""
    clear(book)
    sheets = set(book.sheet_names())
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        if f.sheet in sheets and _valid(f.cell):
            by_cell[(f.sheet, book.merged_anchor(f.sheet, f.cell))].append(f)
    state_rows = [["sheet", "cell", "fill", "comment", "author"]]
    for (sheet, cell), items in by_cell.items():
        old = book.comment(sheet, cell)
        state_rows.append([sheet, cell, json.dumps(book.fill_state(sheet, cell)),
                           old[0] if old else None, old[1] if old else None])
        worst = min((f.severity for f in items), key=_rank)
        book.set_fill(sheet, cell, FILLS.get(worst, FILLS["info"]))
        body = "\n".join(f"[{f.rule} {SEVERITY_LABELS.get(f.severity, f.severity)}] {f.message}"
                         for f in sorted(items, key=lambda f: (_rank(f.severity), f.rule)))
        book.set_comment(sheet, cell, body, AUTHOR)
    book.add_sheet(STATE_SHEET, hidden=True)
    book.write_rows(STATE_SHEET, "A1", state_rows)

    book.add_sheet(RESULTS_SHEET)
    rows = [list(HEADERS)]
    for n, f in enumerate(findings, start=1):
        rows.append([n, SEVERITY_LABELS.get(f.severity, f.severity), f.rule, f.sheet, f.cell, f.message])
    counts = {s: sum(f.severity == s for f in findings) for s in SEVERITIES}
    summary = "，".join(f"{SEVERITY_LABELS[s]} {counts[s]} 个" for s in SEVERITIES)
    rows += [[], [None] * 5 + [f"共 {len(findings)} 个问题：{summary}"]]
    book.write_rows(RESULTS_SHEET, "A1", rows)
    for n, f in enumerate(findings, start=2):
        book.set_fill(RESULTS_SHEET, f"B{n}", FILLS.get(f.severity, FILLS["info"]))
    book.activate(RESULTS_SHEET)
    return len(by_cell)


def clear(book: Book) -> int:
    """Remove perfxl's marks, restoring the original fills and comments; returns how many
    cells were restored."""
    names = book.sheet_names()
    restored = 0
    if STATE_SHEET in names:
        for row in book.read_rows(STATE_SHEET)[1:]:
            sheet, cell, fill, text, author = (list(row) + [None] * 5)[:5]
            if sheet not in names or not _valid(str(cell or "")):
                continue
            book.restore_fill(sheet, cell, json.loads(fill) if fill else None)
            book.set_comment(sheet, cell, text if text else None, author or "")
            restored += 1
        book.delete_sheet(STATE_SHEET)
    for sheet in book.sheet_names():  # perfxl comments without a record (a copied sheet)
        for cell, (_, author) in book.comments(sheet).items():
            if author == AUTHOR:
                book.set_comment(sheet, cell, None)
    if RESULTS_SHEET in book.sheet_names():
        book.delete_sheet(RESULTS_SHEET)
    return restored
