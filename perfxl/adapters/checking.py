"""Checking files: read a workbook, run the rules, and load ``perfxl.toml`` settings.

The shell around :func:`perfxl.core.rules.check_form`: a workbook that cannot be read
becomes a PX001 finding instead of an exception, so a batch of files is always checked
to the end.
"""

from __future__ import annotations

import ast
import os
import re
import tomllib
from pathlib import Path

from perfxl.core.findings import Finding, FormReadError
from perfxl.core.rules import ConfigError, RuleConfig, check_form

CONFIG_NAME = "perfxl.toml"


def check_file(path: str | os.PathLike[str], config: RuleConfig | None = None) -> list[Finding]:
    """All findings for one workbook; an unreadable file yields exactly one PX001 finding."""
    from perfxl.adapters.xlsx_reader import read_form

    name = str(path)
    try:
        form = read_form(path)
    except FormReadError as exc:
        return [exc.to_finding()]
    except Exception as exc:  # a reader bug must not stop a batch; report it on the file
        return [FormReadError(name, f"读取时出错（{type(exc).__name__}: {exc}）").to_finding()]
    if not form.file:
        form.file = name
    return check_form(form, config)


def unreadable(findings: list[Finding]) -> bool:
    return any(f.rule == "PX001" for f in findings)


def load_config(path: str | os.PathLike[str] | None = None,
                search_from: str | os.PathLike[str] | None = None) -> RuleConfig:
    """Settings from ``path``, or from the nearest ``perfxl.toml`` above ``search_from``
    (default: the current folder); defaults when there is none."""
    return rule_config(*read_config(path, search_from))


def rule_config(source: Path | None, data: dict) -> RuleConfig:
    """The rule settings of a file :func:`read_config` returned; errors name the file."""
    if source is None:
        return RuleConfig()
    try:
        return RuleConfig.from_dict(data)
    except ConfigError as exc:
        raise ConfigError(f"配置文件 {source}：{exc}") from None


def read_config(path: str | os.PathLike[str] | None = None,
                search_from: str | os.PathLike[str] | None = None) -> tuple[Path | None, dict]:
    """The parsed ``path``, or the nearest ``perfxl.toml`` above ``search_from`` (default:
    the current folder), with the file it came from; ``(None, {})`` when there is none."""
    if path is None:
        path = find_config(Path(search_from or Path.cwd()))
        if path is None:
            return None, {}
    path = Path(path)
    try:
        return path, tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"找不到配置文件 {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"无法读取配置文件 {path}：{exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {path} {toml_error(exc)}") from None


# tomllib's messages (Python 3.11–3.13) -> Chinese, with a hint where clerks go wrong most
# often (unquoted text, Windows paths in double quotes); %s is the key or character named.
_TOML_MESSAGES = [
    (r"Invalid value", "值无效，文字要加英文引号，例如 name = \"财政局\"；数字和 true/false 不加引号"),
    (r"Invalid statement", "无法识别，每行应为“键 = 值”或“[表名]”"),
    (r"Unclosed array", "列表缺少结尾的“]”"),
    (r"Unclosed inline table", "花括号缺少结尾的“}”"),
    (r"Unterminated string", "文字缺少结尾的引号"),
    (r"Unescaped '\\' in a string|Invalid hex value|Escaped character is not a Unicode scalar value",
     "双引号中的“\\”有特殊含义，Windows 路径请用单引号，例如 'D:\\申报\\模板'"),
    (r"Illegal character '\\n'", "文字缺少结尾的引号（一对引号之间不能换行）"),
    (r"(?:Illegal|Found invalid) character (.+)", "有不允许的字符 %s"),
    (r"Expected newline or end of document after a statement", "此处有多余的内容，每行只写一个“键 = 值”"),
    (r"Expected '=' after a key in a key/value pair", "键后面缺少“=”"),
    (r"Invalid initial character for a key part", "键名无效，键名只用英文字母、数字、_ 和 -"),
    (r"Expected '\]' at the end of a table declaration", "表名缺少结尾的“]”"),
    (r"Expected '\]\]' at the end of an array declaration", "表名缺少结尾的“]]”"),
    (r"Expected (.+)", "此处应为 %s"),
    (r"Cannot declare (.+) twice", "表 [%s] 定义了两次"),
    (r"Cannot overwrite a value", "同一个键设置了两次"),
    (r"Duplicate inline table key (.+)", "键 %s 设置了两次"),
    (r"Cannot (?:mutate immutable|redefine) namespace (.+)", "%s 已经定义过，不能再定义"),
    (r"Invalid date or datetime", "日期或时间无效"),
]


def toml_error(exc: tomllib.TOMLDecodeError) -> str:
    """“格式有误（第 3 行第 7 列）：值无效，…” from tomllib's “Invalid value (at line 3,
    column 7)”; a message not in the table is kept in parentheses."""
    text = str(exc)
    found = re.fullmatch(r"(.*) \(at (?:line (\d+), column (\d+)|(end of document))\)", text, re.S)
    if not found:
        return f"格式有误（{text}）"
    message, line, column, at_end = found.groups()
    where = "到文件末尾" if at_end else f"第 {line} 行第 {column} 列"
    for pattern, chinese in _TOML_MESSAGES:
        match = re.fullmatch(pattern, message, re.S)
        if match:
            return f"格式有误（{where}）：{chinese % tuple(map(_toml_key, match.groups()))}"
    return f"格式有误（{where}）：无法识别的写法（{message}）"


def _toml_key(text: str) -> str:
    """tomllib names a table by its key tuple, ``('mail', 'imap')``; users write mail.imap."""
    if text.startswith("("):
        try:
            return ".".join(ast.literal_eval(text))
        except (ValueError, SyntaxError, TypeError):
            pass
    return text


def find_config(start: Path) -> Path | None:
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None
