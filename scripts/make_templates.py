"""Regenerate the blank official templates in workbook_templates/ from code.

    python scripts/make_templates.py [OUTDIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfxl.adapters.template import write_official_templates  # noqa: E402


def main(argv: list[str]) -> int:
    outdir = Path(argv[1]) if len(argv) > 1 else ROOT / "workbook_templates"
    for path in write_official_templates(outdir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
