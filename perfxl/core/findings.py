"""A finding: one defect found in one cell of one file.

Shared by the reader (files that cannot be read at all), the rules and consolidation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

SEVERITIES = ("error", "warning", "info")
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass(frozen=True)
class Finding:
    file: str
    sheet: str
    cell: str
    rule: str
    severity: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


class FormReadError(Exception):
    """A workbook cannot be read as a form. The message is user-facing Chinese text."""

    def __init__(self, file: str, message: str, sheet: str = "", cell: str = "") -> None:
        super().__init__(f"{file}: {message}")
        self.file = file
        self.sheet = sheet
        self.cell = cell
        self.message = message

    def to_finding(self, rule: str = "PX001") -> Finding:
        return Finding(self.file, self.sheet, self.cell, rule, "error", self.message)
