"""The worksheet functions of ``perfxl/excel/udfs.py`` as plain data.

Off Windows ``@xw.func``/``@xw.arg`` are no-ops that record nothing, so the metadata is
read from the module's syntax tree (the same way perfxl/addin/vba.py finds the functions
for the VBA wrappers). The result feeds the UDF reference in the docs and the snapshot
test (tests/data/udf_signatures.json) that keeps workbooks' formulas from breaking
silently when a function or argument is renamed.

    python -m perfxl.excel.metadata > tests/data/udf_signatures.json
"""

from __future__ import annotations

import ast
import inspect
import json
import sys
from pathlib import Path
from typing import Any

UDF_SOURCE = Path(__file__).with_name("udfs.py")


def _decorator(node: ast.expr) -> tuple[str, ast.Call | None]:
    call = node if isinstance(node, ast.Call) else None
    target = call.func if call else node
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name, call


def _literal(node: ast.expr | None, constants: dict[str, Any]) -> Any:
    """A literal's value; a module constant (``category=CATEGORY``) is resolved."""
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    try:
        return ast.literal_eval(node) if node is not None else None
    except ValueError:
        return ast.unparse(node)


def _keywords(call: ast.Call | None, constants: dict[str, Any]) -> dict[str, Any]:
    return {k.arg: _literal(k.value, constants)
            for k in (call.keywords if call else []) if k.arg}


def _constants(tree: ast.Module) -> dict[str, Any]:
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return out


def udf_metadata(source: str | None = None) -> list[dict[str, Any]]:
    """One dict per ``@xw.func`` function, in source order::

        {"name": "PERF_EXECRATE", "doc": "…", "category": "…",
         "args": [{"name": "actual", "doc": "…", "optional": False, "default": None,
                   "options": {…}}, …],
         "ret": {…}}

    ``options`` are the other keywords of ``@xw.arg`` (``ndim`` …), ``ret`` those of
    ``@xw.ret``.
    """
    tree = ast.parse(source if source is not None else UDF_SOURCE.read_text("utf-8"))
    consts = _constants(tree)
    out = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        decos = [_decorator(d) for d in node.decorator_list]
        funcs = [c for n, c in decos if n == "func"]
        if not funcs:
            continue
        arg_kw = {str(_literal(c.args[0], consts)): _keywords(c, consts) for n, c in decos
                  if n == "arg" and c and c.args}
        ret_kw: dict[str, Any] = {}
        for n, c in decos:
            if n == "ret":
                ret_kw.update(_keywords(c, consts))
        params = node.args.posonlyargs + node.args.args
        defaults = [None] * (len(params) - len(node.args.defaults)) + list(node.args.defaults)
        args = []
        for p, d in zip(params, defaults):
            kw = dict(arg_kw.get(p.arg, {}))
            args.append({
                "name": p.arg,
                "doc": kw.pop("doc", ""),
                "optional": d is not None,
                "default": _literal(d, consts),
                "options": {k: v for k, v in kw.items() if k != "vba"},
            })
        fkw = _keywords(funcs[0], consts)
        out.append({
            "name": fkw.get("name") or node.name,
            "doc": inspect.cleandoc(ast.get_docstring(node) or ""),
            "category": fkw.get("category", "xlwings"),
            "args": args,
            "ret": ret_kw,
        })
    return out


def signatures(meta: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """What workbooks depend on: function names and their arguments (name, order,
    optional), plus the argument docs the function wizard shows."""
    meta = udf_metadata() if meta is None else meta
    return [{"name": f["name"],
             "args": [{"name": a["name"], "optional": a["optional"], "doc": a["doc"]}
                      for a in f["args"]]}
            for f in meta]


def main() -> int:
    json.dump(signatures(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
