"""Text extracts → Form: the two seeds, and damaged extracts."""

from __future__ import annotations

import pytest

from perfxl.core.findings import FormReadError
from perfxl.core.textimport import import_text, text_to_grid
from tests.conftest import GUANGDONG_SEED, SHANDONG_SEED

GD_TASK_AMOUNTS = [9, 10, 200, 90, 60, 20, 120, 50, 50]


@pytest.fixture(scope="module")
def gd_text() -> str:
    return GUANGDONG_SEED.read_text("utf-8")


@pytest.fixture(scope="module")
def sd_text() -> str:
    return SHANDONG_SEED.read_text("utf-8")


def test_guangdong_seed_values(gd_text):
    r = import_text(gd_text)
    f = r.form
    assert f.layout == "guangdong"
    assert (f.department, f.year) == ("惠州市司法局", 2022)
    b = f.budget
    assert (b.basic, b.project, b.fiscal, b.other) == (4120.17, 851.85, 4972.02, 0.0)
    assert (b.special_fund, b.other_development, b.own_level, b.transfer) == (0, 0, 0, 0)
    assert b.total == 4972.02
    assert [t.amount for t in f.tasks] == GD_TASK_AMOUNTS
    assert round(sum(t.amount for t in f.tasks), 2) == 609.00
    assert f.tasks[3].name == "创新推进“放管服”改革"  # after the broken 年度重点工作/任务 label
    assert f.staff_count is None and f.sub_units == 1
    assert f.overall_goal.startswith("全市司法行政机关坚持")
    assert len(f.indicators) == 9
    assert all(i.name and i.annual_value and i.period_value for i in f.indicators)
    assert r.unplaced == []


def test_guangdong_seed_defects_reproduced_column_by_column(gd_text):
    ind = import_text(gd_text).form.indicators
    assert [(i.level1, i.level2) for i in ind] == [
        ("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"),
        ("产出指标", "成本标"),
        ("时效指标", "经济效益指标"), ("时效指标", "社会效益指标"), ("时效指标", "社会效益指标"),
        ("时效指标", "生态效益指标"),
        ("满意度指标", "服务对象满意度"),
    ]
    assert ind[3].annual_value == "550/人"


def test_guangdong_sources_name_lines_and_cells(gd_text):
    f = import_text(gd_text).form
    src = f.sources
    assert src["department"].cell == "B9"
    assert src["staff_count"].cell == "C10" and src["staff_count"].raw is None
    assert src["budget.basic"].cell == "C12" and src["budget.basic"].raw == "4120.17"
    assert src["budget.own_level"].cell == "E15"
    assert src["tasks[0].amount"].cell == "C23"
    assert src["tasks[3].name"].cell == "A30"
    # 二级 written on line 38, inherited by line 39's 一级
    assert src["indicators[1].level1"].cell == "A38"
    # the second table segment has the 绩效指标 side label in column A
    assert src["indicators[4].level1"].cell == "B43"
    for i in range(len(f.indicators)):
        for k in ("level1", "level2", "name", "annual_value", "period_value"):
            assert f"indicators[{i}].{k}" in src
    for i in range(len(f.tasks)):
        for k in ("name", "content", "amount", "goal"):
            assert f"tasks[{i}].{k}" in src


def test_shandong_seed_values(sd_text):
    r = import_text(sd_text)
    f = r.form
    assert f.layout == "shandong"
    assert (f.department, f.year) == ("临沂市司法局", 2021)
    b = f.budget
    assert b.declared_total == 2794.05
    assert (b.fiscal, b.other, b.basic, b.project) == (2690.54, 103.51, 2187.54, 606.51)
    assert f.overall_goal.startswith("临沂市司法行政工作始终围绕")
    assert f.overall_goal.endswith("作出新的更大贡献。")
    ind = f.indicators
    assert len(ind) >= 45
    for i in ind:
        assert i.duty_no.isdigit() and i.duty and i.name, i
    assert sorted({int(i.duty_no) for i in ind}) == list(range(1, 12))


