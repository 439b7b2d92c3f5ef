"""The Excel functions called as plain Python functions with what Excel passes them:
floats for numbers, None for empty cells, lists (of lists) for ranges."""

import inspect
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from perfxl.core.textimport import text_to_grid
from perfxl.excel import udfs
from perfxl.excel.metadata import signatures, udf_metadata
from tests.conftest import GUANGDONG_SEED

SNAPSHOT = Path(__file__).parent / "data" / "udf_signatures.json"


def is_error(value) -> bool:
    return isinstance(value, str) and value.startswith("#PERF! ")


def test_budget_and_execution_rate():
    assert udfs.PERF_BUDGET(10.0, 100.0, -5.0) == 105
    assert udfs.PERF_BUDGET(None, 100.0) == 100
    assert udfs.PERF_EXECRATE(90.0, 100.0) == 0.9
    assert udfs.PERF_EXECRATE(90.0, 100.0, 10.0, -5.0) == pytest.approx(90 / 105)
    assert udfs.PERF_EXECRATE([[90.0]], [100.0]) == 0.9  # one-cell ranges
    assert udfs.PERF_EXECRATE("90万元", "1,000,000元") == 0.9


@pytest.mark.parametrize("call, reason", [
    (lambda: udfs.PERF_EXECRATE(90.0, 0.0), "预算数为0"),
    (lambda: udfs.PERF_EXECRATE(90.0, None), "预算数为空"),
    (lambda: udfs.PERF_EXECRATE([[1.0, 2.0]], 3.0), "实际支出应为单个单元格"),
    (lambda: udfs.PERF_DEVIATION(0.0, 5.0), "本年预算数为0"),
    (lambda: udfs.PERF_COVERAGE([[1.0], [2.0]], None), "项目支出为空"),
    (lambda: udfs.PERF_PARSE_TARGET("合规"), "定性指标"),
    (lambda: udfs.PERF_PARSE_TARGET(None), "指标值为空"),
    (lambda: udfs.PERF_MEETS("达到预期目标", 1.0), "定性指标"),
    (lambda: udfs.PERF_MEETS("≥3000宗", 3000.0, "元"), "单位不一致"),
    (lambda: udfs.PERF_LIGHT("≥1200件", 500.0, 13.0), "月份"),
    (lambda: udfs.PERF_EXPECTED("合规", 3.0), "定性指标"),
    (lambda: udfs.PERF_YOY("≥10件", 0.0), "比较值为0"),
    (lambda: udfs.PERF_CHECK([["甲", None], [None, 1.0]]), "区域中未找到绩效目标表"),
    (lambda: udfs.PERF_CHECK([["x"]], "1A"), "不是有效地址"),
    (lambda: udfs.PERF_CHECK([["x"]], None, "江苏"), "表式"),
])
def test_errors_are_readable_text(call, reason):
    result = call()
    assert is_error(result) and reason in result


def test_unexpected_failure_is_text_not_traceback(monkeypatch):
    def boom(*args):
        raise ZeroDivisionError("x")

    monkeypatch.setattr(udfs.calc, "deviation_rate", boom)
    assert udfs.PERF_DEVIATION(1.0, 2.0) == "#PERF! 计算出错（ZeroDivisionError）"


def test_rates_and_targets():
    assert udfs.PERF_DEVIATION(100.0, 107.0) == pytest.approx(0.07)
    assert udfs.PERF_COVERAGE([[10.0], [None], [20.0]], 60.0) == 0.5
    assert udfs.PERF_COVERAGE([10.0, 20.0], 60.0) == 0.5  # a 1-D row as xlwings gives it
    assert udfs.PERF_PARSE_TARGET("不少于3000宗") == [["≥", 3000.0, "宗"]]
    assert udfs.PERF_PARSE_TARGET("≦５５０元/人") == [["≤", 550.0, "元/人"]]
    assert udfs.PERF_MEETS("≥3000宗", 3120.0) is True
    assert udfs.PERF_MEETS("≤550元/人", 600.0) is False
    assert udfs.PERF_MEETS("≥95%", 0.95) is True
    assert udfs.PERF_MEETS("≥95%", "94%") is False
    assert udfs.PERF_MEETS("≤5万元", 48000.0, "元") is True
    assert udfs.PERF_EXPECTED("≥1200件", 3.0) == 300
    assert udfs.PERF_EXPECTED("≥95%", 3.0) == 95
    assert udfs.PERF_LIGHT("≥1200件", 500.0, 6.0) == "绿灯"
    assert udfs.PERF_LIGHT("≥1200件", 100.0, 6.0) == "红灯"
    assert udfs.PERF_LIGHT("≤100万元", 400000.0, 6.0, "元") == "绿灯"
    assert udfs.PERF_YOY("≥3000宗", 3200.0) == pytest.approx(-0.0625)
    assert udfs.PERF_YOY("≥95%", 0.95) == 0


