"""Saving a macro-enabled workbook with openpyxl without losing its ribbon.

openpyxl (``keep_vba=True``) carries the VBA project and the parts it does not know
(``customUI/…``) into the file it saves, but writes the package relationships
(``_rels/.rels``) afresh, without the one that points at the ribbon: Excel then opens the
copy with its macros but without the perfxl tab. ``keep_ribbon`` puts them back.
"""

from __future__ import annotations

import os
import posixpath
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

from defusedxml import ElementTree as ET

ROOT_RELS = "_rels/.rels"
_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_UI_TYPES = (  # Office 2007 (customUI.xml) and 2010+ (customUI14.xml) ribbons
    "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
    "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
)


def _relationships(xml: bytes) -> list[dict[str, str]]:
    return [dict(rel.attrib) for rel in ET.fromstring(xml).iter(f"{_NS}Relationship")]


def save_keeping_ribbon(wb, source: str | os.PathLike[str], path: str | os.PathLike[str]) -> None:
    """``wb.save(path)``; when openpyxl kept a VBA project (an .xlsm loaded with
    ``keep_vba``), the ribbon of ``source`` is put back too."""
    wb.save(path)
    if wb.vba_archive is not None:
        keep_ribbon(source, path)


def keep_ribbon(source: str | os.PathLike[str], saved: str | os.PathLike[str]) -> None:
    """Give ``saved`` (written by openpyxl from ``source``) the ribbon of ``source``:
    its relationships in ``_rels/.rels`` and, should openpyxl have left them out, its
    parts. Nothing changes for a source without a ribbon."""
    with zipfile.ZipFile(source) as zf:
        names = set(zf.namelist())
        if ROOT_RELS not in names:
            return
        ribbons = [r for r in _relationships(zf.read(ROOT_RELS)) if r.get("Type") in _UI_TYPES]
        if not ribbons:
            return
        wanted = set()
        for rel in ribbons:
            part = rel["Target"].lstrip("/")
            folder, file = posixpath.split(part)
            wanted |= {part, posixpath.join(folder, "_rels", file + ".rels")} & names
        source_parts = {n: zf.read(n) for n in wanted}
    saved = Path(saved)
    with zipfile.ZipFile(saved) as zf:
        infos = zf.infolist()
        parts = {i.filename: zf.read(i.filename) for i in infos}
    present = _relationships(parts[ROOT_RELS])
    known = {(r.get("Type"), r.get("Target", "").lstrip("/")) for r in present}
    used = {r.get("Id") for r in present}
    added = []
    for rel in ribbons:
        if (rel["Type"], rel["Target"].lstrip("/")) in known:
            continue
        n = 1
        while f"rId{n}" in used:
            n += 1
        used.add(f"rId{n}")
        added.append(f'<Relationship Id="rId{n}" Type={quoteattr(rel["Type"])} '
                     f'Target={quoteattr(rel["Target"])}/>')
    missing = {n: b for n, b in source_parts.items() if n not in parts}
    if not added and not missing:
        return
    rels = parts[ROOT_RELS].decode("utf-8")
    parts[ROOT_RELS] = rels.replace("</Relationships>", "".join(added) + "</Relationships>").encode("utf-8")
    with zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in infos:
            zf.writestr(info, parts[info.filename])
        for name, data in missing.items():
            zf.writestr(name, data)
