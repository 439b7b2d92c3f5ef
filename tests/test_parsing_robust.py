"""The parsers never crash on arbitrary grids and text: bad input gives a model or a
FormReadError, never a traceback."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from perfxl.core.findings import FormReadError
from perfxl.core.grid import Grid
from perfxl.core.parsing import NotAForm, parse_grid
from perfxl.core.textimport import import_text
from tests.conftest import GUANGDONG_SEED, SHANDONG_SEED

WORDS = ["部门名称", "基本支出", "项目支出", "财政拨款", "其他资金", "总体绩效目标", "任务名称",
         "主要实施内容", "拟投入资金(万元)", "期望达到的目标", "一级指标", "二级指标", "三级指标",
         "年度指标值", "实施周期指标值", "指标值", "绩效指标", "职责序号", "部门职责", "职责目标",
         "指标解释", "2021年度指标值", "指标参考值", "标准值", "历史值", "来源", "备注", "工作活动",
         "预算项目", "战略目标", "部门整体预算总额", "合计", "1", "12.5", "abc", "≥95%", "产出指标"]
values = st.one_of(st.sampled_from(WORDS), st.text(max_size=8), st.integers(-5, 10**6),
                   st.floats(allow_nan=True, allow_infinity=True), st.none())
cells = st.dictionaries(st.tuples(st.integers(1, 25), st.integers(1, 18)), values, max_size=120)


@settings(max_examples=60, deadline=None)
@given(cells, st.sampled_from(["guangdong", "shandong", None]), st.booleans())
def test_parse_grid_never_crashes(cells, layout, ragged):
    grid = Grid(cells=cells, ragged=ragged)
    try:
        result = parse_grid(grid, layout)
    except NotAForm:
        return
    result.form.to_dict()


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_import_of_mangled_seed_never_crashes(data):
    text = data.draw(st.sampled_from([GUANGDONG_SEED, SHANDONG_SEED])).read_text("utf-8")
    lines = text.split("\n")
    for _ in range(data.draw(st.integers(0, 8))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["drop", "dup", "tab", "untab", "cut"]))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "tab":
            lines[i] = "\t" + lines[i]
        elif op == "untab":
            lines[i] = lines[i].replace("\t", "", 1)
        else:
            lines[i] = lines[i][: len(lines[i]) // 2]
        if not lines:
            break
    try:
        result = import_text("\n".join(lines))
    except FormReadError:
        return
    assert isinstance(result.summary, str)
    for line_no, text_, reason in result.unplaced:
        assert line_no >= 1 and reason
