"""Storing returned forms under the work folder and judging where each department is.

Work folder layout (the same folder ``distribute`` wrote):
  回收/<部门名称>/<received time>_<hash>_<attachment name>   every version, never overwritten
  回收/未匹配/…                                                 files no department claims
  回收/回收记录.jsonl                                           one line per stored version
  回收/imap状态.json                                            last UID read per mailbox folder
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import message_from_bytes, policy
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path

from perfxl.adapters.atomic import atomic_path
from perfxl.core.collection import Received, match, safe_component
from perfxl.core.findings import Finding, FormReadError
from perfxl.core.model import Form
from perfxl.core.roster import Roster

RETURNS = "回收"
UNMATCHED = "未匹配"
RECORDS = "回收记录.jsonl"
IMAP_STATE = "imap状态.json"
FORM_SUFFIXES = (".xlsx", ".xlsm")

Reader = Callable[[Path], Form]


@dataclass(frozen=True)
class Incoming:
    """An attachment (or a loose file) that may be a returned form."""

    data: bytes
    name: str
    received_at: datetime
    sender: str = ""
    source: str = ""
    message_id: str = ""


@dataclass
class CollectResult:
    stored: list[Received] = field(default_factory=list)
    duplicates: int = 0  # identical bytes already stored for the same department
    unmatched: list[Received] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # messages without a form attachment


def utc_iso(when: datetime) -> str:
    if when.tzinfo is None:
        when = when.astimezone()
    return when.astimezone(timezone.utc).isoformat(timespec="seconds")


def attachments_of(raw: bytes, source: str, fallback_time: datetime) -> tuple[list[Incoming], str]:
    """Form attachments of one message, and a description when there are none."""
    msg = message_from_bytes(raw, policy=policy.default)
    sender = parseaddr(str(msg.get("From", "")))[1].strip()
    when = fallback_time
    try:
        if msg.get("Date"):
            when = parsedate_to_datetime(str(msg["Date"]))
    except (TypeError, ValueError, IndexError):
        pass
    out = []
    # walk() also descends into forwarded messages (message/rfc822), and get_filename()
    # decodes both RFC 2231 and the RFC 2047-in-quotes names Foxmail and Outlook send.
    for part in msg.walk():
        if part.is_multipart():
            continue
        name = part.get_filename() or ""
        if not name.lower().endswith(FORM_SUFFIXES):
            continue
        data = part.get_payload(decode=True) or b""
        out.append(Incoming(data, name, when, sender, source, str(msg.get("Message-ID", "")).strip()))
    subject = str(msg.get("Subject", ""))
    return out, "" if out else f"{sender}：“{subject}”没有 .xlsx 附件"


def from_folder(folder: str | os.PathLike[str]) -> tuple[list[Incoming], list[str]]:
    """Loose .xlsx/.xlsm files (time = modification time) and saved .eml messages."""
    folder = Path(folder)
    items: list[Incoming] = []
    skipped: list[str] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.startswith(("~$", ".")):
            continue
        mtime = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        suffix = path.suffix.lower()
        if suffix in FORM_SUFFIXES:
            items.append(Incoming(path.read_bytes(), path.name, mtime, "", str(path)))
        elif suffix == ".eml":
            found, why = attachments_of(path.read_bytes(), str(path), mtime)
            items.extend(found)
            if why:
                skipped.append(f"{path.name}：{why}")
    return items, skipped


class Store:
    def __init__(self, workdir: str | os.PathLike[str]) -> None:
        self.workdir = Path(workdir)
        self.root = self.workdir / RETURNS
        self.records_path = self.root / RECORDS

    def records(self) -> list[Received]:
        if not self.records_path.exists():
            return []
        out = []
        for line in self.records_path.read_text("utf-8").splitlines():
            try:
                out.append(Received.from_dict(json.loads(line)))
            except (json.JSONDecodeError, TypeError):
                continue
        return out

    def superseded(self) -> set[Path]:
        """The 未匹配 copies of returns stored again under a department (matched on a later
        run, after the roster was fixed): reading them too would count the form twice."""
        records = self.records()
        claimed = {r.sha256 for r in records if r.department}
        return {(self.workdir / r.file).resolve() for r in records
                if not r.department and r.sha256 in claimed}

    def _append(self, rec: Received) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.records_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec.to_dict(), ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def imap_state(self) -> dict:
        p = self.root / IMAP_STATE
        return json.loads(p.read_text("utf-8")) if p.exists() else {}

    def save_imap_state(self, state: dict) -> None:
        with atomic_path(self.root / IMAP_STATE) as tmp:
            tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), "utf-8")

    def add(self, items: Iterable[Incoming], roster: Roster, reader: Reader,
            result: CollectResult | None = None, sent_forms: dict[str, str] | None = None) -> CollectResult:
        """``sent_forms``: sha256 → department of the blank forms we sent; an attachment
        with those exact bytes is our own form coming back untouched (a quoted reply, a
        copy of our own mail), not a return."""
        result = result or CollectResult()
        known = {(r.department, r.sha256) for r in self.records()}
        sent_forms = sent_forms or {}
        for item in items:
            sha = hashlib.sha256(item.data).hexdigest()
            if sha in sent_forms:
                result.skipped.append(f"{item.sender or item.source}：附件“{item.name}”是发给"
                                      f"{sent_forms[sha]}的原表，未填写")
                continue
            form_department, note = _department_in(item, reader)
            m = match(form_department, item.sender, roster)
            dept = m.department.name if m.department else ""
            if (dept, sha) in known:
                result.duplicates += 1
                continue
            stamp = datetime.fromisoformat(utc_iso(item.received_at)).astimezone()
            folder = self.root / (dept or UNMATCHED)
            name = f"{stamp:%Y%m%d-%H%M%S}_{sha[:8]}_{safe_component(item.name)}"
            target = _unused(folder / name)
            with atomic_path(target) as tmp:
                tmp.write_bytes(item.data)
            rec = Received(sha256=sha, file=target.relative_to(self.workdir).as_posix(),
                           original_name=item.name, received_at=utc_iso(item.received_at),
                           sender=item.sender, source=item.source, message_id=item.message_id,
                           department=dept, matched_by=m.by, form_department=form_department,
                           note="；".join(x for x in (note, m.note) if x))
            self._append(rec)
            known.add((dept, sha))
            (result.stored if dept else result.unmatched).append(rec)
        return result


def _unused(path: Path) -> Path:
    # Never overwrite an earlier version, even one with the same second and hash prefix.
    candidate, n = path, 1
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}({n}){path.suffix}")
        n += 1
    return candidate


def _department_in(item: Incoming, reader: Reader) -> tuple[str, str]:
    """The 部门名称 written in the form, read from a temporary copy of the bytes."""
    suffix = Path(item.name).suffix.lower() or ".xlsx"
    fd, tmp = tempfile.mkstemp(suffix=suffix, prefix="perfxl-in-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(item.data)
        try:
            return reader(Path(tmp)).department.strip(), ""
        except FormReadError as exc:
            return "", f"无法读取：{exc.message}"
    finally:
        os.unlink(tmp)


def imap_items(messages: Iterator, source: str, skipped: list[str]) -> Iterator[Incoming]:
    for m in messages:
        found, why = attachments_of(m.raw, f"{source};uid={m.uid}", m.internal_date)
        if why:
            skipped.append(why)
        yield from found


def check_file(path: Path, reader: Reader, checker: Callable[[Form], list[Finding]]) -> list[Finding]:
    try:
        form = reader(path)
    except FormReadError as exc:
        return [exc.to_finding()]
    return list(checker(form))
