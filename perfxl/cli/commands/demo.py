"""perfxl demo [-o DIR]: the whole job on the bundled examples (perfxl.adapters.demo)."""

from __future__ import annotations

import argparse

NAME = "demo"
HELP = "用示例数据演示全流程：空白模板、导入、校验、指标填充、分发（只生成邮件）、汇总"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", default="demo-output", metavar="文件夹",
                        help="输出文件夹（默认 demo-output；上次演示的输出会被替换）")


def run(args: argparse.Namespace) -> int:
    from perfxl.adapters.demo import DemoError, guide_text, run_demo
    from perfxl.cli import UserError

    try:
        result = run_demo(args.output, progress=print)
    except DemoError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"无法写入 {args.output}：{exc.strerror or exc}") from None
    print()
    print(f"演示输出在 {result.outdir.resolve()}，按下面的顺序打开：")
    print()
    print(guide_text(result), end="")
    return 0 if result.ok else 1
