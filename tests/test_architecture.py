"""Dependencies point inward. The domain core knows nothing of Excel, files or the network;
adapters know no shell; the shells (the command line, the live-Excel handlers, the add-in
builder) never import the command line: what two shells share lives further in. The add-in
builder uses the live-Excel package (button registry, handlers, UDF metadata), never the
reverse."""

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "perfxl"
SHELLS = {"perfxl.cli", "perfxl.excel", "perfxl.addin"}
FORBIDDEN = {
    "core": {"openpyxl", "xlwings", "python_calamine", "xlsxwriter", "smtplib", "imaplib", "pandas",
             "perfxl.adapters", *SHELLS},
    "adapters": SHELLS,
    # excel is the add-in's runtime, addin builds it: addin may import excel, not the reverse.
    "excel": {"perfxl.cli", "perfxl.addin"},
    "addin": {"perfxl.cli"},
}


def imported_modules(path: Path) -> set[str]:
    """Every module the file imports, at the top or inside a function, relative ones resolved."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            names.add(base)
            # `from perfxl import cli` names the module in the alias, not in `module`
            names.update(f"{base}.{a.name}" for a in node.names)
    return names


def offenders(layer: str) -> dict[str, list[str]]:
    found = {}
    for path in (PACKAGE / layer).rglob("*.py"):
        bad = {m for m in imported_modules(path)
               if any(m == f or m.startswith(f + ".") for f in FORBIDDEN[layer])}
        if bad:
            found[str(path.relative_to(PACKAGE))] = sorted(bad)
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_inward(layer):
    assert offenders(layer) == {}


def test_the_check_sees_relative_and_aliased_imports(tmp_path, monkeypatch):
    pkg = tmp_path / "perfxl" / "excel"
    pkg.mkdir(parents=True)
    (pkg / "a.py").write_text("def f():\n    from ..cli.commands import calc\n", "utf-8")
    (pkg / "b.py").write_text("from perfxl import cli\n", "utf-8")
    (pkg / "c.py").write_text("from perfxl.core import calc\n", "utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "perfxl")
    assert offenders("excel") == {"excel/a.py": ["perfxl.cli.commands", "perfxl.cli.commands.calc"],
                                  "excel/b.py": ["perfxl.cli"]}