def test_shandong_rows_column_by_column(sd_text):
    f = import_text(sd_text).form
    by_name = {i.name: i for i in f.indicators}
    first = f.indicators[0]
    assert (first.duty_no, first.duty, first.goal) == ("1", "党的建设和群团工作", "推进全面落实从严治党走深走实")
    assert first.annual_value.startswith("印发全面从严治党任务分工")
    assert first.standard.value == "党组全年研究全面从严治党不少于2次"
    assert first.standard.source == "市委、市纪委文件要求"
    assert first.history.last_year == "党组全年研究全面从严治党不少于2次"
    assert first.history.source == "市委、市纪委文件要求"
    assert first.activity.startswith("完善制定全面从严治党") and first.project == "基本支出"
    training = by_name["开办培训"]
    assert (training.duty_no, training.duty, training.annual_value) == ("2", "推进法治临沂建设", "15场左右")
    assert (training.standard.plan_value, training.standard.value) == ("满足需求", "20")
    assert training.standard.source.startswith("《2018-2022年")
    assert (training.history.avg3, training.history.last_year, training.history.source) == (
        "18", "21", "内部统计")
    assert training.project == "基本支出"
    mediation = by_name["调解成功率"]
    assert (mediation.duty_no, mediation.annual_value) == ("4", "98%")
    assert (mediation.standard.value, mediation.history.last_year) == ("98.00%", "99.70%")
    assert mediation.project == "办案业务及装备经费"
    daily = by_name["日报宣传栏"]  # a row that lost a merged group cell
    assert (daily.duty_no, daily.annual_value, daily.note, daily.activity) == (
        "2", "发布专栏24期", "2020年新项目", "每期临沂日报")
    last = f.indicators[-1]
    assert (last.duty_no, last.duty, last.goal) == ("11", "综合管理工作", "协助各科室工作")
    assert f.sources[f"indicators[{len(f.indicators) - 1}].duty_no"].cell == "A75"


def test_shandong_seed_unplaced_lines_are_reported(sd_text):
    r = import_text(sd_text)
    lines = {u[0] for u in r.unplaced}
    assert {34, 35, 58} <= lines
    line58 = next(u for u in r.unplaced if u[0] == 58)
    assert "法律援助便民服务" in line58[1] and line58[2]
    assert "第 58 行" in r.summary


def _placed_or_reported(text: str):
    """Every non-empty cell of the extract is either in a source or in the unplaced list."""
    r = import_text(text)
    grid = text_to_grid(text)
    placed = {(s.cell, str(s.raw)) for s in r.form.sources.values()}
    reported = "\n".join(t for _, t, _ in r.unplaced)
    from perfxl.core.grid import a1
    from perfxl.core.parsing import labels as L
    from perfxl.core.parsing.shandong import is_sd_label
    missing = []
    for (row, col), v in grid.cells.items():
        if (a1(row, col), str(v)) in placed or L.clean_text(v) in reported:
            continue
        if L.is_guangdong_label(v) or is_sd_label(v):
            continue
        if any(L.clean_text(v) == L.clean_text(s.raw) for s in r.form.sources.values()):
            continue
        missing.append((row, col, v))
    return r, missing


def test_nothing_is_silently_dropped(gd_text, sd_text):
    for text in (gd_text, sd_text):
        _, missing = _placed_or_reported(text)
        assert missing == []


def test_damaged_missing_tabs(gd_text):
    text = gd_text.replace("\t基本支出\t4120.17", "\t基本支出4120.17")
    lines = text.split("\n")
    i = next(n for n, l in enumerate(lines) if l.startswith("深化行政复议体制改革"))
    cells = lines[i].split("\t")
    lines[i] = "\t".join([cells[0], cells[1] + cells[2], cells[3]])  # content and amount run together
    r = import_text("\n".join(lines))
    assert r.form.budget.basic == 4120.17  # label and amount split again
    task = next(t for t in r.form.tasks if t.name == "深化行政复议体制改革")
    assert task.amount is None
    assert any(n == i + 1 and "金额无法识别" in reason for n, _, reason in r.unplaced)
    assert [t.amount for t in r.form.tasks if t is not task] == [a for a in GD_TASK_AMOUNTS if a != 60]


def test_damaged_shuffled_blank_lines(gd_text, sd_text):
    for text in (gd_text, sd_text):
        base = import_text(text).form.to_dict()
        lines = [l for l in text.split("\n") if l.strip()]
        spaced = "\n\n\n".join(lines)
        assert import_text(spaced).form.to_dict() == base
        assert import_text("\n".join(lines)).form.to_dict() == base


