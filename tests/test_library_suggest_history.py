"""Suggestions from a form's texts, and libraries built from last year's forms."""

from __future__ import annotations

import json

import openpyxl

from perfxl.adapters.library_xlsx import builtin_library, read_library
from perfxl.cli import main
from perfxl.core.library.history import classify, library_from_forms
from perfxl.core.library.suggest import infer_area, near_duplicate, suggest, target_near
from perfxl.core.model import Form, Indicator, Task
from perfxl.core.textimport import import_text
from tests.conftest import GUANGDONG_SEED, SHANDONG_SEED

LIB = builtin_library()


def _seed(path):
    form = import_text(path.read_text("utf-8"), name=path.name).form
    form.file = path.name
    return form


def test_infer_area_from_department_name():
    assert infer_area("惠州市司法局") == "司法行政"
    assert infer_area("某市人力资源和社会保障局") == "人力资源和社会保障"
    assert infer_area("某县卫生健康局") == "卫生健康"
    assert infer_area("某市农业农村局") == "农业农村"
    assert infer_area("某市机关事务管理局") is None


def test_task_about_legal_aid_suggests_legal_aid_cases_with_the_task_target():
    form = Form(department="某市司法局", tasks=[Task(
        name="健全公共法律服务体系", content="深化法律援助便民服务。",
        goal="全市办理法律援助案件不少于3200宗，法律帮助不少于4000件。")])
    top = suggest(form, LIB, n=5)
    by_id = {s.indicator.id: s for s in top}
    assert top[0].indicator.id in ("SF-001", "SF-002")
    assert by_id["SF-001"].target == "≥3200宗"  # the task's own figure, not the default
    assert by_id["SF-002"].target == "≥4000件"
    assert any("法律援助" in r for r in by_id["SF-001"].reasons)


def test_suggest_skips_present_indicators_and_other_areas():
    form = Form(department="某市司法局",
                tasks=[Task(name="法律援助", goal="办理法律援助案件不少于3000宗；开展教师培训")],
                indicators=[Indicator(level1="产出指标", level2="数量指标", name="法律援助案件数")])
    ids = [s.indicator.id for s in suggest(form, LIB, n=30)]
    assert "SF-001" not in ids
    assert not any(i.startswith(("JY", "WJ", "NY")) for i in ids)


def test_near_duplicates_of_the_form_indicators_are_not_suggested():
    # The clean example's indicators, under 数量指标, beside its task targets.
    present = [("法律援助案件办理数量", "≥3000宗"), ("矛盾纠纷调解数量", "≥3500件"),
               ("行政复议案件办理数量", "≥150宗"), ("政治轮训与综合业务培训场次", "≥2场")]
    form = Form(department="某市司法局", tasks=[
        Task(name="健全现代公共法律服务体系", goal="办理法律援助案件不少于3000宗，调解矛盾纠纷不少于3500件"),
        Task(name="深化行政复议体制改革", goal="办理行政复议案件不少于150宗"),
        Task(name="加强干部教育培训", goal="开展教育培训不少于2场")],
        indicators=[Indicator(level1="产出指标", level2="数量指标", name=n, annual_value=v)
                    for n, v in present])
    ids = [s.indicator.id for s in suggest(form, LIB, n=30)]
    for dup in ("SF-001", "SF-003", "SF-005", "SF-013"):
        assert dup not in ids, LIB.get(dup).name
    assert "SF-054" in ids  # 法律援助受援人满意度: another 二级, measures something else
    # Under another 二级 the same words are no duplicate.
    form.indicators = [Indicator(level1="产出指标", level2="质量指标", name="法律援助案件办理数量")]
    assert "SF-001" in [s.indicator.id for s in suggest(form, LIB, n=30)]


def test_near_duplicate_names():
    assert near_duplicate("法律援助案件数", "≥3000宗", "法律援助案件办理数量", "≥3000宗")
    assert near_duplicate("人民调解矛盾纠纷件数", "", "矛盾纠纷调解数量", "≥3500件")
    assert near_duplicate("司法行政系统教育培训场次", "≥2场", "政治轮训与综合业务培训场次", "≥2场")
    # different things counted, or a shared run with a different figure: kept
    assert not near_duplicate("法律援助案件数", "≥3000宗", "法律援助律师人数", "≥200人")
    assert not near_duplicate("项目验收合格率", "≥98%", "设备维护验收合格率", "≥98%")
    assert not near_duplicate("全年预算支出率", "≥90%", "预算支出执行率", "≥95%")
    assert not near_duplicate("司法行政系统教育培训场次", "≥4场", "政治轮训与综合业务培训场次", "≥2场")


def test_suggest_proposes_satisfaction_when_missing():
    form = Form(department="某市司法局", tasks=[Task(name="普法宣传", goal="发放普法教材")])
    names = [s.indicator.name for s in suggest(form, LIB, n=20)]
    assert "群众满意度" in names


