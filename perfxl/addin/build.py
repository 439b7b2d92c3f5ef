"""Package the add-in: ``perfxl.xlam`` and an ``.xlsm`` flavour of each official template.

Both carry the same ribbon (``customUI/customUI14.xml``), the same VBA project and a
``perfxl.conf`` sheet naming the Python interpreter (xlwings expands ``%VAR%``). The
``.xlam`` also records the xlwings version it was built with as a custom document property,
so ``perfxl addin status`` can compare it with the installed package without Excel. Zip
entries have fixed timestamps and a fixed order, so two builds give identical bytes.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import xlwings
from defusedxml import ElementTree as ET

from perfxl.adapters.atomic import atomic_path
from perfxl.addin import ribbon, vba
from perfxl.excel import buttons as registry

ZIP_DATE = (2020, 1, 1, 0, 0, 0)
FIXED_TIME = "2020-01-01T00:00:00Z"
CONF_SHEET = "perfxl.conf"
DEFAULT_INTERPRETER = r"%LOCALAPPDATA%\perfxl\venv\Scripts\pythonw.exe"

CT_ADDIN = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
CT_XLSM = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
REL_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_UI14 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
REL_CUSTOM = f"{REL_DOC}/custom-properties"
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
NS_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
XLWINGS_PROPERTY = "perfxlXlwingsVersion"
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@dataclass(frozen=True)
class Config:
    """What goes on the ``perfxl.conf`` sheet (xlwings reads column A keys, B values)."""

    interpreter: str = DEFAULT_INTERPRETER

    def rows(self) -> list[tuple[str, str]]:
        rows = [("INTERPRETER_WIN", self.interpreter),
                # Do not import stray .py files that sit beside a user's forms.
                ("ADD_WORKBOOK_TO_PYTHONPATH", "False")]
        if vba.udf_module("ActiveWorkbook"):
            rows.append(("UDF MODULES", vba.UDF_MODULE))
        return rows


def enabled_buttons() -> tuple[registry.Button, ...]:
    """Registry buttons; refuses a build where buttons and handlers disagree."""
    from perfxl.excel.handlers import HANDLERS

    ids = {b.id for b in registry.BUTTONS}
    if ids != set(HANDLERS):
        raise vba.BuildError(
            f"ribbon buttons without handler: {sorted(ids - set(HANDLERS))}; "
            f"handlers without button: {sorted(set(HANDLERS) - ids)}")
    return registry.BUTTONS


def _conf_sheet_xml(config: Config, code_name: str) -> bytes:
    cells = []
    for i, (key, value) in enumerate(config.rows(), start=1):
        cells.append(
            f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{escape(key)}</t></is></c>'
            f'<c r="B{i}" t="inlineStr"><is><t>{escape(value)}</t></is></c></row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{REL_DOC}">'
        f'<sheetPr codeName="{code_name}"/><dimension ref="A1:B{len(cells)}"/>'
        '<cols><col min="1" max="1" width="32" customWidth="1"/>'
        '<col min="2" max="2" width="64" customWidth="1"/></cols>'
        f'<sheetData>{"".join(cells)}</sheetData></worksheet>'
    ).encode("utf-8")


def _write_zip(target: Path, parts: dict[str, bytes]) -> Path:
    order = ["[Content_Types].xml", "_rels/.rels"]
    names = order + sorted(n for n in parts if n not in order)
    with atomic_path(target) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in names:
                info = zipfile.ZipInfo(name, ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16
                zf.writestr(info, parts[name])
    return target


# -- the add-in -----------------------------------------------------------------------------

def build_addin(target: Path, config: Config = Config()) -> Path:
    buttons = enabled_buttons()
    project = vba.project(["Sheet1"], addin=True)
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Default Extension="bin" ContentType="{CT_VBA}"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CT_ADDIN}"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT_SHEET}"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            f'<Override PartName="/docProps/custom.xml" ContentType="{CT_CUSTOM}"/>'
            '</Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL_DOC}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{REL_DOC}/extended-properties" Target="docProps/app.xml"/>'
            f'<Relationship Id="rId4" Type="{REL_UI14}" Target="customUI/customUI14.xml"/>'
            f'<Relationship Id="rId5" Type="{REL_CUSTOM}" Target="docProps/custom.xml"/>'
            '</Relationships>'),
        "docProps/core.xml": _core_xml(),
        "docProps/custom.xml": _custom_xml({XLWINGS_PROPERTY: xlwings.__version__}),
        "docProps/app.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            '<Application>Microsoft Excel</Application></Properties>'),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{NS_MAIN}" xmlns:r="{REL_DOC}">'
            '<workbookPr codeName="ThisWorkbook"/>'
            '<bookViews><workbookView visibility="hidden"/></bookViews>'
            f'<sheets><sheet name={quoteattr(CONF_SHEET)} sheetId="1" r:id="rId1"/></sheets>'
            '<calcPr calcId="191029"/></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL_DOC}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{REL_VBA}" Target="vbaProject.bin"/>'
            '</Relationships>'),
        "xl/styles.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<styleSheet xmlns="{NS_MAIN}">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            '</styleSheet>'),
        "xl/worksheets/sheet1.xml": _conf_sheet_xml(config, "Sheet1"),
        "xl/vbaProject.bin": project.to_bytes(),
        "customUI/customUI14.xml": ribbon.custom_ui_xml(buttons),
    }
    return _write_zip(target, {k: v if isinstance(v, bytes) else v.encode("utf-8")
                               for k, v in parts.items()})


def _core_xml() -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<dc:title>perfxl</dc:title><dc:creator>perfxl</dc:creator>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_TIME}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_TIME}</dcterms:modified>'
        '</cp:coreProperties>')


def _custom_xml(properties: dict[str, str]) -> str:
    # fmtid is the fixed id OOXML prescribes for user-defined properties; pids start at 2.
    props = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name={quoteattr(name)}>'
        f'<vt:lpwstr>{escape(value)}</vt:lpwstr></property>'
        for pid, (name, value) in enumerate(properties.items(), start=2))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Properties xmlns="{NS_CUSTOM}" xmlns:vt="{NS_VT}">{props}</Properties>')


@dataclass(frozen=True)
class AddinInfo:
    """What ``build_addin`` wrote into an ``.xlam``, read back without Excel. ``None``
    where the file does not say (an add-in built before the property was recorded)."""

    xlwings_version: str | None
    interpreter: str | None


def read_addin(path: Path) -> AddinInfo:
    """Raises ``ValueError`` with a Chinese reason when the file is not a readable add-in."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            custom = zf.read("docProps/custom.xml") if "docProps/custom.xml" in names else None
    except zipfile.BadZipFile:
        raise ValueError("无法读取：文件损坏或不是 Excel 加载项") from None
    except PermissionError:
        raise ValueError("无法读取：没有读取权限，或文件正被其他程序独占") from None
    except OSError:
        raise ValueError("无法读取：文件不存在或无法打开") from None
    version = None
    if custom is not None:
        try:
            root = ET.fromstring(custom)
        except ET.ParseError:
            root = None
        for prop in (root if root is not None else []):
            if prop.get("name") == XLWINGS_PROPERTY:
                version = "".join(prop.itertext()).strip() or None
    return AddinInfo(version, _conf_value(path, "INTERPRETER_WIN"))


