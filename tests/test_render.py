import pytest
import openpyxl

from perfxl.adapters.render import render_png


@pytest.mark.libreoffice
def test_render_png_makes_a_picture_of_the_first_page(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "部门整体预算绩效目标申报表"
    src = tmp_path / "form.xlsx"
    wb.save(src)
    [png] = render_png([src], tmp_path / "pics", dpi=40)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 1000
