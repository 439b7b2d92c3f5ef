"""The distribution roster: one row per department that receives a form.

Pure validation. The xlsx reader hands over raw cell values with their addresses; this
module decides what is acceptable. Everything from a roster ends up in mail headers and
file names, so the rules are strict: a value that could inject a header line or escape
the output folder is rejected, never silently "cleaned" into something else.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from perfxl.core.findings import Finding

SHEET = "部门名单"
COLUMNS = ("部门名称", "部门编码", "表样", "联系人", "邮箱", "抄送")
REQUIRED = ("部门名称", "表样", "邮箱")
LAYOUT_NAMES = {"广东": "guangdong", "山东": "shandong"}
LAYOUT_LABELS = {v: k for k, v in LAYOUT_NAMES.items()}

MAX_NAME = 60  # department names longer than this are not names (and make paths too long)
MAX_CONTACT = 30
MAX_CODE = 32
MAX_ADDRESS = 254  # RFC 5321 path limit
MAX_ADDRESSES = 10

# Windows forbids these in file names; "/" and "\" would also escape the output folder.
_FORBIDDEN_IN_NAME = set('<>:"/\\|?*')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
_SPLIT = re.compile(r"[;；,，、\s]+")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,63}}$")
_CODE = re.compile(r"^[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class Department:
    name: str
    layout: str  # "guangdong" | "shandong"
    emails: tuple[str, ...]
    code: str = ""
    contact: str = ""
    cc: tuple[str, ...] = ()
    row: int = 0

    @property
    def key(self) -> str:
        """Identity in send logs and collection records."""
        return self.name

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "code": self.code, "layout": self.layout,
                "contact": self.contact, "emails": list(self.emails), "cc": list(self.cc),
                "row": self.row}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Department":
        return cls(name=d["name"], layout=d["layout"], emails=tuple(d["emails"]),
                   code=d.get("code", ""), contact=d.get("contact", ""),
                   cc=tuple(d.get("cc", ())), row=d.get("row", 0))


@dataclass
class Roster:
    departments: list[Department] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def by_name(self, name: str) -> Department | None:
        key = name_key(name)
        for d in self.departments:
            if name_key(d.name) == key:
                return d
        return None

    def by_address(self, address: str) -> list[Department]:
        addr = address.strip().lower()
        return [d for d in self.departments
                if addr in {a.lower() for a in (*d.emails, *d.cc)}]


def name_key(name: str) -> str:
    """How department names are compared: full-width folded, spaces ignored, case-free."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or "")).casefold()


_BAD_CATEGORIES = ("Cc", "Zl", "Zp", "Cf", "Cs", "Co", "Cn")


def has_control(text: str) -> bool:
    # Cc covers CR, LF, TAB and NUL; Zl/Zp are the Unicode line separators that some
    # mail software also treats as line breaks; Cf hides text direction tricks; Cs/Co/Cn
    # (surrogates, private use, unassigned) cannot be shown or stored reliably.
    return any(unicodedata.category(ch) in _BAD_CATEGORIES for ch in text)


def check_department_name(name: str) -> str | None:
    """A Chinese message when ``name`` cannot be a department (and file) name, else None."""
    if not name:
        return "部门名称为空"
    if has_control(name):
        return "部门名称含有换行符、控制字符或无效字符"
    if len(name) > MAX_NAME:
        return f"部门名称过长（{len(name)} 个字符，最多 {MAX_NAME} 个）"
    bad = sorted({ch for ch in name if ch in _FORBIDDEN_IN_NAME})
    if bad:
        return f"部门名称含有不能用于文件名的字符：{' '.join(bad)}"
    if name.startswith(("=", "+", "-", "@")):
        # Excel would take it for a formula in every workbook the name is written to.
        return "部门名称不能以 = + - @ 开头"
    if name in (".", "..") or name.endswith((".", " ")):
        return "部门名称不能以句点或空格结尾"
    if name.split(".")[0].strip().upper() in _RESERVED:
        return f"部门名称“{name}”是 Windows 保留名，不能用作文件名"
    return None


def check_address(address: str) -> str | None:
    if has_control(address):
        return "邮箱地址含有换行符、控制字符或无效字符"
    if len(address) > MAX_ADDRESS:
        return f"邮箱地址过长（{len(address)} 个字符）"
    if not _ADDRESS.match(address):
        return f"邮箱地址“{address}”格式不正确"
    return None


def split_addresses(raw: str) -> list[str]:
    # Staff type full-width ＠ and ； from Chinese input methods; NFKC folds them.
    text = unicodedata.normalize("NFKC", raw)
    return [a for a in _SPLIT.split(text) if a]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # codes typed as numbers come back as 101001.0
    # Runs of spaces (incl. full-width) become one: mail headers fold them anyway, and a
    # name must read the same in the header, the file name and the status sheet.
    text = "".join(" " if unicodedata.category(ch) == "Zs" else ch for ch in str(value))
    return re.sub(" {2,}", " ", text).strip()


