"""Text extracts → Form: the two seeds, and damaged extracts."""

from __future__ import annotations

import re

import pytest

from perfxl.core.findings import FormReadError
from perfxl.core.textimport import import_text, text_to_grid
from perfxl.core.parsing import labels as L
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
    assert all(i.name and i.annual_value for i in f.indicators)
    assert [i.period_value == "" for i in f.indicators].count(True) == 1  # line 46, shifted
    assert r.unplaced == []


def test_guangdong_seed_defects_reproduced_column_by_column(gd_text):
    f = import_text(gd_text).form
    ind = f.indicators
    assert [(i.level1, i.level2) for i in ind[:7]] == [
        ("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"),
        ("产出指标", "成本标"),
        ("时效指标", "经济效益指标"), ("时效指标", "社会效益指标"), ("时效指标", "社会效益指标"),
    ]
    assert ind[3].annual_value == "550/人"
    # line 46 carries the 绩效指标 side column like the lines above it (its first cell is
    # empty) and lost its empty last cell: read where its cells stand, 生态效益指标 is in
    # the 一级 column and the row is one column to the left, as the seed prints it
    eco = ind[7]
    assert eco.level1 == "生态效益指标"
    assert eco.level2.startswith("提升政府立法立规与法律顾问工作质效")
    assert eco.name.startswith("办理地方性法规、市政府规章、行政规范性文件审查（核）")
    assert eco.annual_value == eco.name and eco.period_value == ""
    assert [f.sources[f"indicators[7].{k}"].cell for k in ("level1", "level2", "name", "annual_value",
                                                          "period_value")] == [
        "B46", "C46", "D46", "E46", "F46"]
    # line 47 starts with its own 一级: no side column
    assert (ind[8].level1, ind[8].level2, ind[8].name, ind[8].annual_value, ind[8].period_value) == (
        "满意度指标", "服务对象满意度", "群众满意度", "≥95%", "≥95%")
    assert f.sources["indicators[8].level1"].cell == "A47"


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
    # line 27 gained an empty cell before 绩效指标 and lost the empty 规划值: the head is
    # closed up, 标准值 and its 来源 stay where they were printed
    daily = by_name["日报宣传栏"]
    assert (daily.duty_no, daily.annual_value, daily.note, daily.activity) == (
        "2", "发布专栏24期", "2020年新项目", "每期临沂日报")
    assert (daily.standard.plan_value, daily.standard.value, daily.standard.source) == (
        "", "发布专栏24期", "内部统计")
    last = f.indicators[-1]
    assert (last.duty_no, last.duty, last.goal) == ("11", "综合管理工作", "协助各科室工作")
    assert f.sources[f"indicators[{len(f.indicators) - 1}].duty_no"].cell == "A75"


def _line(cell: str) -> int:
    return int(re.sub(r"^[A-Z]+", "", cell))


def _row(form, line: int):
    """The indicator whose 年度指标值 was read from ``line`` of the extract."""
    return next(ind for i, ind in enumerate(form.indicators)
                if _line(form.sources[f"indicators[{i}].annual_value"].cell) == line)


def _ref(ind):
    return (ind.standard.plan_value, ind.standard.value, ind.standard.source,
            ind.history.avg3, ind.history.last_year, ind.history.source)


def test_shandong_seed_every_line_is_placed(sd_text):
    r = import_text(sd_text)
    assert r.unplaced == []
    assert "所有内容均已导入" in r.summary
    lines = sorted(_line(s.cell) for k, s in r.form.sources.items() if k.endswith(".annual_value"))
    data_lines = [n for n, line in enumerate(sd_text.split("\n"), 1)
                  if n > 10 and line.count("\t") > 10 and "职责序号" not in line
                  and line.replace("\t", "").strip()
                  and not all(L.match_sd_subheader(c) or not c.strip() for c in line.split("\t"))]
    assert lines == data_lines  # one indicator per data line
    assert all(ind.annual_value for ind in r.form.indicators)


