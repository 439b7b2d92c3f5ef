"""argparse speaking Simplified Chinese: help headings, usage and parse errors.

argparse looks every fixed string up through ``gettext`` via its module globals ``_`` and
``ngettext``. ``ArgumentParser`` below swaps those two for a table lookup while one of its
own methods runs, so the rest of the process (pytest, other tools) keeps English argparse.
A string the table does not know (a newer Python rewording one) passes through unchanged:
English in the worst case, never a crash.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator

# argparse's msgids (Python 3.11–3.13) -> Chinese. A translation keeps every %(name)s key
# and the number of bare %s of its msgid; the conversion may differ (%r -> “%s”), which
# is how values come out in Chinese quotes instead of Python's 'x'.
MESSAGES = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "%(heading)s:": "%(heading)s：",
    " (default: %(default)s)": "（默认：%(default)s）",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s：警告：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s（用 -h 查看可用的选项）",
    "the following arguments are required: %s": "缺少必填的参数：%s",
    "one of the arguments %s is required": "必须指定以下参数之一：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多只能有一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "ignored explicit argument %r": "此选项不接受值“%s”",
    "invalid choice: %(value)r (choose from %(choices)s)": "取值“%(value)s”无效（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "值“%(value)s”无效（应为 %(type)s）",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有命令“%(parser_name)s”（可选：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "option '%(option)s' is deprecated": "选项“%(option)s”已不再推荐使用",
    "argument '%(argument_name)s' is deprecated": "参数“%(argument_name)s”已不再推荐使用",
    "command '%(parser_name)s' is deprecated": "命令“%(parser_name)s”已不再推荐使用",
}


def _gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


@contextlib.contextmanager
def _chinese() -> Iterator[None]:
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _gettext, _ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"值“{text}”不是整数") from None


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"值“{text}”不是数字") from None


class ArgumentParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` with Chinese messages; sub-parsers inherit the class."""

    def __init__(self, *args, **kwargs) -> None:
        with _chinese():  # the headings and the -h help are fixed here
            super().__init__(*args, **kwargs)
        # ``type=int``/``float`` go through the registry, so the commands keep the plain types.
        self.register("type", int, _integer)
        self.register("type", float, _number)

    def parse_known_args(self, *args, **kwargs):
        with _chinese():
            return super().parse_known_args(*args, **kwargs)

    def parse_args(self, *args, **kwargs):  # "unrecognized arguments" is raised here
        with _chinese():
            return super().parse_args(*args, **kwargs)

    def format_usage(self) -> str:
        with _chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with _chinese():
            return super().format_help()

    def error(self, message: str):
        with _chinese():
            super().error(message)