def _conf_value(path: Path, key: str) -> str | None:
    # openpyxl refuses add-in workbooks; calamine reads them.
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        if CONF_SHEET not in wb.sheet_names:
            return None
        rows = wb.get_sheet_by_name(CONF_SHEET).to_python()
    except (CalamineError, OSError):
        return None
    return next((str(r[1]) for r in rows if len(r) > 1 and r[0] == key), None)


# -- template .xlsm flavours ----------------------------------------------------------------

def _sheet_targets(workbook_xml: str, rels_xml: str) -> list[tuple[str, str]]:
    """(sheet name, part path) in workbook order."""
    rel_target = {m.group("id"): m.group("target") for m in re.finditer(
        r'<Relationship\b(?=[^>]*\bId="(?P<id>[^"]+)")(?=[^>]*\bTarget="(?P<target>[^"]+)")[^>]*>',
        rels_xml)}
    out = []
    for m in re.finditer(r"<sheet\b[^>]*>", workbook_xml):
        tag = m.group(0)
        name = re.search(r'\bname="([^"]*)"', tag).group(1)
        rid = re.search(r'\br:id="([^"]+)"', tag).group(1)
        target = rel_target[rid].lstrip("/")
        out.append((name, target if target.startswith("xl/") else "xl/" + target))
    return out


def _set_code_name(sheet_xml: str, code_name: str) -> str:
    m = re.search(r"<sheetPr\b[^>]*?(/?)>", sheet_xml)
    if m:
        tag = re.sub(r'\s+codeName="[^"]*"', "", m.group(0))
        tag = tag.replace("<sheetPr", f'<sheetPr codeName="{code_name}"', 1)
        return sheet_xml[:m.start()] + tag + sheet_xml[m.end():]
    root = re.search(r"<worksheet\b[^>]*>", sheet_xml)
    return sheet_xml[:root.end()] + f'<sheetPr codeName="{code_name}"/>' + sheet_xml[root.end():]


def _add_rel(rels_xml: str, rel_type: str, target: str) -> tuple[str, str]:
    used = set(re.findall(r'\bId="([^"]+)"', rels_xml))
    n = 1
    while f"rId{n}" in used:
        n += 1
    rid = f"rId{n}"
    rel = f'<Relationship Id="{rid}" Type="{rel_type}" Target="{target}"/>'
    return rels_xml.replace("</Relationships>", rel + "</Relationships>"), rid


