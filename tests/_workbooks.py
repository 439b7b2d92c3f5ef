"""Test helpers: workbooks and hostile files built in code (openpyxl, raw zip, raw CFB)."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import Any

import openpyxl

from perfxl.core.model import Form


def write_rows(path: Path, rows: list[list[Any]], merges: list[str] = (), sheet: str = "申报表",
               extra_sheets: dict[str, list[list[Any]]] | None = None) -> Path:
    wb = openpyxl.Workbook()
    for name, data in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for r in data:
            other.append(r)
    ws = wb.active
    ws.title = sheet
    wb.move_sheet(ws, -len(wb.sheetnames))
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row, start=1):
            if v not in (None, ""):
                ws.cell(r, c, v)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def guangdong_rows(form: Form, *, value_columns: int = 2, labels: dict[str, str] | None = None,
                   other_tasks: str | None = None, blank_rows: bool = False,
                   merge_levels: bool = True) -> tuple[list[list[Any]], list[str]]:
    """A Guangdong form laid out like the published one (label column A, columns B–F),
    with merged side labels, from a Form. ``labels`` swaps label spellings."""
    lab = labels or {}

    def L(text: str) -> str:
        return lab.get(text, text)

    b = form.budget
    rows: list[list[Any]] = []
    merges: list[str] = []

    def add(*cells: Any) -> int:
        rows.append(list(cells))
        return len(rows)

    def gap() -> None:
        if blank_rows:
            add()
            add()

    r = add(form.title)
    merges.append(f"A{r}:F{r}")
    add(f"({form.year}年度)")
    r = add(L("部门名称"), form.department)
    merges.append(f"B{r}:F{r}")
    gap()
    add(L("基本信息"), L("财政供养人数"), form.staff_count, L("下属二级单位数"), form.sub_units)
    top = add(L("预算整体情况"), L("部门预算支出"), L("预算金额(万元)"), L("预算来源"), L("预算金额(万元)"))
    add(None, L("基本支出"), b.basic, L("财政拨款"), b.fiscal)
    add(None, L("项目支出"), b.project, L("其他资金"), b.other)
    add(None, L("事业发展性支出"), L("预算金额(万元)"), L("按预算级次划分"), L("预算金额(万元)"))
    add(None, L("财政专项资金"), b.special_fund, L("省本级使用资金"), b.own_level)
    r = add(None, L("其他事业发展性支出"), b.other_development, L("拟用于对下转移支付资金"), b.transfer)
    merges.append(f"A{top}:A{r}")
    gap()
    r = add(L("总体绩效目标"), form.overall_goal)
    merges.append(f"B{r}:F{r}")
    top = add(L("年度重点工作任务"), L("任务名称"), L("主要实施内容"), L("拟投入资金(万元)"),
              L("期望达到的目标"))
    for t in form.tasks:
        r = add(None, t.name, t.content, t.amount, t.goal)
    merges.append(f"A{top}:A{r}")
    if other_tasks is not None:
        gap()
        r = add(L("其他需完成的任务(可选填)"), other_tasks)
        merges.append(f"B{r}:F{r}")
    gap()
    values = [L("年度指标值"), L("实施周期指标值")] if value_columns == 2 else [L("指标值")]
    top = add(L("绩效指标"), L("一级指标"), L("二级指标"), L("三级指标"), *values)
    prev1 = prev2 = None
    start1 = start2 = None
    for ind in form.indicators:
        l1 = ind.level1 if not merge_levels or ind.level1 != prev1 else None
        l2 = ind.level2 if not merge_levels or l1 is not None or ind.level2 != prev2 else None
        vals = [ind.annual_value, ind.period_value] if value_columns == 2 else [ind.annual_value]
        r = add(None, l1, l2, ind.name, *vals)
        if merge_levels:
            if l1 is not None:
                if start1 and r - 1 > start1:
                    merges.append(f"B{start1}:B{r - 1}")
                start1 = r
            if l2 is not None:
                if start2 and r - 1 > start2:
                    merges.append(f"C{start2}:C{r - 1}")
                start2 = r
        prev1, prev2 = ind.level1, ind.level2
    if merge_levels:
        for col, start in (("B", start1), ("C", start2)):
            if start and r > start:
                merges.append(f"{col}{start}:{col}{r}")
    merges.append(f"A{top}:A{r}")
    return rows, merges


def save_results(path: Path, results: dict[str, tuple[str, Any]],
                 part: str = "xl/worksheets/sheet1.xml") -> Path:
    """Write the saved results of formula cells into ``part`` as a spreadsheet application
    saves them (openpyxl writes a formula with an empty <v/>): cell → (t, value)."""
    import re
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    xml = members[part].decode()
    for ref, (t, value) in results.items():
        xml, n = re.subn(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v ?/>',
                         lambda m: f'<c r="{ref}"{m.group(1)} t="{t}"><f>{m.group(2)}</f>'
                                   f"<v>{escape(str(value))}</v>", xml)
        assert n == 1, ref
    members[part] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def insert_column(rows: list[list[Any]], merges: list[str], at: int = 0,
                  ) -> tuple[list[list[Any]], list[str]]:
    """Insert an empty column before 0-based column ``at`` (merges shift with it)."""
    import re

    from perfxl.core.grid import col_letter

    def shift(ref: str) -> str:
        def one(m):
            col = 0
            for ch in m.group(1):
                col = col * 26 + ord(ch) - 64
            if col - 1 >= at:
                col += 1
            return col_letter(col) + m.group(2)
        return re.sub(r"([A-Z]+)(\d+)", one, ref)

    return [r[:at] + [None] + r[at:] for r in rows], [shift(m) for m in merges]


# --- hostile files ----------------------------------------------------------------------

def write_cfb(path: Path, stream_names: list[str]) -> Path:
    """A minimal but valid OLE compound file (MS-CFB v3) whose root storage holds empty
    streams with the given names, e.g. EncryptionInfo + EncryptedPackage as Office writes
    for a password-protected workbook."""
    sector = 512
    ENDOFCHAIN, FREESECT, FATSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    entries = ["Root Entry"] + stream_names
    n_dir_sectors = (len(entries) * 128 + sector - 1) // sector
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, 1)  # number of FAT sectors
    struct.pack_into("<I", header, 48, 1)  # first directory sector
    struct.pack_into("<I", header, 56, 4096)  # mini stream cutoff
    struct.pack_into("<I", header, 60, ENDOFCHAIN)  # first mini FAT sector
    struct.pack_into("<I", header, 64, 0)
    struct.pack_into("<I", header, 68, ENDOFCHAIN)  # first DIFAT sector
    struct.pack_into("<I", header, 72, 0)
    difat = [0] + [FREESECT] * 108
    struct.pack_into("<109I", header, 76, *difat)
    fat = [FATSECT] + [i + 2 for i in range(1, n_dir_sectors)] + [ENDOFCHAIN]
    fat = fat[: 1 + n_dir_sectors]
    fat[-1] = ENDOFCHAIN
    fat += [FREESECT] * (128 - len(fat))
    fat_sector = struct.pack("<128I", *fat)
    directory = bytearray()
    for i, nm in enumerate(entries):
        e = bytearray(128)
        raw = nm.encode("utf-16-le") + b"\x00\x00"
        e[0:len(raw)] = raw
        struct.pack_into("<H", e, 64, len(raw))
        e[66] = 5 if i == 0 else 2  # root storage / stream
        e[67] = 1  # black
        # A right-leaning chain of siblings keeps the red-black tree valid enough.
        left, right = FREESECT, (i + 1 if 0 < i < len(entries) - 1 else FREESECT)
        child = 1 if i == 0 and len(entries) > 1 else FREESECT
        struct.pack_into("<III", e, 68, left, right, child)
        struct.pack_into("<I", e, 116, ENDOFCHAIN)
        struct.pack_into("<Q", e, 120, 0)
        directory += e
    directory += b"\x00" * (n_dir_sectors * sector - len(directory))
    path.write_bytes(bytes(header) + fat_sector + bytes(directory))
    return path


def write_ratio_bomb(path: Path, megabytes: int = 30) -> Path:
    """A zip that looks like a workbook but one member inflates ~1000×."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\x00" * (megabytes * 1024 * 1024))
    return path


