"""Label spellings of real forms, on the bundled examples edited as departments edit them:
the value next to a label is read whatever the label's enumeration, unit or seal note."""

from __future__ import annotations

import openpyxl
import pytest

from perfxl.adapters.xlsx_reader import read_form
from perfxl.core.model import Form
from perfxl.core.parsing.common import is_footer
from perfxl.core.rules import check_form
from tests.conftest import EXAMPLES

GD = EXAMPLES / "guangdong_clean_2023.xlsx"
SD = EXAMPLES / "shandong_linyi_2021.xlsx"
SD_SHEET = "绩效目标表"


def edited(tmp_path, source, edits: dict[str, str], sheet: str | None = None) -> Form:
    wb = openpyxl.load_workbook(source)
    ws = wb[sheet] if sheet else wb.active
    for cell, value in edits.items():
        ws[cell] = value
    path = tmp_path / "form.xlsx"
    wb.save(path)
    return read_form(path)


def rules_at(form: Form) -> list[tuple[str, str]]:
    return [(f.rule, f.cell) for f in check_form(form)]


# --- footers ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "填表人：张三", "制表人：李四", "填报单位（盖章）：临沂市司法局", "审核：王五", "审核人",
    "负责人：", "日期：2021年1月5日", "填报日期", "（盖章）", "单位（盖章）", "经办人：赵六",
])
def test_signature_lines_are_footers(text):
    assert is_footer(text)


@pytest.mark.parametrize("text", [
    "审核通过率", "复核人数", "申报单位满意度", "负责人培训次数", "日期准确率", "单位名称", "产出指标",
])
def test_indicator_names_starting_with_a_sign_off_word_are_not(text):
    assert not is_footer(text)


def test_signature_line_under_the_guangdong_table_ends_it(tmp_path):
    clean = read_form(GD)
    form = edited(tmp_path, GD, {"B52": "填表人：张三", "D52": "联系电话：2830000"})
    assert len(form.indicators) == len(clean.indicators) == 13
    assert rules_at(form) == rules_at(clean)


def test_signature_line_under_the_shandong_matrix_ends_it(tmp_path):
    clean = read_form(SD)
    form = edited(tmp_path, SD, {"A60": "填报单位（盖章）：临沂市司法局",
                                 "F60": "填报日期：2021年1月5日"}, SD_SHEET)
    assert len(form.indicators) == len(clean.indicators) == 50
    assert rules_at(form) == rules_at(clean)
