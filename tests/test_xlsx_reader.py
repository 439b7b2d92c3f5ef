"""Workbooks → Form: relabelled/shifted Guangdong variants, both engines, hostile files."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from perfxl.adapters.xlsx_reader import load_grids, read_form
from perfxl.core.findings import FormReadError
from perfxl.core.textimport import import_text
from tests._workbooks import (guangdong_rows, insert_column, with_entity_bomb, write_cfb,
                              write_lying_bomb, write_ratio_bomb, write_rows)
from tests.conftest import GUANGDONG_SEED, ROOT, SHANDONG_SEED


@pytest.fixture(scope="module")
def seed_form():
    return import_text(GUANGDONG_SEED.read_text("utf-8")).form


@pytest.fixture(scope="module")
def canonical(tmp_path_factory, seed_form):
    path = tmp_path_factory.mktemp("gd") / "canonical.xlsx"
    rows, merges = guangdong_rows(seed_form)
    return write_rows(path, rows, merges)


def _expected(seed_form, **changes):
    d = seed_form.to_dict()
    d.update(changes)
    return d


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_canonical_workbook(canonical, seed_form, engine):
    form = read_form(canonical, engine=engine)
    assert form.to_dict() == seed_form.to_dict()
    assert form.file == str(canonical)
    src = form.sources
    assert src["department"].cell == "B3"
    assert src["staff_count"].cell == "C4" and src["staff_count"].raw is None
    assert src["budget.basic"].cell == "C6" and src["budget.basic"].raw == 4120.17
    assert src["tasks[0].amount"].cell == "D13"
    # merged 一级 cell: value only in its top-left cell, inherited below
    assert src["indicators[1].level1"].cell == "B23"
    assert src["indicators[1].level2"].cell == "C24"


def test_engines_agree(canonical):
    a, b = read_form(canonical, engine="calamine"), read_form(canonical, engine="openpyxl")
    assert a.to_dict() == b.to_dict()
    assert a.sources == b.sources
    ga, gb = load_grids(canonical, engine="calamine"), load_grids(canonical, engine="openpyxl")
    assert ga[0].cells == gb[0].cells
    assert sorted(ga[0].merged, key=str) == sorted(gb[0].merged, key=str)


VARIANT_LABELS = {
    "财政供养人数": "财政供养人员数",
    "预算来源": "收入来源",
    "省本级使用资金": "市本级使用资金",
    "拟投入资金(万元)": "拟投入资金（万元）",
    "年度重点工作任务": "年度重点工作  任务",
    "部门名称": "部门名称：",
    "总体绩效目标": " 总体绩效目标 ",
}


def test_relabelled_variant(tmp_path, seed_form):
    rows, merges = guangdong_rows(seed_form, labels=VARIANT_LABELS)
    form = read_form(write_rows(tmp_path / "v.xlsx", rows, merges))
    assert form.to_dict() == seed_form.to_dict()


def test_one_value_column(tmp_path, seed_form):
    rows, merges = guangdong_rows(seed_form, value_columns=1)
    form = read_form(write_rows(tmp_path / "v.xlsx", rows, merges))
    assert form.value_columns == 1
    assert [i.annual_value for i in form.indicators] == [i.annual_value for i in seed_form.indicators]
    assert all(i.period_value == "" for i in form.indicators)
    assert form.sources["indicators[0].annual_value"].cell.startswith("E")


def test_optional_row_and_blank_rows(tmp_path, seed_form):
    rows, merges = guangdong_rows(seed_form, other_tasks="配合完成市委市政府交办的其他任务。",
                                  blank_rows=True)
    form = read_form(write_rows(tmp_path / "v.xlsx", rows, merges))
    assert form.other_tasks == "配合完成市委市政府交办的其他任务。"
    expected = _expected(seed_form, other_tasks="配合完成市委市政府交办的其他任务。")
    assert form.to_dict() == expected


def test_inserted_column_and_rows(tmp_path, seed_form):
    rows, merges = guangdong_rows(seed_form, blank_rows=True)
    rows, merges = insert_column(rows, merges, at=0)
    rows = [["填报单位：（盖章）"], []] + rows  # rows inserted above the form
    merges = [_shift_rows(m, 2) for m in merges]
    form = read_form(write_rows(tmp_path / "v.xlsx", rows, merges))
    assert form.to_dict() == seed_form.to_dict()
    assert form.sources["budget.basic"].cell == "D10"


def _shift_rows(ref: str, n: int) -> str:
    import re
    return re.sub(r"([A-Z]+)(\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) + n}", ref)


def test_unmerged_repeated_levels(tmp_path, seed_form):
    rows, merges = guangdong_rows(seed_form, merge_levels=False)
    form = read_form(write_rows(tmp_path / "v.xlsx", rows, merges))
    assert form.to_dict() == seed_form.to_dict()


def test_form_on_second_sheet(tmp_path, seed_form):
    rows, merges = guangdong_rows(seed_form)
    path = write_rows(tmp_path / "v.xlsx", [["说明"], ["本工作簿包含申报表"]], [], sheet="说明",
                      extra_sheets=None)
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("申报表")
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    form = read_form(path)
    assert form.department == "惠州市司法局"
    assert form.sources["department"].sheet == "申报表"


def test_source_file_untouched(canonical):
    before = canonical.read_bytes()
    read_form(canonical)
    read_form(canonical, engine="openpyxl")
    assert canonical.read_bytes() == before


def test_shandong_workbook_from_grid(tmp_path):
    """A Shandong form typed into a workbook column by column reads back as the import."""
    from perfxl.core.textimport import text_to_grid
    text = SHANDONG_SEED.read_text("utf-8")
    grid = text_to_grid(text)
    rows = [[grid.get(r, c) for c in range(1, grid.max_col + 1)] for r in range(1, 20)]
    path = write_rows(tmp_path / "sd.xlsx", rows)
    form = read_form(path)
    assert form.layout == "shandong"
    assert (form.department, form.year, form.budget.declared_total) == ("临沂市司法局", 2021, 2794.05)
    assert (form.budget.fiscal, form.budget.other) == (2690.54, 103.51)
    assert form.indicators[0].standard.source == "市委、市纪委文件要求"
    # A workbook is read through its own header: this segment's header has one 来源
    # column, so 上年值 is the cell under "上年值" (J), whatever the text import inferred.
    assert form.sources["indicators[4].history.last_year"].cell == "J15"
    assert form.indicators[4].history.last_year == "18"
    assert form.sources["indicators[4].history.source"].cell == "K15"


# --- files that are not readable forms ------------------------------------------------

def _error(path: Path, engine: str = "auto") -> FormReadError:
    with pytest.raises(FormReadError) as exc:
        read_form(path, engine=engine)
    assert str(path) in str(exc.value)
    return exc.value


def test_not_a_zip(tmp_path):
    p = tmp_path / "文本.xlsx"
    p.write_text("这不是工作簿", "utf-8")
    assert "不是 Excel 工作簿" in _error(p).message


def test_other_spreadsheet_formats_are_named_with_what_to_save_them_as(tmp_path, canonical):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    (tmp_path / "wps.et").write_bytes(ole)
    with zipfile.ZipFile(tmp_path / "lo.ods", "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    with zipfile.ZipFile(tmp_path / "bin.xlsb", "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    (tmp_path / "mac.numbers").write_bytes(b"IWA\0" * 16)
    for name, fmt in (("wps.et", ".et"), ("lo.ods", ".ods"), ("bin.xlsb", ".xlsb"),
                      ("mac.numbers", ".numbers")):
        message = _error(tmp_path / name).message
        assert f"（{fmt}）" in message and "另存为 .xlsx" in message, name
    # The same bytes under .xls are the old Excel format; a .et that WPS wrote as .xlsx reads.
    (tmp_path / "old.xls").write_bytes(ole)
    assert "97-2003" in _error(tmp_path / "old.xls").message
    shutil.copy(canonical, tmp_path / "xlsx.et")
    assert read_form(tmp_path / "xlsx.et").department == read_form(canonical).department


def test_corrupt_zip(tmp_path, canonical):
    p = tmp_path / "坏.xlsx"
    data = canonical.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    assert "损坏" in _error(p).message


def test_corrupt_member(tmp_path, canonical):
    p = tmp_path / "坏2.xlsx"
    data = bytearray(canonical.read_bytes())
    with zipfile.ZipFile(canonical) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 10, start + 60):
        data[k] ^= 0x5A
    p.write_bytes(bytes(data))
    assert "损坏" in _error(p).message


def test_empty_file(tmp_path):
    p = tmp_path / "空文件.xlsx"
    p.write_bytes(b"")
    assert "空" in _error(p).message


def test_empty_workbook(tmp_path):
    p = tmp_path / "空.xlsx"
    openpyxl.Workbook().save(p)
    for engine in ("calamine", "openpyxl"):
        assert "空" in _error(p, engine).message


def test_unrelated_spreadsheet(tmp_path):
    p = write_rows(tmp_path / "工资表.xlsx", [["姓名", "工资"], ["张三", 5000], ["李四", 6000]])
    assert "不是部门整体预算绩效目标表" in _error(p).message


def test_password_protected(tmp_path):
    import olefile
    p = write_cfb(tmp_path / "加密.xlsx", ["EncryptionInfo", "EncryptedPackage"])
    with olefile.OleFileIO(str(p)) as ole:  # a real compound file
        assert ole.exists("EncryptedPackage")
    assert "加密" in _error(p).message


def test_legacy_xls(tmp_path):
    p = write_cfb(tmp_path / "旧表.xls", ["Workbook"])
    assert ".xls" in _error(p).message


def test_zip_bomb_ratio(tmp_path):
    p = write_ratio_bomb(tmp_path / "炸弹.xlsx")
    assert "压缩炸弹" in _error(p).message


def test_zip_bomb_lying_headers(tmp_path, canonical):
    p = write_lying_bomb(canonical, tmp_path / "炸弹2.xlsx")
    msg = _error(p).message
    assert "压缩炸弹" in msg or "损坏" in msg


@pytest.mark.parametrize("member", ["xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_entity_bomb(tmp_path, canonical, member):
    p = with_entity_bomb(canonical, tmp_path / "实体.xlsx", member)
    assert "DTD" in _error(p).message


def test_missing_file(tmp_path):
    assert "不存在" in _error(tmp_path / "没有.xlsx").message


# --- CLI -------------------------------------------------------------------------------

def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "perfxl", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def test_cli_read_json(canonical, seed_form):
    import json
    r = _cli("read", str(canonical), "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data == json.loads(json.dumps(seed_form.to_dict()))
    assert list(data) == list(seed_form.to_dict())


def test_cli_read_text(canonical):
    r = _cli("read", str(canonical))
    assert r.returncode == 0 and "惠州市司法局" in r.stdout and "609.00" in r.stdout


def test_cli_read_unreadable_exits_2(tmp_path, canonical):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"PK\x03\x04garbage")
    bomb = with_entity_bomb(canonical, tmp_path / "实体.xlsx")
    for p in (bad, bomb, tmp_path / "没有.xlsx"):
        r = _cli("read", str(p), "--format", "json")
        assert r.returncode == 2
        assert str(p) in r.stderr and "Traceback" not in r.stderr and r.stdout == ""


@pytest.fixture(scope="module")
def sd_seed_form():
    return import_text(SHANDONG_SEED.read_text("utf-8")).form


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_shandong_published_layout(tmp_path, sd_seed_form, engine):
    from tests._workbooks import shandong_rows
    rows, merges = shandong_rows(sd_seed_form)
    form = read_form(write_rows(tmp_path / "sd.xlsx", rows, merges), engine=engine)
    assert form.to_dict() == sd_seed_form.to_dict()
    src = form.sources
    assert src["budget.fiscal"].cell == "H2" and src["budget.fiscal"].raw == "2690.54万元"
    assert src["budget.project"].cell == "L3"
    assert src["indicators[0].standard.source"].cell == "I8"
    assert src["indicators[0].history.source"].cell == "L8"
    assert src["indicators[1].duty_no"].cell == "A8"  # merged: written once, inherited


def test_total_rows_are_not_tasks(tmp_path, seed_form):
    rows, merges = guangdong_rows(seed_form)
    at = next(i for i, r in enumerate(rows) if len(r) > 1 and r[1] == seed_form.tasks[-1].name) + 1
    rows.insert(at, [None, "合计", None, "=SUM(D13:D21)", None])
    rows.insert(at + 1, [None, "任务资金覆盖率", None, "=D22/C7", None])
    form = read_form(write_rows(tmp_path / "v.xlsx", rows, []))
    assert [t.amount for t in form.tasks] == [t.amount for t in seed_form.tasks]


def test_rows_of_formulas_are_read_from_their_saved_results(tmp_path, seed_form):
    """Table rows whose every content cell is a formula (=明细!D28 …), as a department that
    keeps its figures on another sheet sends them: read from the results the file saved,
    exactly as typed rows. Not even the first parse sees such a row: it holds no typed cell
    of content."""
    from perfxl.adapters.checking import check_file
    from tests._workbooks import save_results

    rows, merges = guangdong_rows(seed_form)
    typed = write_rows(tmp_path / "typed.xlsx", rows, merges)
    expected = read_form(typed)
    last = len(expected.tasks) - 1
    paths = [f"tasks[{last}].{name}" for name in ("name", "content", "amount", "goal")] + [
        f"indicators[{i}].{name}" for i in range(len(expected.indicators))
        for name in ("name", "annual_value", "period_value")]
    cells = {expected.sources[p].cell: expected.sources[p].raw for p in paths
             if expected.sources[p].raw is not None}  # (a formula of an empty cell gives 0)
    wb = openpyxl.load_workbook(typed)
    detail = wb.create_sheet("明细")
    for ref, value in cells.items():
        detail[ref] = value
        wb["申报表"][ref] = f"=明细!{ref}"
    wb.save(tmp_path / "f.xlsx")
    path = save_results(tmp_path / "f.xlsx", {
        ref: ("n" if isinstance(value, (int, float)) else "str", value) for ref, value in cells.items()})
    form = read_form(path)
    assert form.to_dict() == expected.to_dict()
    amount = expected.sources[f"tasks[{last}].amount"].cell
    assert form.sources[f"tasks[{last}].amount"].raw == f"=明细!{amount}"  # PX111 says so
    found = {(f.rule, f.cell) for f in check_file(path)}
    assert found == {(f.rule, f.cell) for f in check_file(typed)} | {("PX111", amount)}


def test_repeated_headers(tmp_path, seed_form):
    rows, merges = guangdong_rows(seed_form, merge_levels=False)
    task_header = next(r for r in rows if len(r) > 1 and r[1] == "任务名称")
    ind_header = next(r for r in rows if len(r) > 1 and r[1] == "一级指标")
    t = next(i for i, r in enumerate(rows) if len(r) > 1 and r[1] == seed_form.tasks[4].name)
    rows.insert(t, list(task_header))
    k = next(i for i, r in enumerate(rows) if len(r) > 3 and r[3] == seed_form.indicators[5].name)
    rows.insert(k, [None] + list(ind_header[1:]))
    form = read_form(write_rows(tmp_path / "v.xlsx", rows, []))
    assert form.to_dict() == seed_form.to_dict()


def test_shandong_merged_indicator_cell_is_shared(tmp_path, sd_seed_form):
    """A 绩效指标 merged over two rows: the second row shares it. An empty, unmerged
    绩效指标 stays empty (a missing indicator, for the rules)."""
    from tests._workbooks import shandong_rows
    rows, merges = shandong_rows(sd_seed_form)
    first = next(i for i, r in enumerate(rows) if len(r) > 3 and r[3] == sd_seed_form.indicators[0].name)
    rows[first + 1][3] = None
    rows[first + 2][3] = None
    merges.append(f"D{first + 1}:D{first + 2}")  # 1-based rows: the first two indicators
    form = read_form(write_rows(tmp_path / "sd.xlsx", rows, merges))
    ind = form.indicators
    assert ind[1].name == ind[0].name == sd_seed_form.indicators[0].name
    assert form.sources["indicators[1].name"].cell == f"D{first + 1}"
    assert ind[2].name == ""
    assert ind[2].annual_value == sd_seed_form.indicators[2].annual_value


def test_a_far_used_range_is_refused_before_calamine_allocates_it(tmp_path):
    """Values at XFD2 and A1048576 in a sheet the direct reader declines (two cells out of
    order) would make calamine allocate some 550 GB and abort the process: run as
    subprocesses, so such an abort fails this test instead of killing pytest."""
    import re

    p = tmp_path / "远.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "申报表"
    ws["A1"], ws["B1"], ws["XFD2"], ws["A1048576"] = "部门名称", "甲局", "远列", "末行"
    wb.save(p)
    with zipfile.ZipFile(p) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    xml = members["xl/worksheets/sheet1.xml"]
    a, b = re.findall(rb'<c r="[AB]1".*?</c>', xml)
    members["xl/worksheets/sheet1.xml"] = xml.replace(a + b, b + a, 1)
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in members.items():
            zf.writestr(n, data)
    reason = ("工作表“申报表”的单元格 XFD2、A1048576 超出申报表的合理范围（内容延伸到第 1048576 行、"
              "第 16384 列），无法读取；请删除表格以外的多余内容后再试。")
    r = _cli("check", str(p))
    assert r.returncode == 2, r.stderr
    assert reason in r.stdout
    (tmp_path / "in").mkdir()
    p.rename(tmp_path / "in" / p.name)
    out = tmp_path / "汇总.xlsx"
    r = _cli("consolidate", str(tmp_path / "in"), "-o", str(out), "--jobs", "1")
    assert r.returncode == 2, r.stderr
    assert "无法读取 1" in r.stderr
    values = [c for ws in openpyxl.load_workbook(out, read_only=True).worksheets
              for row in ws.iter_rows(values_only=True) for c in row]
    assert reason in values


def _forms_workbook(path: Path, seed_form, sheets: list[tuple[str, int, str]]) -> Path:
    """One Guangdong form per (title, year, sheet state), in this tab order."""
    from dataclasses import replace

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, year, state in sheets:
        ws = wb.create_sheet(title)
        rows, merges = guangdong_rows(replace(seed_form, year=year))
        for r in rows:
            ws.append(r)
        for m in merges:
            ws.merge_cells(m)
        ws.sheet_state = state
    wb.active = next(i for i, (_, _, state) in enumerate(sheets) if state == "visible")
    wb.save(path)
    return path


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_copy_before_the_form_is_not_read(tmp_path, seed_form, state):
    path = _forms_workbook(tmp_path / "v.xlsx", seed_form,
                           [("2022年（旧）", 2022, state), ("申报表", 2023, "visible")])
    for engine in ("auto", "calamine", "openpyxl"):
        form = read_form(path, engine=engine)
        assert form.year == 2023 and form.sources["department"].sheet == "申报表"
        assert form.other_forms == []  # put away on purpose: no finding


def test_a_form_kept_only_on_a_hidden_sheet_is_still_read(tmp_path, seed_form):
    path = _forms_workbook(tmp_path / "v.xlsx", seed_form,
                           [("说明", 2023, "visible"), ("申报表", 2023, "hidden")])
    wb = openpyxl.load_workbook(path)
    wb["说明"].delete_rows(1, wb["说明"].max_row)
    wb["说明"]["A1"] = "请填写第二张表"
    wb.save(path)
    form = read_form(path)
    assert form.sources["department"].sheet == "申报表" and form.other_forms == []


@pytest.mark.parametrize("order", [("2022年", "2023年"), ("2023年", "2022年")])
def test_of_two_visible_forms_the_latest_year_is_read_and_the_other_named(tmp_path, seed_form, order):
    from perfxl.adapters.checking import check_file

    path = _forms_workbook(tmp_path / "v.xlsx", seed_form,
                           [(title, int(title[:4]), "visible") for title in order])
    form = read_form(path)
    assert form.year == 2023 and form.sources["department"].sheet == "2023年"
    assert form.other_forms == [("2022年", 2022)]
    found = [f for f in check_file(path) if f.rule == "PX002"]
    assert [(f.sheet, f.severity, f.message) for f in found] == [(
        "2023年", "warning",
        "工作簿中有多张申报表，已读取工作表“2023年”（2023年度），未读取“2022年”（2022年度）")]


def test_of_two_visible_forms_of_one_year_the_first_tab_is_read(tmp_path, seed_form):
    path = _forms_workbook(tmp_path / "v.xlsx", seed_form,
                           [("修改稿", 2023, "visible"), ("申报表", 2023, "visible")])
    form = read_form(path)
    assert form.sources["department"].sheet == "修改稿"
    assert form.other_forms == [("申报表", 2023)]


def test_a_form_without_its_year_is_not_passed_over_for_an_older_dated_copy(tmp_path, seed_form):
    """This year's form with its year left blank, （    年度）, and last year's copy beside
    it: an unknown year is not "older", so the labels and then the tab order decide."""
    from perfxl.adapters.checking import check_file

    path = _forms_workbook(tmp_path / "v.xlsx", seed_form,
                           [("申报表", 2023, "visible"), ("2022年", 2022, "visible")])
    wb = openpyxl.load_workbook(path)
    wb["申报表"]["A2"] = "（    年度）"
    wb.save(path)
    form = read_form(path)
    assert form.year is None and form.sources["department"].sheet == "申报表"
    assert form.other_forms == [("2022年", 2022)]
    found = {f.rule: f.message for f in check_file(path)}
    assert "PX202" in found  # the year is missing: said, not hidden behind last year's
    assert found["PX002"] == "工作簿中有多张申报表，已读取工作表“申报表”，未读取“2022年”（2022年度）"


HOW_TO_FILL = ["2023年度市直部门整体预算绩效目标申报表填报说明", "一、部门名称：填写部门全称",
               "（一）基本信息", "1.财政供养人数", "2.下属二级单位数", "（二）预算整体情况", "1.基本支出",
               "2.项目支出", "（三）总体绩效目标", "（四）年度重点工作任务", "1.任务名称", "2.主要实施内容",
               "3.拟投入资金（万元）", "4.期望达到的目标", "（五）绩效指标", "1.一级指标", "2.二级指标",
               "3.三级指标", "4.年度指标值", "5.实施周期指标值", "（六）其他需完成的任务（可选填）"]


@pytest.mark.parametrize("state", ["visible", "hidden"])
def test_a_sheet_listing_the_labels_with_nothing_filled_in_is_no_form(tmp_path, seed_form, state):
    """A 填报说明 sheet before the form names every label (its enumerations are dropped from
    the keys) but holds no department, amount, task or indicator: it is not read, not named
    by PX002, and does not push a hidden form aside."""
    from perfxl.adapters.checking import check_file
    from perfxl.core.parsing import detect

    path = _forms_workbook(tmp_path / "v.xlsx", seed_form, [("申报表", 2023, state)]
                           if state == "visible" else [("说明", 2023, "visible"), ("申报表", 2023, state)])
    wb = openpyxl.load_workbook(path)
    if state == "hidden":
        del wb["说明"]
    howto = wb.create_sheet("填报说明", 0)
    for line in HOW_TO_FILL:
        howto.append([line])
    wb.active = 0
    wb.save(path)
    assert detect.layout_from_scores(detect.scores(load_grids(path)[0])) == "guangdong"
    form = read_form(path)
    assert form.sources["department"].sheet == "申报表" and form.other_forms == []
    assert form.to_dict() == _expected(seed_form, year=2023)
    assert "PX002" not in {f.rule for f in check_file(path)}
