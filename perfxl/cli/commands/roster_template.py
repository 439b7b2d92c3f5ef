"""perfxl roster-template: write the blank distribution roster."""

from __future__ import annotations

NAME = "roster-template"
HELP = "生成空白的部门名单模板（分发申报表时使用）"


def add_arguments(p) -> None:
    p.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 .xlsx 文件")


def run(args) -> int:
    from perfxl.adapters.roster_xlsx import write_roster_template

    path = write_roster_template(args.output)
    print(f"已生成部门名单模板：{path}")
    return 0
