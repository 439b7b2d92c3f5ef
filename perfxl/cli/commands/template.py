"""perfxl template: write a blank official form for one department and year."""

from __future__ import annotations

NAME = "template"
HELP = "生成空白的官方申报表模板（广东或山东表式），含公式、下拉列表和打印设置"

_LAYOUT_NAMES = {"guangdong": "广东表式（市直部门整体预算绩效目标申报表）",
                 "shandong": "山东表式（部门预算整体绩效目标表）"}


def add_arguments(p) -> None:
    p.add_argument("--layout", required=True, choices=("guangdong", "shandong"), metavar="表式",
                   help="表式：guangdong（广东）或 shandong（山东）")
    p.add_argument("--year", required=True, type=int, metavar="年度", help="预算年度，例如 2023")
    p.add_argument("--dept", default="", metavar="部门名称", help="部门名称（可留空，由部门自行填写）")
    p.add_argument("--framework", default="2015", choices=("2015", "2021"), metavar="指标体系",
                   help="一级/二级指标下拉列表采用的指标体系：2015（财预〔2015〕88号，默认）"
                        "或 2021（财预〔2021〕101号）")
    p.add_argument("--task-rows", type=int, default=None, metavar="行数",
                   help="年度重点工作任务的空行数（默认 10）")
    p.add_argument("--indicator-rows", type=int, default=None, metavar="行数",
                   help="绩效指标的空行数（默认 20）")
    p.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 .xlsx 文件")


def run(args) -> int:
    from perfxl.adapters.template import BLANK_INDICATOR_ROWS, BLANK_TASK_ROWS, write_template
    from perfxl.cli import UserError

    if not 1900 <= args.year <= 2100:
        raise UserError(f"年度不正确：{args.year}")
    task_rows = BLANK_TASK_ROWS if args.task_rows is None else args.task_rows
    indicator_rows = BLANK_INDICATOR_ROWS if args.indicator_rows is None else args.indicator_rows
    if not (1 <= task_rows <= 500 and 1 <= indicator_rows <= 2000):
        raise UserError("空行数应在 1–500（任务）和 1–2000（指标）之间")
    if not str(args.output).lower().endswith(".xlsx"):
        raise UserError(f"输出文件应为 .xlsx：{args.output}")
    try:
        write_template(args.layout, args.year, args.dept.strip(), args.output, framework=args.framework,
                       task_rows=task_rows, indicator_rows=indicator_rows)
    except OSError as exc:
        raise UserError(f"无法写入 {args.output}：{exc.strerror or exc}") from None
    print(f"已生成{_LAYOUT_NAMES[args.layout]}：{args.output}")
    return 0
