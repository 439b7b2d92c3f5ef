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


@pytest.mark.libreoffice
def test_trim_cuts_the_blank_paper_around_a_small_table(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "部门名称"
    wb.active["B1"] = "惠州市司法局"
    src = tmp_path / "small.xlsx"
    wb.save(src)
    [full] = render_png([src], tmp_path / "full", dpi=40)
    [trimmed] = render_png([src], tmp_path / "trimmed", dpi=40, trim=True)

    def size(png):
        data = png.read_bytes()
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")

    (fw, fh), (tw, th) = size(full), size(trimmed)
    assert tw < fw / 2 and th < fh / 4
    assert tw > 20 and th > 5  # the text itself is kept