def write_lying_bomb(src: Path, dst: Path) -> Path:
    """A zip whose headers declare a tiny size for a member that inflates to 30 MB."""
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b" " * (30 * 1024 * 1024))
    data = bytearray(dst.read_bytes())
    big = struct.pack("<I", 30 * 1024 * 1024)
    small = struct.pack("<I", 1000)
    # Patch both the local header and the central directory size fields.
    idx = 0
    while True:
        idx = data.find(big, idx)
        if idx < 0:
            break
        data[idx:idx + 4] = small
        idx += 4
    dst.write_bytes(bytes(data))
    return dst


def with_entity_bomb(src: Path, dst: Path, member: str = "xl/workbook.xml") -> Path:
    """Copy a workbook, prefixing one XML part with a billion-laughs DTD."""
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n')
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == member:
                data = bomb + data.split(b"?>", 1)[-1].lstrip()
            zout.writestr(info, data)
    return dst


def shandong_rows(form: Form) -> tuple[list[list[Any]], list[str]]:
    """A Shandong form laid out like the published one (15 columns A–O, three header rows,
    merged duty cells), from a Form."""
    b = form.budget
    rows: list[list[Any]] = []
    merges: list[str] = []

    def add(*cells: Any) -> int:
        rows.append(list(cells))
        return len(rows)

    def wan(v: float | None) -> str | None:
        return None if v is None else f"{v:.2f}万元"

    r = add(form.title)
    merges.append(f"A{r}:O{r}")
    r = add("部门名称", form.department, "部门整体预算总额", wan(b.declared_total), None,
            "1.资金来源：（1）财政拨款", None, wan(b.fiscal), None, "2.资金结构：（1）基本支出", None,
            wan(b.basic))
    merges += [f"F{r}:G{r}", f"J{r}:K{r}", f"A{r}:A{r + 1}", f"B{r}:B{r + 1}", f"C{r}:C{r + 1}",
               f"D{r}:D{r + 1}"]
    r = add(None, None, None, None, None, "（2）其他资金", None, wan(b.other), None, "（2）项目支出",
            None, wan(b.project))
    merges += [f"F{r}:G{r}", f"J{r}:K{r}"]
    r = add("战略目标", form.overall_goal)
    merges.append(f"B{r}:O{r}")
    top = add("职责序号", "部门职责", "职责目标", "绩效指标", "指标解释", f"{form.year}年度指标值",
              "指标参考值", None, None, None, None, None, "备注（标准值和历史值均无的原因/其他需要说明的）",
              "工作活动", "预算项目")
    add(None, None, None, None, None, None, "标准值", None, None, "历史值", None, None)
    add(None, None, None, None, None, None, "“十三五”规划值", f"{form.year}年标准值", "来源",
        "前三年均值", "上年值", "来源")
    merges += [f"G{top}:L{top}", f"G{top + 1}:I{top + 1}", f"J{top + 1}:L{top + 1}"]
    merges += [f"{c}{top}:{c}{top + 2}" for c in "ABCDEFMNO"]
    prev = (None, None, None)
    starts = [None, None, None]
    for ind in form.indicators:
        chain = (ind.duty_no, ind.duty, ind.goal)
        written = []
        changed = False
        for k in range(3):
            changed = changed or chain[k] != prev[k]
            written.append(chain[k] if changed else None)
        s, h = ind.standard, ind.history
        r = add(*written, ind.name, ind.explanation, ind.annual_value, s.plan_value, s.value,
                s.source, h.avg3, h.last_year, h.source, ind.note, ind.activity, ind.project)
        for k, col in enumerate("ABC"):
            if written[k] is not None:
                if starts[k] and r - 1 > starts[k]:
                    merges.append(f"{col}{starts[k]}:{col}{r - 1}")
                starts[k] = r
        prev = chain
    for k, col in enumerate("ABC"):
        if starts[k] and r > starts[k]:
            merges.append(f"{col}{starts[k]}:{col}{r}")
    return rows, merges
