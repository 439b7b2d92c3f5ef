"""The built add-in files: ribbon XML, package parts, VBA project, reproducibility, and
LibreOffice opening them."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import olefile
import openpyxl
import pytest
import xlwings
import xmlschema
from defusedxml import ElementTree as ET

from perfxl.addin import build, ribbon, vba
from perfxl.cli import main as cli_main
from perfxl.excel import buttons as registry
from perfxl.excel.handlers import HANDLERS

from test_addin_vba import olevba_modules

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT.parent / "shared" / "schemas" / "customui14.xsd"
CUI = "{" + ribbon.NS + "}"


@pytest.fixture(scope="module")
def schema():
    """Microsoft's customUI schema, or None where it is absent. It is copyrighted, so it is
    not copied into this repository; every developer and CI run has it in ../shared, and a
    clone elsewhere runs everything but the schema validation."""
    return xmlschema.XMLSchema(str(SCHEMA)) if SCHEMA.is_file() else None


def _validate(schema, xml: str) -> None:
    if schema is not None:
        schema.validate(xml)


@pytest.fixture(scope="module")
def template_xlsx(tmp_path_factory) -> Path:
    """A template-like workbook: Chinese sheet names, merges, a defined name, fills."""
    path = tmp_path_factory.mktemp("tpl") / "部门整体绩效目标申报表（测试）.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效目标申报表"
    ws["A1"] = "市直部门整体预算绩效目标申报表"
    ws.merge_cells("A1:F1")
    ws.sheet_properties.tabColor = "1072BA"
    notes = wb.create_sheet("填表说明")
    notes["A1"] = "说明"
    wb.create_sheet("代码表")["A1"] = "产出指标"
    wb.defined_names["一级指标"] = openpyxl.workbook.defined_name.DefinedName(
        "一级指标", attr_text="代码表!$A$1:$A$3")
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory, template_xlsx) -> list[Path]:
    from perfxl.adapters.template import write_official_templates

    out = tmp_path_factory.mktemp("dist")
    official = write_official_templates(tmp_path_factory.mktemp("official"))
    return build.build_all(out, templates=[template_xlsx, *official])


def test_ribbon_xml_is_valid_customui14(schema):
    if schema is None:
        pytest.skip(f"{SCHEMA} is not here (a clone outside the workspace); CI validates against it")
    xml = ribbon.custom_ui_xml()
    root = ET.fromstring(xml)  # well-formed
    assert root.tag == CUI + "customUI"
    schema.validate(xml.decode("utf-8"))
    tab = root.find(f".//{CUI}tab")
    assert tab.get("label") == "绩效目标"


def test_every_button_uses_the_one_callback_and_has_a_handler():
    root = ET.fromstring(ribbon.custom_ui_xml())
    buttons = root.findall(f".//{CUI}button")
    assert buttons
    assert {b.get("onAction") for b in buttons} == {ribbon.CALLBACK}
    ids = [b.get("id") for b in buttons]
    assert sorted(ids) == sorted(HANDLERS)  # every control id → a handler, and back
    for b in buttons:
        assert b.get("imageMso") and b.get("screentip") and b.get("supertip")
        assert re.search(r"[\u4e00-\u9fff]", b.get("label")), b.get("label")
        assert re.fullmatch(r"[a-z0-9_]+", b.get("id"))  # what the VBA callback accepts


def test_a_button_without_handler_stops_the_build(monkeypatch, tmp_path):
    extra = registry.Button("px_orphan", "px_grp_help", "孤儿", "孤儿", "没有处理函数", "Help")
    monkeypatch.setattr(registry, "BUTTONS", registry.BUTTONS + (extra,))
    with pytest.raises(vba.BuildError, match="px_orphan"):
        build.build_addin(tmp_path / "x.xlam")


def conf_rows(path: Path) -> dict[str, str]:
    # openpyxl refuses add-in workbooks; calamine reads them.
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    assert wb.sheet_names == [build.CONF_SHEET]
    return {r[0]: r[1] for r in wb.get_sheet_by_name(build.CONF_SHEET).to_python()}


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        return {n: zf.read(n) for n in zf.namelist()}


def _rels(xml: bytes) -> dict[str, str]:
    return {r.get("Type"): r.get("Target") for r in ET.fromstring(xml)}


def _check_package(path: Path, main_type: str, schema) -> dict[str, bytes]:
    parts = _parts(path)
    ct = parts["[Content_Types].xml"].decode()
    assert f'PartName="/xl/workbook.xml" ContentType="{main_type}"' in ct
    assert 'Extension="bin" ContentType="application/vnd.ms-office.vbaProject"' in ct
    assert _rels(parts["_rels/.rels"])[build.REL_UI14] == "customUI/customUI14.xml"
    assert _rels(parts["xl/_rels/workbook.xml.rels"])[build.REL_VBA] == "vbaProject.bin"
    _validate(schema, parts["customUI/customUI14.xml"].decode("utf-8"))
    olefile.OleFileIO(parts["xl/vbaProject.bin"], raise_defects=olefile.DEFECT_INCORRECT).close()

    # Every codeName in the workbook has a document module, and every document module a codeName.
    code_names = set(re.findall(rb'<workbookPr\b[^>]*codeName="(\w+)"', parts["xl/workbook.xml"]))
    for name, data in parts.items():
        if name.startswith("xl/worksheets/sheet"):
            found = re.findall(rb'<sheetPr\b[^>]*codeName="(\w+)"', data)
            assert len(found) == 1, name
            code_names |= set(found)
    modules = olevba_modules(parts["xl/vbaProject.bin"])
    docs = {n for n, code in modules.items() if "Attribute VB_Base" in code}
    assert {c.decode() for c in code_names} == docs
    assert {"ThisWorkbook", "perfxl_ribbon", "xlwings"} <= set(modules)
    for m in vba.macro_modules() + [vba.xlwings_module()]:
        assert modules[m.name] == m.text()  # full source intact
    return parts


def test_xlam_package(built, schema):
    xlam = built[0]
    assert xlam.name == "perfxl.xlam"
    parts = _check_package(xlam, build.CT_ADDIN, schema)
    rows = conf_rows(xlam)
    assert rows["INTERPRETER_WIN"] == build.DEFAULT_INTERPRETER
    assert "%LOCALAPPDATA%" in rows["INTERPRETER_WIN"]  # xlwings expands %VAR%
    assert b'visibility="hidden"' in parts["xl/workbook.xml"]
    # the xlwings version is recorded where `addin status` reads it without Excel
    assert _rels(parts["_rels/.rels"])[build.REL_CUSTOM] == "docProps/custom.xml"
    assert 'PartName="/docProps/custom.xml"' in parts["[Content_Types].xml"].decode()
    props = ET.fromstring(parts["docProps/custom.xml"])
    assert [(p.get("name"), "".join(p.itertext())) for p in props] == [
        (build.XLWINGS_PROPERTY, xlwings.__version__)]
    assert build.read_addin(xlam) == build.AddinInfo(xlwings.__version__, build.DEFAULT_INTERPRETER)


def test_template_xlsm_keeps_the_template_and_adds_the_add_in(built, template_xlsx, schema):
    xlsm = built[1]
    assert xlsm.suffix == ".xlsm" and xlsm.stem == template_xlsx.stem
    _check_package(xlsm, build.CT_XLSM, schema)
    wb = openpyxl.load_workbook(xlsm, keep_vba=True)
    assert wb.sheetnames == ["绩效目标申报表", "填表说明", "代码表", build.CONF_SHEET]
    assert wb[build.CONF_SHEET].sheet_state == "hidden"
    assert wb["绩效目标申报表"]["A1"].value == "市直部门整体预算绩效目标申报表"
    assert "A1:F1" in {str(r) for r in wb["绩效目标申报表"].merged_cells.ranges}
    assert "一级指标" in wb.defined_names
    assert wb["绩效目标申报表"].sheet_properties.tabColor.rgb.endswith("1072BA")


def test_official_templates_get_an_xlsm_each(built, schema):
    from perfxl.adapters.template import OFFICIAL_TEMPLATES

    by_name = {p.name: p for p in built}
    for filename in OFFICIAL_TEMPLATES:
        xlsm = by_name[Path(filename).with_suffix(".xlsm").name]
        _check_package(xlsm, build.CT_XLSM, schema)
        assert "perfxl_udfs" in olevba_modules(_parts(xlsm)["xl/vbaProject.bin"])


def test_build_is_reproducible(tmp_path, template_xlsx):
    first = build.build_all(tmp_path / "a", templates=[template_xlsx])
    second = build.build_all(tmp_path / "b", templates=[template_xlsx])
    assert build.build_all(tmp_path / "c") and len(list((tmp_path / "c").glob("*.xlsm"))) >= 2
    third = sorted((tmp_path / "c").iterdir())
    fourth = sorted(build.build_all(tmp_path / "d"))
    assert [p.read_bytes() for p in third] == [p.read_bytes() for p in fourth]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_cli_build(tmp_path, capsys):
    assert cli_main(["addin", "build", "-o", str(tmp_path), "--interpreter", r"C:\Py\pythonw.exe"]) == 0
    assert conf_rows(tmp_path / "perfxl.xlam")["INTERPRETER_WIN"] == r"C:\Py\pythonw.exe"
    assert "perfxl.xlam" in capsys.readouterr().out


def test_install_and_status_explain_windows_is_needed(capsys):
    assert cli_main(["addin", "status"]) == 0
    assert "Windows" in capsys.readouterr().out
    assert cli_main(["addin", "install"]) == 2
    assert "Excel" in capsys.readouterr().err


@pytest.mark.libreoffice
def test_libreoffice_opens_the_built_files_and_sees_the_modules(built, tmp_path):
    from perfxl.adapters.libreoffice import convert

    # LibreOffice does not detect .xlam by itself; name the VBA-aware OOXML import filter.
    outputs = convert(built, "ods", tmp_path, infilter="Calc MS Excel 2007 VBA XML")
    expected = {m.name: m for m in vba.macro_modules() + [vba.xlwings_module()]}
    for ods in outputs:
        with zipfile.ZipFile(ods) as zf:
            basic = {Path(n).stem: zf.read(n).decode("utf-8") for n in zf.namelist()
                     if n.startswith(f"Basic/{vba.PROJECT_NAME}/") and not n.endswith("script-lb.xml")}
            content = zf.read("content.xml").decode("utf-8")
        assert set(expected) <= set(basic), ods.name
        for name, module in expected.items():
            source = ET.fromstring(basic[name].encode("utf-8")).text
            lines = [ln for ln in module.source.replace("\r\n", "\n").split("\n") if ln.strip()]
            for line in lines[:: max(1, len(lines) // 50)]:  # spread samples through the module
                assert line.strip() in source, (ods.name, name, line)
        assert build.CONF_SHEET in content


def test_interpreter_setting_uses_environment_variables(monkeypatch, tmp_path):
    from perfxl.cli.commands.addin import interpreter_setting

    local = tmp_path / "AppData" / "Local"
    exe = local / "perfxl" / "venv" / "Scripts" / "python.exe"
    exe.parent.mkdir(parents=True)
    exe.write_bytes(b"")
    (exe.parent / "pythonw.exe").write_bytes(b"")
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    expected = "%LOCALAPPDATA%" + str(exe.parent / "pythonw.exe")[len(str(local)):]
    assert interpreter_setting(str(exe)) == expected
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "elsewhere"))
    monkeypatch.delenv("APPDATA", raising=False)
    monkeypatch.delenv("USERPROFILE", raising=False)
    assert interpreter_setting(str(exe)) == str(exe.parent / "pythonw.exe")


# -- install and status, with Windows' folders and the installed xlwings injected ----------

@pytest.fixture
def windows(monkeypatch, tmp_path):
    """A pretend Windows user whose APPDATA/LOCALAPPDATA live in tmp_path."""
    from perfxl.cli.commands import addin

    monkeypatch.setattr(addin, "_is_windows", lambda: True)
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    # the venv of the install page, with the DLL pip puts in its root ("/" as this is not Windows)
    monkeypatch.setattr(addin, "interpreter_setting",
                        lambda executable=None: "%LOCALAPPDATA%/perfxl/venv/Scripts/pythonw.exe")
    venv = tmp_path / "Local" / "perfxl" / "venv"
    venv.mkdir(parents=True)
    (venv / f"xlwings64-{xlwings.__version__}.dll").write_bytes(b"")
    return tmp_path


def test_status_finds_the_add_in_install_put_in_another_folder(windows, capsys):
    trusted = windows / "受信任加载项"
    assert cli_main(["addin", "install", "--folder", str(trusted)]) == 0
    out = capsys.readouterr().out
    assert str(trusted / "perfxl.xlam") in out
    from perfxl.cli.commands.addin import scripts_folder

    assert f"';{scripts_folder()}', 'User')" in out  # how to put perfxl on PATH

    assert cli_main(["addin", "status"]) == 0
    out = capsys.readouterr().out
    assert f"加载项文件：{trusted / 'perfxl.xlam'}（已安装）" in out
    assert f"生成时的 xlwings 版本：{xlwings.__version__}，与本机 Python 环境一致" in out
    assert "XLSTART" not in out and "注意" not in out  # nothing in XLSTART, one copy only
    dll = windows / "Local" / "perfxl" / "venv" / f"xlwings64-{xlwings.__version__}.dll"
    assert f"xlwings 组件：{dll}（找到）" in out

    # a second install into XLSTART: status lists both and warns about two copies
    assert cli_main(["addin", "install"]) == 0
    capsys.readouterr()
    assert cli_main(["addin", "status"]) == 0
    out = capsys.readouterr().out
    assert out.count("（已安装）") == 2 and "找到 2 份加载项" in out
    assert cli_main(["addin", "status", "--folder", str(trusted)]) == 0
    assert capsys.readouterr().out.count("（已安装）") == 1


def test_status_reports_an_add_in_built_with_another_xlwings(windows, capsys, monkeypatch):
    trusted = windows / "trusted"
    assert cli_main(["addin", "install", "--folder", str(trusted)]) == 0
    built_with = xlwings.__version__
    monkeypatch.setattr(xlwings, "__version__", "0.99.1")  # the package was upgraded since
    capsys.readouterr()
    assert cli_main(["addin", "status"]) == 1
    out = capsys.readouterr().out
    assert f"生成时的 xlwings 版本：{built_with}，与本机 Python 环境中的 xlwings 0.99.1 不一致" in out
    assert f"xlwings64-{built_with}.dll" in out
    assert f'运行 perfxl addin install --folder "{trusted}"' in out


def test_status_without_an_add_in_says_where_it_looked(windows, capsys):
    assert cli_main(["addin", "status"]) == 1
    out = capsys.readouterr().out
    assert "未找到已安装的加载项" in out
    assert str(windows / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "perfxl.xlam") in out


def test_status_on_an_old_or_damaged_add_in(windows, capsys, tmp_path):
    old, bad = tmp_path / "old", tmp_path / "bad"
    built = build.build_addin(old / "perfxl.xlam")
    parts = _parts(built)
    with zipfile.ZipFile(built, "w") as zf:  # as perfxl wrote it before recording the version
        for name, data in parts.items():
            if name != "docProps/custom.xml":
                zf.writestr(name, data)
    assert cli_main(["addin", "status", "--folder", str(old)]) == 0
    assert "生成时的 xlwings 版本：未记录" in capsys.readouterr().out

    bad.mkdir()
    (bad / "perfxl.xlam").write_bytes(b"not a zip")
    assert cli_main(["addin", "status", "--folder", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "无法读取：文件损坏或不是 Excel 加载项" in out and f'perfxl addin install --folder "{bad}"' in out
    assert "zip" not in out  # no English exception text


def test_path_hint_only_when_the_scripts_folder_is_not_on_path(tmp_path):
    from perfxl.cli.commands.addin import path_hint

    scripts = tmp_path / "O'Neil" / "Scripts"
    assert path_hint(scripts, os.pathsep.join(["/usr/bin", str(scripts)])) == []
    hint = "\n".join(path_hint(scripts, "/usr/bin"))
    assert "O''Neil" in hint and "[Environment]::SetEnvironmentVariable('Path'" in hint
    assert "perfxl --version" in hint


def test_status_reports_a_missing_xlwings_dll(windows, capsys):
    (windows / "Local" / "perfxl" / "venv" / f"xlwings64-{xlwings.__version__}.dll").unlink()
    assert cli_main(["addin", "install", "--folder", str(windows / "trusted")]) == 0
    capsys.readouterr()
    assert cli_main(["addin", "status"]) == 1
    out = capsys.readouterr().out
    scripts = windows / "Local" / "perfxl" / "venv" / "Scripts"
    assert f"找不到 xlwings 组件 xlwings64-{xlwings.__version__}.dll（查找了 {scripts} 和 {scripts.parent}）" in out
    assert "第 4 步" in out
