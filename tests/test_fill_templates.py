"""perfxl fill on the official templates and on the seed forms written as workbooks.

Blank templates (workbook_templates/) have empty spare rows and a PX_INDICATORS name; the
seed forms are the two real forms, imported from their text extracts and written with the
template writer (and the shipped examples/ when they exist). After filling, the old rows
read back unchanged, the new rows sit in the right blocks, and LibreOffice computes the
same totals through the template's defined names.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import openpyxl
import pytest

from perfxl.adapters.fill_xlsx import fill_form
from perfxl.adapters.libreoffice import recalculate
from perfxl.adapters.library_xlsx import builtin_library
from perfxl.adapters.template import OFFICIAL_TEMPLATES, write_form, write_template
from perfxl.adapters.xlsx_reader import read_form
from perfxl.core.framework import FRAMEWORKS
from perfxl.core.library.fill import FillItem
from perfxl.core.library.suggest import suggest
from perfxl.core.textimport import import_text
from tests.conftest import EXAMPLES, GUANGDONG_SEED, SHANDONG_SEED

LIB = builtin_library()
TEMPLATES = Path(__file__).resolve().parent.parent / "workbook_templates"
GD_TEMPLATE = next(TEMPLATES / f for f, (layout, _) in OFFICIAL_TEMPLATES.items() if layout == "guangdong")
SD_TEMPLATE = next(TEMPLATES / f for f, (layout, _) in OFFICIAL_TEMPLATES.items() if layout == "shandong")
IDS = ["SF-001", "SF-053", "SF-034", "SF-046", "TY-024", "JT-012", "TY-001", "SF-052"]
# Names of formula cells whose values must not change when indicators are added.
TOTALS = ("PX_TOTAL", "PX_FUNDING_TOTAL", "PX_BALANCE", "PX_TASK_TOTAL", "PX_TASK_COVERAGE",
          "PX_TASK_CHECK")


SHIPPED = {GUANGDONG_SEED: EXAMPLES / "guangdong_huizhou_2022.xlsx",
           SHANDONG_SEED: EXAMPLES / "shandong_linyi_2021.xlsx"}


def _seed_workbook(seed: Path, path: Path) -> Path:
    """The seed form as a workbook: the shipped example when it is there, else the seed's
    text imported and written with the template writer (what the examples are made of)."""
    if SHIPPED[seed].exists():
        shutil.copy(SHIPPED[seed], path)
        return path
    form = import_text(seed.read_text("utf-8"), name=seed.name).form
    write_form(form, path)
    return path


def _items(ids):
    return [FillItem(LIB.get(i)) for i in ids]


def _is_subsequence(small, big) -> bool:
    it = iter(big)
    return all(x in it for x in small)


def _key(ind):
    return (ind.level1, ind.level2, ind.duty_no, ind.duty, ind.name, ind.annual_value, ind.period_value,
            ind.explanation)


def _check_guangdong(before, after, ids, framework="2015"):
    assert _is_subsequence([_key(i) for i in before.indicators], [_key(i) for i in after.indicators])
    old = {i.name for i in before.indicators}
    new = [i for i in after.indicators if i.name not in old]
    tree = FRAMEWORKS[framework]
    wanted = {LIB.get(i).name for i in ids} - old
    assert {i.name for i in new} == wanted
    for ind in new:
        lib = next(x for x in LIB if x.name == ind.name)
        assert ind.level2 in tree[ind.level1]
        assert ind.annual_value == lib.target
    # new rows sit inside blocks: every (一级, 二级) holding a new row is one contiguous run
    runs = [k for k, _ in itertools.groupby((i.level1, i.level2) for i in after.indicators)]
    for ind in new:
        assert runs.count((ind.level1, ind.level2)) == 1, runs


def test_fill_blank_guangdong_template(tmp_path):
    src = tmp_path / GD_TEMPLATE.name
    shutil.copy(GD_TEMPLATE, src)
    before = read_form(src)
    out = fill_form(src, tmp_path / "gd.xlsx", _items(IDS)).output
    after = read_form(out)
    _check_guangdong(before, after, IDS)
    assert [i.level1 for i in after.indicators] == sorted(
        (i.level1 for i in after.indicators), key=list(FRAMEWORKS["2015"]).index)
    wb = openpyxl.load_workbook(out)
    names_before = openpyxl.load_workbook(src).defined_names
    # 8 indicators fit into the template's empty rows: nothing moved
    assert wb.defined_names["PX_INDICATORS"].attr_text == names_before["PX_INDICATORS"].attr_text


def test_fill_blank_guangdong_template_beyond_its_spare_rows(tmp_path):
    src = tmp_path / GD_TEMPLATE.name
    shutil.copy(GD_TEMPLATE, src)
    ids = [i.id for i in LIB if i.area in ("司法行政", "通用")][:45]
    out = fill_form(src, tmp_path / "gd.xlsx", _items(ids)).output
    after = read_form(out)
    assert len(after.indicators) == 45
    _check_guangdong(read_form(src), after, ids)
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    ref = wb.defined_names["PX_INDICATORS"].attr_text
    first, last = (int(part.split("$")[-1]) for part in ref.split("!")[1].split(":"))
    assert last - first + 1 == 45  # the table grew exactly by the rows it needed
    assert ws.print_area.endswith("$F$1048576")  # whole columns stay whole columns
    dv_ranges = {str(dv.sqref) for dv in ws.data_validations.dataValidation}
    # the 20 blank rows and the 200 below the table: the dropdowns still run 200 rows past it
    assert f"B{first}:B{last + 200}" in dv_ranges and f"C{first}:C{last + 200}" in dv_ranges
    assert any(m.min_col == 1 and m.max_row == last for m in ws.merged_cells.ranges)  # 绩效指标 label


def test_fill_2021_template_files_cost_as_its_own_level1(tmp_path):
    src = tmp_path / "t2021.xlsx"
    write_template("guangdong", 2026, "某市司法局", src, framework="2021")
    out = fill_form(src, tmp_path / "o.xlsx", _items(["SF-046", "TY-023", "SF-001"])).output
    got = {i.name: (i.level1, i.level2) for i in read_form(out).indicators}
    assert got["人均培训费"] == ("成本指标", "经济成本指标")
    assert got["安全生产责任事故次数"] == ("成本指标", "社会成本指标")
    assert got["法律援助案件数"] == ("产出指标", "数量指标")


def test_fill_blank_shandong_template(tmp_path):
    src = tmp_path / SD_TEMPLATE.name
    shutil.copy(SD_TEMPLATE, src)
    out = fill_form(src, tmp_path / "sd.xlsx", _items(IDS)).output
    after = read_form(out)
    rows = {i.name: i for i in after.indicators}
    assert set(rows) == {LIB.get(i).name for i in IDS}
    legal = rows["法律援助案件数"]
    assert legal.explanation == LIB.get("SF-001").definition
    assert (legal.annual_value, legal.standard.value, legal.standard.source) == ("≥3000宗", "≥3000宗", "计划标准")


def test_fill_guangdong_seed_form(tmp_path):
    src = _seed_workbook(GUANGDONG_SEED, tmp_path / "huizhou.xlsx")
    before = read_form(src)
    items = [FillItem(s.indicator, s.target) for s in suggest(before, LIB, n=10)]
    assert "SF-001" in [i.indicator.id for i in items]
    out = fill_form(src, tmp_path / "huizhou_filled.xlsx", items).output
    after = read_form(out)
    assert _is_subsequence([_key(i) for i in before.indicators], [_key(i) for i in after.indicators])
    new = {i.name: i for i in after.indicators if i.name not in {x.name for x in before.indicators}}
    assert len(new) == 10
    assert (new["法律援助案件数"].level1, new["法律援助案件数"].level2) == ("产出指标", "数量指标")
    assert new["行政复议案件办理数"].annual_value == "≥150宗"  # the task's own figure
    # the 数量指标 rows are together: the new ones follow the seed's 数量指标 row
    names = [i.name for i in after.indicators]
    first_quantity = names.index("开展政治轮训与综合业务培训2场次数")
    assert all(names.index(n) == first_quantity + k + 1 for k, n in enumerate(
        n for n in names if n in new and new[n].level2 == "数量指标"))
    assert after.tasks == before.tasks and after.budget == before.budget


def test_fill_shandong_seed_form(tmp_path):
    src = _seed_workbook(SHANDONG_SEED, tmp_path / "linyi.xlsx")
    before = read_form(src)
    out = fill_form(src, tmp_path / "linyi_filled.xlsx", _items(["SF-003", "SF-028", "SF-001", "SF-034"])).output
    after = read_form(out)
    assert _is_subsequence([_key(i) for i in before.indicators], [_key(i) for i in after.indicators])
    rows = {i.name: i for i in after.indicators}
    assert rows["人民调解矛盾纠纷件数"].duty == "维护社会和谐稳定"
    assert rows["县级社区矫正中心建成数"].duty == "特殊人员安置帮教工作"
    assert rows["法律援助案件数"].duty == "公共法律服务体系建设"
    assert rows["人民调解矛盾纠纷件数"].explanation.startswith("年度内各级人民调解组织")
    assert rows["人民调解矛盾纠纷件数"].standard.source == "计划标准"
    assert len(after.indicators) == len(before.indicators) + 4


def _named_values(path: Path) -> dict[str, object]:
    wb = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for name in TOTALS:
        dn = wb.defined_names.get(name)
        if dn is None:
            continue
        (sheet, coord), = dn.destinations
        out[name] = wb[sheet][coord.replace("$", "").split(":")[0]].value
    return out


@pytest.mark.libreoffice
def test_libreoffice_totals_unchanged_after_fill(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    pairs = []
    gd = _seed_workbook(GUANGDONG_SEED, src / "gd_seed.xlsx")
    sd = _seed_workbook(SHANDONG_SEED, src / "sd_seed.xlsx")
    gd_t = shutil.copy(GD_TEMPLATE, src / "gd_blank.xlsx")
    sd_t = shutil.copy(SD_TEMPLATE, src / "sd_blank.xlsx")
    many = [i.id for i in LIB if i.area in ("司法行政", "通用")][:40]
    for original, ids in ((gd, many), (sd, many[:10]), (gd_t, many), (sd_t, many[:25])):
        filled = fill_form(original, src / f"{Path(original).stem}_filled.xlsx", _items(ids)).output
        pairs.append((Path(original), filled))
    files = recalculate([p for pair in pairs for p in pair], tmp_path / "calc")  # one soffice call
    for (orig, filled), (calc_orig, calc_filled) in zip(pairs, zip(files[::2], files[1::2])):
        before, after = _named_values(calc_orig), _named_values(calc_filled)
        assert before and before == after, orig.name
        assert len(read_form(calc_filled).indicators) > len(read_form(calc_orig).indicators)
    gd_totals = _named_values(files[1])
    assert gd_totals["PX_TOTAL"] == pytest.approx(4972.02)
    assert gd_totals["PX_TASK_TOTAL"] == pytest.approx(609.0)


def test_fill_single_value_column_uses_the_free_row_below_its_block(tmp_path):
    form = import_text(GUANGDONG_SEED.read_text("utf-8")).form
    form.value_columns = 1  # the variant with one 指标值 column (merged E:F)
    src = tmp_path / "one.xlsx"
    write_form(form, src)
    result = fill_form(src, tmp_path / "one_filled.xlsx", _items(["TY-024", "SF-001"]))
    kinds = {op.item.indicator.id: type(op).__name__ for op in result.plan.ops}
    # 服务对象满意度 takes the empty row right under 群众满意度 (whose 二级 is misspelt);
    # 法律援助案件数 needs a new row inside the 产出指标 block
    assert kinds == {"TY-024": "WriteRow", "SF-001": "InsertRow"}
    after = read_form(result.output)
    names = [i.name for i in after.indicators]
    assert names[-2:] == ["群众满意度", "服务对象满意度"]
    assert names[1] == "法律援助案件数"
    assert after.indicators[-1].annual_value == "≥90%" and after.value_columns == 1


@pytest.mark.libreoffice
def test_fill_keeps_the_whole_column_print_area_of_a_template_saved_by_libreoffice(tmp_path):
    """Excel and LibreOffice save the templates' print area as $A:$F, which openpyxl alone
    drops with an English warning; the fill output keeps it and says nothing."""
    import warnings
    import zipfile

    src = tmp_path / "blank.xlsx"
    write_template("guangdong", 2026, "", src)
    [saved] = recalculate([src], tmp_path / "saved")
    assert "!$A:$F<" in zipfile.ZipFile(saved).read("xl/workbook.xml").decode()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fill_form(saved, tmp_path / "out.xlsx", _items(["SF-001"])).output
        read_form(saved)
    assert not [w for w in caught if "Print area" in str(w.message)]
    assert openpyxl.load_workbook(out).worksheets[0].print_area.endswith("!$A$1:$F$1048576")
