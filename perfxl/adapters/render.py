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


def render_png(workbooks: list[Path], outdir: Path, *, dpi: int = 80, first_page_only: bool = True,
               trim: bool = False) -> list[Path]:
    """Render each workbook's first printed page (or all pages) to ``outdir/<stem>.png``.

    ``trim`` (first page only) cuts the blank paper around the printed content, so a
    small table is not a speck on an A4 sheet. Returns the PNG paths (``<stem>-N.png``
    when all pages are rendered).
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
                box = _content_box(exe, pdf, dpi) if trim else None
                if box:
                    cmd += ["-x", str(box[0]), "-y", str(box[1]), "-W", str(box[2]), "-H", str(box[3])]
            subprocess.run([*cmd, str(pdf), str(prefix)], check=True, capture_output=True)
            if first_page_only:
                pictures.append(prefix.with_suffix(".png"))
            else:
                pictures.extend(sorted(outdir.glob(f"{pdf.stem}-*.png")))
    missing = [p for p in pictures if not p.exists()]
    if missing:
        raise LibreOfficeError(f"pdftoppm produced no picture for {[m.name for m in missing]}")
    return pictures


_INK = bytes(0 if i < 245 else 255 for i in range(256))  # near-white counts as paper


def _content_box(exe: str, pdf: Path, dpi: int, margin: int = 12) -> tuple[int, int, int, int] | None:
    """(x, y, width, height) in pixels of everything printed on the first page, with a
    margin; None for a blank page. Read from a greyscale PGM render (a 4-line header,
    then one byte per pixel), so no imaging library is needed."""
    prefix = pdf.with_name(pdf.stem + "-box")
    subprocess.run([exe, "-gray", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(prefix)],
                   check=True, capture_output=True)
    data = prefix.with_suffix(".pgm").read_bytes()
    magic, width, height, maxval, pixels = data.split(maxsplit=4)
    if magic != b"P5" or maxval != b"255":
        return None
    width, height = int(width), int(height)
    ink = pixels[:width * height].translate(_INK)
    top = bottom = left = right = None
    for y in range(height):
        row = ink[y * width:(y + 1) * width]
        first = row.find(0)
        if first < 0:
            continue
        last = row.rfind(0)
        top = y if top is None else top
        bottom = y
        left = first if left is None else min(left, first)
        right = last if right is None else max(right, last)
    if top is None:
        return None
    x0, y0 = max(left - margin, 0), max(top - margin, 0)
    x1, y1 = min(right + margin, width - 1), min(bottom + margin, height - 1)
    return x0, y0, x1 - x0 + 1, y1 - y0 + 1
