"""Build examples/guangdong_clean_2023.xlsx: a correctly filled Guangdong form.

It is the checker's reference for "no errors": every amount adds up, every category of the
2015 framework has an indicator, task targets are measured, values carry operator, number
and unit. Run: python scripts/build_clean_example.py [OUT.xlsx]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfxl.core.model import Budget, Form, Indicator, Task  # noqa: E402

OUT = ROOT / "examples" / "guangdong_clean_2023.xlsx"


def clean_form() -> Form:
    tasks = [
        Task("健全现代公共法律服务体系", "全面组织实施“八五”普法规划，落实“谁执法谁普法”责任制。", 120.00,
             "全市办理法律援助案件不少于3000宗，调解矛盾纠纷不少于3500件。"),
        Task("深化行政复议体制改革", "规范市政府行政复议受理中心受理流程，拓宽复议申请渠道。", 60.00,
             "办理行政复议案件不少于150宗。"),
        Task("强化执法监督信息化建设", "推动全市行政执法主体上线一体化平台办案。", 200.00,
             "全市行政执法主体上线一体化平台办案不少于200个。"),
        Task("加强干部教育培训", "制定年度培训计划，开展政治轮训与综合业务培训。", 9.00,
             "开展政治轮训与综合业务培训不少于2场。"),
    ]
    rows = [
        ("产出指标", "数量指标", "法律援助案件办理数量", "≥3000宗", "≥3000宗"),
        ("产出指标", "数量指标", "矛盾纠纷调解数量", "≥3500件", "≥3500件"),
        ("产出指标", "数量指标", "行政复议案件办理数量", "≥150宗", "≥150宗"),
        ("产出指标", "数量指标", "上线一体化平台办案的执法主体数量", "≥200个", "≥200个"),
        ("产出指标", "数量指标", "政治轮训与综合业务培训场次", "≥2场", "≥2场"),
        ("产出指标", "质量指标", "设备维护验收合格率", "≥98%", "≥98%"),
        ("产出指标", "时效指标", "全年预算支出率", "≥90%", "≥90%"),
        ("产出指标", "成本指标", "人均培训费", "≤550元/人", "≤550元/人"),
        ("效益指标", "经济效益指标", "非现场执法减少的办案成本", "≥20万元", "≥20万元"),
        ("效益指标", "社会效益指标", "行政复议纠错率", "≤15%", "≤15%"),
        ("效益指标", "生态效益指标", "生态环境领域执法案卷评查合格率", "≥95%", "≥95%"),
        ("效益指标", "可持续影响指标", "公共法律服务平台持续运行", "全年正常运行", "全年正常运行"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥95%", "≥95%"),
    ]
    return Form(
        layout="guangdong",
        title="市直部门整体预算绩效目标申报表",
        department="惠州市司法局",
        year=2023,
        staff_count=128,
        sub_units=1,
        budget=Budget(basic=4120.17, project=851.85, fiscal=4972.02, other=0.00,
                      special_fund=0.00, other_development=851.85, own_level=4972.02,
                      transfer=0.00),
        overall_goal=("目标1：办理法律援助案件不少于3000宗，调解矛盾纠纷不少于3500件，群众满意度达到95%以上；"
                      "目标2：推进行政复议体制改革和执法监督信息化，全市行政执法主体全部上线一体化平台办案。"),
        tasks=tasks,
        indicators=[Indicator(level1=a, level2=b, name=c, annual_value=d, period_value=e)
                    for a, b, c, d, e in rows],
        value_columns=2,
    )


def main(argv: list[str]) -> int:
    from perfxl.adapters.template import write_form

    out = Path(argv[1]) if len(argv) > 1 else OUT
    write_form(clean_form(), out)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
