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

    @property
    def where(self) -> str:
        """``sheet!cell``; the sheet alone for a finding about a label the sheet lacks."""
        return f"{self.sheet}!{self.cell}" if self.cell else (self.sheet or "-")


def format_findings(findings: list[Finding]) -> str:
    """The plain-text listing (``perfxl check``, the demo): one line per finding, then a count."""
    lines = []
    for f in findings:
        label = SEVERITY_LABELS.get(f.severity, f.severity)
        lines.append(f"{f.file}:{f.where}: {f.rule} [{label}] {f.message}")
    counts = {s: sum(f.severity == s for f in findings) for s in SEVERITIES}
    files = len({f.file for f in findings})
    if findings:
        summary = "，".join(f"{SEVERITY_LABELS[s]} {counts[s]} 个" for s in SEVERITIES)
        lines.append(f"共 {len(findings)} 个问题（{files} 个文件）：{summary}")
    else:
        lines.append("未发现问题。")
    return "\n".join(lines) + "\n"


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
