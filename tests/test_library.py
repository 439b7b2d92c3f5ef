"""The indicator library: built-in data, workbook format, validation, search, CLI."""

from __future__ import annotations

import json
from collections import Counter

import openpyxl
import pytest

from perfxl.adapters.library_xlsx import (
    BUILTIN_SOURCE, BUILTIN_XLSX, builtin_library, load_libraries, read_library, write_library,
)
from perfxl.cli import main
from perfxl.core.framework import FRAMEWORKS, VALUE_SOURCES
from perfxl.core.library import AREAS, HEADERS, Library, LibraryIndicator, category_in, search
from perfxl.core.library.model import FIELDS, is_valid_category
from perfxl.core.values import is_rate_name, parse_target

LIB = builtin_library()
# Notes parse_target raises that a well-formed library target must not have.
BAD_NOTES = {"operator_missing", "approx", "currency_missing", "percent_over_100", "bare_number",
             "multiple_numbers", "multiplied", "word_operator"}


def test_builtin_size_and_areas():
    assert len(LIB) >= 150
    per_area = Counter(i.area for i in LIB)
    functional = [a for a, n in per_area.items() if a != "通用" and n >= 9]
    assert len(functional) >= 8, per_area
    assert per_area["通用"] >= 15


def test_builtin_ids_are_stable_area_prefixed_and_unique():
    ids = [i.id for i in LIB]
    assert len(ids) == len(set(ids))
    for ind in LIB:
        prefix, num = ind.id.split("-")
        assert prefix == AREAS[ind.area] and len(num) == 3 and num.isdigit(), ind.id


def test_builtin_no_duplicates_or_filler():
    names = Counter((i.name, i.area) for i in LIB)
    assert [k for k, n in names.items() if n > 1] == []
    definitions = Counter(i.definition for i in LIB)
    assert [k for k, n in definitions.items() if n > 1] == []
    for ind in LIB:
        assert "示例" not in ind.name and "XX" not in ind.name.upper()
        assert len(ind.definition) >= 15, ind.id
        assert ind.keywords, ind.id


@pytest.mark.parametrize("ind", list(LIB), ids=lambda i: i.id)
def test_builtin_indicator_well_formed(ind: LibraryIndicator):
    assert is_valid_category(ind.level1, ind.level2)
    assert ind.source in VALUE_SOURCES
    if not ind.quantitative:
        assert parse_target(ind.target).kind == "qualitative"
        return
    t = parse_target(ind.target)
    assert t.quantitative
    assert (t.operator, t.number) == (ind.operator, float(ind.value))
    assert not (set(t.notes) & BAD_NOTES), t.notes
    assert t.unit == ind.unit
    if ind.level2 in ("成本指标", "经济成本指标"):
        assert ind.operator == "≤" and ind.unit.startswith(("元", "万元")) and ind.source == "预算支出标准"
    if ind.level1 == "满意度指标" or (is_rate_name(ind.name) and "死亡" not in ind.name):
        assert ind.unit == "%", ind.id


def test_seed_indicators_cleaned():
    by_name = {i.name: i for i in LIB}
    assert by_name["人均培训费"].target == "≤550元/人"
    assert (by_name["人均培训费"].level1, by_name["人均培训费"].level2) == ("产出指标", "成本指标")
    assert by_name["法律援助案件数"].target == "≥3000宗"
    assert by_name["法律援助案件数"].level2 == "数量指标"
    assert by_name["群众满意度"].target == "≥95%"
    assert by_name["群众满意度"].level2 == "服务对象满意度指标"
    assert by_name["政治轮训与综合业务培训场次"].target == "≥2场"  # was "…2场次数" in the seed
    assert by_name["一体化行政执法平台办案数"].target == "≥20000件"  # was "2万件以上"
    assert by_name["调解电视栏目播出期数"].target == "≥156期"
    assert by_name["预算资金偏离率"].target == "≤5%"
    assert "|本年预算数−本年决算数|" in by_name["预算资金偏离率"].definition


def test_both_frameworks_represented():
    pairs = {(i.level1, i.level2) for i in LIB}
    assert ("产出指标", "成本指标") in pairs  # 2015
    assert {("成本指标", "社会成本指标"), ("成本指标", "生态环境成本指标")} <= pairs  # 2021
    for l1, children in FRAMEWORKS["2015"].items():
        for l2 in children:
            assert (l1, l2) in pairs, (l1, l2)
    assert category_in("产出指标", "成本指标", "2021") == ("成本指标", "经济成本指标")
    assert category_in("成本指标", "社会成本指标", "2015") == ("产出指标", "成本指标")
    assert category_in("效益指标", "社会效益指标", "2021") == ("效益指标", "社会效益指标")


