"""Assemble the add-in's VBA modules.

- ``perfxl_ribbon``: the generic ribbon callback, from ``macros/perfxl_ribbon.bas``.
- ``xlwings``: xlwings' VBA module for custom add-ins, read at build time from the
  installed xlwings package (never copied into this repository), with its project name
  set to ``perfxl`` so it reads the ``perfxl.conf`` sheet and ``%USERPROFILE%\\.perfxl``.
- ``perfxl_udfs``: VBA wrappers for the worksheet functions in ``perfxl/excel/udfs.py``,
  equivalent to what xlwings' "Import Functions" writes (``xlwings.udfs.
  generate_vba_wrapper`` needs pywin32 and a live workbook, so the same VBA is generated
  here from the module's source: ``@xw.func`` is a no-op off Windows, so the functions
  are found by their decorators in the syntax tree).
- document modules ``ThisWorkbook`` and one per sheet code name.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import xlwings

from perfxl.addin.ovba import DOCUMENT, WORKBOOK_BASE, WORKSHEET_BASE, Module, VBAProject

ROOT = Path(__file__).resolve().parents[2]
MACROS = ROOT / "macros"
UDF_SOURCE = ROOT / "perfxl" / "excel" / "udfs.py"
UDF_MODULE = "perfxl.excel.udfs"
PROJECT_NAME = "perfxl"

_VERSION_RE = re.compile(r'^Public Const XLWINGS_VERSION As String = "([^"]+)"', re.M)


class BuildError(RuntimeError):
    pass


def xlwings_bas_path() -> Path:
    path = Path(xlwings.__file__).parent / "xlwings_custom_addin.bas"
    if not path.exists():
        raise BuildError(f"xlwings {xlwings.__version__} has no xlwings_custom_addin.bas")
    return path


def xlwings_module() -> Module:
    text = xlwings_bas_path().read_text("utf-8")
    text = text.replace('Attribute VB_Name = "xlwings"\r\n', "", 1)
    text = text.replace('Attribute VB_Name = "xlwings"\n', "", 1)
    before = 'Public Const PROJECT_NAME As String = "myaddin"'
    if before not in text:
        raise BuildError("xlwings' add-in module no longer sets PROJECT_NAME as expected")
    text = text.replace(before, f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"')
    version = xlwings_version_in(text)
    if version != xlwings.__version__:
        raise BuildError(f"xlwings VBA module is {version}, package is {xlwings.__version__}")
    return Module("xlwings", text)


def xlwings_version_in(source: str) -> str | None:
    m = _VERSION_RE.search(source)
    return m.group(1) if m else None


def macro_modules(macros: Path = MACROS) -> list[Module]:
    mods = []
    for path in sorted(macros.glob("*.bas")):
        text = path.read_text("ascii")  # VBA sources are ASCII by convention (see notes)
        first, _, rest = text.partition("\n")
        m = re.fullmatch(r'Attribute VB_Name = "(\w+)"\r?', first)
        if not m:
            raise BuildError(f"{path.name}: the first line must be Attribute VB_Name")
        mods.append(Module(m.group(1), rest))
    if not mods:
        raise BuildError(f"no VBA sources in {macros}")
    return mods


# -- UDF wrappers ---------------------------------------------------------------------------

def _decorator_name(node: ast.expr) -> tuple[str, ast.Call | None]:
    call = node if isinstance(node, ast.Call) else None
    target = call.func if call else node
    if isinstance(target, ast.Attribute):
        return target.attr, call
    if isinstance(target, ast.Name):
        return target.id, call
    return "", call


def _kw(call: ast.Call | None, name: str, default):
    if call:
        for k in call.keywords:
            if k.arg == name and isinstance(k.value, ast.Constant):
                return k.value.value
    return default


def udf_specs(source: str) -> list[dict]:
    """The ``@xw.func`` functions of a module, as xlwings' ``__xlfunc__`` would describe
    them: name, arguments (optional / vararg / vba override), sub, volatile, wizard."""
    specs = []
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        decos = [_decorator_name(d) for d in node.decorator_list]
        func = [(n, c) for n, c in decos if n in ("func", "sub")]
        if not func:
            continue
        kind, call = func[0]
        vba_over = {}
        for n, c in decos:
            if n == "arg" and c and c.args and isinstance(c.args[0], ast.Constant):
                vba_over[c.args[0].value] = _kw(c, "vba", None)
        a = node.args
        positional = a.posonlyargs + a.args
        first_optional = len(positional) - len(a.defaults)
        args = [{"name": p.arg, "optional": i >= first_optional, "vararg": False,
                 "vba": vba_over.get(p.arg)} for i, p in enumerate(positional)]
        if a.vararg:
            args.append({"name": a.vararg.arg, "optional": False, "vararg": True,
                         "vba": vba_over.get(a.vararg.arg)})
        for arg in args:
            if arg["name"] == "caller":
                arg["vba"] = "Nothing"
        specs.append({
            "name": _kw(call, "name", None) or node.name,
            "python_name": node.name,
            "sub": kind == "sub",
            "volatile": bool(_kw(call, "volatile", False)),
            "call_in_wizard": bool(_kw(call, "call_in_wizard", True)),
            "args": args,
        })
    return specs


def udf_wrapper_source(specs: list[dict], module_name: str = UDF_MODULE,
                       workbook: str = "ActiveWorkbook") -> str:
    """VBA like xlwings' ``generate_vba_wrapper`` output for these specs."""
    out = ["'Generated by perfxl addin build from perfxl/excel/udfs.py - do not edit.",
           '#Const App = "Microsoft Excel" \'Adjust when using outside of Excel', ""]
    for f in specs:
        name = f["name"]
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,254}", name):
            raise BuildError(f"UDF name is not a VBA identifier: {name!r}")
        ftype = "Sub" if f["sub"] else "Function"
        params, vararg = [], ""
        for a in f["args"]:
            if a["vba"]:
                continue
            p = a["name"]
            if a["vararg"]:
                p, vararg = f"ParamArray {p}()", a["name"]
            elif a["optional"]:
                p = f"Optional {p}"
            params.append(p)
        out.append(f"{ftype} {name}({', '.join(params)})")
        body = []
        if ftype == "Function":
            if not f["call_in_wizard"]:
                body.append('If (Not Application.CommandBars("Standard").Controls(1).Enabled)'
                            " Then Exit Function")
            if f["volatile"]:
                body.append("Application.Volatile")
        if vararg:
            fixed = [a["vba"] or a["name"] for a in f["args"] if not a["vararg"]]
            n = len(fixed)
            body += [
                "Dim argsArray() As Variant",
                "Dim k As Long",
                f"argsArray = Array({', '.join(fixed)})",
                f"ReDim Preserve argsArray(0 to UBound({vararg}) - LBound({vararg}) + {n})",
                f"For k = LBound({vararg}) To UBound({vararg})",
                f"argsArray({n} + k - LBound({vararg})) = {vararg}(k)",
                "Next k",
            ]
            args_vba = "argsArray"
        else:
            args_vba = "Array(" + ", ".join(a["vba"] or a["name"] for a in f["args"]) + ")"
        target = f'"{module_name}", "{f["python_name"]}"'
        if ftype == "Sub":
            body += ['#If App = "Microsoft Excel" Then',
                     f"    XLPy.CallUDF {target}, {args_vba}, {workbook}, Application.Caller",
                     "#Else", f"    XLPy.CallUDF {target}, {args_vba}", "#End If"]
        else:
            body += ['#If App = "Microsoft Excel" Then',
                     "    If TypeOf Application.Caller Is Range Then On Error GoTo failed",
                     f"    {name} = XLPy.CallUDF({target}, {args_vba}, {workbook},"
                     " Application.Caller)",
                     "    Exit Function",
                     "#Else",
                     f"    {name} = XLPy.CallUDF({target}, {args_vba})",
                     "    Exit Function",
                     "#End If",
                     "failed:",
                     f"    {name} = Err.Description"]
        out += ["    " + line if not line.startswith(("#", "failed:")) else line
                for line in body]
        out += [f"End {ftype}", ""]
    return "\r\n".join(out)


