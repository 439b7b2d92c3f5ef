"""Render workbooks to PNG pictures (LibreOffice → PDF → pdftoppm), for the user guide.

The guide's screenshots are made from the project's own examples by this module, so they
never go stale.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from perfxl.adapters.libreoffice import LibreOfficeError, convert


def render_png(workbooks: list[Path], outdir: Path, *, dpi: int = 80, first_page_only: bool = True) -> list[Path]:
    """Render each workbook's first printed page (or all pages) to ``outdir/<stem>.png``.

    Returns the PNG paths (``<stem>-N.png`` when all pages are rendered).
    """
    exe = shutil.which("pdftoppm")
    if not exe:
        raise LibreOfficeError("pdftoppm not found (apt-get install poppler-utils)")
    outdir.mkdir(parents=True, exist_ok=True)
    pictures: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="perfxl-render-") as tmp:
        pdfs = convert(workbooks, "pdf", Path(tmp))
        for pdf in pdfs:
            prefix = outdir / pdf.stem
            cmd = [exe, "-png", "-r", str(dpi)]
            if first_page_only:
                cmd += ["-f", "1", "-l", "1", "-singlefile"]
            subprocess.run([*cmd, str(pdf), str(prefix)], check=True, capture_output=True)
            if first_page_only:
                pictures.append(prefix.with_suffix(".png"))
            else:
                pictures.extend(sorted(outdir.glob(f"{pdf.stem}-*.png")))
    missing = [p for p in pictures if not p.exists()]
    if missing:
        raise LibreOfficeError(f"pdftoppm produced no picture for {[m.name for m in missing]}")
    return pictures
