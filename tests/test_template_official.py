"""The shipped blank templates in workbook_templates/ are exactly what the code makes."""

from __future__ import annotations

import shutil

import openpyxl

from perfxl.adapters.template import OFFICIAL_TEMPLATES, OFFICIAL_YEAR, write_official_templates
from perfxl.adapters.xlsx_compare import workbook_differences
from perfxl.cli import main as cli_main
from tests.conftest import ROOT

SHIPPED = ROOT / "workbook_templates"


def test_shipped_templates_match_the_code(tmp_path):
    fresh = write_official_templates(tmp_path)
    assert [p.name for p in fresh] == list(OFFICIAL_TEMPLATES)
    for path in fresh:
        shipped = SHIPPED / path.name
        assert shipped.exists(), f"{shipped} missing: run python scripts/make_templates.py"
        assert workbook_differences(shipped, path) == [], \
            f"{shipped.name} is stale: run python scripts/make_templates.py"


def test_comparison_sees_a_changed_formula_merge_and_validation(tmp_path):
    name = next(iter(OFFICIAL_TEMPLATES))
    copy = tmp_path / "copy.xlsx"
    shutil.copy(SHIPPED / name, copy)
    wb = openpyxl.load_workbook(copy)
    ws = wb.worksheets[0]
    ws["C8"] = "=SUM(C6:C7)"
    ws.unmerge_cells("B3:F3")
    ws.data_validations.dataValidation.pop()
    wb.save(copy)
    diffs = "\n".join(workbook_differences(SHIPPED / name, copy))
    assert "C8" in diffs and "merged" in diffs and "validations" in diffs


def test_cli_template_matches_the_shipped_blank(tmp_path, capsys):
    out = tmp_path / "gd.xlsx"
    assert cli_main(["template", "--layout", "guangdong", "--year", str(OFFICIAL_YEAR), "-o", str(out)]) == 0
    assert "已生成" in capsys.readouterr().out
    assert workbook_differences(SHIPPED / "部门整体预算绩效目标申报表_广东.xlsx", out) == []


def test_cli_template_with_department_and_2021_framework(tmp_path):
    out = tmp_path / "sd.xlsx"
    assert cli_main(["template", "--layout", "shandong", "--year", "2023", "--dept", "某市某局",
                     "--framework", "2021", "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    assert ws["A1"].value == "2023年度部门预算整体绩效目标表" and ws["B2"].value == "某市某局"
    out = tmp_path / "gd.xlsx"
    assert cli_main(["template", "--layout", "guangdong", "--year", "2023", "--framework", "2021",
                     "-o", str(out)]) == 0
    assert "PX_L2_成本指标" in openpyxl.load_workbook(out).defined_names


def test_cli_template_bad_input_is_a_chinese_message(tmp_path, capsys):
    assert cli_main(["template", "--layout", "guangdong", "--year", "1200", "-o", str(tmp_path / "a.xlsx")]) == 2
    assert "年度不正确" in capsys.readouterr().err
    assert cli_main(["template", "--layout", "guangdong", "--year", "2023", "-o", str(tmp_path / "a.txt")]) == 2
    assert ".xlsx" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert cli_main(["template", "--layout", "shandong", "--year", "2023",
                     "-o", str(blocker / "sub" / "a.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "错误" in err and "Traceback" not in err