def vba_string(text: str) -> str:
    """A VBA string expression for ``text`` using ASCII only: non-ASCII characters become
    ``ChrW(n)``, so Chinese survives whatever codepage the VBA editor uses."""
    parts: list[str] = []
    run = ""
    for ch in text:
        if 32 <= ord(ch) < 127:
            run += '""' if ch == '"' else ch
        else:
            if run:
                parts.append(f'"{run}"')
                run = ""
            parts.append(f"ChrW({ord(ch)})")
    if run or not parts:
        parts.append(f'"{run}"')
    return " & ".join(parts)


def registration_source(metadata: list[dict]) -> str:
    """``RegisterPerfxlFunctions``: descriptions, category and argument help for the
    function wizard, what xlwings' "Import Functions" registers with MacroOptions. Each
    string is built over several statements to stay within VBA's line limits."""
    out = ["", "Public Sub RegisterPerfxlFunctions()",
           "    ' Called from ThisWorkbook.Workbook_Open; a failure only loses the help texts.",
           "    On Error Resume Next", "    Dim d As String, c As String", "    Dim a() As String"]

    def assign(var: str, text: str) -> None:
        chunks = [text[i:i + 40] for i in range(0, len(text), 40)] or [""]
        out.append(f"    {var} = {vba_string(chunks[0])}")
        out.extend(f"    {var} = {var} & {vba_string(chunk)}" for chunk in chunks[1:])

    for f in metadata:
        assign("d", (f.get("doc") or "")[:255])
        assign("c", f.get("category") or "perfxl")
        args = [a for a in f["args"] if a["name"] != "caller"]
        macro = f"\"'\" & ThisWorkbook.Name & \"'!{f['name']}\""
        if args:
            out.append(f"    ReDim a(0 To {len(args) - 1})")
            for i, a in enumerate(args):
                assign(f"a({i})", (a.get("doc") or "")[:255])
            out.append(f"    Application.MacroOptions Macro:={macro}, Description:=d, Category:=c,"
                       " ArgumentDescriptions:=a")
        else:
            out.append(f"    Application.MacroOptions Macro:={macro}, Description:=d, Category:=c")
    out += ["End Sub", ""]
    return "\r\n".join(out)


