"""perfxl addin: build, install and inspect the Excel add-in; run a ribbon button headless."""

from __future__ import annotations

import argparse
import os
import re
import sys
import sysconfig
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
    s = sub.add_parser("status", help="（Windows）查看加载项安装情况",
                       description="查看加载项安装在哪里、生成时的 xlwings 版本是否与本机 Python 环境一致。"
                                   "默认查看 XLSTART 和 perfxl addin install 装过的文件夹")
    s.add_argument("--folder", metavar="目录", help="只查看这个文件夹里的加载项")
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


def installs_record() -> Path:
    """Where install lists the folders it wrote to, so status finds add-ins outside XLSTART;
    beside the default venv (%LOCALAPPDATA%\\perfxl), which is per user and needs no registry."""
    base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    return Path(base) / "perfxl" / "addin-folders.txt"


def recorded_folders() -> list[Path]:
    try:
        lines = installs_record().read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    return [Path(line) for line in lines if line.strip()]


def _same(a: Path, b: Path) -> bool:
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def record_folder(folder: Path) -> None:
    from perfxl.adapters.atomic import atomic_path

    folders = recorded_folders()
    if any(_same(folder, f) for f in folders):
        return
    with atomic_path(installs_record()) as tmp:
        tmp.write_text("".join(f"{f}\n" for f in [*folders, folder.absolute()]), "utf-8")


def scripts_folder() -> Path:
    """Where pip put the perfxl and keyring commands for the running Python."""
    return Path(sysconfig.get_path("scripts"))


def path_hint(scripts: Path, path_env: str) -> list[str]:
    """Lines telling how to put ``scripts`` on the user's PATH; empty when it is there."""
    if any(entry and _same(Path(entry.strip('"')), scripts) for entry in path_env.split(os.pathsep)):
        return []
    literal = str(scripts).replace("'", "''")
    return [
        "提示：命令提示符还不能直接输入 perfxl 和 keyring 命令。在命令提示符中运行下面一行，"
        "把它们所在的文件夹加入当前用户的 PATH（不需要管理员权限，只需运行一次）：",
        "  powershell -NoProfile -Command \"[Environment]::SetEnvironmentVariable('Path', "
        f"[Environment]::GetEnvironmentVariable('Path', 'User') + ';{literal}', 'User')\"",
        "然后关闭并重新打开命令提示符，输入 perfxl --version 检查（见《安装与启用加载项》第二步）。",
    ]


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
    if args.folder:
        try:
            record_folder(folder)
        except OSError as exc:
            print(f"未能记下安装位置（{exc}）；查看状态时请用 perfxl addin status --folder \"{folder}\"",
                  file=sys.stderr)
    for line in path_hint(scripts_folder(), os.environ.get("PATH", "")):
        print(line)
    return 0


def _installed(args: argparse.Namespace) -> tuple[list[Path], list[Path]]:
    """(add-in files found, files looked for)."""
    folders = [Path(args.folder)] if args.folder else [xlstart(), *recorded_folders()]
    looked: list[Path] = []
    for folder in folders:
        if not any(_same(folder / "perfxl.xlam", p) for p in looked):
            looked.append(folder / "perfxl.xlam")
    return [p for p in looked if p.is_file()], looked


def _reinstall_command(xlam: Path) -> str:
    if _same(xlam.parent, xlstart()):
        return "perfxl addin install"
    return f'perfxl addin install --folder "{xlam.parent}"'


def dll_folders(interpreter: str) -> list[Path]:
    """Where the add-in's VBA loads xlwings' DLL from: the folder of INTERPRETER_WIN, then
    its parent (a venv keeps the DLL in its root, the interpreter in Scripts)."""
    expanded = re.sub(r"%(\w+)%", lambda m: os.environ.get(m.group(1), m.group(0)), interpreter)
    exe = Path(expanded)
    return [exe.parent, exe.parent.parent]


def _report_dll(interpreter: str, version: str) -> bool:
    names = [f"xlwings64-{version}.dll", f"xlwings32-{version}.dll"]
    folders = dll_folders(interpreter)
    found = [folder / name for folder in folders for name in names if (folder / name).is_file()]
    if found:
        print(f"  xlwings 组件：{found[0]}（找到）")
        return True
    print(f"  找不到 xlwings 组件 {names[0]}（查找了 {folders[0]} 和 {folders[1]}），"
          f"点按钮会提示 “Could not load {names[0]}”。")
    print("  处理：在加载项使用的 Python 环境中重装 xlwings（见《安装与启用加载项》“六、常见问题”第 4 步）。")
    return False


def _status(args: argparse.Namespace) -> int:
    if not _is_windows():
        print(NEED_WINDOWS.format(what="查看加载项状态"))
        return 0
    import xlwings

    from perfxl.addin.build import read_addin

    here = xlwings.__version__
    running = interpreter_setting()
    found, looked = _installed(args)
    if not found:
        print("未找到已安装的加载项。查找过：")
        for path in looked:
            print(f"  {path}")
        print("运行 perfxl addin install 安装；装在其他文件夹的，用 perfxl addin status --folder 该文件夹 查看。")
    ok = bool(found)
    for xlam in found:
        print(f"加载项文件：{xlam}（已安装）")
        try:
            info = read_addin(xlam)
        except ValueError as exc:
            print(f"  {exc}；请关闭 Excel 后运行 {_reinstall_command(xlam)} 重新生成。")
            ok = False
            continue
        print(f"  加载项使用的 Python：{info.interpreter or '未记录'}")
        if info.interpreter and info.interpreter.lower() != running.lower():
            print(f"  注意：与正在运行的 Python（{running}）不同；点按钮若提示找不到 Python 或 perfxl，"
                  f"请用正在运行的这个 Python 执行 {_reinstall_command(xlam)}。")
        if info.xlwings_version is None:
            print("  生成时的 xlwings 版本：未记录（加载项由较早版本的 perfxl 生成），无法检查是否一致；"
                  f"关闭 Excel 后运行 {_reinstall_command(xlam)} 重新生成即可。")
        elif info.xlwings_version == here:
            print(f"  生成时的 xlwings 版本：{info.xlwings_version}，与本机 Python 环境一致。")
            if info.interpreter:
                ok = _report_dll(info.interpreter, info.xlwings_version) and ok
        else:
            ok = False
            print(f"  生成时的 xlwings 版本：{info.xlwings_version}，与本机 Python 环境中的 xlwings {here} 不一致！"
                  f"点按钮会提示 “File not found: xlwings64-{info.xlwings_version}.dll” 之类的错误。")
            print(f"  处理：关闭 Excel，运行 {_reinstall_command(xlam)}，按本机的 xlwings 版本重新生成"
                  "（见《安装与启用加载项》“六、常见问题”）。")
    if len(found) > 1:
        print(f"注意：找到 {len(found)} 份加载项。同时启用会出现两个“绩效目标”选项卡，"
              "请只保留一份（删除不用的文件，或在 Excel 加载项列表中取消勾选）。")
    print(f"本机 Python：{running}（xlwings {here}）")
    return 0 if ok else 1


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


