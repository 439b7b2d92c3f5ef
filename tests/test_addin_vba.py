"""The VBA project writer, checked by independent readers (olefile, oletools' olevba)."""

from __future__ import annotations

import io
import re
import struct
import tomllib
from pathlib import Path

import olefile
import pytest
import xlwings
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

from perfxl.addin import ovba, vba
from perfxl.addin.cfb import CompoundFile

ROOT = Path(__file__).resolve().parent.parent


# -- compression ----------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.one_of(st.binary(max_size=9000),
                 st.text(alphabet="abc \r\n'\"()=Dim", max_size=12000).map(str.encode)))
def test_compression_round_trips_and_oletools_agrees(data):
    packed = ovba.compress(data)
    ours = ovba.decompress(packed)
    # a raw (incompressible) last chunk is zero-padded to 4096 bytes by the spec
    assert ours[:len(data)] == data and set(ours[len(data):]) <= {0}
    assert bytes(decompress_stream(bytearray(packed))) == ours


def test_compression_shrinks_vba_source():
    src = vba.xlwings_bas_path().read_bytes()
    packed = ovba.compress(src)
    assert len(packed) < len(src) / 2
    assert bytes(decompress_stream(bytearray(packed))) == src


def test_incompressible_chunk_is_stored_raw():
    import random

    data = random.Random(7).randbytes(4096)
    packed = ovba.compress(data)
    assert packed[1:3] == b"\xff\x3f"  # raw chunk header: size 4095, flag 0
    assert ovba.decompress(packed) == data == bytes(decompress_stream(bytearray(packed)))


# -- PROJECT stream obfuscation -------------------------------------------------------------

def test_obfuscation_reads_back_values_written_by_another_tool():
    # CMG/DPB/GC from xlwings' quickstart add-in (written by a different implementation).
    assert ovba.deobfuscate("5D5F8AADDAA8DEA8DEA8DEA8DE") == bytes(4)
    assert ovba.deobfuscate("5D5F8AADDAADDBADDBAD") == b"\x00"
    assert ovba.deobfuscate("5D5F8AADDAADDBADDB52") == b"\xff"
    # ...and the project key there is the byte sum of its project id, as we compute it.
    pid = "{318BEE36-5BE1-492A-826D-473DB19B0F30}"
    assert ovba.obfuscate(bytes(4), pid, 0x5D)[:6] == "5D5F8A"


@given(st.binary(max_size=40), st.integers(0, 255))
def test_obfuscation_round_trips(data, seed):
    assert ovba.deobfuscate(ovba.obfuscate(data, "{00000000-0000-0000-0000-000000000001}", seed)) == data


# -- compound file --------------------------------------------------------------------------

def test_compound_file_opens_strictly_with_every_stream_intact(tmp_path):
    streams = {
        "PROJECT": b"ID=1\r\n",
        "Empty": b"",
        "VBA/small": b"x" * 100,
        "VBA/exactly_cutoff": b"y" * 4096,
        "VBA/large": bytes(range(256)) * 80,
        "VBA/Deeper/leaf": b"z" * 5000,
    } | {f"VBA/m{i:02d}": bytes([i]) * (i * 97) for i in range(30)}
    cf = CompoundFile()
    for name, data in streams.items():
        cf.add_stream(name, data)
    path = tmp_path / "t.bin"
    path.write_bytes(cf.to_bytes())
    assert len(path.read_bytes()) % 512 == 0
    ole = olefile.OleFileIO(str(path), raise_defects=olefile.DEFECT_INCORRECT)
    assert sorted("/".join(p) for p in ole.listdir()) == sorted(streams)
    for name, data in streams.items():
        assert ole.openstream(name).read() == data, name
    ole.close()


def test_compound_file_rejects_long_names():
    with pytest.raises(ValueError):
        CompoundFile().add_stream("x" * 32, b"")


# -- the VBA project ------------------------------------------------------------------------

def _project() -> ovba.VBAProject:
    return vba.project(["Sheet1", "Sheet2"], addin=False)


def olevba_modules(data: bytes) -> dict[str, str]:
    """Modules olevba finds through the project's dir stream, strictly parsed.

    olevba falls back to scanning every stream for compressed source when the dir stream
    is bad; those hits carry no .bas/.cls name and are not counted here.
    """
    parser = VBA_Parser("vbaProject.bin", data=data, relaxed=False)
    try:
        return {Path(name).stem: code for _, stream, name, code in parser.extract_macros()
                if Path(name).suffix in (".bas", ".cls") and stream.startswith("VBA/")}
    finally:
        parser.close()


def test_olevba_lists_every_module_with_its_full_source():
    proj = _project()
    modules = olevba_modules(proj.to_bytes())
    assert list(modules) == [m.name for m in proj.modules]
    for m in proj.modules:
        assert modules[m.name] == m.text()


def test_olefile_opens_the_project_strictly():
    proj = _project()
    ole = olefile.OleFileIO(io.BytesIO(proj.to_bytes()), raise_defects=olefile.DEFECT_INCORRECT)
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("cc61ffff000300")
    text = ole.openstream("PROJECT").read().decode("cp1252")
    for m in proj.modules:
        kind = "Document" if m.kind == ovba.DOCUMENT else "Module"
        assert re.search(rf"^{kind}={m.name}\b", text, re.M), m.name
    for key, plain in (("CMG", bytes(4)), ("DPB", b"\x00"), ("GC", b"\xff")):
        value = re.search(rf'^{key}="([0-9A-F]+)"', text, re.M).group(1)
        assert ovba.deobfuscate(value) == plain
    ole.close()