def test_shandong_merged_duty_lines_join_their_duty(sd_text):
    """Lines 34 and 35 start with a text in the 职责序号 column and an empty cell: lines
    of the merged 部门职责 cell of duty 3 (立法任务), printed beside later rows."""
    f = import_text(sd_text).form
    duty3 = [i for i in f.indicators if i.duty_no == "3"]
    assert len(duty3) == 6
    assert {i.duty for i in duty3} == {
        "立法任务\n积极落实年度立法任务\n研究起草司法行政方面的地方性法规、规章草案"}
    row33 = _row(f, 33)  # a stray leading cell: 3 stands in the second column
    assert (row33.goal, row33.name, row33.annual_value) == ("科学谋划立法项目", "立法的科学性", "确保立法科学性")
    assert _ref(row33) == ("", "确保立法科学性", "2020年市政府立法工作计划和规范性文件制定计划", "", "", "")
    assert (row33.note, row33.project) == ("正常科室职责", "基本支出")
    row34 = _row(f, 34)
    assert (row34.goal, row34.name, row34.annual_value) == ("科学谋划立法项目", "立法项目有序开展", "完成三个项目立法任务")
    assert row34.explanation.startswith("市人大常委会将《临沂市大气污染防治条例》")
    assert _ref(row34) == ("", "三个项目立法任务", "根据市人大常委会计划",
                           "", "四个项目立法任务", "根据市人大常委会计划")
    assert (row34.activity[:8], row34.project) == ("目前已按时完成《", "基本支出")
    row35 = _row(f, 35)
    assert (row35.goal, row35.name, row35.explanation) == (
        "强化规范性文件监管、重大行政决策合法性审查", "依法审查规范性文件", "依法审查规范性文件")
    assert row35.annual_value == "依法审查规范性文件及其他文件,为全市经济社会又好又快发展提供政策保障"
    assert _ref(row35)[1:3] == ("1.职责范围应审尽审,严格审查", "工作职责")
    assert (row35.note, row35.project) == ("正常科室职责", "基本支出")


def test_shandong_rows_that_lost_leading_cells(sd_text):
    """Line 58 starts in the 职责序号 column, without the empty cells of the merged
    职责序号, 部门职责 and 职责目标; line 59 lost its empty 指标解释, not its 年度指标值."""
    f = import_text(sd_text).form
    row58 = _row(f, 58)
    assert (row58.duty_no, row58.duty) == ("6", "公共法律服务体系建设")
    assert row58.goal.startswith("深入推进公共法律服务“一体化”建设")
    assert (row58.name, row58.explanation, row58.annual_value) == (
        "法律援助便民服务", "增加12348坐席，日均接线量增加至180人", "至少增加2个12348坐席")
    assert _ref(row58)[2:] == ("", "", "增加2个", "内部工作安排")
    assert (row58.activity, row58.project) == ("至少增加2个12348坐席", "法援经费")
    row59 = _row(f, 59)
    assert row59.duty_no == "6" and row59.name.startswith("进一步深化“放管服”改革")
    assert row59.annual_value == "推行“经济困难状况承诺制”"
    assert _ref(row59)[:3] == ("", "推行“经济困难状况承诺制”",
                               "《司法部关于印发开展证明事项告知承诺制试点工作方案的通知》")
    assert (row59.activity[:6], row59.project) == ("制定《临沂市", "法援经费")
    assert f.sources[f"indicators[{f.indicators.index(row59)}].annual_value"].cell == "E59"


