"""perfxl rules: list the validation rules or explain one."""

from __future__ import annotations

import argparse

from perfxl.cli import UserError
from perfxl.core.findings import SEVERITY_LABELS

NAME = "rules"
HELP = "列出校验规则，或查看某条规则的说明（如 perfxl rules PX302）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", nargs="?", metavar="代码",
                        help="规则代码、代码前缀（如 PX3）或英文标识")
    parser.add_argument("--markdown", action="store_true", help="输出 Markdown 格式的规则一览")


def run(args: argparse.Namespace) -> int:
    from perfxl.core.rules import all_rules, get_rule
    from perfxl.core.rules.catalogue import render_markdown, render_rule_text

    rules = all_rules()
    if args.code:
        one = get_rule(args.code)
        if one is not None:
            rules = [one]
        else:
            prefix = args.code.strip().upper()
            rules = [r for r in rules if r.code.startswith(prefix)]
            if not rules:
                raise UserError(f"没有规则“{args.code}”；用 perfxl rules 查看全部规则")
    if args.markdown:
        print(render_markdown(rules), end="")
    elif len(rules) == 1:
        print(render_rule_text(rules[0]), end="")
    else:
        print(f"代码   {'英文标识':<30} 级别  类别")  # 30, not 34: each CJK character is two columns wide
        for r in rules:
            print(f"{r.code}  {r.name:<34} {SEVERITY_LABELS[r.severity]}  {r.group}")
        print(f"\n查看某条规则的说明：perfxl rules 代码（如 perfxl rules {rules[-1].code}）")
    return 0
