"""Checking a freshly written form, and showing 上年值 on Guangdong forms as cell notes.

The Shandong form has 历史值 → 上年值 columns, so the writer puts last year's values
there. The Guangdong form has no such column; rather than bend the official layout we
attach a note (Excel comment) to each carried-over indicator: the department sees last
year's target while typing this year's, and the reader ignores notes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from openpyxl import load_workbook
from openpyxl.comments import Comment

from perfxl.core.findings import FormReadError
from perfxl.core.model import Form
from perfxl.core.roster import name_key


def verify_and_annotate(path: Path, intended: Form, read_form: Callable[[Path], Form]) -> Form:
    """Read ``path`` back; raise FormReadError unless it is ``intended``'s department and
    year; add 上年值 notes to Guangdong indicators. Returns the form as read back."""
    back = read_form(path)
    if name_key(back.department) != name_key(intended.department):
        raise FormReadError(str(path), f"生成的申报表读回的部门名称是“{back.department}”，"
                                       f"不是“{intended.department}”")
    if intended.layout != "guangdong":
        return back
    notes = {}
    for i, ind in enumerate(intended.indicators):
        last = ind.history.last_year if ind.history else ""
        src = back.source(f"indicators[{i}].annual_value") or back.source(f"indicators[{i}].name")
        if last and src is not None:
            notes[(src.sheet, src.cell)] = f"上年值：{last}\n（来源：{ind.history.source or '上年申报表'}）"
    if notes:
        wb = load_workbook(path)
        for (sheet, cell), text in notes.items():
            comment = Comment(text, "perfxl")
            comment.width, comment.height = 220, 60
            wb[sheet][cell].comment = comment
        wb.save(path)
    return back
