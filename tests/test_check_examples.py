"""The issue's acceptance lists on the example workbooks (examples/*.xlsx), read from disk.

Expected cells are found by their content in the workbook (openpyxl), independently of the
reader, so "at the right cell" means the cell a user sees the defect in.
"""

from pathlib import Path

import openpyxl
import pytest

from perfxl.adapters.checking import check_file

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
GUANGDONG = EXAMPLES / "guangdong_huizhou_2022.xlsx"
SHANDONG = EXAMPLES / "shandong_linyi_2021.xlsx"
CLEAN = EXAMPLES / "guangdong_clean_2023.xlsx"


def cells(path: Path, match) -> set[tuple[str, str]]:
    """(sheet, cell) of every cell whose text satisfies ``match`` (a string means equality)."""
    test = (lambda v: v == match) if isinstance(match, str) else match
    wb = openpyxl.load_workbook(path, read_only=True)
    found = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None and test(str(c.value).strip()):
                    found.add((ws.title, c.coordinate))
    wb.close()
    assert found, f"{match!r} not found in {path.name}"
    return found


def hits(findings, rule, where=None):
    return [f for f in findings if f.rule == rule and (where is None or (f.sheet, f.cell) in where)]


needs = pytest.mark.skipif


@needs(not GUANGDONG.exists(), reason="examples/guangdong_huizhou_2022.xlsx not built yet")
def test_guangdong_example():
    fs = check_file(GUANGDONG)
    assert all(f.sheet and f.cell for f in fs)
    assert "成本指标" in hits(fs, "PX302", cells(GUANGDONG, "成本标"))[0].message
    econ = hits(fs, "PX303", cells(GUANGDONG, "经济效益指标"))
    assert econ and "时效指标" in econ[0].message and "效益指标" in econ[0].message
    eco = hits(fs, "PX304", cells(GUANGDONG, "生态效益指标"))
    assert eco and "一级指标列" in eco[0].message
    staff = hits(fs, "PX204")
    label = cells(GUANGDONG, lambda v: v.startswith("财政供养人"))
    assert staff and any(f.sheet == s and openpyxl.utils.cell.coordinate_from_string(f.cell)[1]
                         == openpyxl.utils.cell.coordinate_from_string(c)[1] for f in staff
                         for s, c in label)
    assert len(hits(fs, "PX402", cells(GUANGDONG, "550/人"))) >= 1
    assert hits(fs, "PX401", cells(GUANGDONG, "100%")) and hits(fs, "PX401", cells(GUANGDONG, "90%"))
    assert hits(fs, "PX408", cells(GUANGDONG, "开展政治轮训与综合业务培训2场次数"))
    suffix = hits(fs, "PX305", cells(GUANGDONG, "服务对象满意度"))
    assert suffix and suffix[0].severity == "warning"
    sustain = [f for f in hits(fs, "PX307") if "可持续影响指标" in f.message]
    assert sustain and sustain[0].severity == "warning"
    assert not [f for f in fs if f.rule in ("PX101", "PX102", "PX103", "PX104")]


@needs(not SHANDONG.exists(), reason="examples/shandong_linyi_2021.xlsx not built yet")
def test_shandong_example():
    fs = check_file(SHANDONG)
    assert all(f.sheet and f.cell for f in fs)
    assert hits(fs, "PX501", cells(SHANDONG, lambda v: "XX" in v))
    assert hits(fs, "PX503", cells(SHANDONG, lambda v: "2020年" in v))
    for phrase in ("应做尽做", "按时按量完成", "有序进行"):
        assert hits(fs, "PX502", cells(SHANDONG, lambda v, p=phrase: p in v)), phrase
    low = hits(fs, "PX603", cells(SHANDONG, "15场左右"))
    assert low and "20" in low[0].message and "21" in low[0].message
    rate = hits(fs, "PX603", cells(SHANDONG, "98%"))
    assert rate and "99.7" in rate[0].message
    assert hits(fs, "PX602")
    assert hits(fs, "PX308")
    assert not [f for f in fs if f.rule in ("PX101", "PX102", "PX103")]


@needs(not CLEAN.exists(), reason="examples/guangdong_clean_2023.xlsx not built yet")
def test_clean_example_has_no_errors():
    fs = check_file(CLEAN)
    assert [f for f in fs if f.severity == "error"] == []
    assert [f.rule for f in fs] == ["PX105"]


def test_clean_example_script_builds_an_error_free_form(tmp_path):
    import runpy

    script = runpy.run_path(str(EXAMPLES.parent / "scripts" / "build_clean_example.py"))
    out = tmp_path / "clean.xlsx"
    assert script["main"](["build_clean_example.py", str(out)]) == 0
    fs = check_file(out)
    assert [f.rule for f in fs] == ["PX105"] and fs[0].severity == "info"