def test_damaged_extra_leading_column(gd_text):
    base = import_text(gd_text).form
    shifted = "\n".join(("7\t" + l) if "\t" in l else l for l in gd_text.split("\n"))
    r = import_text(shifted)
    assert r.form.to_dict() == base.to_dict()
    assert r.form.sources["budget.basic"].cell == "D12"


def test_damaged_extra_column_everywhere(sd_text):
    base = import_text(sd_text)
    shifted = "\n".join(("x\t" + l) if "\t" in l else l for l in sd_text.split("\n"))
    r = import_text(shifted)
    assert r.form.to_dict() == base.form.to_dict()
    assert r.form.sources["indicators[0].duty_no"].cell == "B11"
    stray = [n for n, t, _ in r.unplaced if t == "x"]
    assert 11 in stray and 75 in stray


def test_damaged_extra_cell_in_one_row_is_reported(gd_text):
    lines = gd_text.split("\n")
    i = next(n for n, l in enumerate(lines) if l.startswith("基本信息"))
    lines[i] = lines[i] + "\t\t多出来的一格"
    r = import_text("\n".join(lines))
    assert r.form.sub_units == 1
    assert any(n == i + 1 and "多出来的一格" in t for n, t, _ in r.unplaced)


def test_unrecognisable_text_raises():
    with pytest.raises(FormReadError) as exc:
        import_text("姓名\t年龄\n张三\t30\n", name="名单.txt")
    assert "名单.txt" in str(exc.value) and "未能识别" in exc.value.message
    with pytest.raises(FormReadError):
        import_text("\n \n", name="空.txt")


def test_layout_forced(gd_text):
    assert import_text(gd_text, layout="guangdong").form.layout == "guangdong"


def test_line_broken_inside_cells(gd_text):
    base = import_text(gd_text).form.to_dict()
    broken = gd_text.replace("\t年度指标值\t", "\t年度指\n标值\t", 1)
    broken = broken.replace("规范完善市政府行政复议受理中心受理流程，拓宽复议申请渠道，推动",
                            "规范完善市政府行政复议受理中心受理流程，\n拓宽复议申请渠道，推动", 1)
    r = import_text(broken)
    assert r.form.to_dict() == base
    assert r.unplaced == []


def test_year_prefixed_value_header(gd_text):
    text = gd_text.replace("\t年度指标值\t", "\t2022年度指标值\t", 1)
    ind = import_text(text).form.indicators
    assert ind[0].annual_value == "≥2场" and ind[0].period_value == "≥2场"


def test_optional_row_as_heading(gd_text):
    text = gd_text.replace("\n一级指标\t", "\n其他需完成的任务（可选填）\n\n配合完成交办的其他任务。\n\n一级指标\t", 1)
    r = import_text(text)
    assert r.form.other_tasks == "配合完成交办的其他任务。"
    assert len(r.form.indicators) == 9 and r.unplaced == []
    inline = gd_text.replace("\n一级指标\t", "\n其他需完成的任务(可选填)\t配合完成交办的其他任务。\n一级指标\t", 1)
    assert import_text(inline).form.other_tasks == "配合完成交办的其他任务。"


def test_multi_line_header_rows(gd_text):
    base = import_text(gd_text).form.to_dict()
    two_rows = gd_text.replace("一级指标\t二级指标\t三级指标\t年度指标值\t实施周期指标值",
                               "一级\t二级\t三级\t年度\t实施周期\n指标\t指标\t指标\t指标值\t指标值", 1)
    two_rows = two_rows.replace("任务名称\t主要实施内容\t拟投入资金(万元)\t期望达到的目标",
                                "任务名称\t主要实施内容\t拟投入资金\t期望达到的\n\t\t(万元)\t目标", 1)
    r = import_text(two_rows)
    assert r.form.to_dict() == base
    assert r.unplaced == []


def test_forced_layout_that_does_not_fit(gd_text):
    with pytest.raises(FormReadError) as exc:
        import_text(gd_text, layout="shandong", name="惠州.txt")
    assert "山东样式" in exc.value.message and exc.value.file == "惠州.txt"
