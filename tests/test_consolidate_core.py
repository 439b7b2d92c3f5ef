"""The pure consolidation model: one file's summary, statuses, duplicates, columns."""

from __future__ import annotations

import pytest

from perfxl.core.consolidate import (
    INDICATOR_HEADERS, NEEDS_FIX, PASSED, TASK_HEADERS, UNCATEGORISED, UNREADABLE,
    column_totals, finalize, summarize, summary_columns,
)
from perfxl.core.findings import Finding
from perfxl.core.model import Budget, Form, Indicator, Task


def form(dept="测试局", year=2024, basic=100.0, project=50.0, fiscal=150.0, other=0.0,
         tasks=((("任务一", 20.0), ("任务二", 10.0))), indicators=None, layout="guangdong"):
    return Form(
        layout=layout, department=dept, year=year,
        budget=Budget(basic=basic, project=project, fiscal=fiscal, other=other),
        tasks=[Task(name=n, amount=a) for n, a in tasks],
        indicators=indicators if indicators is not None else [
            Indicator("产出指标", "数量指标", "培训场次", "≥2场"),
            Indicator("产出指标", "质量指标", "验收合格率", "100%"),
            Indicator("效益指标", "社会效益指标", "法治意识", "明显提升"),
            Indicator("满意度指标", "服务对象满意度指标", "群众满意度", "≥ 95 ％"),
            Indicator("产出指标", "成本标", "人均培训费", "550/人"),
        ],
    )


def finding(severity="error", rule="PX101"):
    return Finding("f.xlsx", "表", "C6", rule, severity, "说明")


def test_one_file_numbers():
    r = summarize("/x/a.xlsx", "a.xlsx", form(), [finding("warning", "PX406")])
    s = r.summary
    assert (s.total, s.basic, s.project, s.fiscal, s.other) == (150.0, 100.0, 50.0, 150.0, 0.0)
    assert s.task_count == 2 and s.task_amount == 30.0 and s.coverage == pytest.approx(0.6)
    assert (s.checks_passed, s.checks_failed) == (2, 0)
    assert s.level1_counts == {"产出指标": 3, "效益指标": 1, "满意度指标": 1}
    assert s.level2_counts["数量指标"] == 1 and s.level2_counts[UNCATEGORISED] == 1  # 成本标
    assert s.quantitative == 4 and s.quantitative_share == pytest.approx(0.8)
    assert (s.errors, s.warnings) == (0, 1)
    assert len(r.indicators) == 5 and len(r.indicators[0]) == len(INDICATOR_HEADERS)
    row = dict(zip(INDICATOR_HEADERS, r.indicators[3]))
    assert (row["类型"], row["运算符"], row["数值"], row["单位"]) == ("定量", "≥", 95.0, "%")
    assert dict(zip(TASK_HEADERS, r.tasks[0]))["拟投入资金（万元）"] == 20.0
    assert r.findings == [("测试局", "a.xlsx", "表", "C6", "PX406", "警告", "说明")]


def test_amount_checks_fail():
    s = summarize("a", "a", form(fiscal=140.0, tasks=(("t", 80.0),))).summary
    assert s.checks_failed == 2 and s.checks_passed == 0
    (s,) = finalize([s])
    assert s.status == NEEDS_FIX
    assert "财政拨款+其他资金≠预算总额" in s.reason and "超过项目支出" in s.reason


def test_shandong_declared_total_checks():
    f = form(layout="shandong", tasks=())
    f.budget.declared_total = 151.0
    s = summarize("a", "a", f).summary
    assert s.total == 150.0
    assert s.failed_checks == ("基本支出+项目支出≠部门整体预算总额", "财政拨款+其他资金≠预算总额")


def test_one_part_alone_is_no_total():
    # 项目支出 unreadable: 预算总额 is unknown, not 基本支出 (the column total would understate)
    s = summarize("a", "a", form(project=None)).summary
    assert (s.basic, s.project, s.total) == (100.0, None, None)
    assert form(project=None).budget.total is None
    f = form(layout="shandong", project=None, tasks=())
    f.budget.declared_total = 151.0
    assert summarize("a", "a", f).summary.total == 151.0 == f.budget.total


def test_statuses_duplicates_year_and_order():
    ok = summarize("/d/b.xlsx", "d/b.xlsx", form("乙局")).summary
    dup1 = summarize("/d/a1.xlsx", "d/a1.xlsx", form("甲局")).summary
    dup2 = summarize("/d/a2.xlsx", "d/a2.xlsx", form("甲 局")).summary
    other_year = summarize("/d/c.xlsx", "d/c.xlsx", form("丙局", year=2023)).summary
    bad = summarize("/d/z.xlsx", "d/z.xlsx", None, read_error="文件已加密").summary
    errs = summarize("/d/e.xlsx", "d/e.xlsx", form("丁局"), [finding(), finding()]).summary
    nodept = summarize("/d/n.xlsx", "d/n.xlsx", form("")).summary
    out = finalize([ok, dup1, dup2, other_year, bad, errs, nodept], year=2024)
    assert [s.display for s in out] == sorted(
        [s.display for s in out], key=lambda d: ({s.display: s.department for s in out}[d], d))
    by = {s.display: s for s in out}
    assert by["d/b.xlsx"].status == PASSED and by["d/b.xlsx"].reason == ""
    assert by["d/a1.xlsx"].duplicates == ("d/a2.xlsx",) and by["d/a1.xlsx"].status == NEEDS_FIX
    assert by["d/a2.xlsx"].duplicates == ("d/a1.xlsx",)
    assert by["d/c.xlsx"].status == NEEDS_FIX and "不是2024年" in by["d/c.xlsx"].reason
    assert by["d/z.xlsx"].status == UNREADABLE and by["d/z.xlsx"].reason == "文件已加密"
    assert by["d/e.xlsx"].status == NEEDS_FIX and "2 个错误" in by["d/e.xlsx"].reason
    assert by["d/n.xlsx"].status == NEEDS_FIX and "未填写部门名称" in by["d/n.xlsx"].reason


def test_unreadable_file_has_one_finding_row_and_blank_numbers():
    r = summarize("/d/z.xlsx", "z.xlsx", None, read_error="不是 Excel 工作簿")
    assert r.findings == [("", "z.xlsx", "", "", "PX001", "错误", "不是 Excel 工作簿")]
    cols = summary_columns()
    values = {c.header: c.get(r.summary) for c in cols}
    assert values["指标数"] is None and values["预算总额（万元）"] is None


def test_column_totals_and_frameworks():
    a = summarize("a", "a", form("甲局")).summary
    b = summarize("b", "b", form("乙局", basic=1.005, project=2.0, fiscal=3.005)).summary
    cols = summary_columns()
    totals = column_totals([a, b], cols)
    assert totals["预算总额（万元）"] == pytest.approx(150.0 + 3.01)
    assert totals["指标数"] == 10
    headers = [c.header for c in summary_columns("2021")]
    assert "经济成本指标" in headers and "成本指标" in headers
    assert "经济成本指标" not in [c.header for c in cols]
