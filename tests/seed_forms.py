"""Forms transcribed from the two seeds, built in code (no workbook needed).

Cells follow a plausible layout so that location logic can be exercised; the file-level
acceptance tests use the real example workbooks instead.
"""

from __future__ import annotations

from perfxl.core.model import Budget, Form, History, Indicator, Source, Standard, Task

GD_TASKS = [
    ("坚定不移强化政治统领", "开展政治轮训与综合业务培训2场。", 9.00, "推动全系统各级党组织学原文、悟原理、谈体会。"),
    ("全面加强我市法治建设", "开展督察。", 10.00, "总结行政机关工作苗头性、倾向性问题不少于30次，提出纠正意见建议不少于20次。"),
    ("强化执法监督信息化建设", "实现全覆盖。", 200.00, "全市行政执法主体上线一体化平台办案不少于200个，通过信息平台公示案件不少于50000份，并产生非现场执法案件10000宗。"),
    ("创新推进“放管服”改革", "推行行政裁量权基准制度。", 90.00, "出台印发《惠州市推进包容审慎监管工作实施方案》，并对外公布实施。组织不少于20个部门应用“无证明城市系统”，清理证明材料不少于300项。"),
    ("深化行政复议体制改革", "规范完善受理流程。", 60.00, "经办涉及市政府行政复议、应诉等各类行政争议不少于200宗，其中行政复议案件不少于150宗，行政应诉案件不少于50宗。"),
    ("提升政府立法立规与法律顾问工作质效", "健全机制。", 20.00, "办理各类法律事务不少于200件。"),
    ("健全现代公共法律服务体系", "全面组织实施“八五”普法规划。", 120.00, "全市办理法律援助案件不少于3000宗，法律帮助不少于4000件；调解矛盾纠纷不少于3500件，办理公证不少于20000件。"),
    ("强化政务宣传服务能力", "进一步健全政务宣传机制。", 50.00, "实现我市司法行政相关宣传报道被上级部门或主流媒体采纳不少于50篇。"),
    ("提升镇街综合行政执法规范化水平", "继续开展“深调研”活动。", 50.00, "打造10个镇街综合执法示范点"),
]

GD_INDICATORS = [
    ("产出指标", "数量指标", "开展政治轮训与综合业务培训2场次数", "≥2场", "≥2场"),
    ("", "质量指标", "设备维护验收合格率", "100%", "100%"),
    ("", "时效指标", "全年预算支出率", "90%", "90%"),
    ("", "成本标", "人均培训费", "550/人", "550/人"),
    ("时效指标", "经济效益指标", "降低办案成本，实现省一体化行政执法平台“全覆盖”", "平台案件办理宗数2万件以上", "平台案件办理宗数2万件以上"),
    ("", "社会效益指标", "规范完善市政府行政复议受理中心受理流程", "市政府行政复议、应诉等各类行政争议不少于200宗，其中行政复议案件不少于150宗，行政应诉案件不少于50宗。", "市政府行政复议、应诉等各类行政争议不少于200宗，其中行政复议案件不少于150宗，行政应诉案件不少于50宗。"),
    ("", "", "开展普法活动，健全现代公共法律服务体系", "受理法律援助案件≥3000宗", "受理法律援助案件≥3000宗"),
    ("生态效益指标", "提升政府立法立规与法律顾问工作质效，为政府立法立规工作提供更细致明确的指导", "办理各类法律事务不少于200件。", "办理各类法律事务不少于200件。", ""),
    ("满意度指标", "服务对象满意度", "群众满意度", "≥95%", "≥95%"),
]

GD_SHEET = "绩效目标申报表"


def guangdong_seed() -> Form:
    s: dict[str, Source] = {}

    def put(path, cell, raw):
        s[path] = Source(GD_SHEET, cell, raw)

    put("title", "A1", "市直部门整体预算绩效目标申报表")
    put("year", "A2", "(2022年度)")
    put("department", "B3", "惠州市司法局")
    put("staff_count", "C4", None)
    put("sub_units", "E4", 1)
    budget = Budget(basic=4120.17, project=851.85, fiscal=4972.02, other=0.0, special_fund=0.0,
                    other_development=0.0, own_level=0.0, transfer=0.0)
    for key, cell in (("basic", "C6"), ("project", "C7"), ("fiscal", "E6"), ("other", "E7"),
                      ("special_fund", "C9"), ("other_development", "C10"),
                      ("own_level", "E9"), ("transfer", "E10")):
        put(f"budget.{key}", cell, getattr(budget, key))
    put("overall_goal", "A12", "全市司法行政机关坚持……为建设更高水平的平安惠州、法治惠州作出积极贡献。")
    tasks = []
    for i, (name, content, amount, goal) in enumerate(GD_TASKS):
        row = 14 + i
        tasks.append(Task(name, content, amount, goal))
        for attr, col in (("name", "B"), ("content", "C"), ("amount", "D"), ("goal", "E")):
            put(f"tasks[{i}].{attr}", f"{col}{row}", getattr(tasks[-1], attr))
    indicators = []
    for i, (l1, l2, name, annual, period) in enumerate(GD_INDICATORS):
        row = 25 + i
        indicators.append(Indicator(level1=l1, level2=l2, name=name, annual_value=annual,
                                    period_value=period))
        for attr, col in (("level1", "B"), ("level2", "C"), ("name", "D"),
                          ("annual_value", "E"), ("period_value", "F")):
            put(f"indicators[{i}].{attr}", f"{col}{row}", getattr(indicators[-1], attr) or None)
    return Form(layout="guangdong", title="市直部门整体预算绩效目标申报表", department="惠州市司法局",
                year=2022, staff_count=None, sub_units=1, budget=budget,
                overall_goal=s["overall_goal"].raw, tasks=tasks, indicators=indicators,
                value_columns=2, sources=s, file="guangdong_huizhou_2022.xlsx")


