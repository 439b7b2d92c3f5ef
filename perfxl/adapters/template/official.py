"""The blank official templates shipped in ``workbook_templates/``.

``scripts/make_templates.py`` writes them; a test regenerates them and compares part by
part, so the shipped files always match the code.
"""

from __future__ import annotations

import os
from pathlib import Path

from perfxl.adapters.template.workbook import write_template

# The budget year printed on the shipped blank forms; `perfxl template --year` makes others.
OFFICIAL_YEAR = 2026

# file name → (layout, indicator framework)
OFFICIAL_TEMPLATES: dict[str, tuple[str, str]] = {
    "部门整体预算绩效目标申报表_广东.xlsx": ("guangdong", "2015"),
    "部门预算整体绩效目标表_山东.xlsx": ("shandong", "2015"),
}


def write_official_templates(outdir: str | os.PathLike[str], year: int = OFFICIAL_YEAR) -> list[Path]:
    """Write every official blank template into ``outdir``; return their paths."""
    outdir = Path(outdir)
    paths = []
    for filename, (layout, framework) in OFFICIAL_TEMPLATES.items():
        path = outdir / filename
        write_template(layout, year, "", path, framework=framework)
        paths.append(path)
    return paths
