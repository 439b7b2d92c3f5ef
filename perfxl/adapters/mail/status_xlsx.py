"""The collection status workbook (回收状态.xlsx)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import xlsxwriter

from perfxl.adapters.atomic import atomic_path
from perfxl.core.collection import NEEDS_FIX, NOT_SENT, PASSED, SENT, STATUSES, DepartmentStatus, Received
from perfxl.core.findings import SEVERITY_LABELS
from perfxl.core.roster import LAYOUT_LABELS

STATUS_COLUMNS = ("序号", "部门名称", "部门编码", "表样", "联系人", "邮箱", "状态", "发送时间",
                  "最近回收时间", "版本数", "错误数", "警告数", "最新文件", "说明")
_COLOURS = {NOT_SENT: "#D9D9D9", SENT: "#FFF2CC", PASSED: "#C6EFCE", NEEDS_FIX: "#FFC7CE"}


def local(iso: str) -> str:
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def write_status(path: str | os.PathLike[str], statuses: list[DepartmentStatus],
                 unmatched: list[Received], year: int | None = None) -> Path:
    with atomic_path(path) as tmp:
        # Sender names and attachment names come from strangers' mail: never let a text
        # beginning with "=" become a formula or a text become a link.
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                              "align": "center", "valign": "vcenter"})
        text = wb.add_format({"border": 1, "valign": "top", "text_wrap": True})
        title = wb.add_format({"bold": True, "font_size": 14})
        fills = {s: wb.add_format({"border": 1, "bg_color": c, "align": "center"}) for s, c in _COLOURS.items()}
        plain = wb.add_format({"border": 1, "align": "center"})

        ws = wb.add_worksheet("回收状态")
        ws.write(0, 0, f"{year or ''}年度部门整体预算绩效目标表回收状态", title)
        counts = {s: sum(1 for x in statuses if x.status == s) for s in STATUSES}
        ws.write(1, 0, "，".join(f"{s} {n}" for s, n in counts.items() if n) +
                 f"（共 {len(statuses)} 个部门；统计时间 {datetime.now():%Y-%m-%d %H:%M}）")
        for c, name in enumerate(STATUS_COLUMNS):
            ws.write(3, c, name, head)
        for i, s in enumerate(statuses, start=1):
            d = s.department
            notes = []
            if s.latest is not None and s.latest.note:
                notes.append(s.latest.note)
            errors = [f for f in s.findings if f.severity == "error"][:3]
            notes += [f"{f.cell} {f.message}" if f.cell else f.message for f in errors]
            row = [i, d.name, d.code, LAYOUT_LABELS.get(d.layout, d.layout), d.contact,
                   "; ".join(d.emails), s.status, local(s.sent_at),
                   local(s.latest.received_at) if s.latest else "", s.versions or "",
                   s.errors if s.checked else "", s.warnings if s.checked else "",
                   s.latest.file if s.latest else "", "\n".join(notes)]
            for c, v in enumerate(row):
                fmt = fills.get(s.status, plain) if c == 6 else text
                ws.write(3 + i, c, v, fmt)
        for c, w in enumerate((5, 28, 12, 6, 10, 30, 9, 16, 16, 7, 7, 7, 50, 60)):
            ws.set_column(c, c, w)
        ws.freeze_panes(4, 2)
        ws.autofilter(3, 0, 3 + len(statuses), len(STATUS_COLUMNS) - 1)

        det = wb.add_worksheet("问题明细")
        cols = ("部门名称", "文件", "工作表", "单元格", "规则", "级别", "说明")
        for c, name in enumerate(cols):
            det.write(0, c, name, head)
        r = 1
        for s in statuses:
            for f in s.findings:
                vals = (s.department.name, s.latest.file if s.latest else "", f.sheet, f.cell, f.rule,
                        SEVERITY_LABELS.get(f.severity, f.severity), f.message)
                for c, v in enumerate(vals):
                    det.write(r, c, v, text)
                r += 1
        for c, w in enumerate((28, 50, 16, 8, 8, 6, 70)):
            det.set_column(c, c, w)
        det.freeze_panes(1, 0)

        um = wb.add_worksheet("未匹配")
        cols = ("收到时间", "发件人", "附件名", "保存位置", "原因")
        for c, name in enumerate(cols):
            um.write(0, c, name, head)
        for r, u in enumerate(unmatched, start=1):
            for c, v in enumerate((local(u.received_at), u.sender, u.original_name, u.file, u.note)):
                um.write(r, c, v, text)
        for c, w in enumerate((16, 30, 40, 50, 60)):
            um.set_column(c, c, w)
        ws.activate()
        wb.close()
    return Path(path)
