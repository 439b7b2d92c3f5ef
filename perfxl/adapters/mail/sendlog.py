"""The send log: one JSON object per line, fsynced before and after every send.

A rerun reads it to send only what is not yet sent. Each department gets a "sending"
record before the SMTP transaction and a "sent" or "failed" record after it; a
"sending" with nothing after it means the program died mid-send, and that message is
reported as uncertain instead of being sent again.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from perfxl.core.sendstate import SendRecord

LOG_NAME = "发送记录.jsonl"


class SendLog:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def records(self) -> list[SendRecord]:
        if not self.path.exists():
            return []
        out = []
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    data = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by a crash: the record before it still counts
                out.append(SendRecord.from_dict(data))
        return out

    def append(self, **fields: Any) -> SendRecord:
        fields.setdefault("time", datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"))
        record = SendRecord.from_dict(fields)
        line = json.dumps(record.to_dict(), ensure_ascii=False) + "\n"
        new = not self.path.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        if new and hasattr(os, "O_DIRECTORY"):
            fd = os.open(self.path.parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        return record
