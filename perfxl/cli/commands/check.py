"""perfxl check: validate forms and report findings (text, JSON or CSV), optionally
writing an annotated copy of the workbook."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from perfxl.cli import UserError
from perfxl.core.findings import Finding, format_findings
from perfxl.core.rules import ConfigError

NAME = "check"
HELP = "校验绩效目标表，按单元格列出错误、警告和提示"
FIELDS = ("file", "sheet", "cell", "rule", "severity", "message")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="文件",
                        help="要校验的 .xlsx/.xlsm 文件；给出文件夹时校验其中（含子文件夹）所有工作簿"
                             "（perfxl 生成的汇总表、回收状态表和部门名单除外）")
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text",
                        help="输出格式：text（默认）、json 或 csv")
    parser.add_argument("--select", action="append", metavar="代码",
                        help="只检查这些规则（代码或前缀，逗号分隔，如 PX1,PX302）")
    parser.add_argument("--ignore", action="append", metavar="代码",
                        help="忽略这些规则（代码或前缀，逗号分隔）")
    parser.add_argument("--framework", choices=("2015", "2021"),
                        help="指标框架：2015（财预〔2015〕88号）或 2021（财预〔2021〕101号）")
    parser.add_argument("--config", metavar="perfxl.toml",
                        help="配置文件；不指定时使用当前目录或上级目录中的 perfxl.toml")
    parser.add_argument("--annotate", action="store_true",
                        help="另存一份带标注的副本：问题单元格着色并加批注，另加“校验结果”工作表")
    parser.add_argument("-o", "--output", metavar="输出.xlsx", help="--annotate 的输出文件")


def run(args: argparse.Namespace) -> int:
    from perfxl.adapters.checking import check_file, load_config, unreadable

    if args.annotate and (not args.output or len(args.files) != 1):
        raise UserError("--annotate 需要且只能校验一个文件，并用 -o 指定输出文件")
    try:
        config = load_config(args.config).with_selection(args.select, args.ignore, args.framework)
    except ConfigError as exc:
        raise UserError(str(exc)) from None
    results: list[Finding] = []
    names, empty, skipped = expand(args.files)
    for path, reason in skipped:
        print(f"已跳过：{path}：{reason}", file=sys.stderr)
    for folder in empty:
        what = ("申报表（只有上面跳过的工作簿）" if any(Path(f).is_relative_to(folder) for f, _ in skipped)
                else " .xlsx/.xlsm 工作簿")
        print(f"错误：文件夹 {folder} 中没有找到{what}，未校验任何文件。", file=sys.stderr)
    if not names:
        return 2  # nothing was checked: printing "未发现问题。" would mislead
    any_unreadable = bool(empty)
    for name in names:
        findings = check_file(name, config)
        any_unreadable |= unreadable(findings)
        results.extend(findings)
    sys.stdout.write(render(results, args.format))
    if args.annotate and not any_unreadable:
        from perfxl.adapters.annotate import annotate

        try:
            out = annotate(args.files[0], results, args.output)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        print(f"已写出标注副本：{out}", file=sys.stderr)
    if any_unreadable:
        return 2
    return 1 if any(f.severity == "error" for f in results) else 0


def expand(paths: list[str]) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """Files as given, and for a folder the workbooks in it as ``consolidate`` finds them
    (subfolders too; old ``.xls`` files are included so that they are reported as
    unreadable instead of silently left out). Also returns the folders that held no form,
    and (file, why) for what a folder held but is no form to check: perfxl's own summary,
    回收状态 and 部门名单 workbooks, and in a distribution folder the 未匹配 copies of returns
    stored again under their department."""
    from perfxl.adapters.batch import discover, own_workbook
    from perfxl.adapters.mail.collect import RETURNS, UNMATCHED, Store

    out: list[str] = []
    empty: list[str] = []
    skipped: list[tuple[str, str]] = []
    copies: dict[Path, set[Path]] = {}  # distribution folder → its superseded 未匹配 copies
    for p in paths:
        if Path(p).is_dir():
            found = []
            for source in discover([p]):
                path = Path(source.path).resolve()
                if path.parent.name == UNMATCHED and path.parent.parent.name == RETURNS:
                    workdir = path.parent.parent.parent
                    if workdir not in copies:
                        copies[workdir] = Store(workdir).superseded()
                if path in copies.get(path.parent.parent.parent, ()):
                    skipped.append((source.path, "回收时未匹配的副本，该表已归到部门文件夹中另存一份，在那里校验。"))
                elif reason := own_workbook(source.path):
                    skipped.append((source.path, reason))
                else:
                    found.append(source.path)
            out.extend(found)
            if not found:
                empty.append(p)
        else:
            out.append(p)
    return out, empty, skipped


def render(findings: list[Finding], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(f.to_dict() for f in findings)
        return buf.getvalue()
    return format_findings(findings)


