"""perfxl consolidate: many department forms → one summary workbook."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from perfxl.cli import UserError
from perfxl.core.consolidate import NEEDS_FIX, PASSED, UNREADABLE
from perfxl.core.rules import ConfigError

NAME = "consolidate"
HELP = "汇总多个部门的绩效目标表：逐个读取、校验，生成一个汇总工作簿"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="文件夹或文件",
                        help="要汇总的文件夹（含子文件夹）或 .xlsx/.xlsm 文件")
    parser.add_argument("-o", "--output", required=True, metavar="汇总.xlsx",
                        help="汇总工作簿的保存位置（已存在则替换）")
    parser.add_argument("--year", type=int, metavar="年度",
                        help="汇总年度，如 2024；年度不符的表标为“需修改”")
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="并行进程数（默认：CPU 核数，最多 8）")
    parser.add_argument("--config", metavar="perfxl.toml",
                        help="校验规则配置文件；不指定时使用当前目录或上级目录中的 perfxl.toml")
    parser.add_argument("--framework", choices=("2015", "2021"),
                        help="指标框架：2015（财预〔2015〕88号）或 2021（财预〔2021〕101号）")
    parser.add_argument("--timeout", type=float, default=120.0, metavar="秒",
                        help="单个文件的读取时限（默认 120 秒）")
    parser.add_argument("-q", "--quiet", action="store_true", help="不显示进度")


def run(args: argparse.Namespace) -> int:
    from perfxl.adapters.batch import consolidate
    from perfxl.adapters.checking import find_config, load_config

    if args.jobs is not None and args.jobs < 1:
        raise UserError("--jobs 应为正整数")
    if not args.output.lower().endswith(".xlsx"):
        raise UserError("汇总文件名应以 .xlsx 结尾")
    try:
        config = load_config(args.config).with_selection(framework=args.framework)
    except ConfigError as exc:
        raise UserError(str(exc)) from None
    source = args.config or str(find_config(Path.cwd()) or "")
    bar = ProgressBar(sys.stderr, enabled=not args.quiet)
    try:
        result = consolidate(args.inputs, args.output, jobs=args.jobs, year=args.year,
                             config=config, progress=bar.update, timeout=args.timeout,
                             config_source=source)
    except FileNotFoundError as exc:
        raise UserError(f"找不到 {exc.args[0]}") from None
    except ValueError as exc:
        raise UserError(str(exc)) from None
    except PermissionError:
        raise UserError(f"无法写入 {args.output}：文件可能正在 Excel 中打开，请关闭后重试") from None
    except IsADirectoryError:
        raise UserError(f"{args.output} 是一个文件夹，请指定汇总文件名") from None
    finally:
        bar.finish()
    for name, why in result.skipped:
        print(f"已跳过：{name}：{why}", file=sys.stderr)
    c = result.status_counts
    print(f"已写出汇总：{result.output}（{result.files} 个文件：通过 {c[PASSED]}，"
          f"需修改 {c[NEEDS_FIX]}，无法读取 {c[UNREADABLE]}；读取校验 {result.read_seconds:.1f} 秒，"
          f"写出 {result.write_seconds:.1f} 秒）", file=sys.stderr)
    if c[UNREADABLE]:
        return 2
    return 1 if c[NEEDS_FIX] else 0


class ProgressBar:
    """A one-line progress bar on a terminal; silent when the stream is not a TTY."""

    WIDTH = 30

    def __init__(self, stream, enabled: bool = True) -> None:
        self.stream = stream
        self.enabled = enabled and hasattr(stream, "isatty") and stream.isatty()
        self._last = 0.0
        self._shown = False

    def update(self, done: int, total: int, path: str) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        filled = self.WIDTH * done // max(total, 1)
        name = path if len(path) <= 40 else "…" + path[-39:]
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total} {name}\x1b[K")
        self.stream.flush()
        self._shown = True

    def finish(self) -> None:
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = False
