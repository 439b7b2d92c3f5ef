"""Model → official template workbook, and the saved files."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from openpyxl import Workbook

from perfxl.adapters.atomic import atomic_path
from perfxl.adapters.template import guangdong, lists, shandong, styles
from perfxl.adapters.template.names import define
from perfxl.core.framework import FRAMEWORKS
from perfxl.core.model import LAYOUTS, Form

_WRITERS = {"guangdong": guangdong, "shandong": shandong}

# Blank templates get more empty rows than a filled form's spare rows.
BLANK_TASK_ROWS = 10
BLANK_INDICATOR_ROWS = 20


@dataclass(frozen=True)
class LayoutInfo:
    """Where a layout puts things, for code that fills or reads a template.

    ``task_columns`` / ``indicator_columns`` are (model field, column letter) in table
    order; a dotted field (``standard.value``) is a field of a nested model object.
    The table rows are the rows of the PX_TASKS / PX_INDICATORS defined names.
    """

    layout: str
    sheet: str
    form_name: str
    task_columns: tuple[tuple[str, str], ...]
    indicator_columns: tuple[tuple[str, str], ...]


def layout_info(layout: str, value_columns: int = 2) -> LayoutInfo:
    _check_layout(layout)
    if layout == "guangdong":
        return LayoutInfo(layout, guangdong.SHEET, guangdong.FORM_NAME, guangdong.TASK_COLUMNS,
                          guangdong.indicator_columns(value_columns))
    return LayoutInfo(layout, shandong.SHEET, shandong.FORM_NAME, (), shandong.INDICATOR_COLUMNS)


def main_sheet_name(layout: str) -> str:
    return layout_info(layout).sheet


def build_workbook(form: Form, *, framework: str = "2015", spare_task_rows: int = 5,
                   spare_indicator_rows: int = 10, form_name: str | None = None) -> Workbook:
    """The official template for ``form.layout`` filled with the form's data.

    ``form_name`` overrides the form's name in the title (default: the form's own title
    without its year, else the layout's official name).
    """
    _check_layout(form.layout)
    if framework not in FRAMEWORKS:
        raise ValueError(f"未知的指标体系：{framework}（可选：{'、'.join(FRAMEWORKS)}）")
    writer = _WRITERS[form.layout]
    wb = Workbook()
    wb.remove(wb.active)
    styles.use_default_font(wb)
    refs = writer.build(
        wb, form, form_name=form_name or _form_name(form.title) or writer.FORM_NAME,
        framework=framework, spare_task_rows=spare_task_rows, spare_indicator_rows=spare_indicator_rows,
    )
    if form.layout == "guangdong":
        lists.add_list_sheet(wb, framework)
        define(wb, "PX_FRAMEWORK", f'"{framework}"')
    define(wb, "PX_LAYOUT", f'"{form.layout}"')
    for name, ref in refs.items():
        define(wb, name, ref)
    wb.active = 0
    return wb


def write_form(form: Form, path: str | os.PathLike[str], **kwargs) -> None:
    """Build the workbook for ``form`` and save it atomically."""
    wb = build_workbook(form, **kwargs)
    with atomic_path(path) as tmp:
        wb.save(tmp)


def write_template(layout: str, year: int | None, department: str, path: str | os.PathLike[str],
                   framework: str = "2015", *, task_rows: int = BLANK_TASK_ROWS,
                   indicator_rows: int = BLANK_INDICATOR_ROWS) -> None:
    """A blank official template for one department and year."""
    _check_layout(layout)
    form = Form(layout=layout, year=year, department=department)
    write_form(form, path, framework=framework, spare_task_rows=task_rows,
               spare_indicator_rows=indicator_rows)


_YEAR_PART = re.compile(r"[（(]?\s*\d{4}\s*年度?\s*[)）]?")


def _form_name(title: str) -> str:
    """A read title without its year: "2021年度部门预算整体绩效目标表" → "部门预算整体绩效目标表"."""
    return _YEAR_PART.sub("", title or "").strip()


def _check_layout(layout: str) -> None:
    if layout not in LAYOUTS:
        raise ValueError(f"未知的表式：{layout}（可选：{'、'.join(LAYOUTS)}）")
