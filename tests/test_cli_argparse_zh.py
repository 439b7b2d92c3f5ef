"""argparse's own text (help headings, usage, parse errors) comes out in Chinese."""

import argparse
import ast
import inspect
import re

import pytest

from perfxl.cli import main
from perfxl.cli.argparse_zh import MESSAGES

ENGLISH_BOILERPLATE = ("usage:", "options:", "positional arguments", "show this help", "error:",
                       "invalid", "required", "unrecognized", "expected", "argument ")

# Raised only for a mistake in perfxl's own add_argument calls, never for what a user typed.
DEVELOPER_ONLY = {
    ".__call__() not defined", "'required' is an invalid argument for positionals",
    "mutually exclusive arguments must be optional", "%r is not callable",
    "cannot merge actions - two groups are named %r",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r",
    "dest= is required for options like %r", "invalid conflict_resolution value: %r",
    "cannot have multiple subparser arguments", "conflicting subparser: %s",
    "conflicting subparser alias: %s", 'argument "-" with mode %r', "unexpected option string: %s",
    "conflicting option string: %s", "conflicting option strings: %s", "subcommands",
}


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


@pytest.mark.parametrize("argv", [("-h",), ("template", "-h"), ("library", "search", "-h")],
                         ids=["main", "template", "library-search"])
def test_help_has_no_english_boilerplate(capsys, argv):
    code, out, _ = _run(capsys, *argv)
    assert code == 0
    assert out.startswith("用法：perfxl")
    assert "显示本帮助并退出" in out
    assert "选项" in out
    for english in ENGLISH_BOILERPLATE:
        assert english not in out


@pytest.mark.parametrize("argv, expected", [
    (("template", "--layout", "guangdong", "--year", "x", "-o", "t.xlsx"), "参数 --year：值“x”不是整数"),
    (("consolidate", "d", "-o", "s.xlsx", "--timeout", "soon"), "参数 --timeout：值“soon”不是数字"),
    (("template", "--layout", "guangdong"), "缺少必填的参数：--year, -o/--output"),
    (("read", "--bogus", "a.xlsx"), "无法识别的参数：--bogus"),
    (("read", "--format", "xml", "a.xlsx"), "参数 --format：取值“xml”无效（可选："),
    (("frob",), "取值“frob”无效"),
    (("read", "a.xlsx", "--format"), "参数 --format：需要一个值"),
    (("distribute", "r.xlsx", "--year", "2025", "-o", "out", "--send", "--dry-run"),
     "参数 --dry-run：不能与参数 --send 同时使用"),
], ids=["int", "float", "required", "unknown-option", "choice", "command", "missing-value", "exclusive"])
def test_parse_errors_are_chinese_with_status_2(capsys, argv, expected):
    code, out, err = _run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert expected in err
    assert "：错误：" in err and err.startswith("用法：perfxl")
    for english in ENGLISH_BOILERPLATE:
        assert english not in err


def _placeholders(text: str) -> tuple[list[str], int]:
    named = sorted(re.findall(r"%\((\w+)\)", text))
    bare = len(re.findall(r"%[sr]", text))  # %(name)s is excluded: its "(" sits between
    return named, bare


@pytest.mark.parametrize("msgid", sorted(MESSAGES))
def test_translation_keeps_the_placeholders(msgid):
    # A lost or renamed placeholder would raise KeyError/TypeError inside argparse.
    assert _placeholders(MESSAGES[msgid]) == _placeholders(msgid)


def test_every_user_facing_message_of_this_python_is_translated():
    """A newer Python that rewords a message shows up here instead of as English output."""
    msgids = set()
    for node in ast.walk(ast.parse(inspect.getsource(argparse))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "ngettext"):
            msgids.update(a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
    assert msgids - DEVELOPER_ONLY - set(MESSAGES) == set()


def test_unknown_strings_pass_through_and_other_parsers_stay_english():
    from perfxl.cli.argparse_zh import _gettext, _ngettext

    assert _gettext("a message from a future Python") == "a message from a future Python"
    assert _ngettext("one %s thing", "%s things", 2) == "%s things"
    main_parser_help = argparse.ArgumentParser(prog="other").format_help()
    assert main_parser_help.startswith("usage: other")
