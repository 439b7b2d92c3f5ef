"""README.md's folder table matches the repository: every folder has a row, and every
script, file and command it names exists."""

import fnmatch
import re
from pathlib import Path

from perfxl.cli import command_modules

ROOT = Path(__file__).resolve().parent.parent


def table() -> dict[str, str]:
    rows = {}
    for line in (ROOT / "README.md").read_text("utf-8").splitlines():
        m = re.match(r"\|\s*`([^`]+/)`\s*\|(.*)\|\s*$", line)
        if m:
            rows[m.group(1)] = m.group(2)
    return rows


def _ignored(name: str) -> bool:
    patterns = [p.strip().strip("/") for p in (ROOT / ".gitignore").read_text("utf-8").splitlines()
                if p.strip() and not p.startswith("#")]
    return any(fnmatch.fnmatch(name, p) for p in patterns)


def test_every_folder_has_a_row():
    folders = {f"{p.name}/" for p in ROOT.iterdir()
               if p.is_dir() and not p.name.startswith(".") and not _ignored(p.name)}
    folders |= {f"perfxl/{p.name}/" for p in (ROOT / "perfxl").iterdir()
                if p.is_dir() and not _ignored(p.name)}
    folders.discard("perfxl/")  # its sub-packages have rows
    assert sorted(folders - set(table())) == []


def test_what_the_table_names_exists():
    rows = table()
    assert rows
    text = " ".join(rows.values())
    for path in re.findall(r"`((?:scripts|perfxl)/[^`]+)`", text):
        assert (ROOT / path).exists(), path
    for name in re.findall(r"`([\w.]+\.(?:py|sh|tsv|xlsx))`", text):
        assert list(ROOT.rglob(name)), name
    commands = {m.NAME for m in command_modules()}
    assert set(re.findall(r"`perfxl ([\w-]+)", text)) <= commands
    for row in rows:
        assert (ROOT / row).is_dir(), row
