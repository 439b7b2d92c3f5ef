"""``perfxl library``: search the indicator library, export it, check a custom one."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from perfxl.core.library import Library, LibraryIssue, search
from perfxl.core.library.model import AREAS

NAME = "library"
HELP = "指标库：检索指标、导出可编辑的指标库、检查自定义指标库、由上年报表生成指标库"


def add_library_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--library", action="append", default=[], metavar="文件",
                   help="自定义指标库（.xlsx 或 .tsv），可多次指定；默认与内置指标库合并")
    p.add_argument("--replace", action="store_true", help="只用自定义指标库，不使用内置指标库")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="library_command", metavar="子命令")
    p = sub.add_parser("search", help="按关键词、类别和领域检索指标", description="按关键词、类别和领域检索指标")
    p.add_argument("query", nargs="*", metavar="关键词", help="关键词（可输入词的一部分，如“法援”“满意”）")
    p.add_argument("--area", action="append", default=[], metavar="领域",
                   help=f"适用领域，可多次指定（{'、'.join(AREAS)}）")
    p.add_argument("--level1", action="append", default=[], metavar="一级指标",
                   help="只列出这个一级指标下的指标，如“产出指标”，可多次指定")
    p.add_argument("--level2", action="append", default=[], metavar="二级指标",
                   help="只列出这个二级指标下的指标，如“数量指标”，可多次指定")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="最多显示的条数（默认 20，0 为不限）")
    p.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    add_library_options(p)
    p.set_defaults(_sub=_search)

    p = sub.add_parser("export", help="把指标库导出为可在 Excel 中编辑的工作簿", description="把指标库导出为可在 Excel 中编辑的工作簿")
    p.add_argument("-o", "--output", required=True, metavar="文件.xlsx")
    p.add_argument("--area", action="append", default=[], metavar="领域", help="只导出这些领域的指标")
    add_library_options(p)
    p.set_defaults(_sub=_export)

    p = sub.add_parser("check", help="检查自定义指标库，列出有问题的行号和原因", description="检查自定义指标库，列出有问题的行号和原因")
    p.add_argument("files", nargs="+", metavar="文件")
    p.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    p.set_defaults(_sub=_check)

    p = sub.add_parser("from-history", help="由上年的报表生成指标库（含上年值和填报部门）",
                       description="由上年各部门的部门整体预算绩效目标表生成指标库：每个部门的指标和指标值"
                                   "作为下一年的建议，并在“上年值”“填报部门”“年度”列记录来源。")
    p.add_argument("inputs", nargs="+", metavar="文件或文件夹",
                   help="上年的报表（.xlsx/.xlsm，或文本导出 .txt），文件夹会递归查找")
    p.add_argument("-o", "--output", required=True, metavar="文件.xlsx")
    p.set_defaults(_sub=_from_history)



def run(args: argparse.Namespace) -> int:
    if not getattr(args, "_sub", None):
        print("请指定子命令：search、export、check 或 from-history（perfxl library -h 查看帮助）", file=sys.stderr)
        return 2
    return args._sub(args)


def print_issues(file: str, issues: list[LibraryIssue], stream=None) -> None:
    for issue in issues:
        print(f"{file}：{issue}", file=stream or sys.stderr)


def error_rows(issues: list[LibraryIssue]) -> int:
    return len({i.row for i in issues if i.severity == "error"})


OVERRIDES_SHOWN = 5


def open_library(args: argparse.Namespace) -> Library:
    """The library the options ask for; custom files' problems go to stderr."""
    from perfxl.adapters.library_xlsx import load_libraries

    library, issues, overridden = load_libraries(args.library, replace=args.replace)
    for file, file_issues in issues.items():
        print_issues(file, file_issues)
        skipped = error_rows(file_issues)
        if skipped:
            print(f"{file}：{skipped} 行有错误，未载入（用 perfxl library check 查看）", file=sys.stderr)
    if overridden:
        shown = "、".join(overridden[:OVERRIDES_SHOWN]) + ("等" if len(overridden) > OVERRIDES_SHOWN else "")
        print(f"提示：自定义指标库修改了 {len(overridden)} 条内置指标（{shown}），以自定义的内容为准",
              file=sys.stderr)
    return library