def test_shipped_xlsx_agrees_with_tsv_source():
    source = read_library(BUILTIN_SOURCE)
    shipped = read_library(BUILTIN_XLSX)
    assert [i for i in source.issues if i.severity == "error"] == []
    assert [i.as_row() for i in shipped.library] == [i.as_row() for i in source.library]


def test_workbook_is_editable_with_dropdowns_and_frozen_header(tmp_path):
    wb = openpyxl.load_workbook(BUILTIN_XLSX)
    ws = wb["指标库"]
    assert [c.value for c in ws[1]][:11] == list(HEADERS[:11])
    assert ws.freeze_panes == "A2"
    by_col = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            by_col[rng.min_col] = dv
    for header in ("一级指标", "二级指标", "指标值来源", "适用领域", "运算符"):
        col = HEADERS.index(header) + 1
        assert col in by_col and by_col[col].type == "list", header
    lists = wb["下拉列表"]
    assert lists.sheet_state == "hidden"
    frame = [tuple(r) for r in wb["指标框架"].iter_rows(min_row=2, values_only=True)]
    assert ("财预〔2021〕101号", "成本指标", "生态环境成本指标") in frame
    assert ("财预〔2015〕88号", "产出指标", "成本指标") in frame


SEARCHES = [
    ("法律援助", {}, "SF-001"),
    ("法援", {}, "SF-001"),
    ("援助", {}, "SF-001"),
    ("人均培训费", {}, "SF-046"),
    ("培训费", {}, "SF-046"),
    ("预算执行", {}, "TY-001"),
    ("偏离", {}, "TY-003"),
    ("调解", {"level2": ["质量指标"]}, "SF-034"),
    ("满意度", {"areas": ["卫生健康"]}, "WJ-016"),
    ("群众满意度", {}, "SF-053"),
    ("高标准农田", {}, "NY-001"),
    ("空气质量优良", {}, "ST-011"),
    ("低保", {"level2": ["数量指标"]}, "MZ-001"),
    ("新增就业", {}, "RS-001"),
    ("疫苗", {}, "WJ-006"),
    ("农村公路", {"level2": ["数量指标"]}, "JT-001"),
    ("三公经费", {}, "TY-006"),
    ("复议", {"level2": ["数量指标"]}, "SF-005"),
]


@pytest.mark.parametrize("query,filters,expected", SEARCHES)
def test_search_top_hit(query, filters, expected):
    hits = search(LIB, query, **filters)
    assert hits and hits[0].indicator.id == expected, [(h.indicator.id, h.score) for h in hits[:3]]


