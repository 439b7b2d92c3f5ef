"""Send bookkeeping: what a send log says about each (campaign, department).

Pure: the log file itself is written by ``perfxl.adapters.mail.sendlog``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STATUSES = ("sending", "sent", "failed", "written")


@dataclass(frozen=True)
class SendRecord:
    campaign: str  # e.g. "distribute:2025", "remind:2025:2025-03-01"
    department: str
    status: str  # sending | sent | failed | written (.eml for a dry run)
    time: str = ""
    to: tuple[str, ...] = ()
    message_id: str = ""
    attachment: str = ""
    error: str = ""
    temporary: bool = False
    refused: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        d = {"campaign": self.campaign, "department": self.department, "status": self.status,
             "time": self.time, "to": list(self.to), "message_id": self.message_id}
        for k in ("attachment", "error"):
            if getattr(self, k):
                d[k] = getattr(self, k)
        if self.temporary:
            d["temporary"] = True
        if self.refused:
            d["refused"] = list(self.refused)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "SendRecord":
        return cls(campaign=str(d.get("campaign", "")), department=str(d.get("department", "")),
                   status=str(d.get("status", "")), time=str(d.get("time", "")),
                   to=tuple(d.get("to") or ()), message_id=str(d.get("message_id", "")),
                   attachment=str(d.get("attachment", "")), error=str(d.get("error", "")),
                   temporary=bool(d.get("temporary", False)), refused=tuple(d.get("refused") or ()))


def last_state(records: list[SendRecord], campaign: str) -> dict[str, SendRecord]:
    """Department → the record that decides its state in ``campaign``.

    Once "sent", later records never undo it (a stray retry record must not cause a
    second mail).
    """
    state: dict[str, SendRecord] = {}
    for r in records:
        if r.campaign != campaign or r.status == "written":
            continue
        prev = state.get(r.department)
        if prev is not None and prev.status == "sent":
            continue
        state[r.department] = r
    return state


@dataclass
class Plan:
    to_send: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)  # died mid-send: not resent by default


def plan(departments: list[str], records: list[SendRecord], campaign: str,
         retry_uncertain: bool = False) -> Plan:
    state = last_state(records, campaign)
    p = Plan()
    for name in departments:
        r = state.get(name)
        if r is None or r.status == "failed":
            p.to_send.append(name)
        elif r.status == "sent":
            p.already_sent.append(name)
        elif retry_uncertain:
            p.to_send.append(name)
        else:
            p.uncertain.append(name)
    return p


def sent_at(records: list[SendRecord], campaign_prefix: str) -> dict[str, str]:
    """Department → time of its first successful send in campaigns starting with prefix."""
    out: dict[str, str] = {}
    for r in records:
        if r.status == "sent" and r.campaign.startswith(campaign_prefix):
            out.setdefault(r.department, r.time)
    return out
