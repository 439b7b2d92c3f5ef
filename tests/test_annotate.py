"""Annotated copies: results sheet with links, fills and comments; source untouched;
clear_annotations restores the original."""

import hashlib
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from perfxl.adapters.annotate import (AUTHOR, FILLS, RESULTS_SHEET, STATE_SHEET, annotate,
                                      clear_annotations)
from perfxl.core.findings import Finding


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture
def book(tmp_path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "申报表"
    ws["A1"] = "部门名称"
    ws["B1"] = "某局"
    ws["C4"] = None
    ws["E5"] = "550/人"
    ws["E5"].fill = PatternFill("solid", fgColor="FF00B050")
    ws["E5"].comment = Comment("原有批注", "张三")
    ws.merge_cells("B7:D7")
    ws["B7"] = "合并单元格"
    wb.create_sheet("说明")["A1"] = "填表说明"
    path = tmp_path / "form.xlsx"
    wb.save(path)
    return path


FINDINGS = [
    Finding("form.xlsx", "申报表", "C4", "PX204", "error", "未填写财政供养人数"),
    Finding("form.xlsx", "申报表", "E5", "PX402", "error", "指标值“550/人”缺少货币单位"),
    Finding("form.xlsx", "申报表", "E5", "PX401", "warning", "指标值“550/人”缺少比较符号"),
    Finding("form.xlsx", "申报表", "C7", "PX302", "warning", "合并单元格中的问题"),
    Finding("form.xlsx", "申报表", "A1", "PX105", "info", "提示"),
    Finding("form.xlsx", "", "", "PX209", "error", "未填写任何绩效指标"),
    Finding("form.xlsx", "申报表", "", "PX203", "error", "未填写项目支出（表中没有找到“项目支出”一栏）"),
]


def test_annotate_writes_a_copy_with_results_fills_and_comments(book, tmp_path):
    before = digest(book)
    out = annotate(book, FINDINGS, tmp_path / "out" / "annotated.xlsx")
    assert digest(book) == before
    wb = openpyxl.load_workbook(out)
    assert RESULTS_SHEET in wb.sheetnames and wb.active.title == RESULTS_SHEET
    assert wb[STATE_SHEET].sheet_state == "veryHidden"
    res = wb[RESULTS_SHEET]
    assert [c.value for c in res[1]] == ["序号", "级别", "规则", "工作表", "单元格", "问题说明"]
    rows = list(res.iter_rows(min_row=2, max_row=len(FINDINGS) + 1, values_only=True))
    assert [r[2] for r in rows] == [f.rule for f in FINDINGS]
    assert rows[0][1] == "错误" and rows[2][1] == "警告" and rows[4][1] == "提示"
    link = res["E2"].hyperlink
    assert link is not None and link.location == "'申报表'!C4"
    assert res["E7"].hyperlink is None  # no cell to link to
    assert res["E8"].hyperlink is None and res["D8"].value == "申报表"  # a sheet, no cell
    ws = wb["申报表"]
    assert ws["C4"].fill.fgColor.rgb == FILLS["error"]
    assert ws["E5"].fill.fgColor.rgb == FILLS["error"]  # the worst severity wins
    assert ws["A1"].fill.fgColor.rgb == FILLS["info"]
    assert ws["C4"].comment.author == AUTHOR and "PX204" in ws["C4"].comment.text
    assert "PX402" in ws["E5"].comment.text and "PX401" in ws["E5"].comment.text
    assert "PX302" in ws["B7"].comment.text  # merged cell: on its top-left cell
    assert "共 7 个问题" in str(res.cell(row=len(FINDINGS) + 3, column=6).value)


def test_annotate_refuses_to_overwrite_the_source(book):
    with pytest.raises(ValueError):
        annotate(book, FINDINGS, book)


def test_clear_annotations_restores_the_original(book, tmp_path):
    out = annotate(book, FINDINGS, tmp_path / "annotated.xlsx")
    again = annotate(out, FINDINGS[:1], tmp_path / "again.xlsx")  # re-annotating starts clean
    wb = openpyxl.load_workbook(again)
    assert wb["申报表"]["E5"].comment.text == "原有批注"
    clear_annotations(out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["申报表", "说明"]
    ws = wb["申报表"]
    assert ws["E5"].fill.fgColor.rgb == "FF00B050"
    assert ws["E5"].comment.text == "原有批注" and ws["E5"].comment.author == "张三"
    assert ws["C4"].comment is None and ws["C4"].fill.patternType is None
    assert ws["B7"].comment is None


def test_annotating_an_xlsm_keeps_its_macros_and_ribbon(tmp_path):
    import zipfile

    from defusedxml import ElementTree as ET

    from perfxl.adapters.checking import check_file
    from perfxl.adapters.template import write_template
    from perfxl.addin.build import REL_UI14, build_xlsm

    xlsx = tmp_path / "sd.xlsx"
    write_template("shandong", 2026, "", xlsx)
    source = build_xlsm(xlsx, tmp_path / "sd.xlsm")
    before = digest(source)
    out = annotate(source, check_file(source), tmp_path / "out.xlsm")
    cleared = clear_annotations(out, tmp_path / "cleared.xlsm")
    assert digest(source) == before
    with zipfile.ZipFile(source) as zf:
        vba, ui = zf.read("xl/vbaProject.bin"), zf.read("customUI/customUI14.xml")
    for path in (out, cleared):
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
            assert zf.read("xl/vbaProject.bin") == vba
            assert zf.read("customUI/customUI14.xml") == ui
            rels = ET.fromstring(zf.read("_rels/.rels"))
            assert [r.get("Target") for r in rels if r.get("Type") == REL_UI14] == ["customUI/customUI14.xml"]
    wb = openpyxl.load_workbook(out, keep_vba=True)
    assert RESULTS_SHEET in wb.sheetnames and wb["校验结果"]["E2"].hyperlink is not None
    assert RESULTS_SHEET not in openpyxl.load_workbook(cleared).sheetnames