def _search(args: argparse.Namespace) -> int:
    library = open_library(args)
    matches = search(library, " ".join(args.query), areas=args.area, level1=args.level1,
                     level2=args.level2, limit=None)
    hits = matches[:args.limit] if args.limit > 0 else matches
    if args.format == "json":
        json.dump([h.to_dict() for h in hits], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not hits:
        print("没有找到匹配的指标。")
        return 0
    for h in hits:
        ind = h.indicator
        print(f"{ind.id}\t{ind.name}\t{ind.target}")
        meta = [f"{ind.level1} / {ind.level2}", ind.area]
        if ind.source:
            meta.append(ind.source)
        if ind.department:
            meta.append(f"{ind.department}{f' {ind.year}年' if ind.year else ''} 上年值：{ind.last_value or '无'}")
        if h.score:
            meta.append(f"得分 {h.score:.2f}")
        print("\t" + " · ".join(meta))
        if ind.definition:
            print(f"\t{ind.definition}")
    if len(hits) < len(matches):
        print(f"共 {len(matches)} 条，显示前 {len(hits)} 条（--limit 0 显示全部）。")
    else:
        print(f"共 {len(hits)} 条。")
    return 0


def _export(args: argparse.Namespace) -> int:
    from perfxl.adapters.library_xlsx import write_library

    library = open_library(args)
    if args.area:
        library = library.filtered(lambda i: i.area in set(args.area))
    out = write_library(library, args.output)
    print(f"已导出 {len(library)} 条指标到 {out}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from perfxl.adapters.library_xlsx import read_library
    from perfxl.core.findings import FormReadError

    report, failed, unreadable = [], False, False
    for file in args.files:
        try:
            result = read_library(file)
        except FormReadError as exc:  # one bad name must not hide the other files' results
            print(f"错误：{exc.file}：{exc.message}", file=sys.stderr)
            unreadable = True
            continue
        failed = failed or bool(result.errors)
        report.append({"file": file, "indicators": len(result.library),
                       "issues": [i.to_dict() for i in result.issues]})
        if args.format == "text":
            print_issues(file, result.issues, sys.stdout)
            errors = error_rows(result.issues)
            status = f"{errors} 行有错误，未载入" if errors else "没有错误"
            print(f"{file}：有效指标 {len(result.library)} 条，{status}。")
    if args.format == "json":
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        print()
    return 2 if unreadable else 1 if failed else 0


FORM_SUFFIXES = (".xlsx", ".xlsm", ".txt")


def form_files(inputs: list[str]) -> list[Path]:
    """The form files named or found (recursively) in the folders named, sorted."""
    out: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in FORM_SUFFIXES
                          and not f.name.startswith(("~$", ".perfxl-tmp")))
        else:
            out.append(p)
    return out


def read_any_form(path: Path):
    from perfxl.core.findings import FormReadError

    if path.suffix.lower() == ".txt":
        from perfxl.core.textimport import import_text

        try:
            text = path.read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise FormReadError(str(path), f"无法读取文本文件（{type(exc).__name__}）") from None
        try:
            form = import_text(text, name=str(path)).form
        except Exception:
            raise FormReadError(str(path), "不是部门整体预算绩效目标表的文本导出") from None
        form.file = str(path)
        return form
    from perfxl.adapters.xlsx_reader import read_form

    return read_form(path)


def _from_history(args: argparse.Namespace) -> int:
    from perfxl.adapters.library_xlsx import write_library
    from perfxl.core.findings import FormReadError
    from perfxl.core.library.history import library_from_forms

    files = form_files(args.inputs)
    forms, failed = [], 0
    for f in files:
        try:
            forms.append(read_any_form(f))
        except FormReadError as exc:
            failed += 1
            print(f"错误：{exc.file}：{exc.message}", file=sys.stderr)
    if not forms:
        print("错误：没有可读取的报表。", file=sys.stderr)
        return 2
    library, notes = library_from_forms(forms)
    for n in notes:
        print(f"提示：{n}", file=sys.stderr)
    out = write_library(library, args.output, history=True)
    departments = len({i.department for i in library})
    print(f"已由 {len(forms)} 份报表（{departments} 个部门）生成 {len(library)} 条指标：{out}")
    if failed:
        print(f"{failed} 个文件无法读取，未收入。", file=sys.stderr)
    return 1 if failed else 0