def test_search_filters_and_ranking():
    hits = search(LIB, "满意度", areas=["司法行政"], limit=None)
    assert hits and all(h.indicator.area == "司法行政" for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert search(LIB, "法律援助", areas=["教育"]) == []
    assert search(LIB, "量子纠缠") == []
    costs = search(LIB, "", level2=["成本指标"], limit=None)
    assert costs and all(h.indicator.level2 == "成本指标" for h in costs)
    assert len(search(LIB, "培训", limit=3)) == 3


def _write_rows(path, rows, header=HEADERS[:11]):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "指标库"
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    wb.save(path)


BAD_ROWS = [
    ("X-001", "产出指标", "数量指标", "宣传册印发数量", "印发的宣传册数量。", "≥", "500", "册", "计划标准", "教育", "宣传册"),  # row 2 ok
    ("X-002", "产出指标类", "数量指标", "某指标", "说明", "≥", "1", "个", "计划标准", "教育", ""),  # 3 unknown 一级
    ("X-003", "效益指标", "数量指标", "某指标二", "说明", "≥", "1", "个", "计划标准", "教育", ""),  # 4 二级 not under 一级
    ("X-004", "产出指标", "数量指标", "某指标三", "说明", "≥", "30", "", "计划标准", "教育", ""),  # 5 missing unit
    ("X-001", "产出指标", "质量指标", "某指标四", "说明", "=", "100", "%", "计划标准", "教育", ""),  # 6 duplicate id
    ("X-005", "产出指标", "成本指标", "人均印刷费", "说明", "≥", "20", "元/人", "预算支出标准", "教育", ""),  # 7 cost with ≥
    ("X-006", "产出指标", "数量指标", "某指标五", "说明", "≥", "5", "场", "上级标准", "教育", ""),  # 8 unknown source
    ("", "", "", "", "", "", "", "", "", "", ""),  # 9 blank: layout, not an error
    ("X-007", "产出指标", "质量指标", "XX合格率", "说明", "≥", "95", "%", "计划标准", "教育", ""),  # 10 placeholder
    ("X-008", "产出指标", "数量指标", "某指标六", "说明", "左右", "15", "场", "计划标准", "教育", ""),  # 11 左右
    ("X-009", "产出指标", "质量指标", "某合格率", "说明", "≥", "120", "%", "计划标准", "教育", ""),  # 12 >100 %
    ("X-010", "产出指标", "成本指标", "人均餐费", "说明", "≤", "30", "/人", "预算支出标准", "教育", ""),  # 13 no currency
    ("X-011", "产出指标", "数量指标", "", "说明", "≥", "1", "个", "计划标准", "教育", ""),  # 14 no name
    ("X-012", "满意度指标", "服务对象满意度指标", "家长满意度", "说明", "", "≥90%", "", "计划标准", "教育", ""),  # 15 value not split
    ("X-013", "产出指标", "质量指标", "宣传册印发数量", "说明", "≥", "600", "册", "计划标准", "教育", ""),  # 16 duplicate name
]
EXPECTED_ERRORS = {
    3: "一级指标", 4: "二级指标", 5: "计量单位", 6: "编号", 7: "运算符", 8: "指标值来源",
    10: "三级指标名称", 11: "运算符", 12: "指标值", 13: "计量单位", 14: "三级指标名称", 15: "指标值",
    16: "三级指标名称",
}


def test_malformed_library_reports_row_numbers(tmp_path):
    path = tmp_path / "自定义.xlsx"
    _write_rows(path, BAD_ROWS)
    result = read_library(path)
    assert [i.id for i in result.library] == ["X-001"]
    errors = {}
    for issue in result.errors:
        errors.setdefault(issue.row, issue.column)
    assert errors == EXPECTED_ERRORS
    messages = {i.row: str(i) for i in result.errors}
    assert "重复" in messages[6] and "第2行" in messages[6]
    assert "不属于一级指标“效益指标”" in messages[4]
    assert messages[5].startswith("第5行【计量单位】错误")


def test_check_command_exit_codes_and_output(tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    _write_rows(bad, BAD_ROWS)
    assert main(["library", "check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "第3行【一级指标】错误：未知的一级指标“产出指标类”" in out
    assert "有效指标 1 条，13 行有错误" in out
    good = tmp_path / "good.xlsx"
    _write_rows(good, BAD_ROWS[:1])
    assert main(["library", "check", str(good), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report[0]["indicators"] == 1 and report[0]["issues"] == []
    assert main(["library", "check", str(tmp_path / "none.xlsx")]) == 2


def test_header_aliases_and_header_below_a_title(tmp_path):
    path = tmp_path / "lib.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "我的指标"
    ws.append(["某局自用指标库"])
    ws.append(["id", "一级", "二级", "三级指标", "单位", "运算符", "指标值"])
    ws.append(["MY-1", "产出指标", "数量指标", "巡查次数", "次", "≧", 12])
    wb.save(path)
    result = read_library(path)
    assert result.issues == []
    (ind,) = result.library
    assert (ind.target, ind.area) == ("≥12次", "通用")


def test_merge_and_replace(tmp_path, capsys):
    custom = tmp_path / "custom.xlsx"
    _write_rows(custom, [
        ("SF-001", "产出指标", "数量指标", "法律援助案件数", "本局口径：含刑事值班。", "≥", "3200", "宗", "计划标准", "司法行政", "法律援助"),
        ("MY-001", "产出指标", "数量指标", "社区法律顾问覆盖村居数", "配备法律顾问的村（社区）数量。", "≥", "300", "个", "计划标准", "司法行政", "法律顾问、村居"),
    ])
    merged, issues, overridden = load_libraries([custom])
    assert overridden == ["SF-001"] and issues[str(custom)] == []
    assert len(merged) == len(LIB) + 1
    assert merged.get("SF-001").value == "3200"
    replaced, _, _ = load_libraries([custom], replace=True)
    assert [i.id for i in replaced] == ["SF-001", "MY-001"]
    assert main(["library", "search", "法律顾问", "--library", str(custom), "--replace", "--format", "json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["id"] for h in hits][0] == "MY-001"
    assert {h["id"] for h in hits} <= {"SF-001", "MY-001"}


def test_custom_library_errors_are_reported_when_searching(tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    _write_rows(bad, BAD_ROWS)
    assert main(["library", "search", "宣传册", "--library", str(bad)]) == 0
    captured = capsys.readouterr()
    assert "X-001" in captured.out
    assert "第4行【二级指标】" in captured.err and "13 行有错误，未载入" in captured.err


def test_export_round_trips(tmp_path, capsys):
    out = tmp_path / "导出" / "指标库.xlsx"
    assert main(["library", "export", "-o", str(out)]) == 0
    again = read_library(out)
    assert again.errors == []
    assert [i.as_row() for i in again.library] == [i.as_row() for i in LIB]
    assert main(["library", "export", "-o", str(tmp_path / "sf.xlsx"), "--area", "司法行政"]) == 0
    sf = read_library(tmp_path / "sf.xlsx").library
    assert sf and {i.area for i in sf} == {"司法行政"}
    assert not list(tmp_path.glob("**/.perfxl-tmp*"))


def test_library_rejects_duplicate_ids():
    a = LibraryIndicator("A-1", "产出指标", "数量指标", "甲")
    with pytest.raises(ValueError):
        Library([a, a])


def test_write_library_with_history_columns(tmp_path):
    ind = LibraryIndicator("LS-001", "产出指标", "数量指标", "办理公证件数", "说明文字", "≥", "18000", "件",
                           "历史标准", "司法行政", ("公证",), last_value="≥18000件", department="某市司法局", year=2022)
    path = write_library(Library([ind]), tmp_path / "h.xlsx")
    (back,) = read_library(path).library
    assert back == ind


def test_search_says_how_many_match_when_the_limit_cuts(capsys):
    total = len(search(LIB, "满意", limit=None))
    assert total > 3
    assert main(["library", "search", "满意", "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith(f"共 {total} 条，显示前 3 条（--limit 0 显示全部）。")
    assert main(["library", "search", "满意", "--limit", "0"]) == 0
    assert capsys.readouterr().out.rstrip().endswith(f"共 {total} 条。")


def test_search_help_names_the_keyword_and_explains_the_category_filters(capsys):
    with pytest.raises(SystemExit):
        main(["library", "search", "-h"])
    out = capsys.readouterr().out
    assert "[关键词 ...]" in out and "query" not in out
    assert "--level1 一级指标         只列出这个一级指标下的指标" in out
    assert "--level2 二级指标         只列出这个二级指标下的指标" in out


def test_check_says_what_is_wrong_with_a_file_that_is_not_a_library(tmp_path, capsys):
    assert main(["library", "check", str(tmp_path / "nonexist.xlsx")]) == 2
    assert capsys.readouterr().err.strip() == f"错误：{tmp_path / 'nonexist.xlsx'}：文件不存在"
    folder = tmp_path / "lib.xlsx"
    folder.mkdir()
    assert main(["library", "check", str(folder)]) == 2
    assert "这是一个文件夹，不是指标库文件" in capsys.readouterr().err
    text = tmp_path / "notes.xlsx"
    text.write_text("不是工作簿", "utf-8")
    assert main(["library", "check", str(text)]) == 2
    assert "不是可读取的指标库：文件已损坏，或不是 Excel 工作簿" in capsys.readouterr().err
    good = tmp_path / "good.xlsx"
    _write_rows(good, BAD_ROWS[:1])
    assert main(["library", "check", str(tmp_path / "nonexist.xlsx"), str(good)]) == 2
    out, err = capsys.readouterr()
    assert "文件不存在" in err and f"{good}：有效指标 1 条，没有错误。" in out


def test_an_unchanged_export_overrides_nothing_and_changes_are_summed_up(tmp_path, capsys):
    exported = tmp_path / "导出.xlsx"
    assert main(["library", "export", "-o", str(exported)]) == 0
    assert main(["library", "search", "法援", "--library", str(exported)]) == 0
    assert capsys.readouterr().err == ""
    wb = openpyxl.load_workbook(exported)
    ws = wb["指标库"]
    header = [c.value for c in ws[1]]
    definition = header.index(HEADERS[FIELDS.index("definition")])
    for row in range(2, 9):  # seven built-in rows edited
        ws.cell(row, definition + 1).value = f"本局口径 {row}"
    wb.save(exported)
    assert main(["library", "search", "法援", "--library", str(exported)]) == 0
    err = capsys.readouterr().err
    first = [i.id for i in LIB][:5]
    assert err == f"提示：自定义指标库修改了 7 条内置指标（{'、'.join(first)}等），以自定义的内容为准\n"
