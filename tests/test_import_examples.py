"""perfxl import → official template; the examples; round trips model → template → reader."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pytest

from perfxl.adapters.import_workbook import NOTES_SHEET
from perfxl.adapters.template import write_form
from perfxl.adapters.xlsx_reader import load_grids, read_form
from perfxl.core.model import Form, History, Indicator, Standard, Task
from perfxl.core.textimport import import_text
from tests.conftest import EXAMPLES, GUANGDONG_SEED, ROOT, SHANDONG_SEED

GD_EXAMPLE = EXAMPLES / "guangdong_huizhou_2022.xlsx"
SD_EXAMPLE = EXAMPLES / "shandong_linyi_2021.xlsx"


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_guangdong_example_holds_the_seed(engine):
    f = read_form(GD_EXAMPLE, engine=engine)
    assert (f.layout, f.department, f.year) == ("guangdong", "惠州市司法局", 2022)
    b = f.budget
    assert (b.basic, b.project, b.fiscal, b.other) == (4120.17, 851.85, 4972.02, 0.0)
    assert [t.amount for t in f.tasks] == [9, 10, 200, 90, 60, 20, 120, 50, 50]
    assert round(sum(t.amount for t in f.tasks), 2) == 609.00
    assert len(f.indicators) == 9
    assert all(i.level1 and i.level2 and i.name and i.annual_value for i in f.indicators)
    assert f.indicators[7].level1 == "生态效益指标"  # in the 一级 column, as the seed has it
    assert f.indicators[3].level2 == "成本标"  # defects stay for the rules
    seed = import_text(GUANGDONG_SEED.read_text("utf-8")).form
    assert f.to_dict() == seed.to_dict()


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_shandong_example_holds_the_seed(engine):
    f = read_form(SD_EXAMPLE, engine=engine)
    assert (f.layout, f.department, f.year) == ("shandong", "临沂市司法局", 2021)
    b = f.budget
    assert b.total == 2794.05
    assert (b.fiscal, b.other, b.basic, b.project) == (2690.54, 103.51, 2187.54, 606.51)
    assert f.overall_goal.startswith("临沂市司法行政工作始终围绕")
    for i in f.indicators:
        assert i.duty_no and i.duty and i.name
    seed = import_text(SHANDONG_SEED.read_text("utf-8")).form
    expected = seed.to_dict()
    expected["budget"]["declared_total"] = None  # the template computes 总额 by formula
    assert f.to_dict() == expected
    first = f.indicators[0]
    assert (first.standard.value, first.history.source, first.project) == (
        "党组全年研究全面从严治党不少于2次", "市委、市纪委文件要求", "基本支出")


def test_engines_agree_on_examples():
    for path in (GD_EXAMPLE, SD_EXAMPLE):
        a, b = read_form(path, engine="calamine"), read_form(path, engine="openpyxl")
        assert a.to_dict() == b.to_dict()
        assert a.sources == b.sources


def _is_data_line(line: str) -> bool:
    """A seed line holding form content, not only labels (page headers, sub-headers)."""
    from perfxl.core.parsing import labels as L
    from perfxl.core.parsing.shandong import is_sd_label

    cells = [c for c in line.split("\t") if c.strip()]
    return bool(cells) and not all(L.is_guangdong_label(c) or is_sd_label(c) for c in cells)


@pytest.mark.parametrize("example,seed", [(GD_EXAMPLE, GUANGDONG_SEED), (SD_EXAMPLE, SHANDONG_SEED)])
def test_examples_notes_sheet_lists_no_data_row(example, seed):
    wb = openpyxl.load_workbook(example, read_only=True)
    rows = [r for r in wb[NOTES_SHEET].iter_rows(values_only=True)]
    wb.close()
    listed = [r[0] for r in rows if isinstance(r[0], int)]
    lines = seed.read_text("utf-8").split("\n")
    assert [n for n in listed if _is_data_line(lines[n - 1])] == []
    assert any(r[1] == "（无：所有内容均已导入）" for r in rows)


def test_notes_sheet_lists_unplaced_lines(tmp_path):
    from perfxl.adapters.import_workbook import write_import

    lines = SHANDONG_SEED.read_text("utf-8").split("\n")
    lines[74] = "\t".join(["说不清的内容"] + [""] * 3)  # line 75: a lone text, no indicator
    r = import_text("\n".join(lines), name="seed.txt")
    out = tmp_path / "out.xlsx"
    write_import(r, out)
    wb = openpyxl.load_workbook(out, read_only=True)
    rows = [r for r in wb[NOTES_SHEET].iter_rows(values_only=True)]
    wb.close()
    assert [(row[0], row[1]) for row in rows if isinstance(row[0], int)] == [(75, "说不清的内容")]


def test_rebuilding_examples_gives_the_same_content(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_examples.py"), str(tmp_path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    for committed in (GD_EXAMPLE, SD_EXAMPLE):
        rebuilt = tmp_path / committed.name
        old, new = load_grids(committed), load_grids(rebuilt)
        assert [g.sheet for g in old] == [g.sheet for g in new]
        for a, b in zip(old, new):
            assert a.cells == b.cells, a.sheet
            assert sorted(a.merged, key=str) == sorted(b.merged, key=str)
        assert read_form(rebuilt).to_dict() == read_form(committed).to_dict()


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "perfxl", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_cli_import_reports_and_writes(tmp_path):
    out = tmp_path / "导入.xlsx"
    r = _cli("import", str(SHANDONG_SEED), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "所有内容均已导入" in r.stdout and "未能导入" not in r.stdout
    assert read_form(out).department == "临沂市司法局"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".perfxl-tmp")]


def test_cli_import_unreadable(tmp_path):
    junk = tmp_path / "名单.txt"
    junk.write_text("姓名\t电话\n张三\t123\n", "utf-8")
    out = tmp_path / "out.xlsx"
    for src in (junk, tmp_path / "没有.txt"):
        r = _cli("import", str(src), "-o", str(out))
        assert r.returncode == 2 and str(src) in r.stderr and "Traceback" not in r.stderr
    assert not out.exists()


def test_cli_import_gb18030_and_forced_layout(tmp_path):
    src = tmp_path / "gbk.txt"
    src.write_bytes(GUANGDONG_SEED.read_text("utf-8").encode("gb18030"))
    out = tmp_path / "gd.xlsx"
    r = _cli("import", str(src), "--layout", "guangdong", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert read_form(out).budget.basic == 4120.17


# --- round trips: model → template → workbook → reader → the same model ----------------

def _guangdong_model(value_columns: int) -> Form:
    inds = [
        Indicator("产出指标", "数量指标", "培训场次", "≥2场", "≥4场"),
        Indicator("产出指标", "质量指标", "验收合格率", "100%", "100%"),
        Indicator("效益指标", "社会效益指标", "群众知晓率", "≥90%", "≥95%"),
        Indicator("满意度指标", "服务对象满意度指标", "群众满意度", "≥95%", "≥95%"),
    ]
    if value_columns == 1:
        for i in inds:
            i.period_value = ""
    return Form(layout="guangdong", title="市直部门整体预算绩效目标申报表", department="某市某局",
                year=2023, staff_count=56, sub_units=2,
                overall_goal="目标1：完成年度重点任务。目标2：提升服务水平。",
                tasks=[Task("任务一", "内容一", 12.5, "目标一"), Task("任务二", "内容二", 30, "目标二")],
                other_tasks="配合完成交办任务。", indicators=inds, value_columns=value_columns,
                budget=_budget(special_fund=5, other_development=1.25, own_level=40, transfer=2.5))


def _budget(**extra):
    from perfxl.core.model import Budget
    return Budget(basic=100.5, project=42.5, fiscal=140, other=3, **extra)


def _shandong_model() -> Form:
    def row(no, duty, goal, name, annual, **kw):
        return Indicator(duty_no=no, duty=duty, goal=goal, name=name, explanation="解释" + name,
                         annual_value=annual, standard=Standard("规划", "≥90%", "行业标准"),
                         history=History("88%", "91%", "内部统计"), note=kw.get("note", ""),
                         activity="活动" + name, project="基本支出")
    return Form(layout="shandong", title="2023年度部门预算整体绩效目标表", department="某市司法局", year=2023,
                overall_goal="战略目标文字", budget=_budget(),
                indicators=[row("1", "职责一", "目标一", "指标甲", "≥95%"),
                            row("1", "职责一", "目标一", "指标乙", "100%", note="新增指标"),
                            row("1", "职责一", "目标二", "指标丙", "≤550元/人"),
                            row("2", "职责二", "目标三", "指标丁", "按期完成")])


@pytest.mark.parametrize("model", [_guangdong_model(2), _guangdong_model(1), _shandong_model()],
                         ids=["guangdong-2", "guangdong-1", "shandong"])
@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_round_trip(tmp_path, model, engine):
    path = tmp_path / "rt.xlsx"
    write_form(model, path)
    back = read_form(path, engine=engine)
    assert back.to_dict() == model.to_dict()
    assert back.sources["budget.basic"].raw == 100.5


@pytest.mark.libreoffice
def test_cached_formula_values_are_not_read(tmp_path):
    """After LibreOffice recalculates, formula cells carry cached values; the reader still
    ignores them (derived figures are recomputed), so both engines read the same form."""
    from perfxl.adapters.libreoffice import recalculate
    out = recalculate([GD_EXAMPLE, SD_EXAMPLE], tmp_path)
    for original, recalculated in zip((GD_EXAMPLE, SD_EXAMPLE), out):
        assert load_grids(recalculated)[0].cells != load_grids(original)[0].cells  # caches exist
        for engine in ("calamine", "openpyxl"):
            back = read_form(recalculated, engine=engine)
            assert back.to_dict() == read_form(original).to_dict()
    assert read_form(out[1]).budget.declared_total is None
