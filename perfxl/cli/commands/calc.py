"""perfxl calc FILE…: the derived figures of filled forms (totals, coverage, changes
against 上年值 and 前三年均值), as computed by perfxl.core.calc."""

from __future__ import annotations

import argparse
import json
import sys

from perfxl.core.calc import form_figures
from perfxl.core.calc_text import figures_text
from perfxl.core.findings import FormReadError

NAME = "calc"
HELP = "计算申报表的预算合计、任务资金覆盖率，以及指标值相对上年值、前三年均值的变化"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="文件", help="已填写的申报表 .xlsx 文件")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="输出格式：text（默认，便于阅读）或 json")


def run(args: argparse.Namespace) -> int:
    from perfxl.adapters.xlsx_reader import read_form

    results, status = [], 0
    for name in args.files:
        try:
            form = read_form(name)
        except FormReadError as exc:
            sys.stderr.write(f"{exc.file}：{exc.message}\n")
            status = 2
            continue
        results.append((name, form_figures(form)))
    if args.format == "json":
        payload = [{"file": name, **figures.to_dict()} for name, figures in results]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write("\n".join(figures_text(name, f) for name, f in results))
    return status
