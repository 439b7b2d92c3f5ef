"""The ``[mail]`` table of ``perfxl.toml``: mail settings a bureau would otherwise type on
every ``distribute``/``collect``/``remind``.

```toml
[mail]
host = "smtp.example.gov.cn"
sender-name = "市财政局绩效管理科"
templates = "邮件模板"          # relative paths: to the folder of perfxl.toml

[mail.imap]
host = "imap.example.gov.cn"
```

Only what is safe to leave in a shared folder: a password key is refused (credentials
come from the environment or the keyring, see ``credentials.py``). A setting left out is
``None``, so the caller can put its command-line flag first and its default last.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from perfxl.adapters.checking import read_config, rule_config
from perfxl.core.rules import ConfigError, RuleConfig

SMTP_SECURITY = ("starttls", "ssl", "none")
IMAP_SECURITY = ("ssl", "starttls", "none")


@dataclass(frozen=True)
class ImapFileSettings:
    host: str | None = None
    port: int | None = None
    security: str | None = None
    user: str | None = None
    cafile: str | None = None
    folder: str | None = None


@dataclass(frozen=True)
class MailFileSettings:
    """What ``[mail]`` says; ``None`` where it says nothing. Paths are absolute."""

    host: str | None = None
    port: int | None = None
    security: str | None = None
    user: str | None = None
    cafile: str | None = None
    sender: str | None = None
    sender_name: str | None = None
    sender_contact: str | None = None
    rate: float | None = None
    retries: int | None = None
    templates: str | None = None
    instructions: str | None = None  # text, or "@" and an absolute file name
    imap: ImapFileSettings = field(default_factory=ImapFileSettings)
    source: Path | None = None


def load_mail_settings(path: str | os.PathLike[str] | None = None,
                       search_from: str | os.PathLike[str] | None = None) -> MailFileSettings:
    """``[mail]`` of ``path``, or of the nearest ``perfxl.toml`` above ``search_from``
    (default: the current folder). Raises ConfigError naming the file and the key."""
    return mail_settings_of(*read_config(path, search_from))


def load_settings(path: str | os.PathLike[str] | None = None,
                  search_from: str | os.PathLike[str] | None = None) -> tuple[MailFileSettings, RuleConfig]:
    """``[mail]`` and the rule settings of the same file, read once: collect and remind
    judge returned forms by the rules ``perfxl check`` and ``perfxl consolidate`` use."""
    source, data = read_config(path, search_from)
    return mail_settings_of(source, data), rule_config(source, data)


def mail_settings_of(source: Path | None, data: dict) -> MailFileSettings:
    """``[mail]`` of a file :func:`read_config` returned."""
    if source is None:
        return MailFileSettings()
    # Where RuleConfig also looks: [tool.perfxl.mail] in a pyproject.toml given with --config.
    tool = data.get("tool")
    nested = tool.get("perfxl") if isinstance(tool, dict) else None
    table = data.get("mail", nested.get("mail") if isinstance(nested, dict) else None)
    if table is None:
        return MailFileSettings(source=source)
    try:
        return mail_settings(table, source.parent, source)
    except ConfigError as exc:
        raise ConfigError(f"配置文件 {source}：{exc}") from None


def mail_settings(table: Any, folder: Path, source: Path | None = None) -> MailFileSettings:
    """Settings from the parsed ``[mail]`` table; relative paths are taken from ``folder``,
    the one perfxl.toml is in, so the file works from whatever folder a command runs in."""
    values = _values(table, "mail", MailFileSettings, "smtp")
    imap = _values(values.pop("imap", {}), "mail.imap", ImapFileSettings, "imap")
    for settings, key in ((values, "cafile"), (values, "templates"), (imap, "cafile")):
        if settings.get(key):
            settings[key] = str(folder / settings[key])
    text = values.get("instructions")
    if text and text.startswith("@"):
        values["instructions"] = "@" + str(folder / text[1:])
    return MailFileSettings(**values, imap=ImapFileSettings(**imap), source=source)


def parse_rate(value: Any) -> float:
    """Messages per minute from 20, 20.5 or "20/min" ("20/分钟"); ValueError in Chinese."""
    if isinstance(value, bool):
        raise ValueError(f"无法识别的速度“{value}”，应写成 20/min")
    if isinstance(value, (int, float)):
        rate = float(value)
    else:
        text = str(value).strip().lower().removesuffix("/min").removesuffix("/分钟")
        try:
            rate = float(text)
        except ValueError:
            raise ValueError(f"无法识别的速度“{value}”，应写成 20/min") from None
    if not rate > 0:  # also rejects NaN
        raise ValueError("速度必须大于 0")
    return rate


def instructions_text(value: str | None) -> str:
    """The 附加说明 itself: ``value``, or the file named after an ``@``; ValueError in Chinese."""
    text = value or ""
    if text.startswith("@"):
        try:
            return Path(text[1:]).read_text("utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"无法读取说明文件 {text[1:]}：{getattr(exc, 'strerror', None) or exc}") from None
    return text


def _values(table: Any, name: str, cls: type, protocol: str) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise ConfigError(f"[{name}] 应为一个表（以 [{name}] 开头的一段设置）")
    known = {f.name for f in fields(cls)} - {"source"}
    out: dict[str, Any] = {}
    for key, value in table.items():
        attr = key.replace("-", "_")
        if "password" in attr.lower() or attr.lower() in ("pass", "passwd"):
            raise ConfigError(
                f"[{name}] 不能写密码（“{key}”）：请设置环境变量 PERFXL_{protocol.upper()}_PASSWORD，"
                f"或用 “keyring set perfxl-{protocol}:服务器地址 用户名” 保存到系统钥匙串")
        if attr not in known:
            raise ConfigError(f"[{name}] 中有未知的配置项“{key}”，可用：{'、'.join(_kebab(known))}")
        out[attr] = _check(name, key, attr, value)
    return out


def _check(section: str, key: str, attr: str, value: Any) -> Any:
    where = f"[{section}] 的“{key}”"
    if attr == "imap":
        return value  # a table of its own, checked by the caller
    if attr == "port":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
            raise ConfigError(f"{where}应为 1 到 65535 之间的整数端口号")
        return value
    if attr == "retries":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"{where}应为不小于 0 的整数")
        return value
    if attr == "rate":
        try:
            return parse_rate(value)
        except ValueError as exc:
            raise ConfigError(f"{where}：{exc}") from None
    if not isinstance(value, str):
        raise ConfigError(f"{where}应为文字（用英文双引号括起来）")
    value = value.strip()
    if attr == "security":
        choices = IMAP_SECURITY if section == "mail.imap" else SMTP_SECURITY
        if value not in choices:
            raise ConfigError(f"{where}不能是“{value}”，可选：{'、'.join(choices)}")
    return value


def _kebab(names: set[str]) -> list[str]:
    return sorted(n.replace("_", "-") for n in names)
