"""perfxl addin: build, install and inspect the Excel add-in; run a ribbon button headless."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from perfxl.cli import UserError

NAME = "addin"
HELP = "Excel 加载项：生成（build）、安装（install）、查看状态（status）、无界面运行按钮（run）"

NEED_WINDOWS = ("加载项需要 Windows 上的 Microsoft Excel（64 位或 32 位均可）。"
                "本机不是 Windows，无法{what}。在 Linux 上仍可用 perfxl addin build 生成加载项文件，"
                "再复制到 Windows 电脑上用 perfxl addin install 安装。")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="addin_command", metavar="子命令", required=True)
    b = sub.add_parser("build", help="生成 perfxl.xlam 和各官方模板的 .xlsm 版本",
                       description="生成 perfxl.xlam 和各官方模板的 .xlsm 版本（默认写入 dist/）")
    b.add_argument("-o", "--outdir", default="dist", metavar="目录", help="输出目录（默认 dist）")
    b.add_argument("--interpreter", metavar="路径",
                   help="写入 perfxl.conf 的 Python 解释器，可含 %%环境变量%%")
    i = sub.add_parser("install", help="（Windows）把加载项复制到 Excel 启动文件夹并写入配置",
                       description="（Windows）把加载项复制到 Excel 启动文件夹（XLSTART）或指定的受信任文件夹，"
                                   "并在 perfxl.conf 中写入当前 Python 解释器")
    i.add_argument("--folder", metavar="目录", help="安装到这个受信任文件夹，而不是 XLSTART")
    sub.add_parser("status", help="（Windows）查看加载项安装情况", description="查看加载项安装情况")
    r = sub.add_parser("run", help="无界面运行一个功能区按钮（与在 Excel 中点击按钮效果相同）",
                       description="无界面运行一个功能区按钮：读取 --book 指定的工作簿，"
                                   "执行按钮的操作，结果写入 -o 指定的文件（源文件不会被修改）")
    r.add_argument("control_id", metavar="按钮ID", help="按钮 ID，例如 px_check")
    r.add_argument("--book", required=True, metavar="文件", help="要操作的工作簿（.xlsx/.xlsm）")
    r.add_argument("-o", "--output", required=True, metavar="输出文件", help="操作后的工作簿写到这里")
    r.add_argument("--set", action="append", default=[], metavar="键=值",
                   help="按钮运行时需要的参数（在 Excel 中会弹窗询问），可重复")


def run(args: argparse.Namespace) -> int:
    return {"build": _build, "install": _install, "status": _status, "run": _run}[args.addin_command](args)


def _build(args: argparse.Namespace) -> int:
    from perfxl.addin.build import Config, build_all
    from perfxl.addin.vba import BuildError

    config = Config(args.interpreter) if args.interpreter else Config()
    try:
        outputs = build_all(Path(args.outdir), config)
    except BuildError as exc:
        raise UserError(f"无法生成加载项：{exc}") from None
    for path in outputs:
        print(f"已生成：{path}")
    return 0


def _is_windows() -> bool:
    return sys.platform == "win32"


def xlstart() -> Path:
    return Path(os.environ.get("APPDATA", "")) / "Microsoft" / "Excel" / "XLSTART"


def interpreter_setting(executable: str | None = None) -> str:
    """pythonw.exe beside the running interpreter, with the user's folders as variables so
    the add-in survives a renamed profile."""
    exe = Path(executable or sys.executable)
    pythonw = exe.with_name("pythonw.exe")
    text = str(pythonw if pythonw.exists() else exe)
    for var in ("LOCALAPPDATA", "APPDATA", "USERPROFILE"):
        value = os.environ.get(var)
        base = (value or "").rstrip("\\/")
        if base and text.lower().startswith(base.lower() + os.sep):
            return f"%{var}%" + text[len(base):]
    return text


def _install(args: argparse.Namespace) -> int:
    if not _is_windows():
        print(NEED_WINDOWS.format(what="安装加载项"), file=sys.stderr)
        return 2
    from perfxl.addin.build import Config, build_addin

    folder = Path(args.folder) if args.folder else xlstart()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        target = build_addin(folder / "perfxl.xlam", Config(interpreter_setting()))
    except PermissionError:
        raise UserError(f"无法写入 {folder / 'perfxl.xlam'}：文件正被 Excel 使用，请先关闭 Excel 再安装") from None
    print(f"已安装：{target}")
    print("请重新启动 Excel；功能区上会出现“绩效目标”选项卡。")
    return 0


def _status(args: argparse.Namespace) -> int:
    if not _is_windows():
        print(NEED_WINDOWS.format(what="查看加载项状态"))
        return 0
    import xlwings

    target = xlstart() / "perfxl.xlam"
    print(f"加载项文件：{target}（{'已安装' if target.exists() else '未安装'}）")
    print(f"Python 解释器：{interpreter_setting()}")
    print(f"xlwings 版本：{xlwings.__version__}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from perfxl.excel.book import MissingParameter
    from perfxl.excel.dispatch import UnknownControl, run_headless

    params = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UserError(f"--set 的格式应为 键=值：{item}")
        params[key.strip()] = value
    book, out = Path(args.book), Path(args.output)
    if not book.is_file():
        raise UserError(f"找不到文件：{book}")
    if out.resolve() == book.resolve():
        raise UserError("输出文件不能与源文件相同（源文件不会被修改）")
    try:
        text, written = run_headless(args.control_id, book, params, out)
    except UnknownControl:
        from perfxl.excel.handlers import HANDLERS

        raise UserError(f"没有这个按钮：{args.control_id}；可用的按钮：{'、'.join(HANDLERS)}") from None
    except MissingParameter as exc:
        raise UserError(str(exc)) from None
    print(text)
    print(f"已写出：{written}", file=sys.stderr)
    return 0


