"""Write an imported text extract as the filled official template, plus an 导入说明 sheet
listing every line that could not be placed."""

from __future__ import annotations

import os
from pathlib import Path

from perfxl.adapters.atomic import atomic_path
from perfxl.core.findings import FormReadError
from perfxl.core.textimport import ImportResult, import_text

NOTES_SHEET = "导入说明"
ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")


def read_text_file(path: str | os.PathLike[str]) -> str:
    """A text extract as str: UTF-8 (with or without BOM), else GB18030 as saved by
    Chinese Windows, else UTF-16."""
    name = str(path)
    p = Path(path)
    if not p.is_file():
        raise FormReadError(name, "文件不存在。")
    data = p.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FormReadError(name, "不是文本文件（含有二进制内容）。")
    for enc in ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise FormReadError(name, "无法识别文本编码（请保存为 UTF-8）。")


def import_file(text_path: str | os.PathLike[str], layout: str = "auto") -> ImportResult:
    return import_text(read_text_file(text_path), layout=layout, name=str(text_path))


def write_import(result: ImportResult, path: str | os.PathLike[str]) -> None:
    """The filled template (the templates adapter's writer) with 导入说明 added, saved
    atomically."""
    from perfxl.adapters.template import build_workbook

    wb = build_workbook(result.form)
    add_notes_sheet(wb, result)
    with atomic_path(path) as tmp:
        wb.save(tmp)


def add_notes_sheet(wb, result: ImportResult) -> None:
    from openpyxl.styles import Alignment, Font

    if NOTES_SHEET in wb.sheetnames:
        del wb[NOTES_SHEET]
    ws = wb.create_sheet(NOTES_SHEET)
    ws["A1"] = "导入说明"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"来源文本：{Path(result.form.file).name}" if result.form.file else "来源文本：（剪贴板）"
    row = 3
    for line in result.summary.split("\n"):
        if line.startswith("  第 "):
            continue  # listed in the table below
        ws.cell(row, 1, line)
        row += 1
    row += 1
    for c, title in enumerate(("行号", "未能导入的内容", "原因"), start=1):
        ws.cell(row, c, title).font = Font(bold=True)
    header_row = row
    for line_no, text, reason in result.unplaced:
        row += 1
        ws.cell(row, 1, line_no)
        ws.cell(row, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row, 3, reason).alignment = Alignment(wrap_text=True, vertical="top")
    if not result.unplaced:
        ws.cell(header_row + 1, 2, "（无：所有内容均已导入）")
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions["B"].width = 80
    ws.column_dimensions["C"].width = 40