def test_shandong_reference_values_stay_in_their_columns(sd_text):
    """标准值/历史值 and their 来源: a source text never lands among the values."""
    f = import_text(sd_text).form
    for ind in f.indicators:
        values = (ind.standard.plan_value, ind.standard.value, ind.history.avg3,
                  ind.history.last_year)
        assert not {"内部统计", "工作职责", "系统统计"} & set(values), ind
    row25 = _row(f, 25)  # the empty 规划值 cell was lost: 标准值, 来源, 均值, 上年值 follow
    assert _ref(row25) == ("", "基层法律服务工作者执业核准考试工作有序进行",
                           "《山东省基层法律服务工作者执业核准考试办法(试行)》", "有序进行", "有序进行", "")
    row29 = _row(f, 29)
    assert (row29.name, row29.annual_value) == ("开展七五普法验收", "七五普法验收合格")
    assert _ref(row29) == ("", "七五普法验收合格", "市委市政府会议精神",
                           "持续开展", "持续开展", "市委市政府会议精神")
    assert (row29.note, row29.activity) == ("2020年七五最后一年,进行工作验收", "七五总体验收")
    row30 = _row(f, 30)
    assert (row30.name, row30.annual_value) == ("组织开展领导干部普法考试", "最终成绩合格率达100%")
    assert _ref(row30) == ("", "100%", "内部统计", "100%", "100%", "内部统计")
    row31 = _row(f, 31)
    assert (row31.annual_value, row31.standard.value, row31.standard.source) == (
        "按时按量完成", "按时按量完成", "内部统计")
    assert (row31.note, row31.activity, row31.project) == (
        "正常科室职责", "根据年初工作计划", "办案业务及装备经费")
    row51 = _row(f, 51)  # states no 标准值 or 历史值 at all (for the rules to report)
    assert (row51.name, row51.annual_value, _ref(row51)) == ("加强公证质量检查", "应做尽做", ("",) * 6)
    row37 = _row(f, 37)  # one of 规划值/标准值 was lost; the 来源 stays a source
    assert "应做尽做" in _ref(row37)[:2] and row37.standard.source == "工作职责"
    row47 = _row(f, 47)
    assert _ref(row47)[2:] == ("贯彻落实《社区矫正法》有关要求", "2020年底完成", "",
                               "最高人民法院、最高人民检察院、公安部、司法部《社区矫正实施办法》")
    row55 = _row(f, 55)
    assert _ref(row55) == ("办案人员参加相关培训，计划举办XX场次", "3场", "内部工作计划",
                           "年均参加各类培训3次", "19年参加各类培训6次", "内部统计")
    row11 = _row(f, 11)  # 备注 lost: the tail is 工作活动, 预算项目
    assert (row11.note, row11.activity[:6], row11.project) == ("", "完善制定全面", "基本支出")


def test_shandong_stated_total_that_the_formula_would_change_is_reported(sd_text):
    assert import_text(sd_text).unplaced == []
    r = import_text(sd_text.replace("2794.05万元", "2800万元", 1))
    assert r.form.budget.declared_total == 2800
    [(line, text, reason)] = r.unplaced
    assert (line, text) == (5, "2800万元") and "公式" in reason and "2794.05" in reason


def _placed_or_reported(text: str):
    """Every non-empty cell of the extract is either in a source or in the unplaced list."""
    r = import_text(text)
    grid = text_to_grid(text)
    placed = {(s.cell, str(s.raw)) for s in r.form.sources.values()}
    reported = "\n".join(t for _, t, _ in r.unplaced)
    from perfxl.core.grid import a1
    from perfxl.core.parsing.shandong import is_sd_label
    missing = []
    for (row, col), v in grid.cells.items():
        if (a1(row, col), str(v)) in placed or L.clean_text(v) in reported:
            continue
        if L.is_guangdong_label(v) or is_sd_label(v):
            continue
        if any(L.clean_text(v) == L.clean_text(s.raw) for s in r.form.sources.values()):
            continue
        if any(L.clean_text(v) in i.duty.split("\n")[1:] for i in r.form.indicators):
            continue  # a line of a merged 部门职责 cell, joined to it
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
    assert (i + 1, "任务“深化行政复议体制改革”的拟投入资金无法识别") in [(n, reason) for n, _, reason in r.unplaced]
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
