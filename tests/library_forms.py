"""Small official-layout workbooks for fill tests, built with openpyxl.

They carry what filling must not break: merged category/duty cells, formulas (task total,
indicator count, budget totals), data validation, defined names, conditional formatting,
a print area and a footer row below the table.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Border, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
INPUT = PatternFill("solid", fgColor="FFF2CC")

def as_text(ws) -> None:
    """Targets such as "=100%" are text on a form, not formulas."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("=") and "%" in cell.value:
                cell.data_type = "s"


GD_SHEET = "申报表"
# (一级, 二级, 三级, 年度指标值) rows 14–20; "" name = a spare row
GD_INDICATORS = [
    ("产出指标", "数量指标", "开展业务培训场次", "≥2场"),
    ("产出指标", "数量指标", "", ""),
    ("产出指标", "质量指标", "设备维护验收合格率", "=100%"),
    ("产出指标", "时效指标", "全年预算支出率", "≥90%"),
    ("效益指标", "社会效益指标", "普法宣传覆盖人次", "≥10000人次"),
    ("效益指标", "可持续影响指标", "法治建设长效机制运行情况", "建立并有效运行"),
    ("满意度指标", "服务对象满意度指标", "群众满意度", "≥95%"),
]


def guangdong_form(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = GD_SHEET
    lists = wb.create_sheet("列表")
    for i, v in enumerate(("数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标",
                           "生态效益指标", "可持续影响指标", "服务对象满意度指标"), start=1):
        lists.cell(i, 1, v)
    ws["A1"] = "2024年度市直部门整体预算绩效目标申报表"
    ws.merge_cells("A1:E1")
    ws.append(["部门名称", "某市司法局"])
    ws.merge_cells("B2:E2")
    ws.append(["基本信息", "财政供养人数", 50, "下属二级单位数", 1])
    ws.append(["预算整体情况", "部门预算支出", "预算金额(万元)", "预算来源", "预算金额(万元)"])
    ws.append([None, "基本支出", 300.5, "财政拨款", 400])
    ws.append([None, "项目支出", 120, "其他资金", 20.5])
    ws.merge_cells("A4:A6")
    ws["G5"] = "=C5+C6"  # 部门预算支出合计
    ws["G6"] = "=E5+E6"
    ws.append(["总体绩效目标", "全面履行司法行政职能，办理法律援助案件不少于3000宗。"])
    ws.merge_cells("B7:E7")
    ws.append([])
    ws.append(["年度重点工作任务", "任务名称", "主要实施内容", "拟投入资金(万元)", "期望达到的目标"])
    ws.append([None, "公共法律服务", "深化法律援助便民服务", 70, "办理法律援助案件不少于3000宗"])
    ws.append([None, "执法监督", "开展行政执法案卷评查", 50, "评查案卷不少于300卷"])
    ws.append([None, "合计", None, "=SUM(D10:D11)", None])
    ws.merge_cells("A9:A12")
    ws.append(["一级指标", "二级指标", "三级指标", "年度指标值", "实施周期指标值"])  # row 13
    for l1, l2, name, value in GD_INDICATORS:
        ws.append([l1, l2, name or None, value or None, value or None])
    # merged categories as on the official form
    ws.merge_cells("A14:A17")
    ws.merge_cells("B14:B15")
    ws.merge_cells("A18:A19")
    as_text(ws)
    ws["A21"] = "填报人："
    ws["G13"] = "指标个数"
    ws["G14"] = "=COUNTA(C14:C20)"
    for row in ws.iter_rows(min_row=13, max_row=20, max_col=5):
        for cell in row:
            cell.border = BOX
            if cell.row > 13 and cell.column >= 3:
                cell.fill = INPUT
    dv1 = DataValidation(type="list", formula1='"产出指标,效益指标,满意度指标"', allow_blank=True)
    dv2 = DataValidation(type="list", formula1="列表!$A$1:$A$9", allow_blank=True)
    ws.add_data_validation(dv1)
    ws.add_data_validation(dv2)
    dv1.add("A14:A20")
    dv2.add("B14:B20")
    ws.conditional_formatting.add("D14:E20", CellIsRule(operator="equal", formula=['""'], fill=INPUT))
    wb.defined_names["PX_INDICATORS"] = DefinedName("PX_INDICATORS", attr_text=f"'{GD_SHEET}'!$A$14:$E$20")
    wb.defined_names["PX_TASK_TOTAL"] = DefinedName("PX_TASK_TOTAL", attr_text=f"'{GD_SHEET}'!$D$12")
    ws.print_area = "A1:E21"
    wb.save(path)
    return path


SD_SHEET = "目标表"
SD_HEADER = ["职责序号", "部门职责", "职责目标", "绩效指标", "指标解释", "2024年度指标值", "指标参考值",
             None, None, None, None, None, "备注", "工作活动", "预算项目"]
SD_SUB1 = [None] * 6 + ["标准值", None, None, "历史值", None, None, None, None, None]
SD_SUB2 = [None] * 6 + ["“十四五”规划值", "2024年标准值", "来源", "前三年均值", "上年值", "来源", None, None, None]


def shandong_form(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SD_SHEET
    ws["A1"] = "2024年度部门预算整体绩效目标表"
    ws.append(["部门名称", "某市司法局", None, "部门整体预算总额", "=G3+G4"])
    ws.append([None, None, None, None, None, "1.资金来源：（1）财政拨款", 400, None, "2.资金结构：（1）基本支出", 300.5])
    ws.append([None, None, None, None, None, "（2）其他资金", 20.5, None, "（2）项目支出", 120])
    ws.append(["战略目标", "全面履行司法行政职能，服务经济社会发展。"])
    ws.append(SD_HEADER)  # row 6
    ws.append(SD_SUB1)
    ws.append(SD_SUB2)
    rows = [
        [1, "维护社会和谐稳定", "人民调解工作", "调解成功率", "调解成功率=成功件数/调解件数×100%", "≥98%",
         None, "98%", "统计报表", None, "99.7%", "统计报表", None, "指导县区开展人民调解", "人民调解经费"],
        [None, None, None, None, None, None, None, None, None, None, None, None, None, None, None],
        [2, "公共法律服务体系建设", "法律援助", "法律援助补贴发放率", "发放额/应发额×100%", "=100%",
         None, "100%", "工作要求", None, "100%", "内部统计", None, "补贴发放", "法援经费"],
        [3, "综合管理工作", "预算管理", "预算执行率", "实际支出/预算数×100%", "≥90%",
         None, "90%", "财政要求", None, "95%", "决算", None, "预算执行监控", "基本支出"],
    ]
    for r in rows:
        ws.append(r)
    as_text(ws)
    ws.merge_cells("A9:A10")
    ws.merge_cells("B9:B10")
    ws.merge_cells("C9:C10")
    ws["A14"] = "填报人："
    ws["Q6"] = "指标数"
    ws["Q7"] = "=COUNTA(D9:D12)"
    ws.merge_cells("G6:L6")
    for row in ws.iter_rows(min_row=6, max_row=12, max_col=15):
        for cell in row:
            cell.border = BOX
    dv = DataValidation(type="list", formula1='"计划标准,行业标准,历史标准,预算支出标准,其他标准"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("I9:I12")
    wb.defined_names["PX_INDICATORS"] = DefinedName("PX_INDICATORS", attr_text=f"'{SD_SHEET}'!$A$9:$O$12")
    ws.print_area = "A1:O14"
    wb.save(path)
    return path
