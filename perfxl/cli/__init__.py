"""The ``perfxl`` command.

Every sub-command is a module in ``perfxl/cli/commands/`` that defines ``NAME``, ``HELP``
(Chinese, shown to users), ``add_arguments(parser)`` and ``run(args) -> int``. Modules are
discovered, so adding a command never touches this file.

Exit status: 0 success, 1 the job ran and found errors (e.g. ``check``), 2 bad input or a
file that cannot be read, 141 the reader of stdout went away (``perfxl read … | head``).
Users never see a traceback unless ``PERFXL_DEBUG=1``.

141 is 128 + SIGPIPE, what the shell reports for ``cat``/``grep`` killed the same way, so a
``set -o pipefail`` script treats perfxl like any other Unix tool. SIGPIPE itself stays
ignored (Python's default): restoring SIG_DFL would also kill the process on a dropped
SMTP/IMAP socket instead of raising an error the mail code reports.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from types import ModuleType

from perfxl import __version__
from perfxl.cli.argparse_zh import ArgumentParser
from perfxl.core.findings import FormReadError


class UserError(Exception):
    """A problem the user can fix; the message is Chinese and printed without traceback."""


def command_modules() -> list[ModuleType]:
    from perfxl.cli import commands

    mods = []
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        mods.append(importlib.import_module(f"perfxl.cli.commands.{info.name}"))
    return mods


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="perfxl",
        description="部门整体预算绩效目标表工具：模板、读取、校验、指标库、汇总、分发。",
    )
    parser.add_argument("--version", action="version", version=f"perfxl {__version__}",
                        help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令")
    for mod in command_modules():
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


EXIT_BROKEN_PIPE = 141


def main(argv: list[str] | None = None) -> int:
    _utf8_stdio()
    try:
        status = _run(argv)
        # Output that fit in the buffer meets the closed pipe only here, not at exit.
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_BROKEN_PIPE


def _discard_stdout() -> None:
    # The interpreter flushes stdout once more at exit; pointing the descriptor at devnull
    # makes that flush succeed instead of printing "Exception ignored … BrokenPipeError".
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # a stream without a descriptor (tests)
        pass


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except FormReadError as exc:
        print(f"错误：{exc.file}：{exc.message}", file=sys.stderr)
        return 2
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # not an internal error: main() ends quietly
        raise
    except Exception as exc:  # the last line of defence: never a traceback for users
        if os.environ.get("PERFXL_DEBUG"):
            raise
        print(f"内部错误：{type(exc).__name__}: {exc}（设置 PERFXL_DEBUG=1 可查看详细信息）", file=sys.stderr)
        return 2


def _utf8_stdio() -> None:
    # Windows consoles default to a legacy code page; Chinese output must not crash.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # type: ignore[attr-defined]
        except (AttributeError, ValueError):
            pass
