"""Header spellings real forms use: each is read, and none makes another row a header."""

from __future__ import annotations

import pytest

from perfxl.core.grid import Grid
from perfxl.core.parsing import guangdong as G
from perfxl.core.parsing import labels as L
from perfxl.core.parsing import parse_grid
from perfxl.core.parsing import shandong as S
from perfxl.core.parsing.common import rows_with_key
from perfxl.core.parsing.detect import detect_layout, scores

SD_TAIL = ["指标解释", "2021年度指标值", "指标参考值", None, None, None, None, None,
           "备注", "工作活动", "预算项目"]
SD_SUB = [None] * 6 + ["“十三五”规划值", "2021年标准值", "来源", "前三年均值", "上年值", "来源"]
SD_ROWS = [
    ["1", "党的建设", "从严治党", "研究次数", "说明", "≥2次", "", "2次", "文件", "2", "2", "统计",
     "", "活动", "基本支出"],
    [None, None, None, "培训人次", "说明2", "≥100人"],
    [None, None, "第二目标", "满意度", "说明3", "≥95%"],
    ["2", "法治建设", "推进", "文件数", "x", "≥3件"],
]


def _rows(cells: dict, start: int, rows: list[list]) -> None:
    for r, row in enumerate(rows, start):
        for c, v in enumerate(row, 1):
            if v is not None:
                cells[(r, c)] = v


def shandong(head: list[str]) -> Grid:
    cells = {(1, 1): "2021年度部门预算整体绩效目标表", (2, 1): "部门名称", (2, 2): "临沂市司法局",
             (2, 3): "部门整体预算总额", (2, 4): "100"}
    _rows(cells, 3, [head + SD_TAIL, SD_SUB] + SD_ROWS)
    return Grid(cells=cells)


GD_ROWS = [
    ["产出指标", "数量指标", "培训次数", "≥2场", "≥3场"],
    [None, None, "培训人数", "100人", "300人"],
    [None, "质量指标", "合格率", "100%", "100%"],
]


def guangdong(annual: str, task_head: tuple[str, ...] = (),
              levels: tuple[str, ...] = ("一级指标", "二级指标", "三级指标")) -> Grid:
    cells = {(1, 1): "市直部门整体预算绩效目标申报表", (2, 1): "部门名称", (2, 2): "惠州市司法局",
             (3, 1): "基本信息", (3, 2): "财政供养人数", (3, 3): 10}
    tasks = ["任务名称", "主要实施内容", "拟投入资金(万元)", "期望达到的目标"]
    _rows(cells, 4, [list(task_head) + tasks,
                     [str(i) for i in range(1, len(task_head) + 1)] + ["任务", "内容", 9.0, "目标"],
                     ["绩效指标"],
                     [*levels, annual, "实施周期指标值"]] + GD_ROWS)
    return Grid(cells=cells)


SD_HEADS = [
    ["序号", "职责", "目标", "绩效指标"],
    ["职责序号", "部门职责", "职责目标（说明）", "绩效指标名称"],
    ["职责序号", "部门职责", "职责目标", "绩效指标"],
    ["职责序号（编号）", "部门职责（职能）", "职责目标", "绩效指标（名称）"],
]
GD_ANNUAL = ["指标值（年度）", "指标值(年度)", "年度指标值", "2022年度指标值", "年度指标值（2023年）",
             "2022年度指标值（说明）"]


@pytest.mark.parametrize("head", SD_HEADS, ids="|".join)
def test_shandong_header_spellings(head):
    result = parse_grid(shandong(head))
    form = result.form
    assert form.layout == "shandong"
    assert [i.name for i in form.indicators] == ["研究次数", "培训人次", "满意度", "文件数"]
    assert [(i.duty_no, i.duty, i.goal) for i in form.indicators[1:3]] == [
        ("1", "党的建设", "从严治党"), ("1", "党的建设", "第二目标")]
    assert form.indicators[3].annual_value == "≥3件"
    assert result.unplaced == []