def parse_rows(rows: list[tuple[int, dict[str, Any]]], columns: dict[str, str],
               file: str = "", sheet: str = SHEET) -> Roster:
    """Validate roster rows.

    ``rows``: (Excel row number, {column title: raw value}); ``columns``: column title →
    column letter, for naming cells in findings. Rows with any error are left out of
    ``Roster.departments``; every problem is a finding naming its cell.
    """
    roster = Roster()
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        roster.findings.append(Finding(file, sheet, "A1", "RS001", "error",
                                       f"名单缺少列：{'、'.join(missing)}（请使用 perfxl roster-template 生成的模板）"))
        return roster
    seen_names: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    seen_addresses: dict[str, str] = {}
    for rowno, values in rows:
        texts = {c: _text(values.get(c)) for c in COLUMNS}
        if not any(texts.values()):
            continue
        problems: list[tuple[str, str, str]] = []  # (column, severity, message)

        def err(col: str, msg: str, severity: str = "error") -> None:
            problems.append((col, severity, msg))

        for col, text in texts.items():
            if has_control(text) and col not in ("邮箱", "抄送"):
                err(col, f"“{col}”含有换行符、控制字符或无效字符，可能被用来伪造邮件头，已拒绝")
        name = texts["部门名称"]
        if not has_control(name):
            msg = check_department_name(name)
            if msg:
                err("部门名称", msg)
        if name and not has_control(name):
            key = name_key(name)
            if key in seen_names:
                err("部门名称", f"部门名称与第 {seen_names[key]} 行重复")
            else:
                seen_names[key] = rowno
        code = texts["部门编码"]
        if code and not has_control(code):
            if len(code) > MAX_CODE or not _CODE.match(code):
                err("部门编码", f"部门编码“{code[:40]}”只能包含字母、数字、点、短横线和下划线（最多 {MAX_CODE} 位）")
            elif code.casefold() in seen_codes:
                err("部门编码", f"部门编码与第 {seen_codes[code.casefold()]} 行重复")
            else:
                seen_codes[code.casefold()] = rowno
        layout_label = texts["表样"].replace("样式", "").replace("省", "")
        layout = LAYOUT_NAMES.get(layout_label) or (layout_label.lower() if layout_label.lower() in LAYOUT_LABELS else "")
        if not texts["表样"]:
            err("表样", "表样为空（填写“广东”或“山东”）")
        elif not layout and not has_control(texts["表样"]):
            err("表样", f"表样“{texts['表样'][:20]}”无法识别（填写“广东”或“山东”）")
        contact = texts["联系人"]
        if len(contact) > MAX_CONTACT:
            err("联系人", f"联系人过长（{len(contact)} 个字符，最多 {MAX_CONTACT} 个）")
        lists: dict[str, list[str]] = {}
        for col in ("邮箱", "抄送"):
            raw = texts[col]
            if has_control(raw):
                err(col, f"“{col}”含有换行符、控制字符或无效字符，可能被用来伪造邮件头，已拒绝")
                lists[col] = []
                continue
            addresses = []
            for a in split_addresses(raw):
                msg = check_address(a)
                if msg:
                    err(col, msg)
                elif a.lower() not in {x.lower() for x in addresses}:
                    addresses.append(a)
            if len(addresses) > MAX_ADDRESSES:
                err(col, f"“{col}”地址过多（{len(addresses)} 个，最多 {MAX_ADDRESSES} 个）")
            lists[col] = addresses
        if not texts["邮箱"]:
            err("邮箱", "邮箱为空")
        for a in lists["邮箱"]:
            other = seen_addresses.get(a.lower())
            if other and other != name:
                err("邮箱", f"邮箱 {a} 同时是“{other}”的收件人；按发件人匹配回收表格时将无法区分", "warning")
            seen_addresses.setdefault(a.lower(), name)
        for col, severity, msg in problems:
            cell = f"{columns.get(col, 'A')}{rowno}"
            roster.findings.append(Finding(file, sheet, cell, "RS002", severity, f"第 {rowno} 行：{msg}"))
        if any(sev == "error" for _, sev, _ in problems):
            continue
        roster.departments.append(Department(
            name=name, layout=layout, emails=tuple(lists["邮箱"]), code=code, contact=contact,
            cc=tuple(a for a in lists["抄送"] if a.lower() not in {x.lower() for x in lists["邮箱"]}),
            row=rowno))
    if not roster.departments and not roster.errors:
        roster.findings.append(Finding(file, sheet, "A2", "RS003", "error", "名单中没有任何部门"))
    return roster


def form_filename(dept: Department, year: int) -> str:
    """The file name a department's form is distributed under (safe on Windows)."""
    prefix = f"{dept.code}_" if dept.code else ""
    return f"{prefix}{dept.name}_{year}年部门整体预算绩效目标表.xlsx"
