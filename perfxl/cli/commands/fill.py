"""``perfxl fill``: put library indicators into a form, chosen by id or suggested."""

from __future__ import annotations

import argparse
import json
import sys

from perfxl.cli import UserError
from perfxl.cli.commands.library import add_library_options, open_library

NAME = "fill"
HELP = "从指标库向申报表填入三级指标（按编号指定，或根据重点任务推荐）"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("form", metavar="申报表", help="要填写的申报表（.xlsx/.xlsm；原文件不会被修改）")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--ids", nargs="+", metavar="编号", help="要填入的指标编号，如 SF-001 TY-024")
    how.add_argument("--suggest", action="store_true",
                     help="根据部门名称和重点工作任务推荐指标；不带 -o 时只显示推荐结果")
    p.add_argument("-n", type=int, default=10, metavar="N", help="推荐的指标数（默认 10）")
    p.add_argument("-o", "--output", metavar="输出文件", help="填好指标的新文件")
    p.add_argument("--framework", choices=("2015", "2021"),
                   help="申报表使用的指标框架（默认按模板的设定或表中已有的一级指标判断）")
    p.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    add_library_options(p)


def run(args: argparse.Namespace) -> int:
    from perfxl.core.library.fill import FillItem

    library = open_library(args)
    if args.ids:
        if not args.output:
            raise UserError("按编号填入指标时请用 -o 指定输出文件")
        unknown = [i for i in args.ids if i not in library]
        if unknown:
            raise UserError(f"指标库中没有这些编号：{'、'.join(unknown)}（可用 perfxl library search 查找）")
        items = [FillItem(library.get(i)) for i in dict.fromkeys(args.ids)]
        suggestions = []
    else:
        from perfxl.cli.commands.library import read_any_form
        from pathlib import Path

        from perfxl.core.library.suggest import suggest

        form = read_any_form(Path(args.form))
        suggestions = suggest(form, library, n=args.n)
        items = [FillItem(s.indicator, s.target) for s in suggestions]
        if not args.output:
            _print_suggestions(suggestions, args.format)
            return 0
    if not items:
        print("没有可填入的指标。")
        return 0
    from perfxl.adapters.fill_xlsx import fill_form

    result = fill_form(args.form, args.output, items, framework=args.framework)
    plan = result.plan
    if args.format == "json":
        json.dump({
            "output": str(result.output),
            "framework": plan.framework,
            "suggestions": [s.to_dict() for s in suggestions],
            "placed": [{"id": i.indicator.id, "name": i.indicator.name, "value": i.value, "row": row,
                        "where": where} for i, row, where in plan.placed],
            "skipped": [{"id": i.indicator.id, "name": i.indicator.name, "reason": why}
                        for i, why in plan.skipped],
        }, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if suggestions:
        _print_suggestions(suggestions, "text")
    for item, row, where in plan.placed:
        print(f"已填入 {item.indicator.id} {item.indicator.name}（{item.value}）→ 第{row}行，{where}")
    for item, why in plan.skipped:
        print(f"已跳过 {item.indicator.id} {item.indicator.name}：{why}")
    print(f"已保存：{result.output}（原表未修改）")
    return 0


def _print_suggestions(suggestions, fmt: str) -> None:
    if fmt == "json":
        json.dump([s.to_dict() for s in suggestions], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return
    if not suggestions:
        print("没有找到可推荐的指标。")
        return
    print("推荐指标（得分越高越相关）：")
    for s in suggestions:
        ind = s.indicator
        print(f"{s.score:6.2f}  {ind.id}\t{ind.name}\t{s.target}\t[{ind.level1}/{ind.level2}]")
        for reason in s.reasons:
            print(f"\t\t{reason}")