def build_xlsm(source_xlsx: Path, target: Path, config: Config = Config()) -> Path:
    """Turn a template ``.xlsx`` into a macro-enabled ``.xlsm`` with the perfxl ribbon."""
    buttons = enabled_buttons()
    with zipfile.ZipFile(source_xlsx) as zf:
        parts = {n: zf.read(n) for n in zf.namelist() if not n.endswith("/")}
    if "xl/vbaProject.bin" in parts:
        raise vba.BuildError(f"{source_xlsx.name} already carries a VBA project")
    text = {n: parts[n].decode("utf-8") for n in
            ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels")}
    sheets = _sheet_targets(text["xl/workbook.xml"], text["xl/_rels/workbook.xml.rels"])
    if any(name == CONF_SHEET for name, _ in sheets):
        raise vba.BuildError(f"{source_xlsx.name} already has a {CONF_SHEET} sheet")

    code_names = [f"Sheet{i}" for i in range(1, len(sheets) + 2)]
    for (_, part), code in zip(sheets, code_names):
        parts[part] = _set_code_name(parts[part].decode("utf-8"), code).encode("utf-8")
    n = 1
    while f"xl/worksheets/sheet{n}.xml" in parts:
        n += 1
    conf_part = f"xl/worksheets/sheet{n}.xml"
    parts[conf_part] = _conf_sheet_xml(config, code_names[-1])

    rels, conf_rid = _add_rel(text["xl/_rels/workbook.xml.rels"], f"{REL_DOC}/worksheet",
                              f"worksheets/sheet{n}.xml")
    rels, _ = _add_rel(rels, REL_VBA, "vbaProject.bin")
    text["xl/_rels/workbook.xml.rels"] = rels

    wb = text["xl/workbook.xml"]
    ids = [int(i) for i in re.findall(r'<sheet\b[^>]*\bsheetId="(\d+)"', wb)]
    conf_sheet = (f'<sheet name={quoteattr(CONF_SHEET)} sheetId="{max(ids) + 1}" '
                  f'state="hidden" r:id="{conf_rid}"/>')
    wb = wb.replace("</sheets>", conf_sheet + "</sheets>")
    m = re.search(r"<workbookPr\b[^>]*?/?>", wb)
    if m:
        tag = re.sub(r'\s+codeName="[^"]*"', "", m.group(0))
        wb = wb[:m.start()] + tag.replace("<workbookPr", '<workbookPr codeName="ThisWorkbook"', 1) + wb[m.end():]
    else:
        # workbookPr follows fileVersion/fileSharing if present, else opens the workbook.
        anchor = None
        for pat in (r"<fileSharing\b[^>]*/>", r"<fileVersion\b[^>]*/>", r"<workbook\b[^>]*>"):
            anchor = anchor or re.search(pat, wb)
        wb = wb[:anchor.end()] + '<workbookPr codeName="ThisWorkbook"/>' + wb[anchor.end():]
    text["xl/workbook.xml"] = wb

    ct = text["[Content_Types].xml"].replace(CT_XLSX, CT_XLSM)
    if 'Extension="bin"' not in ct:
        ct = ct.replace("</Types>", f'<Default Extension="bin" ContentType="{CT_VBA}"/></Types>')
    ct = ct.replace("</Types>", f'<Override PartName="/{conf_part}" ContentType="{CT_SHEET}"/></Types>')
    text["[Content_Types].xml"] = ct

    root_rels, _ = _add_rel(text["_rels/.rels"], REL_UI14, "customUI/customUI14.xml")
    text["_rels/.rels"] = root_rels

    for k, v in text.items():
        parts[k] = v.encode("utf-8")
    if "docProps/core.xml" in parts:
        core = parts["docProps/core.xml"].decode("utf-8")
        core = re.sub(r"(<dcterms:(created|modified)\b[^>]*>)[^<]*", rf"\g<1>{FIXED_TIME}", core)
        parts["docProps/core.xml"] = core.encode("utf-8")
    parts["customUI/customUI14.xml"] = ribbon.custom_ui_xml(buttons)
    parts["xl/vbaProject.bin"] = vba.project(code_names, addin=False).to_bytes()
    return _write_zip(target, parts)


def build_all(outdir: Path, config: Config = Config(), templates: list[Path] | None = None) -> list[Path]:
    """perfxl.xlam plus an .xlsm per template .xlsx; returns the paths written."""
    outdir = Path(outdir)
    outputs = [build_addin(outdir / "perfxl.xlam", config)]
    with tempfile.TemporaryDirectory(prefix="perfxl-build-") as tmp:
        sources = templates if templates is not None else official_templates(Path(tmp))
        for src in sources:
            outputs.append(build_xlsm(src, outdir / (src.stem + ".xlsm"), config))
    return outputs


def official_templates(workdir: Path) -> list[Path]:
    """The official form templates as .xlsx, generated by the templates adapter."""
    try:
        from perfxl.adapters import template
    except ImportError:
        return []
    return list(template.write_official_templates(Path(workdir)))
