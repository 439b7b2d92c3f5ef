"""perfxl read FILE: print the form model of a filled workbook."""

from __future__ import annotations

import argparse
import json

from perfxl.adapters.xlsx_reader import ENGINES, read_form
from perfxl.core.model import Form

NAME = "read"
HELP = "读取已填写的申报表（.xlsx），输出表中内容（JSON 或文本）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="文件", help="已填写的申报表 .xlsx 文件")
    parser.add_argument("--format", choices=("json", "text"), default="text",
                        help="输出格式：json（机器读取）或 text（默认，便于阅读）")
    parser.add_argument("--engine", choices=ENGINES, default="auto",
                        help="读取引擎（默认 auto：优先 calamine，失败时改用 openpyxl）")


def run(args: argparse.Namespace) -> int:
    form = read_form(args.file, engine=args.engine)
    if args.format == "json":
        out = json.dumps(form.to_dict(), ensure_ascii=False, indent=2)
    else:
        out = render_text(form)
    print(out)
    return 0


def _amount(v: float | None) -> str:
    return "（空）" if v is None else f"{v:.2f}"


def _count(v: float | None) -> str:
    return "（空）" if v is None else f"{v:g}"


def render_text(form: Form) -> str:
    b = form.budget
    layout = {"guangdong": "广东样式", "shandong": "山东样式"}.get(form.layout, form.layout)
    lines = [
        f"文件：{form.file}",
        f"表样：{layout}　标题：{form.title or '（无）'}",
        f"部门：{form.department or '（空）'}　年度：{form.year or '（空）'}",
    ]
    if form.layout == "guangdong":
        lines.append(f"财政供养人数：{_count(form.staff_count)}　下属二级单位数：{_count(form.sub_units)}")
    lines += [
        f"基本支出：{_amount(b.basic)}　项目支出：{_amount(b.project)}　合计：{_amount(b.total)}（万元）",
        f"财政拨款：{_amount(b.fiscal)}　其他资金：{_amount(b.other)}（万元）",
    ]
    if form.layout == "guangdong":
        lines.append(f"财政专项资金：{_amount(b.special_fund)}　其他事业发展性支出："
                     f"{_amount(b.other_development)}　本级使用资金：{_amount(b.own_level)}"
                     f"　对下转移支付：{_amount(b.transfer)}")
        lines.append(f"重点工作任务：{len(form.tasks)} 项，拟投入资金合计 "
                     f"{sum(t.amount or 0 for t in form.tasks):.2f} 万元")
        for i, t in enumerate(form.tasks, 1):
            lines.append(f"  {i}. {t.name}（{_amount(t.amount)} 万元）")
    else:
        lines.append(f"部门整体预算总额（填报数）：{_amount(b.declared_total)} 万元")
    lines.append(f"绩效指标：{len(form.indicators)} 行")
    for i, ind in enumerate(form.indicators, 1):
        if form.layout == "guangdong":
            lines.append(f"  {i}. {ind.level1} / {ind.level2} / {ind.name}：{ind.annual_value}"
                         + (f"；{ind.period_value}" if form.value_columns == 2 else ""))
        else:
            lines.append(f"  {i}. [{ind.duty_no}] {ind.duty} / {ind.name}：{ind.annual_value}")
    return "\n".join(lines)
