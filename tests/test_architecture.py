"""The domain core knows nothing of Excel, files or the network: adapters depend inward."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "perfxl" / "core"
FORBIDDEN = {"openpyxl", "xlwings", "python_calamine", "xlsxwriter", "smtplib", "imaplib",
             "perfxl.adapters", "perfxl.cli", "perfxl.addin", "pandas"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_no_adapter():
    offenders = {}
    for path in CORE.rglob("*.py"):
        bad = {m for m in imported_modules(path)
               if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)}
        if bad:
            offenders[str(path.relative_to(CORE))] = sorted(bad)
    assert offenders == {}
