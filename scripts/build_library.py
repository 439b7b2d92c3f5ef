"""Regenerate the shipped built-in library workbook from its reviewable TSV source.

    python scripts/build_library.py          # writes perfxl/data/library/builtin.xlsx
    python scripts/build_library.py --check  # exit 1 if the workbook is out of date

The TSV is what reviewers read and edit; the xlsx is what perfxl loads and exports.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from perfxl.adapters.library_xlsx import BUILTIN_SOURCE, BUILTIN_XLSX, read_library, write_library  # noqa: E402


def main(argv: list[str]) -> int:
    source = read_library(BUILTIN_SOURCE, name="内置指标库")
    if source.errors:
        for issue in source.errors:
            print(f"{BUILTIN_SOURCE.name}: {issue}", file=sys.stderr)
        return 1
    if "--check" in argv:
        shipped = read_library(BUILTIN_XLSX).library
        same = [i.as_row() for i in shipped] == [i.as_row() for i in source.library]
        print("up to date" if same else "builtin.xlsx is out of date: run scripts/build_library.py")
        return 0 if same else 1
    write_library(source.library, BUILTIN_XLSX, history=False)
    print(f"wrote {BUILTIN_XLSX} ({len(source.library)} indicators)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