@pytest.mark.parametrize("record", [0x0001, 0x000F, 0x0032])
def test_a_corrupted_dir_stream_makes_olevba_fail(record):
    proj = _project()
    assert olevba_modules(proj.to_bytes())  # the intact project lists its modules
    raw = bytearray(proj.dir_stream())
    at = raw.index(struct.pack("<H", record))
    raw[at:at + 2] = b"\x99\x00"  # an unknown record id where the spec requires this one
    assert olevba_modules(proj.to_bytes(dir_stream=ovba.compress(bytes(raw)))) == {}


def test_project_is_reproducible():
    assert _project().to_bytes() == _project().to_bytes()


def test_non_ascii_module_text_that_the_codepage_cannot_hold_is_refused():
    proj = ovba.VBAProject("p")
    with pytest.raises(UnicodeEncodeError):
        proj.add(ovba.Module("m", 'MsgBox "绩效"'))


# -- modules from sources -------------------------------------------------------------------

def test_xlwings_module_matches_the_installed_and_pinned_xlwings():
    module = vba.xlwings_module()
    assert vba.xlwings_version_in(module.source) == xlwings.__version__
    pins = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    assert f"xlwings=={xlwings.__version__}" in pins
    assert f'"xlwings64-{xlwings.__version__}.dll"' in module.source
    assert 'PROJECT_NAME As String = "perfxl"' in module.source
    assert not (ROOT / "macros" / "xlwings.bas").exists()  # taken from the package, not copied


def test_ribbon_callback_module_is_ascii_and_defines_the_callback():
    from perfxl.addin.ribbon import CALLBACK

    module_name, sub = CALLBACK.split(".")
    mods = {m.name: m for m in vba.macro_modules()}
    assert module_name in mods
    assert re.search(rf"^Public Sub {sub}\(control As IRibbonControl\)", mods[module_name].source, re.M)
    assert "perfxl.excel.dispatch" in mods[module_name].source
    for path in (ROOT / "macros").glob("*.bas"):
        path.read_bytes().decode("ascii")


UDF_SAMPLE = '''
import xlwings as xw
from xlwings import func

@xw.func
@xw.arg("rng", ndim=2)
def PX_TOTAL(rng, scale=1):
    return 1

@func(volatile=True, call_in_wizard=False)
def px_parts(first, *rest):
    return 2

@xw.sub
def px_refresh():
    pass

def helper(x):
    return x
'''


def test_udf_wrappers_follow_xlwings_generated_vba():
    specs = vba.udf_specs(UDF_SAMPLE)
    assert [s["name"] for s in specs] == ["PX_TOTAL", "px_parts", "px_refresh"]
    src = vba.udf_wrapper_source(specs, workbook="ActiveWorkbook")
    assert "Function PX_TOTAL(rng, Optional scale)" in src
    assert ('PX_TOTAL = XLPy.CallUDF("perfxl.excel.udfs", "PX_TOTAL", Array(rng, scale), '
            "ActiveWorkbook, Application.Caller)") in src
    assert "Function px_parts(first, ParamArray rest())" in src
    assert "Application.Volatile" in src
    assert 'If (Not Application.CommandBars("Standard").Controls(1).Enabled) Then Exit Function' in src
    assert "Sub px_refresh()" in src and "helper" not in src
    # the generated module goes through olevba intact
    proj = ovba.VBAProject("p")
    proj.add(ovba.Module("perfxl_udfs", src))
    assert "Function PX_TOTAL" in olevba_modules(proj.to_bytes())["perfxl_udfs"]


def test_udf_module_of_this_repository():
    module = vba.udf_module("ActiveWorkbook")
    if not vba.UDF_SOURCE.exists():
        assert module is None
        return
    specs = vba.udf_specs(vba.UDF_SOURCE.read_text("utf-8"))
    for s in specs:
        assert f'"{vba.UDF_MODULE}", "{s["python_name"]}"' in module.source


def _eval_vba_string(expr: str) -> str:
    """Evaluate the subset vba_string emits: "literal" and ChrW(n) joined by &."""
    out = []
    for part in re.findall(r'"(?:[^"]|"")*"|ChrW\(\d+\)', expr):
        out.append(chr(int(part[5:-1])) if part.startswith("ChrW") else part[1:-1].replace('""', '"'))
    return "".join(out)


@given(st.text(max_size=60))
def test_vba_string_is_ascii_and_round_trips(text):
    text = "".join(ch for ch in text if ch >= " " and ord(ch) < 0x10000)
    expr = vba.vba_string(text)
    assert expr.isascii()
    assert _eval_vba_string(expr) == text


def test_function_wizard_help_is_registered_for_every_udf():
    from perfxl.excel.metadata import udf_metadata

    module = vba.udf_module("ActiveWorkbook")
    if module is None:
        pytest.skip("perfxl has no worksheet functions")
    assert module.source.isascii()
    lines = module.source.split("\r\n")
    start = lines.index("Public Sub RegisterPerfxlFunctions()")
    body = lines[start:]
    for f in udf_metadata():
        call = next(i for i, ln in enumerate(body) if f"'!{f['name']}\"," in ln)
        # rebuild d from the statements since the previous call
        prev = max([i for i, ln in enumerate(body[:call]) if "MacroOptions" in ln] or [0])
        d = "".join(_eval_vba_string(ln.split("=", 1)[1].replace("d & ", "", 1))
                    for ln in body[prev:call] if ln.strip().startswith("d = "))
        assert d == (f["doc"] or "")[:255], f["name"]
        assert all(len(ln) < 1024 for ln in body)  # VBA's physical line limit
    this_workbook = vba.project([], addin=True).modules[0]
    assert "perfxl_udfs.RegisterPerfxlFunctions" in this_workbook.text()
    assert "Private Sub Workbook_Open()" in this_workbook.text()
