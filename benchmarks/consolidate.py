"""Benchmark: perfxl consolidate against the I/O floor and a plain openpyxl loop.

    python benchmarks/consolidate.py [N] [--jobs J] [--bases K] [--openpyxl-sample M] [--keep DIR]
    python benchmarks/consolidate.py --memory [N]

Generates N department forms (default 1,000; both layouts alternating; realistic Chinese
text, 40–80 indicators, merged cells): K base forms per layout (default 20), each in its
own wording, are written with the official template writer and every form is derived
from one of them by rewriting its department, counts, rates and amounts, each kept
plausible (``generate_from_templates``), so a form carries the findings of its base.
``--bases 1`` derives every form from one base per layout (60 indicators, the same
wording in every form); ``--simple`` uses a small direct writer (shared strings).
Generation is not measured. Then it measures in the same run:

  (a) the floor: open every file's zip and decompress every member, one process;
  (b) perfxl consolidate end to end (discover, read, check, summary written);
  (c) openpyxl ``load_workbook`` (default mode) over the same files, one process — on a
      sample of M files (default 200) when N is larger, reported per form.

Prints per-form times, the errors and warnings per form, and the ratios (b)/(a) and
(c)/(b). Goals on 2 cores: (b) within 6× the floor, (c)/(b) ≥ 20. On a machine shared
with other jobs the wall clock says as much about them as about perfxl, so it also
prints the load average, the CPU time of each measurement (the workers' separately) and
the ratios those give for idle cores.

``--memory N`` (default 10,000) generates N forms and runs consolidate in a child process,
printing that process's peak RSS (ru_maxrss) and the largest worker's peak RSS.

Measurements made with the derivation before 2026-11-30's rewrite (which redrew every
number, ~60–80 findings per form) are not comparable: docs/dev/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# --- realistic content -----------------------------------------------------------------

CITIES = ["惠州市", "广州市", "深圳市", "珠海市", "汕头市", "佛山市", "韶关市", "湛江市", "肇庆市",
          "江门市", "茂名市", "梅州市", "汕尾市", "河源市", "阳江市", "清远市", "东莞市", "中山市",
          "潮州市", "揭阳市", "云浮市", "临沂市", "济南市", "青岛市", "淄博市", "枣庄市", "烟台市",
          "潍坊市", "济宁市", "泰安市", "威海市", "日照市", "德州市", "聊城市", "滨州市", "菏泽市"]
BUREAUS = ["司法局", "财政局", "教育局", "公安局", "民政局", "人力资源和社会保障局", "自然资源局",
           "生态环境局", "住房和城乡建设局", "交通运输局", "水务局", "农业农村局", "商务局",
           "文化广电旅游体育局", "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局",
           "市场监督管理局", "统计局", "医疗保障局", "林业局", "城市管理和综合执法局", "科学技术局",
           "工业和信息化局", "发展和改革局", "档案馆", "地方志办公室", "机关事务管理局", "信访局"]
TASK_NAMES = ["坚定不移强化政治统领", "全面加强法治建设", "强化执法监督信息化建设", "创新推进“放管服”改革",
              "深化行政复议体制改革", "健全现代公共法律服务体系", "强化政务宣传服务能力",
              "提升镇街综合行政执法规范化水平", "推进数字政府建设", "加强安全生产监管",
              "完善基层治理体系", "推动重点项目落地"]
CONTENT = ["全面实施新一轮加强基层党组织建设三年行动计划，培育特色党建品牌，强化基层党建作用发挥。",
           "牵头各级各部门组织开展专项治理和专项整治，围绕群众反映强烈的问题开展督察。",
           "实现省一体化平台全覆盖，指导督促各县区各部门配备执法记录装备，规范执法行为。",
           "推行行政裁量权基准制度，全面推进“无证明城市”系统建设，组织部门清理证明材料。"]
GOALS = ["全市办理法律援助案件不少于3000宗，调解矛盾纠纷不少于3500件。",
         "总结苗头性、倾向性问题不少于30次，提出纠正意见建议不少于20次。",
         "组织不少于20个部门应用系统，清理证明材料不少于300项。",
         "实现相关宣传报道被上级部门或主流媒体采纳不少于50篇。"]
INDICATORS = {
    "产出指标": {
        "数量指标": [("开展业务培训场次", "≥{n}场"), ("办理案件数量", "≥{n}件"),
                 ("发布宣传信息篇数", "≥{n}篇"), ("督察检查次数", "≥{n}次")],
        "质量指标": [("设备维护验收合格率", "100%"), ("案件办理合格率", "≥{p}%"),
                 ("培训考核通过率", "≥{p}%")],
        "时效指标": [("全年预算支出率", "≥{p}%"), ("案件按时办结率", "100%"),
                 ("项目按期完成率", "≥{p}%")],
        "成本指标": [("人均培训费", "≤{n}元/人"), ("单件案件补贴标准", "≤{n}元/件")],
    },
    "效益指标": {
        "经济效益指标": [("降低群众办事成本", "有效降低"), ("节约行政成本", "≥{n}万元")],
        "社会效益指标": [("群众法治意识提升", "明显提升"), ("矛盾纠纷化解率", "≥{p}%"),
                   ("社会治安满意度", "≥{p}%")],
        "生态效益指标": [("无纸化办公比例", "≥{p}%")],
        "可持续影响指标": [("长效机制建立情况", "建立健全"), ("制度建设完成率", "100%")],
    },
    "满意度指标": {"服务对象满意度指标": [("群众满意度", "≥{p}%"), ("服务对象满意度", "≥{p}%")]},
}
DUTIES = ["党的建设和群团工作", "推进法治建设", "基层法律服务工作", "维护社会和谐稳定",
          "公共法律服务体系建设", "律师工作", "行政执法监督", "资金情况", "综合管理工作"]


def department(i: int) -> str:
    city = CITIES[i % len(CITIES)]
    bureau = BUREAUS[(i // len(CITIES)) % len(BUREAUS)]
    k = i // (len(CITIES) * len(BUREAUS))
    return f"{city}{bureau}" + (f"第{k + 1}分局" if k else "")


SCOPES = ["全市", "全系统", "基层", "重点领域", "县区", "镇街", "机关", "直属单位", "窗口单位", "行业",
          "农村地区", "城区", "园区", "社区", "重点人群", "新业态", "中小企业", "公共服务", "专项工作",
          "年度计划内"]


def value(rng: random.Random, pattern: str) -> str:
    # Varied numbers, as on real forms: every department writes its own targets.
    return pattern.format(n=rng.randint(2, 5000), p=rng.randint(80, 100))


def name(rng: random.Random, base: str) -> str:
    return rng.choice(SCOPES) + base


def guangdong_rows(i: int, rng: random.Random, n_ind: int = 60):
    year = 2024
    basic = round(rng.uniform(500, 9000), 2)
    project = round(rng.uniform(100, 3000), 2)
    rows, merges = [], []

    def add(*cells):
        rows.append(list(cells))
        return len(rows)

    r = add("市直部门整体预算绩效目标申报表"); merges.append(f"A{r}:F{r}")
    add(f"({year}年度)")
    r = add("部门名称", department(i)); merges.append(f"B{r}:F{r}")
    add("基本信息", "财政供养人数", rng.randint(20, 900), "下属二级单位数", rng.randint(0, 12))
    top = add("预算整体情况", "部门预算支出", "预算金额(万元)", "预算来源", "预算金额(万元)")
    add(None, "基本支出", basic, "财政拨款", round(basic + project, 2))
    add(None, "项目支出", project, "其他资金", 0)
    add(None, "事业发展性支出", "预算金额(万元)", "按预算级次划分", "预算金额(万元)")
    add(None, "财政专项资金", 0, "市本级使用资金", 0)
    r = add(None, "其他事业发展性支出", 0, "拟用于对下转移支付资金", 0); merges.append(f"A{top}:A{r}")
    r = add("总体绩效目标", "目标1：" + rng.choice(GOALS) + "目标2：" + rng.choice(GOALS))
    merges.append(f"B{r}:F{r}")
    top = add("年度重点工作任务", "任务名称", "主要实施内容", "拟投入资金(万元)", "期望达到的目标")
    n_tasks = rng.randint(4, 9)
    left = project
    for k in range(n_tasks):
        amount = round(left * rng.uniform(0.05, 0.2), 2)
        left -= amount
        r = add(None, TASK_NAMES[(i + k) % len(TASK_NAMES)], rng.choice(CONTENT), amount, rng.choice(GOALS))
    merges.append(f"A{top}:A{r}")
    top = add("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实施周期指标值")
    pairs = [(l1, l2, item) for l1, d in INDICATORS.items() for l2, items in d.items() for item in items]
    chosen = sorted(rng.choices(range(len(pairs)), k=n_ind))
    prev1 = prev2 = None
    for k in chosen:
        l1, l2, (base, pattern) = pairs[k]
        v = value(rng, pattern)
        add(None, l1 if l1 != prev1 else None, l2 if (l2, l1) != (prev2, prev1) else None,
            name(rng, base), v, v)
        prev1, prev2 = l1, l2
    r = len(rows)
    merges.append(f"A{top}:A{r}")
    return rows, merges


def shandong_rows(i: int, rng: random.Random, n_ind: int = 60):
    year = 2024
    basic = round(rng.uniform(500, 9000), 2)
    project = round(rng.uniform(100, 3000), 2)
    other = round(rng.uniform(0, 200), 2)
    total = round(basic + project, 2)
    rows, merges = [], []

    def add(*cells):
        rows.append(list(cells))
        return len(rows)

    r = add(f"{year}年度部门预算整体绩效目标表"); merges.append(f"A{r}:O{r}")
    add("部门名称", department(i), "部门整体预算总额", f"{total:.2f}万元", None, "1.资金来源：（1）财政拨款",
        None, f"{total - other:.2f}万元", None, "2.资金结构：（1）基本支出", None, f"{basic:.2f}万元")
    add(None, None, None, None, None, "（2）其他资金", None, f"{other:.2f}万元", None, "（2）项目支出",
        None, f"{project:.2f}万元")
    r = add("战略目标", "坚持围绕中心、服务大局，" + rng.choice(GOALS)); merges.append(f"B{r}:O{r}")
    top = add("职责序号", "部门职责", "职责目标", "绩效指标", "指标解释", f"{year}年度指标值", "指标参考值",
              None, None, None, None, None, "备注（标准值和历史值均无的原因/其他需要说明的）", "工作活动", "预算项目")
    add(None, None, None, None, None, None, "标准值", None, None, "历史值", None, None)
    add(None, None, None, None, None, None, "“十四五”规划值", f"{year}年标准值", "来源", "前三年均值", "上年值", "来源")
    merges += [f"G{top}:L{top}", f"G{top + 1}:I{top + 1}", f"J{top + 1}:L{top + 1}"]
    flat = [item for d in INDICATORS.values() for items in d.values() for item in items]
    for k in range(n_ind):
        duty_no = k // 7 + 1
        base, pattern = rng.choice(flat)
        v = value(rng, pattern)
        first = k % 7 == 0
        add(str(duty_no) if first else None, DUTIES[(duty_no - 1) % len(DUTIES)] if first else None,
            rng.choice(TASK_NAMES) if first else None, name(rng, base),
            f"依据{rng.choice(SCOPES)}年度工作计划和相关文件要求，{rng.choice(GOALS)}", v,
            None, value(rng, pattern), "内部工作计划", value(rng, pattern), value(rng, pattern),
            "内部统计", None, rng.choice(SCOPES) + rng.choice(CONTENT)[:30],
            rng.choice(["基本支出", "办案业务及装备经费", "法律顾问经费"]))
    return rows, merges


# --- a small direct xlsx writer (shared strings, merges) ---------------------------------

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
       '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
       '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
       '</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
       '<sheet name="绩效目标表" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            '</Relationships>')
_STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0.00"/></numFmts>'
           '<fonts count="2"><font><sz val="11"/><name val="宋体"/></font><font><b/><sz val="11"/><name val="宋体"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
           '<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1"><alignment wrapText="1" vertical="center"/></xf>'
           '<xf numFmtId="164" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
           '</styleSheet>')


def _col(c: int) -> str:
    s = ""
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def write_xlsx(path: Path, rows, merges) -> None:
    sst: dict[str, int] = {}
    out = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, v in enumerate(row, start=1):
            if v is None:
                continue
            ref = f"{_col(c)}{r}"
            if isinstance(v, str):
                idx = sst.setdefault(v, len(sst))
                cells.append(f'<c r="{ref}" s="1" t="s"><v>{idx}</v></c>')
            else:
                cells.append(f'<c r="{ref}" s="2"><v>{v}</v></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    merge_xml = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
                 + "</mergeCells>") if merges else ""
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<cols><col min="1" max="1" width="12" customWidth="1"/><col min="2" max="6" width="24" customWidth="1"/></cols>'
             f'<sheetData>{"".join(out)}</sheetData>{merge_xml}</worksheet>')
    strings = "".join(f"<si><t>{escape(s)}</t></si>" for s in sst)
    shared = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
              f'count="{len(sst)}" uniqueCount="{len(sst)}">{strings}</sst>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS), ("xl/workbook.xml", _WB),
                           ("xl/_rels/workbook.xml.rels", _WB_RELS), ("xl/styles.xml", _STYLES),
                           ("xl/sharedStrings.xml", shared), ("xl/worksheets/sheet1.xml", sheet)):
            zf.writestr(name, data)


def base_form(layout: str, rng: random.Random, n_ind: int = 60):
    """A filled Form (for the official template writer) with varied content."""
    from perfxl.core.model import Budget, Form, History, Indicator, Standard, Task

    basic, project = round(rng.uniform(500, 9000), 2), round(rng.uniform(100, 3000), 2)
    budget = Budget(basic=basic, project=project, fiscal=round(basic + project, 2), other=0.0,
                    special_fund=0.0, other_development=0.0, own_level=0.0, transfer=0.0)
    pairs = [(l1, l2, item) for l1, d in INDICATORS.items() for l2, items in d.items() for item in items]
    if layout == "guangdong":
        tasks = [Task(TASK_NAMES[k], rng.choice(CONTENT), round(project * 0.1, 2), rng.choice(GOALS))
                 for k in range(6)]
        inds = []
        for k in sorted(rng.choices(range(len(pairs)), k=n_ind)):
            l1, l2, (base, pattern) = pairs[k]
            v = value(rng, pattern)
            inds.append(Indicator(l1, l2, name(rng, base), v, v))
        return Form(layout="guangdong", title="市直部门整体预算绩效目标申报表", department=department(0),
                    year=2024, staff_count=120, sub_units=2, budget=budget,
                    overall_goal="目标1：" + rng.choice(GOALS), tasks=tasks, indicators=inds)
    inds = []
    for k in range(n_ind):
        base, pattern = rng.choice([p[2] for p in pairs])
        numbers = {"n": rng.randint(2, 5000), "p": rng.randint(80, 100)}
        past = [pattern.format(**_past(rng, numbers)) for _ in range(3)]
        inds.append(Indicator(
            duty_no=str(k // 7 + 1), duty=DUTIES[(k // 7) % len(DUTIES)], goal=TASK_NAMES[(k // 7) % 12],
            name=name(rng, base), explanation="依据年度工作计划和相关文件要求，" + rng.choice(GOALS),
            annual_value=pattern.format(**numbers), standard=Standard("", past[0], "内部工作计划"),
            history=History(past[1], past[2], "内部统计"),
            activity=rng.choice(CONTENT)[:30], project="办案业务及装备经费"))
    budget.declared_total = round(basic + project, 2)
    return Form(layout="shandong", title="2024年度部门预算整体绩效目标表", department=department(1),
                year=2024, budget=budget, overall_goal="坚持围绕中心、服务大局。", indicators=inds)


# --- many base forms, each with its own wording ------------------------------------------
# Real departments word their forms themselves: different indicators, counts, scopes and
# texts. ``varied_form`` composes one such form from the pieces below.

WORKS = ["法律援助", "普法宣传", "行政执法检查", "业务培训", "信访接待", "矛盾纠纷调解", "社区矫正",
         "安置帮教", "公证服务", "人民调解", "行政复议", "合法性审查", "政务公开", "安全生产检查",
         "食品安全抽检", "环境监测", "河道巡查", "农村公路养护", "校舍维修", "疫苗接种", "免费健康体检",
         "就业技能培训", "职业技能鉴定", "困难群众救助", "居家养老服务", "文物保护修缮", "图书借阅",
         "送戏下乡演出", "全民健身活动", "农业技术推广", "动物疫病防控", "森林防火巡护", "档案数字化",
         "统计调查", "审计监督", "应急演练", "消防安全宣传", "招商引资洽谈", "科技项目评审", "企业走访服务",
         "市场主体登记", "价格监测", "医保基金监管", "退役军人走访慰问", "保障性住房分配", "城市绿地管护",
         "垃圾分类督导", "污水管网维护", "公共法律服务", "政务服务事项办理", "网格化巡查", "地质灾害排查",
         "水土保持监测", "工程质量监督", "特种设备检验", "出租屋安全检查"]
GROUPS = ["群众", "服务对象", "企业", "当事人", "参训学员", "受助群众", "社区居民", "来访群众", "参训人员",
          "办事群众", "患者", "学生家长", "辖区商户", "受益农户", "退役军人"]
VERBS = ["推进", "加强", "深化", "完善", "健全", "提升", "开展", "实施", "强化", "推动", "规范", "落实"]
OBJECT_TAILS = ["工作", "体系建设", "专项行动", "能力建设", "机制改革", "标准化建设", "信息化建设", "三年行动"]
PURPOSES = ["确保各项工作任务按计划推进", "切实提高群众获得感和满意度", "推动工作提质增效",
            "形成上下联动、齐抓共管的工作格局", "补齐基层工作短板", "提升服务的规范化、精细化水平",
            "防范化解重大风险隐患", "为经济社会高质量发展提供保障", "建立健全长效管理机制",
            "实现全年工作目标", "打造具有本地特色的工作品牌", "推动资源向基层倾斜"]
METHODS = ["制定年度工作方案，明确责任分工和时间节点", "采取“线上+线下”相结合的方式",
           "联合相关职能部门开展联合行动", "通过政府购买服务方式引入第三方机构", "建立月通报、季督查工作制度",
           "依托信息化平台实现全流程留痕管理", "组织业务骨干深入基层开展指导", "分片包干、挂图作战"]
QUALITATIVE = ["明显提升", "有效提高", "持续改善", "保持稳定", "逐步完善", "有效降低", "稳步提升", "达到预期目标"]
# 二级 → groups of (name suffixes, value patterns that fit them); {n} a count, {p} a
# rate, {m} a month, {d} a number of working days, {u} the unit of the name's suffix.
PERCENT = ["≥{p}%", "100%", "=100%", "≥{p}%", "不低于{p}%"]
MEASURES = {
    "数量指标": [(["场次", "次数", "数量", "人次", "覆盖户数", "办理件数", "完成数", "项目个数"],
              ["≥{n}{u}", "≥{n}{u}", "不少于{n}{u}", "={n}{u}", "{n}{u}以上"])],
    "质量指标": [(["合格率", "达标率", "验收合格率", "规范率", "准确率"], PERCENT)],
    "时效指标": [(["按时完成率", "按期办结率", "及时率"], PERCENT),
              (["完成时限", "办理时限"], ["≤{d}个工作日", "{m}月底前完成"])],
    "成本指标": [(["成本", "经费", "人均成本", "单次成本", "补助标准"],
              ["≤{n}万元", "≤{n}元/人", "≤{n}元/次", "不超过{n}万元"])],
    "经济效益指标": [(["带动社会投资", "节约行政成本", "挽回经济损失"], ["≥{n}万元", "明显增加"]),
                (["降低群众办事成本", "降低企业经营成本"], ["有效降低", "明显降低"])],
    "社会效益指标": [(["覆盖率", "知晓率", "参与率"], ["≥{p}%", "不低于{p}%"]),
                (["社会影响力", "群众安全感", "服务能力"], QUALITATIVE)],
    "生态效益指标": [(["无纸化办公比例", "绿化覆盖率", "资源循环利用率"], ["≥{p}%"]),
                (["能源消耗", "纸张消耗"], ["有效降低", "逐年下降"])],
    "可持续影响指标": [(["长效机制建立情况", "制度建设情况"], ["建立健全", "逐步完善"]),
                 (["信息化平台运行情况", "队伍专业化水平"], ["持续稳定运行", "稳步提升"]),
                 (["制度建设完成率"], ["100%"])],
    "服务对象满意度指标": [(["满意度"], ["≥{p}%", "≥{p}%", "不低于{p}%"])],
}
UNIT_OF = {"场次": "场", "次数": "次", "数量": "件", "人次": "人次", "覆盖户数": "户", "办理件数": "件",
           "完成数": "项", "项目个数": "个"}
# How many of a form's indicators fall in each 二级, roughly, as on real returns.
WEIGHTS = {"数量指标": 34, "质量指标": 15, "时效指标": 10, "成本指标": 8, "经济效益指标": 5,
           "社会效益指标": 12, "生态效益指标": 4, "可持续影响指标": 6, "服务对象满意度指标": 6}
PROJECTS = ["基本支出", "业务运行经费", "办案业务及装备经费", "法律顾问经费", "信息化运维经费",
            "专项工作经费", "购买服务经费", "设备购置经费"]
REF_SOURCES = ["计划标准", "行业标准", "历史标准", "预算支出标准", "内部工作计划", "内部统计", "年度统计报表"]


def _numbers(rng: random.Random) -> dict[str, int]:
    return {"n": rng.randint(2, 5000), "p": rng.randint(80, 100), "m": rng.randint(3, 12), "d": rng.randint(3, 30)}


def _fill(rng: random.Random, pattern: str, unit: str = "件", numbers: dict[str, int] | None = None) -> str:
    return pattern.format(**(numbers or _numbers(rng)), u=unit)


def _past(rng: random.Random, numbers: dict[str, int]) -> dict[str, int]:
    """The numbers of a reference value (standard or past years) of a target drawn as
    ``numbers``: at or a little below it, as departments set targets no lower than
    before — and now and then above it, which real returns do too (PX603)."""
    n, p = numbers["n"], numbers["p"]
    if rng.random() < 0.02:
        return {**numbers, "n": round(n * rng.uniform(1.05, 1.3)), "p": min(100, p + rng.randint(1, 5))}
    return {**numbers, "n": round(n * rng.uniform(0.8, 1)), "p": p - rng.randint(0, 3)}


def _goal(rng: random.Random, scopes: list[str]) -> str:
    work = rng.choice(WORKS)
    suffix = rng.choice(["场次", "次数", "人次", "办理件数", "覆盖户数"])
    return (f"{rng.choice(scopes)}{work}{suffix}不少于{rng.randint(2, 5000)}{UNIT_OF[suffix]}，"
            f"{rng.choice(PURPOSES)}。")


def _content(rng: random.Random, scopes: list[str]) -> str:
    return (f"{rng.choice(METHODS)}，{rng.choice(VERBS)}{rng.choice(scopes)}{rng.choice(WORKS)}"
            f"{rng.choice(OBJECT_TAILS)}，{rng.choice(PURPOSES)}。")


def _indicator_names(rng: random.Random, scopes: list[str], prefixed: float, n: int):
    """n distinct (二级, name, value pattern, unit) in framework order."""
    order = list(WEIGHTS)
    picked = set()
    out = []
    # Every form has a satisfaction indicator and at least one of each 一级.
    levels = ["数量指标", "社会效益指标", "服务对象满意度指标"]
    levels += rng.choices(order, weights=list(WEIGHTS.values()), k=n - len(levels))
    for level2 in sorted(levels, key=order.index):
        suffixes, patterns = rng.choice(MEASURES[level2])
        while True:
            suffix = rng.choice(suffixes)
            subject = rng.choice(GROUPS) if level2 == "服务对象满意度指标" else rng.choice(WORKS)
            if level2 in ("经济效益指标", "生态效益指标", "可持续影响指标") and rng.random() < 0.5:
                subject = ""
            prefix = rng.choice(scopes) if rng.random() < prefixed else ""
            name = prefix + subject + suffix
            if name not in picked:
                break
        picked.add(name)
        out.append((level2, name, rng.choice(patterns), UNIT_OF.get(suffix, "件")))
    return out


def varied_form(layout: str, rng: random.Random):
    """A filled Form (for the official template writer) in one department's own wording:
    its own indicators (40–80), scopes, texts, tasks and budget."""
    from perfxl.core.framework import parent_of
    from perfxl.core.model import Budget, Form, History, Indicator, Standard, Task

    scopes = rng.sample(SCOPES, rng.randint(2, 8))
    prefixed = rng.choice([0.0, 0.3, 0.7])
    basic, project = round(rng.uniform(500, 9000), 2), round(rng.uniform(100, 3000), 2)
    other = rng.choice([0.0, round(rng.uniform(0, basic / 10), 2)])
    special = round(project * rng.uniform(0, 0.6), 2)
    own = round(project * rng.uniform(0.5, 1), 2)
    budget = Budget(basic=basic, project=project, fiscal=round(basic + project - other, 2), other=other,
                    special_fund=special, other_development=round(project - special, 2),
                    own_level=own, transfer=round(project - own, 2))
    names = _indicator_names(rng, scopes, prefixed, rng.randint(40, 80))
    goals = [_goal(rng, scopes) for _ in range(rng.randint(1, 4))]
    department_name = department(rng.randrange(len(CITIES) * len(BUREAUS)))
    if layout == "guangdong":
        n_tasks = rng.randint(3, 10)
        shares = [rng.random() for _ in range(n_tasks)]
        covered = project * rng.uniform(0.5, 0.95) / sum(shares)
        tasks = [Task(f"{rng.choice(VERBS)}{rng.choice(WORKS)}{rng.choice(OBJECT_TAILS)}",
                      _content(rng, scopes), round(share * covered, 2) if rng.random() < 0.9 else 0.0,
                      _goal(rng, scopes))
                 for share in shares]
        value_columns = rng.choice([1, 2, 2])
        inds = []
        for level2, name_, pattern, unit in names:
            v = _fill(rng, pattern, unit)
            inds.append(Indicator(parent_of(level2), level2, name_, v, v if value_columns == 2 else ""))
        title = rng.choice(["市直部门整体预算绩效目标申报表", "市级部门整体预算绩效目标表"])
        return Form(layout="guangdong", title=title, department=department_name, year=2024, staff_count=rng.randint(20, 900),
                    sub_units=rng.randint(0, 12), budget=budget,
                    overall_goal="".join(f"目标{k + 1}：{g}" for k, g in enumerate(goals)), tasks=tasks,
                    other_tasks=_content(rng, scopes) if rng.random() < 0.3 else "",
                    value_columns=value_columns, indicators=inds)
    inds = []
    rng.shuffle(names)  # the Shandong matrix is ordered by duty, not by category
    duties = rng.sample(DUTIES + [f"{w}工作" for w in WORKS], rng.randint(4, 9))
    per_duty = len(names) / len(duties)
    for k, (level2, name_, pattern, unit) in enumerate(names):
        d = min(int(k / per_duty), len(duties) - 1)
        referenced = rng.random() < 0.8
        numbers = _numbers(rng)
        past = [_fill(rng, pattern, unit, _past(rng, numbers)) for _ in range(4)]
        inds.append(Indicator(
            duty_no=str(d + 1), duty=duties[d], goal=f"{rng.choice(VERBS)}{duties[d]}",
            name=name_, explanation=rng.choice([
                f"反映{name_}情况。",
                f"依据{rng.choice(scopes)}年度工作计划和相关文件要求，{_goal(rng, scopes)}",
                f"用于考核{rng.choice(WORKS)}的完成情况，{rng.choice(PURPOSES)}。",
                f"{name_}={rng.choice(WORKS)}完成数/计划数×100%。"]),
            annual_value=_fill(rng, pattern, unit, numbers),
            standard=Standard(rng.choice(["", past[0]]), past[1], rng.choice(REF_SOURCES)) if referenced else None,
            history=History(past[2], past[3], rng.choice(REF_SOURCES)) if referenced else None,
            note="" if referenced else rng.choice(["新增指标，无历史数据。", "首次设置该指标，暂无标准值。"]),
            activity=f"{rng.choice(VERBS)}{rng.choice(WORKS)}", project=rng.choice(PROJECTS)))
    budget.declared_total = round(basic + project, 2)
    return Form(layout="shandong", title="2024年度部门预算整体绩效目标表", department=department_name,
                year=2024, budget=budget, indicators=inds,
                overall_goal=rng.choice(["坚持围绕中心、服务大局，", "聚焦主责主业，"]) + "".join(goals))


# Base forms per layout by default: 1,000 forms then share each base's wording 25 times.
BASES = 20

_W3C_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_NUMBER_CELL = re.compile(r'(<c r="[A-Z]+\d+"(?: s="(\d+)")?(?: t="n")?><v>)([0-9.]+)(</v></c>)')
_TEXT = re.compile(r"(<t(?: [^>]*)?>)([^<]*)(</t>)")
# The numbers in texts that a derived form changes: a whole count before its unit and a
# whole rate before its %. Years (2024年), months (6月底前), ordinals (第2分局), list and
# duty numbers (目标1：, （1）), decimals stay as the base form wrote them.
_COUNT = re.compile(r"(?<![\d.第])\d+(?=[个场次件项户人篇宗元万])")
_RATE = re.compile(r"(?<![\d.])\d+(?=[%％])")
_CELL_FORMATS = re.compile(r"<cellXfs.*?</cellXfs>", re.S)
_XF = re.compile(r"<xf\b[^>]*>")
_FORMAT_ID = re.compile(r'numFmtId="(\d+)"')


def _scaled_styles(styles: bytes) -> dict[str, int | None]:
    """The cell styles (``s="…"``) of the numbers a derived form scales, each with the
    ``ndigits`` to round to: whole numbers (format "0", id 1: head count, units) to
    whole numbers, the other formats (amounts) to cents. Numbers in the General format
    (Shandong's 职责序号) are not quantities and stay."""
    out: dict[str, int | None] = {}
    for k, xf in enumerate(_XF.findall(_CELL_FORMATS.search(styles.decode("utf-8")).group(0))):
        fmt = _FORMAT_ID.search(xf)
        if fmt and fmt.group(1) != "0":
            out[str(k)] = None if fmt.group(1) == "1" else 2
    return out


def _derive(text: str, factor: float, shift: int) -> str:
    """A base form's text as another department writes it: counts scaled by the form's
    factor, rates between 0 and 100 % moved by its shift but never above 100 % (0 %,
    100 % — also in ×100% — and rates above it stay). Both maps keep the order of
    numbers, so equal values stay equal (two value columns agree) and a target stays at
    or above its reference values, as in the base form."""
    def rate(m: re.Match) -> str:
        p = int(m.group())
        return str(min(100, max(1, p + shift))) if 0 < p < 100 else m.group()

    text = _COUNT.sub(lambda m: str(max(1, round(int(m.group()) * factor))), text)
    return _RATE.sub(rate, text)


def _stamped(members: list[tuple[zipfile.ZipInfo, bytes]]) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """The members with a fixed time instead of the time they were written, so that the
    same seed gives byte-identical files."""
    out = []
    for info, data in members:
        info.date_time = (2024, 1, 1, 0, 0, 0)
        if info.filename == "docProps/core.xml":
            data = _W3C_TIME.sub("2024-01-01T00:00:00Z", data.decode("utf-8")).encode("utf-8")
        out.append((info, data))
    return out


def generate_from_templates(n: int, folder: Path, seed: int = 20240101, bases: int = 1) -> list[Path]:
    """Write ``bases`` forms per layout with the official template writer, then derive
    every form from one of them by rewriting its XML: the department name, the counts
    and rates in texts (``_derive``), the amounts (all scaled by one factor, so the sums
    still agree) and the whole-number cells (scaled by it and rounded).

    ``bases=1`` derives every form from one ``base_form`` per layout. With more, each base
    is a ``varied_form`` from its own seed, so the first forms do not depend on ``n`` and
    only the bases the forms use are written."""
    from perfxl.adapters.template import write_form

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    layouts = ("guangdong", "shandong")
    if bases == 1:
        forms = {layout: [base_form(layout, rng)] for layout in layouts}
    else:
        counts = {"guangdong": (n + 1) // 2, "shandong": n // 2}
        forms = {layout: [varied_form(layout, random.Random(f"{seed}/{layout}/{k}"))
                          for k in range(min(bases, counts[layout]))] for layout in layouts}
    templates = {}
    for layout in layouts:
        templates[layout] = []
        for form in forms[layout]:
            path = folder / f"_base_{layout}.xlsx"
            write_form(form, path)
            with zipfile.ZipFile(path) as zf:
                members = [(i, zf.read(i)) for i in zf.infolist()]
            path.unlink()
            scaled = _scaled_styles(dict((i.filename, d) for i, d in members)["xl/styles.xml"])
            templates[layout].append((form.department, scaled, _stamped(members)))
    paths = []
    for i in range(n):
        layout = "guangdong" if i % 2 == 0 else "shandong"
        dept, scaled, members = templates[layout][(i // 2) % len(templates[layout])]
        factor, shift = rng.uniform(0.3, 3.0), rng.randint(-5, 5)
        sub = folder / f"{i // 500:03d}"
        sub.mkdir(exist_ok=True)
        p = sub / f"form_{i:05d}.xlsx"
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
            for info, data in members:
                if info.filename == "xl/sharedStrings.xml" or info.filename.startswith("xl/worksheets/sheet"):
                    text = data.decode("utf-8")
                    text = _TEXT.sub(lambda m: m.group(1) + _derive(m.group(2), factor, shift).replace(
                        dept, department(i)) + m.group(3), text)
                    text = _NUMBER_CELL.sub(
                        lambda m: m.group(0) if m.group(2) not in scaled
                        else m.group(1) + str(round(float(m.group(3)) * factor, scaled[m.group(2)])) + m.group(4),
                        text)
                    data = text.encode("utf-8")
                zf.writestr(info, data)
        paths.append(p)
    return paths


def generate(n: int, folder: Path, seed: int = 20240101) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        sub = folder / f"{i // 500:03d}"
        sub.mkdir(exist_ok=True)
        rows, merges = (guangdong_rows if i % 2 == 0 else shandong_rows)(i, rng)
        p = sub / f"form_{i:05d}.xlsx"
        write_xlsx(p, rows, merges)
        paths.append(p)
    return paths


# --- measurements --------------------------------------------------------------------------

def floor(paths: list[Path]) -> float:
    t = time.perf_counter()
    for p in paths:
        with zipfile.ZipFile(p) as zf:
            for name in zf.namelist():
                zf.read(name)
    return time.perf_counter() - t


def openpyxl_loop(paths: list[Path]) -> float:
    import openpyxl

    t = time.perf_counter()
    for p in paths:
        openpyxl.load_workbook(p).close()
    return time.perf_counter() - t


def cpu() -> tuple[float, float]:
    """CPU seconds used so far by this process and by its finished children (workers)."""
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time(), ch.ru_utime + ch.ru_stime


def perfxl_run(folder: Path, out: Path, jobs: int | None) -> tuple[float, object]:
    from perfxl.adapters.batch import consolidate

    t = time.perf_counter()
    res = consolidate([folder], out, jobs=jobs)
    return time.perf_counter() - t, res


def measure_memory(folder: Path, out: Path, jobs: int | None) -> dict:
    """Run in a child process: consolidate, then report peak memory. (tracemalloc is not
    used: forked workers would inherit it and run several times slower.)"""
    elapsed, res = perfxl_run(folder, out, jobs)
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    errors, warnings = findings_per_form(res)
    return {"seconds": elapsed, "files": res.files, "indicator_rows": res.row_counts["indicators"],
            "errors_per_form": errors, "warnings_per_form": warnings,
            "parent_peak_rss_mb": self_rss / 1024, "largest_worker_peak_rss_mb": child_rss / 1024,
            "output_mb": out.stat().st_size / 2**20}


def findings_per_form(res) -> tuple[float, float]:
    """Errors and warnings per form over a consolidation: how realistic the corpus is
    (real returns carry a few; the rules' work grows with them)."""
    n = max(1, res.files)
    return (sum(s.errors for s in res.summaries) / n, sum(s.warnings for s in res.summaries) / n)


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="?", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--openpyxl-sample", type=int, default=200)
    ap.add_argument("--memory", nargs="?", type=int, const=10000, default=None, metavar="N")
    ap.add_argument("--keep", type=Path, help="generate into (and keep) this folder")
    ap.add_argument("--bases", type=positive, default=BASES, metavar="K",
                    help=f"derive the forms from K base forms per layout (default {BASES}; 1: every form "
                         "from one base per layout, the same wording in every form)")
    ap.add_argument("--simple", action="store_true",
                    help="generate with the small direct writer instead of the official templates")
    ap.add_argument("--_measure-memory", nargs=2, dest="measure_memory", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.measure_memory:
        print(json.dumps(measure_memory(Path(args.measure_memory[0]), Path(args.measure_memory[1]), args.jobs)))
        return 0

    work = Path(tempfile.mkdtemp(prefix="perfxl-bench-"))
    try:
        n = args.memory if args.memory else args.n
        folder = args.keep or work / "forms"
        t = time.perf_counter()
        paths = generate(n, folder) if args.simple else generate_from_templates(n, folder, bases=args.bases)
        print(f"generated {n} forms in {time.perf_counter() - t:.1f} s "
              f"({sum(p.stat().st_size for p in paths) / n / 1024:.1f} KB each) in {folder}")
        out = work / "汇总.xlsx"
        if args.memory:
            cmd = [sys.executable, __file__, "--_measure-memory", str(folder), str(out)]
            if args.jobs:
                cmd += ["--jobs", str(args.jobs)]
            report = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
            for k, v in report.items():
                print(f"{k:>30}: {v:.1f}" if isinstance(v, float) else f"{k:>30}: {v}")
            return 0
        floor(paths[: min(50, n)])  # warm the page cache
        load_before = os.getloadavg()[0]
        cpu0 = cpu()
        a = floor(paths)
        cpu1 = cpu()
        b, res = perfxl_run(folder, out, args.jobs)
        cpu2 = cpu()
        sample = paths[:: max(1, n // args.openpyxl_sample)][: args.openpyxl_sample]
        c = openpyxl_loop(sample) * n / len(sample)
        cpu3 = cpu()
        load_after = os.getloadavg()[0]
        errors, warnings = findings_per_form(res)
        print(f"(a) floor, unzip every member:      {a * 1000 / n:8.2f} ms/form  ({a:.2f} s)")
        print(f"(b) perfxl consolidate, end to end: {b * 1000 / n:8.2f} ms/form  ({b:.2f} s; "
              f"read+check {res.read_seconds:.2f} s on {res.jobs} processes, write {res.write_seconds:.2f} s; "
              f"{res.row_counts['indicators']} indicator rows, {errors:.2f} errors and {warnings:.2f} warnings per form)")
        print(f"(c) openpyxl load_workbook loop:    {c * 1000 / n:8.2f} ms/form  "
              f"(measured on {len(sample)} forms)")
        print(f"(b)/(a) = {b / a:.1f}   (goal ≤ 6)")
        print(f"(c)/(b) = {c / b:.1f}   (goal ≥ 20)")
        # On a shared machine the wall clock depends on the other jobs; CPU time much less.
        ca = cpu1[0] - cpu0[0]
        cb_self, cb_workers = cpu2[0] - cpu1[0], cpu2[1] - cpu1[1]
        cc = (cpu3[0] - cpu2[0]) * n / len(sample)
        # Idle cores: the workers' CPU spread over the processes, plus all of this
        # process's (an overestimate: it also works while the workers read).
        cb = cb_workers / res.jobs + cb_self
        print(f"load average {load_before:.1f} before, {load_after:.1f} after, on {os.cpu_count()} cores")
        print(f"CPU: (a) {ca * 1000 / n:.2f} ms/form; (b) workers {cb_workers * 1000 / n:.2f} + this "
              f"process {cb_self * 1000 / n:.2f} ms/form; (c) {cc * 1000 / n:.2f} ms/form")
        print(f"from CPU time, on idle cores: (b) ≈ {cb * 1000 / n:.2f} ms/form, "
              f"(b)/(a) ≈ {cb / ca:.1f}, (c)/(b) ≈ {cc / cb:.1f}")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
