"""perfxl import TEXT_FILE -o FORM.xlsx: a published form's text extract → filled template."""

from __future__ import annotations

import argparse

from perfxl.adapters.import_workbook import import_file, write_import

NAME = "import"
HELP = "将公开发布的申报表文本（从 PDF/网页复制的制表符分隔文本）导入为已填写的官方模板"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="文本文件", help="从 PDF 或网页复制得到的文本文件")
    parser.add_argument("--layout", choices=("auto", "guangdong", "shandong"), default="auto",
                        help="表样：auto 自动识别（默认）、guangdong 广东样式、shandong 山东样式")
    parser.add_argument("-o", "--output", required=True, metavar="输出文件",
                        help="要生成的申报表 .xlsx 文件")


def run(args: argparse.Namespace) -> int:
    result = import_file(args.file, layout=args.layout)
    write_import(result, args.output)
    print(result.summary)
    print(f"已生成：{args.output}")
    return 0
