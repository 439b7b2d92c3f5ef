"""The issue's acceptance lists, on the two seed forms transcribed in code.

tests/test_check_examples.py repeats them on the example workbooks read from disk.
"""

from perfxl.core.rules import check_form
from seed_forms import guangdong_seed, shandong_seed


def at(findings, rule, cell):
    return [f for f in findings if f.rule == rule and f.cell == cell]


def test_guangdong_acceptance():
    fs = check_form(guangdong_seed())
    assert at(fs, "PX302", "C28") and "“成本指标”" in at(fs, "PX302", "C28")[0].message
    assert "效益指标" in at(fs, "PX303", "C29")[0].message  # 经济效益指标 under 时效指标
    assert at(fs, "PX304", "B32") and "生态效益指标" in at(fs, "PX304", "B32")[0].message
    assert at(fs, "PX204", "C4")
    assert at(fs, "PX402", "E28") and "元/人" in at(fs, "PX402", "E28")[0].message
    assert at(fs, "PX401", "E26") and at(fs, "PX401", "E27")
    assert at(fs, "PX408", "D25")
    suffix = at(fs, "PX305", "C33")
    assert suffix and suffix[0].severity == "warning"
    missing = [f for f in fs if f.rule == "PX307"]
    assert len(missing) == 1 and "可持续影响指标" in missing[0].message
    assert missing[0].severity == "warning"
    assert not [f for f in fs if f.rule in ("PX101", "PX102", "PX103", "PX104")]
    assert not [f for f in fs if f.rule == "PX308"]


def test_shandong_acceptance():
    fs = check_form(shandong_seed())
    assert at(fs, "PX501", "F15")
    stale = [f for f in fs if f.rule == "PX503"]
    assert {f.cell for f in stale} >= {"F14", "D18", "F18"}
    assert {f.cell for f in fs if f.rule == "PX502"} >= {"F10", "F11", "F12"}
    below = at(fs, "PX603", "F9")
    assert below and "标准值20" in below[0].message and "上年值21" in below[0].message
    assert "99.70%" in at(fs, "PX603", "F13")[0].message
    assert at(fs, "PX602", "M17")
    assert at(fs, "PX308", "D20")
    assert not [f for f in fs if f.rule in ("PX101", "PX102", "PX103")]