def test_check_reads_a_form_range_and_names_cells():
    grid = text_to_grid(GUANGDONG_SEED.read_text("utf-8"))
    rows = [[grid.get(r, c) for c in range(1, grid.max_col + 1)] for r in range(1, grid.max_row + 1)]
    text = udfs.PERF_CHECK(rows)
    assert "PX105" in text and "PX108" in text
    first = text.splitlines()[0]
    shifted = udfs.PERF_CHECK(rows, "C3").splitlines()[0]
    # the same first finding, two rows down and two columns right
    col, row = first.split()[0][0], int(first.split()[0][1:])
    assert shifted.split()[0] == f"{chr(ord(col) + 2)}{row + 2}"
    assert udfs.PERF_CHECK(rows, None, "广东") == text


def test_check_clean_form_says_so(monkeypatch):
    monkeypatch.setattr(udfs, "check_form", lambda form: [])
    grid = text_to_grid(GUANGDONG_SEED.read_text("utf-8"))
    rows = [[grid.get(r, c) for c in range(1, grid.max_col + 1)] for r in range(1, grid.max_row + 1)]
    assert udfs.PERF_CHECK(rows) == "未发现问题"


excel_values = st.one_of(
    st.none(), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.booleans(), st.lists(st.lists(st.one_of(st.none(), st.floats(), st.text(max_size=5)),
                                     min_size=1, max_size=3), min_size=1, max_size=3),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(excel_values, min_size=4, max_size=4))
def test_no_udf_ever_raises(args):
    for meta in udf_metadata():
        f = getattr(udfs, meta["name"])
        result = f(*args[:len(meta["args"])])
        assert result is not None
        if isinstance(result, float):
            assert not math.isnan(result)


# -- metadata -----------------------------------------------------------------------------


def test_every_udf_is_listed_and_documented():
    meta = udf_metadata()
    names = [m["name"] for m in meta]
    public = sorted(n for n in dir(udfs) if n.startswith("PERF_"))
    assert sorted(names) == public
    for m in meta:
        assert m["name"].startswith("PERF_")
        assert m["doc"] and any("\u4e00" <= ch <= "\u9fff" for ch in m["doc"])
        assert len(m["doc"]) <= 255, m["name"]  # Excel's limit for a function description
        assert m["category"] == udfs.CATEGORY
        for a in m["args"]:
            assert a["name"].isascii() and a["name"].isidentifier()
            # Excel's function wizard shows at most 255 characters per argument
            assert a["doc"] and len(a["doc"]) <= 255, (m["name"], a["name"])
        f = getattr(udfs, m["name"])
        assert [p for p in inspect.signature(f).parameters] == [a["name"] for a in m["args"]]


# Argument names become VBA parameters of the generated wrappers; these would clash with
# VBA keywords or shadow functions and objects the wrapper code may need.
VBA_RESERVED = {
    "and", "application", "as", "base", "boolean", "byref", "byval", "call", "case", "cells",
    "close", "const", "date", "day", "dim", "do", "each", "else", "empty", "end", "error",
    "exit", "false", "for", "format", "function", "get", "goto", "if", "in", "input", "int",
    "is", "left", "len", "let", "like", "line", "me", "mid", "mod", "month", "name", "new",
    "next", "not", "nothing", "now", "null", "on", "open", "option", "or", "print", "private",
    "property", "public", "range", "resume", "right", "select", "set", "static", "step",
    "stop", "str", "sub", "text", "then", "time", "to", "true", "type", "val", "value",
    "wend", "while", "with", "year",
}


def test_argument_names_are_safe_in_vba():
    for m in udf_metadata():
        for a in m["args"]:
            assert a["name"].lower() not in VBA_RESERVED, (m["name"], a["name"])


def test_signatures_match_the_snapshot():
    """Workbooks call these functions by name and argument position: a rename or a
    removal must be deliberate (regenerate with `python -m perfxl.excel.metadata`)."""
    snapshot = json.loads(SNAPSHOT.read_text("utf-8"))
    current = signatures()
    assert [f["name"] for f in current] == [f["name"] for f in snapshot]
    for now, then in zip(current, snapshot):
        assert now["args"] == then["args"], now["name"]


def test_metadata_sees_a_rename():
    source = Path(udfs.__file__).read_text("utf-8").replace(
        "def PERF_DEVIATION(budget, final_amt)", "def PERF_DEVIATION(budget, final)")
    renamed = {f["name"]: f for f in signatures(udf_metadata(source))}
    assert [a["name"] for a in renamed["PERF_DEVIATION"]["args"]] == ["budget", "final"]
    assert renamed != {f["name"]: f for f in json.loads(SNAPSHOT.read_text("utf-8"))}
