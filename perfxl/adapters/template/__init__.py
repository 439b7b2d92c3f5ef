"""The official templates (Guangdong and Shandong layouts) and the model → workbook writer.

    build_workbook(form, framework="2015", spare_task_rows=5, spare_indicator_rows=10)
    write_form(form, path, **same_kwargs)
    write_template(layout, year, department, path, framework="2015")

Key cells carry workbook-scope defined names (``DEFINED_NAMES``); ``layout_info`` tells
the main sheet and the table column order. See docs/dev/templates.md.
"""

from perfxl.adapters.template.names import DEFINED_NAMES, LAYOUT_NAMES, LEVEL2_PREFIX
from perfxl.adapters.template.official import OFFICIAL_TEMPLATES, OFFICIAL_YEAR, write_official_templates
from perfxl.adapters.template.workbook import (
    BLANK_INDICATOR_ROWS,
    BLANK_TASK_ROWS,
    LayoutInfo,
    build_workbook,
    layout_info,
    main_sheet_name,
    write_form,
    write_template,
)

__all__ = [
    "BLANK_INDICATOR_ROWS", "BLANK_TASK_ROWS", "DEFINED_NAMES", "LAYOUT_NAMES", "LEVEL2_PREFIX",
    "LayoutInfo", "OFFICIAL_TEMPLATES", "OFFICIAL_YEAR", "build_workbook", "layout_info",
    "main_sheet_name", "write_form", "write_official_templates", "write_template",
]