def udf_module(workbook: str, source_path: Path = UDF_SOURCE) -> Module | None:
    """The UDF wrapper module, or None while perfxl has no worksheet functions."""
    if not source_path.exists():
        return None
    source = source_path.read_text("utf-8")
    specs = udf_specs(source)
    if not specs:
        return None
    from perfxl.excel.metadata import udf_metadata

    return Module("perfxl_udfs", udf_wrapper_source(specs, workbook=workbook)
                  + registration_source(udf_metadata(source)))


THIS_WORKBOOK_OPEN = """Private Sub Workbook_Open()
    ' Help texts of the worksheet functions for Excel's function wizard.
    On Error Resume Next
    perfxl_udfs.RegisterPerfxlFunctions
End Sub
"""


# -- the whole project ----------------------------------------------------------------------

def project(sheet_code_names: list[str], addin: bool) -> VBAProject:
    """The VBA project for a workbook whose sheets have these code names."""
    # An add-in's functions run for the workbook that calls them; a template's for itself.
    udfs = udf_module("ActiveWorkbook" if addin else "ThisWorkbook")
    proj = VBAProject(PROJECT_NAME)
    proj.add(Module("ThisWorkbook", THIS_WORKBOOK_OPEN if udfs else "", DOCUMENT, WORKBOOK_BASE))
    for code_name in sheet_code_names:
        proj.add(Module(code_name, "", DOCUMENT, WORKSHEET_BASE))
    for m in macro_modules():
        proj.add(m)
    proj.add(xlwings_module())
    if udfs:
        proj.add(udfs)
    return proj
