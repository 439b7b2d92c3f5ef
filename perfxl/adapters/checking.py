"""Checking files: read a workbook, run the rules, and load ``perfxl.toml`` settings.

The shell around :func:`perfxl.core.rules.check_form`: a workbook that cannot be read
becomes a PX001 finding instead of an exception, so a batch of files is always checked
to the end.
"""

from __future__ import annotations

import os
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
        raise ConfigError(f"配置文件 {path} 格式有误：{exc}") from None


def find_config(start: Path) -> Path | None:
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None
