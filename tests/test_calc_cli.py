"""perfxl calc end to end on workbooks built from the seed forms."""

import json
from pathlib import Path

import pytest

from _workbooks import guangdong_rows, shandong_rows, write_rows
from perfxl.cli import main
from seed_forms import guangdong_seed, shandong_seed


def book(form, rows_of, path: Path) -> Path:
    form.sources = {}
    rows, merges = rows_of(form)
    return write_rows(path, rows, merges)


@pytest.fixture
def books(tmp_path):
    return (book(guangdong_seed(), guangdong_rows, tmp_path / "gd.xlsx"),
            book(shandong_seed(), shandong_rows, tmp_path / "sd.xlsx"))


def test_text_output(books, capsys):
    gd, sd = books
    assert main(["calc", str(gd), str(sd)]) == 0
    out = capsys.readouterr().out
    assert "基本支出+项目支出：4,972.02 万元" in out
    assert "任务资金覆盖率（合计/项目支出）：71.49%" in out
    assert "部门整体预算总额：2,794.05 万元" in out
    assert "指标值98%低于上年值99.7%，变化率−1.71%" in out
    assert "合计核对：一致" in out


def test_json_output(books, capsys):
    gd, sd = books
    assert main(["calc", "--format", "json", str(gd), str(sd)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [Path(d["file"]).name for d in data] == ["gd.xlsx", "sd.xlsx"]
    assert data[0]["task_total"]["value"] == 609
    assert data[0]["coverage"]["value"] == pytest.approx(609 / 851.85)
    rate = next(i for i in data[1]["indicators"] if i["name"] == "调解成功率")
    assert rate["last_year"]["weaker"] is True and rate["operator"] == "="


def test_unreadable_file_exit_2(tmp_path, books, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    assert main(["calc", str(bad), str(books[0])]) == 2
    captured = capsys.readouterr()
    assert "bad.xlsx" in captured.err and "Traceback" not in captured.err
    assert "4,972.02" in captured.out  # the readable file is still reported