@pytest.mark.parametrize("annual", GD_ANNUAL)
def test_guangdong_annual_value_spellings(annual):
    result = parse_grid(guangdong(annual))
    form = result.form
    assert form.layout == "guangdong"
    assert [(i.name, i.annual_value, i.period_value) for i in form.indicators] == [
        ("培训次数", "≥2场", "≥3场"), ("培训人数", "100人", "300人"), ("合格率", "100%", "100%")]
    assert [i.level2 for i in form.indicators] == ["数量指标", "数量指标", "质量指标"]


@pytest.mark.parametrize("task_head", [("序号",), ("序号", "职责"), ("序号", "职责", "目标")])
def test_short_shandong_spellings_do_not_make_a_guangdong_form_shandong(task_head):
    grid = guangdong("年度指标值", task_head)
    assert detect_layout(grid) == "guangdong"
    assert scores(grid)["shandong"] == 0
    form = parse_grid(grid).form
    assert [t.name for t in form.tasks] == ["任务"]
    assert len(form.indicators) == 3


def test_short_spellings_alone_do_not_make_a_shandong_header():
    """序号/职责/目标 with a fourth core column absent: a header needs three core columns."""
    head = ["序号", "职责", "说明", "指标"]
    grid = shandong(head)
    assert not any(S._header_map(grid, r) for r in grid.rows())
    result = parse_grid(grid, "shandong")
    assert result.form.indicators == []
    # outside a header row they are text, reported with the rest of the row
    assert result.unplaced[0].text.startswith("序号\t职责\t说明")


def test_new_spellings_reach_the_header_prefilters():
    for head in SD_HEADS:
        for text in head:
            assert L.key(text) in S._CORE_KEYS
    assert L.key("指标值（年度）") in L.INDICATOR_COLUMNS["annual_value"]
    assert L.column_key("指标值（年度）") == L.key("指标值(年度)")


GD_LEVELS = ("一级指标（类别）", "二级指标（类别）", "三级指标（指标名称）")


def test_guangdong_level_headers_with_an_explanation():
    form = parse_grid(guangdong("年度指标值（2023年）", levels=GD_LEVELS)).form
    assert [(i.level1, i.level2, i.name) for i in form.indicators] == [
        ("产出指标", "数量指标", "培训次数"), ("产出指标", "数量指标", "培训人数"),
        ("产出指标", "质量指标", "合格率")]


@pytest.mark.parametrize("grid", [shandong(h) for h in SD_HEADS]
                         + [guangdong(a, ("序号", "职责", "目标")) for a in GD_ANNUAL]
                         + [guangdong("年度指标值（2023年）", levels=GD_LEVELS)])
def test_prefiltered_header_rows_are_those_of_a_full_scan(grid, monkeypatch):
    sd = [r for r in grid.rows() if S._header_map(grid, r)]
    assert sd == [r for r in rows_with_key(grid, S._CORE_KEYS) if S._header_map(grid, r)]
    gd = G._headers(grid)
    monkeypatch.setattr(G, "rows_with_key", lambda g, keys: g.rows())
    assert G._headers(grid) == gd
    assert sd or gd[1]  # the fixture has a header the parser finds


@pytest.mark.parametrize("year_cell, title, year", [
    ("（二〇二三年度）", "市直部门整体预算绩效目标申报表", 2023),
    ("(二○二四年度)", "市直部门整体预算绩效目标申报表", 2024),
    (None, "二〇二二年度市直部门整体预算绩效目标申报表", 2022),
])
def test_a_year_in_chinese_numerals(year_cell, title, year):
    cells = dict(guangdong("年度指标值").cells)
    cells[(1, 1)] = title
    if year_cell:
        cells[(1, 3)] = year_cell
    form = parse_grid(Grid(cells=cells), "guangdong").form
    assert form.year == year
