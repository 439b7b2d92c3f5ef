"""LibreOffice headless: recalculate workbooks and render them to PDF.

Used by tests (to recalculate native formulas with a real spreadsheet engine) and by the
docs build (screenshots). Each call uses its own user profile so parallel calls do not
fight over one, batches at most ``BATCH`` files per soffice call (larger calls were seen
to stop early and still exit 0), and checks that every output exists.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

BATCH = 100

# Always recalculate on load (OOXMLRecalcMode 0), whatever the file's cached values say:
# a test of formulas must see LibreOffice's own results, not stale caches.
_PROFILE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOfficeError(RuntimeError):
    pass


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(files: list[Path] | list[str], fmt: str, outdir: Path | str, timeout: float = 600,
            infilter: str | None = None) -> list[Path]:
    """Convert ``files`` to ``fmt`` (``xlsx``, ``pdf``, ``ods``) into ``outdir``.

    ``infilter`` names the import filter when type detection would refuse the files
    (LibreOffice does not detect ``.xlam`` add-ins; ``"Calc MS Excel 2007 VBA XML"`` reads them).

    Converting xlsx → xlsx makes LibreOffice load, recalculate and save, so the result
    carries cached values for every formula. Returns the output paths in input order.
    """
    exe = soffice_path()
    if not exe:
        raise LibreOfficeError("soffice not found (apt-get install libreoffice-calc-nogui)")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    files = [Path(f).resolve() for f in files]
    ext = fmt.split(":")[0]
    outputs = [outdir / (f.stem + "." + ext) for f in files]
    for start in range(0, len(files), BATCH):
        chunk = files[start:start + BATCH]
        with tempfile.TemporaryDirectory(prefix="perfxl-lo-") as profile:
            (Path(profile) / "user").mkdir()
            (Path(profile) / "user" / "registrymodifications.xcu").write_text(_PROFILE_XCU, "utf-8")
            cmd = [
                exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                "--nolockcheck", *([f"--infilter={infilter}"] if infilter else []), "--convert-to", fmt, "--outdir", str(outdir), *map(str, chunk),
            ]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        missing = [o for o in outputs[start:start + BATCH] if not o.exists()]
        if proc.returncode != 0 or missing:
            raise LibreOfficeError(
                f"soffice failed (exit {proc.returncode}); missing {[m.name for m in missing]}\n"
                f"{proc.stdout}\n{proc.stderr}"
            )
    return outputs


def recalculate(files: list[Path] | list[str], outdir: Path | str) -> list[Path]:
    """Load, recalculate and save as xlsx with cached formula values."""
    return convert(files, "xlsx:Calc MS Excel 2007 XML", outdir)
