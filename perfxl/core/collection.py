"""Collecting returned forms: matching them to roster departments and each one's status.

Pure bookkeeping; reading mailboxes, storing files and checking forms happen in
``perfxl.adapters.mail.collect``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

from perfxl.core.findings import Finding
from perfxl.core.roster import Department, Roster

NOT_SENT, SENT, RETURNED, PASSED, NEEDS_FIX = "未发送", "已发送", "已回收", "校验通过", "需修改"
STATUSES = (NOT_SENT, SENT, RETURNED, PASSED, NEEDS_FIX)


@dataclass(frozen=True)
class Received:
    """One received version of a form, as stored under the work folder."""

    sha256: str
    file: str  # stored path, relative to the work folder
    original_name: str
    received_at: str  # ISO 8601 with offset
    sender: str = ""
    source: str = ""  # where it came from: a folder path or imap://host/folder;uid=N
    message_id: str = ""
    department: str = ""  # matched roster department ("" = unmatched)
    matched_by: str = ""  # "name" | "sender" | ""
    form_department: str = ""  # the 部门名称 written in the form, if it could be read
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Received":
        return cls(**{k: str(d.get(k, "")) for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Match:
    department: Department | None
    by: str  # "name" | "sender" | ""
    note: str = ""


def match(form_department: str, sender: str, roster: Roster) -> Match:
    """By the department name in the form first, then by the sender's address."""
    if form_department:
        d = roster.by_name(form_department)
        if d is not None:
            return Match(d, "name")
    candidates = roster.by_address(sender) if sender else []
    if len(candidates) == 1:
        note = (f"表中部门名称“{form_department}”不在名单中，按发件人 {sender} 归入"
                if form_department else f"按发件人 {sender} 归入")
        return Match(candidates[0], "sender", note)
    if len(candidates) > 1:
        names = "、".join(d.name for d in candidates)
        return Match(None, "", f"发件人 {sender} 对应多个部门（{names}），无法确定")
    if form_department:
        return Match(None, "", f"表中部门名称“{form_department}”不在名单中，发件人也不在名单中")
    return Match(None, "", "无法读取部门名称，发件人也不在名单中")


def latest_versions(records: list[Received]) -> dict[str, Received]:
    """Department → its most recently received version (ties: the later record wins)."""
    out: dict[str, Received] = {}
    for r in records:
        if not r.department:
            continue
        prev = out.get(r.department)
        if prev is None or r.received_at >= prev.received_at:
            out[r.department] = r
    return out


@dataclass
class DepartmentStatus:
    department: Department
    status: str
    sent_at: str = ""
    versions: int = 0
    latest: Received | None = None
    findings: list[Finding] = field(default_factory=list)
    checked: bool = False

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


def department_status(dept: Department, sent_at: str, versions: int, latest: Received | None,
                      findings: list[Finding] | None) -> DepartmentStatus:
    """``findings`` is None when the latest version was not checked."""
    if latest is not None:
        if findings is None:
            status = RETURNED
        else:
            status = NEEDS_FIX if any(f.severity == "error" for f in findings) else PASSED
    else:
        status = SENT if sent_at else NOT_SENT
    return DepartmentStatus(dept, status, sent_at, versions, latest, list(findings or []),
                            findings is not None)


def needs_reminder(s: DepartmentStatus) -> bool:
    """Sent but not returned, or returned with errors. Never-sent departments are not
    reminded: they have no form to return yet."""
    return s.status in (SENT, NEEDS_FIX)


_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def safe_component(name: str, limit: int = 80) -> str:
    """A file-name component from untrusted text (an attachment name from an email)."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    name = _UNSAFE.sub("_", name).strip(" .")
    if len(name) > limit:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: limit - len(ext) - 1] + "." + ext) if dot and len(ext) <= 8 else name[:limit]
    return name or "附件"