# (duty_no, duty, goal, name, explanation, annual, plan, std, avg3, last, note)
SD_ROWS = [
    ("1", "党的建设和群团工作", "推进全面落实从严治党走深走实", "压实全面从严治党主体责任", "依据市委、市纪委有关要求。",
     "党组全年研究全面从严治党不少于2次", "", "党组全年研究全面从严治党不少于2次", "", "党组全年研究全面从严治党不少于2次", ""),
    ("2", "推进法治临沂建设", "内部机构规范运行", "开办培训", "开展推进临沂建设相关培训",
     "15场左右", "满足需求", "20", "18", "21", ""),
    ("", "", "推动压实法治建设责任", "全面分解落实法治建设责任体系", "筹备召开委员会会议",
     "职责内的各项工作应做尽做", "", "职责内的各项工作应做尽做", "", "职责内的各项工作应做尽做", ""),
    ("", "", "强化基层法治创建", "组织协调开展各类主题法治宣传活动", "组织协调好年内各类主题法治宣传活动",
     "按时按量完成", "按时按量完成", "", "", "", ""),
    ("", "", "基层法律服务", "基层法律服务工作者执业核准考试工作有序进行", "协助做好考试工作",
     "基层法律服务工作者执业核准考试工作有序进行", "有序进行", "", "有序进行", "", ""),
    ("4", "维护社会和谐稳定", "人民调解工作", "调解成功率", "调解成功率=本年调解成功纠纷/本年调解纠纷总数",
     "98%", "", "98.00%", "", "99.70%", ""),
    ("5", "特殊人员安置帮教工作", "构建社区矫正规范化工作体系", "创新“队建制”执法模式", "完成社区矫正执法支队建设",
     "2020年底完成", "", "贯彻落实《社区矫正法》有关要求", "", "", ""),
    ("6", "公共法律服务体系建设", "仲裁工作", "提升办案人员队伍建设", "进行相关业务知识培训。",
     "办案人员参加相关培训，计划举办XX场次", "", "3场", "年均参加各类培训3次", "19年参加各类培训6次", ""),
    ("", "", "法律援助", "补贴发放", "预算支出中35万元足额发放，发放率=发放额/35",
     "发放率100%", "", "发放率100%", "", "", ""),
    ("", "", "公证工作", "加强公证质量检查", "加强质量风险意识教育，严格公证质量监督检查",
     "应做尽做", "", "", "", "", ""),
    ("9", "行政执法监督", "行政执法案卷评查工作", "完成2020年度行政执法案卷评查工作", "完成对市直部门2020年办结的行政处罚案卷评查",
     "完成2020年度行政执法案卷评查工作", "", "完成2020年度行政执法案卷评查工作", "均已完成", "已完成", ""),
    ("10", "资金情况", "预算资金使用的合规性", "预算资金偏离率", "预算资金偏离率=(本年预算数-本年决算数)/本年预算数*100%-1。",
     "0%", "", "0%", "", "", ""),
    ("11", "综合管理工作", "协助各科室工作", "各科室的满意度评价", "以本年实际情况各科室不记名打分的方式",
     "依照实际打分情况", "", "依照实际打分情况", "", "", ""),
]

SD_SHEET = "部门整体绩效目标表"
SD_COLUMNS = (("duty_no", "A"), ("duty", "B"), ("goal", "C"), ("name", "D"), ("explanation", "E"),
              ("annual_value", "F"), ("standard.plan_value", "G"), ("standard.value", "H"),
              ("history.avg3", "J"), ("history.last_year", "K"), ("note", "M"))


def shandong_seed() -> Form:
    s: dict[str, Source] = {}

    def put(path, cell, raw):
        s[path] = Source(SD_SHEET, cell, raw)

    put("title", "A1", "2021年度部门预算整体绩效目标表")
    put("year", "A1", "2021年度部门预算整体绩效目标表")
    put("department", "B2", "临沂市司法局")
    budget = Budget(basic=2187.54, project=606.51, fiscal=2690.54, other=103.51, declared_total=2794.05)
    for key, cell, raw in (("declared_total", "D2", "2794.05万元"), ("fiscal", "H2", "2690.54万元"),
                           ("other", "H3", "103.51万元"), ("basic", "L2", "2187.54万元"),
                           ("project", "L3", "606.51万元")):
        put(f"budget.{key}", cell, raw)
    put("overall_goal", "B4", "临沂市司法行政工作始终围绕“一个统筹、四大职能”……")
    indicators = []
    for i, r in enumerate(SD_ROWS):
        ind = Indicator(duty_no=r[0], duty=r[1], goal=r[2], name=r[3], explanation=r[4],
                        annual_value=r[5], standard=Standard(plan_value=r[6], value=r[7]),
                        history=History(avg3=r[8], last_year=r[9]), note=r[10])
        indicators.append(ind)
        values = dict(zip(("duty_no", "duty", "goal", "name", "explanation", "annual_value",
                           "standard.plan_value", "standard.value", "history.avg3",
                           "history.last_year", "note"), r))
        for attr, col in SD_COLUMNS:
            put(f"indicators[{i}].{attr}", f"{col}{8 + i}", values[attr] or None)
    return Form(layout="shandong", title="部门预算整体绩效目标表", department="临沂市司法局",
                year=2021, budget=budget, overall_goal=s["overall_goal"].raw, indicators=indicators,
                sources=s, file="shandong_linyi_2021.xlsx")
