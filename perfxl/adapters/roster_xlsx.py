"""The roster workbook: the official blank template, and reading a filled one."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import xlsxwriter
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from perfxl.adapters.atomic import atomic_path
from perfxl.core.findings import FormReadError
from perfxl.core.roster import COLUMNS, MAX_ADDRESSES, SHEET, Roster, parse_rows

_WIDTHS = {"部门名称": 34, "部门编码": 14, "表样": 10, "联系人": 12, "邮箱": 40, "抄送": 40}
_NOTES = [
    ("部门名称", "必填。与申报表中的部门名称一致，例如“惠州市司法局”。不能含有 \\ / : * ? \" < > | 等字符。"),
    ("部门编码", "选填。预算单位编码，只能是字母、数字、点、短横线或下划线；填写后作为文件名前缀。"),
    ("表样", "必填。“广东”或“山东”，决定发给该部门的申报表样式。"),
    ("联系人", "选填。部门联系人姓名，用于邮件称呼。"),
    ("邮箱", f"必填。一个或多个邮箱，用分号（; 或 ；）或逗号分隔，最多 {MAX_ADDRESSES} 个。"),
    ("抄送", "选填。抄送邮箱，格式同“邮箱”。"),
]


def write_roster_template(path: str | os.PathLike[str], rows: int = 500) -> Path:
    """Write the blank roster template (header, drop-down for 表样, instructions sheet)."""
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                              "align": "center", "valign": "vcenter"})
        cell = wb.add_format({"border": 1, "text_wrap": True, "num_format": "@"})
        ws = wb.add_worksheet(SHEET)
        for col, title in enumerate(COLUMNS):
            ws.set_column(col, col, _WIDTHS[title], cell)
            ws.write(0, col, title, head)
        ws.freeze_panes(1, 0)
        ws.data_validation(1, 2, rows, 2, {
            "validate": "list", "source": ["广东", "山东"],
            "input_title": "表样", "input_message": "选择“广东”或“山东”",
            "error_title": "表样", "error_message": "只能填写“广东”或“山东”"})
        notes = wb.add_worksheet("填写说明")
        notes.set_column(0, 0, 12)
        notes.set_column(1, 1, 90)
        notes.write(0, 0, "列", head)
        notes.write(0, 1, "说明", head)
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        for i, (title, text) in enumerate(_NOTES, start=1):
            notes.write(i, 0, title, wrap)
            notes.write(i, 1, text, wrap)
        notes.write(len(_NOTES) + 2, 1, "每行一个部门。填好后用 perfxl distribute 名单.xlsx --year 年度 -o 输出文件夹 生成并分发申报表。", wrap)
        ws.activate()
        wb.close()
    return Path(path)


def read_roster(path: str | os.PathLike[str]) -> Roster:
    """Read and validate a roster workbook; unreadable files raise FormReadError."""
    file = str(path)
    if not Path(path).is_file():
        raise FormReadError(file, "找不到部门名单文件")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FormReadError(file, f"无法打开部门名单（{type(exc).__name__}），请确认是 .xlsx 文件") from exc
    try:
        sheets = [wb[SHEET]] if SHEET in wb.sheetnames else list(wb.worksheets)
        for ws in sheets:
            rows = list(ws.iter_rows(values_only=True))
            for hrow, values in enumerate(rows[:10]):
                titles = {str(v).strip(): i for i, v in enumerate(values) if v is not None}
                if "部门名称" in titles and "邮箱" in titles:
                    columns = {t: get_column_letter(i + 1) for t, i in titles.items() if t in COLUMNS}
                    data = []
                    for offset, row in enumerate(rows[hrow + 1:], start=hrow + 2):
                        data.append((offset, {t: row[i] if i < len(row) else None
                                              for t, i in titles.items() if t in COLUMNS}))
                    return parse_rows(data, columns, file=file, sheet=ws.title)
    finally:
        wb.close()
    raise FormReadError(file, "没有找到表头（需要“部门名称”“邮箱”等列），请使用 perfxl roster-template 生成的模板")