def test_target_near_ignores_numbers_of_a_list():
    ind = LIB.get("SF-006")  # 行政应诉案件办理数, 宗
    text = "经办行政复议、应诉等各类行政争议不少于200宗，其中行政复议案件不少于150宗，行政应诉案件不少于50宗。"
    assert target_near(text, "行政应诉", ind) == (5, "≥50宗")
    assert target_near("行政应诉工作有序开展", "行政应诉", ind) is None


def test_suggest_on_guangdong_seed():
    form = _seed(GUANGDONG_SEED)
    got = {s.indicator.id: s.target for s in suggest(form, LIB, n=15)}
    assert got["SF-001"] == "≥3000宗"
    assert got["SF-005"] == "≥150宗" and got["SF-006"] == "≥50宗"
    assert "SF-053" not in got  # 群众满意度 is already on the form


def test_suggest_on_shandong_seed_uses_duties():
    form = _seed(SHANDONG_SEED)
    ids = [s.indicator.id for s in suggest(form, LIB, n=15)]
    assert "SF-028" in ids  # 社区矫正 duty → 县级社区矫正中心建成数
    assert all(i.startswith(("SF", "TY")) for i in ids)


def test_classify():
    assert classify("群众满意度") == ("满意度指标", "服务对象满意度指标")
    assert classify("人均培训费", "元/人") == ("产出指标", "成本指标")
    assert classify("人均培训费") == ("产出指标", "成本指标")
    assert classify("审批办结时限", "个工作日") == ("产出指标", "时效指标")
    assert classify("验收合格率", "%") == ("产出指标", "质量指标")
    assert classify("培训场次", "场") == ("产出指标", "数量指标")


def test_library_from_seed_forms():
    forms = [_seed(GUANGDONG_SEED), _seed(SHANDONG_SEED)]
    lib, notes = library_from_forms(forms)
    rows = {(i.department, i.name): i for i in lib}
    gd = rows[("惠州市司法局", "群众满意度")]
    assert (gd.target, gd.last_value, gd.year, gd.source) == ("≥95%", "≥95%", 2022, "历史标准")
    assert gd.level2 == "服务对象满意度指标"  # 服务对象满意度 on the form, repaired
    fee = rows[("惠州市司法局", "人均培训费")]
    assert (fee.level2, fee.target, fee.last_value) == ("成本指标", "", "550/人")
    assert any("550/人" in str(n) for n in notes)
    sd = rows[("临沂市司法局", "调解成功率")]
    assert (sd.target, sd.year, sd.area) == ("=98%", 2021, "司法行政")
    assert sd.definition.startswith("调解成功率=本年调解成功纠纷")
    assert rows[("临沂市司法局", "开办培训")].last_value == "15场左右"
    assert rows[("临沂市司法局", "开办培训")].target == ""  # 左右 is not a target
    assert [i.id for i in lib][:3] == ["LS-001", "LS-002", "LS-003"]


def test_history_rows_suggested_first_for_their_department():
    forms = [_seed(GUANGDONG_SEED)]
    hist, _ = library_from_forms(forms)
    merged, _ = LIB.merge(hist)
    form = Form(department="惠州市司法局", tasks=[Task(name="司法行政工作", goal="做好各项工作")])
    top = suggest(form, merged, n=5)
    assert top and all(s.indicator.department == "惠州市司法局" for s in top)
    assert any("上年" in r for r in top[0].reasons)


def test_from_history_command(tmp_path, capsys):
    folder = tmp_path / "上年"
    folder.mkdir()
    (folder / "a.txt").write_text(GUANGDONG_SEED.read_text("utf-8"), "utf-8")
    (folder / "b.txt").write_text(SHANDONG_SEED.read_text("utf-8"), "utf-8")
    out = tmp_path / "上年指标库.xlsx"
    assert main(["library", "from-history", str(folder), "-o", str(out)]) == 0
    assert "2 个部门" in capsys.readouterr().out
    result = read_library(out)
    assert result.errors == []
    assert {i.department for i in result.library} == {"惠州市司法局", "临沂市司法局"}
    ws = openpyxl.load_workbook(out)["指标库"]
    headers = [c.value for c in ws[1]]
    assert headers[-3:] == ["上年值", "填报部门", "年度"]
    assert main(["library", "search", "满意度", "--library", str(out), "--replace", "--format", "json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["department"] == "惠州市司法局" and hits[0]["last_value"] == "≥95%"


def test_from_history_reports_unreadable_files(tmp_path, capsys):
    (tmp_path / "bad.xlsx").write_bytes(b"not a workbook")
    (tmp_path / "a.txt").write_text(GUANGDONG_SEED.read_text("utf-8"), "utf-8")
    assert main(["library", "from-history", str(tmp_path), "-o", str(tmp_path / "o.xlsx")]) == 1
    err = capsys.readouterr().err
    assert "bad.xlsx" in err and "1 个文件无法读取" in err
    assert main(["library", "from-history", str(tmp_path / "bad.xlsx"), "-o", str(tmp_path / "p.xlsx")]) == 2
    assert not (tmp_path / "p.xlsx").exists()
