"""Rule configuration: which framework, tolerances, phrase lists, selection, severities.

Built from a plain dict so that the shell can load it from ``perfxl.toml`` (tomllib)
without the core knowing about files. Keys may be written kebab-case or snake_case.

Selection works like ruff: ``select`` and ``ignore`` hold codes or prefixes (``PX4``,
``PX401``); for each rule the most specific matching prefix wins, and ``ignore`` wins a
tie. PX001 (file cannot be read) is always reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from perfxl.core.findings import SEVERITIES
from perfxl.core.framework import FRAMEWORKS

DEFAULT_VAGUE_PHRASES: tuple[str, ...] = (
    "应做尽做", "应审尽审", "应清尽清", "应收尽收", "应驻尽驻", "按时按量完成", "有序进行",
    "有序开展", "有序推进", "根据下达任务确定", "根据实际情况确定", "依照实际", "左右",
    "基本完成",
)
# Regular expressions; matched against the normalised (NFKC) cell text.
DEFAULT_PLACEHOLDER_PATTERNS: tuple[str, ...] = (
    r"[Xx×]{2,}", r"待填写?", r"待补充", r"[(]\s*单位\s*[)]", r"某某", r"\?\?+",
)
# Satisfaction of the department's own staff does not measure the people it serves.
DEFAULT_INTERNAL_SATISFACTION_WORDS: tuple[str, ...] = (
    "科室", "职工", "员工", "干部", "内部", "本单位", "本部门", "机关人员", "工作人员",
)


class ConfigError(ValueError):
    """A configuration value is wrong; the message is user-facing Chinese."""


@dataclass(frozen=True)
class RuleConfig:
    framework: str = "2015"
    amount_tolerance: float = 0.01  # 万元
    # A year is stale when it is at least this many years before the form's year.
    stale_year_gap: int = 1
    vague_phrases: tuple[str, ...] = DEFAULT_VAGUE_PHRASES
    placeholder_patterns: tuple[str, ...] = DEFAULT_PLACEHOLDER_PATTERNS
    internal_satisfaction_words: tuple[str, ...] = DEFAULT_INTERNAL_SATISFACTION_WORDS
    select: tuple[str, ...] = ("PX",)
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "RuleConfig":
        data = dict(data or {})
        # Allow the table to live under [tool.perfxl] (pyproject.toml) or [check].
        for nest in ("tool", "check"):
            inner = data.pop(nest, None)
            if isinstance(inner, dict):
                inner = inner.get("perfxl", inner) if nest == "tool" else inner
                data.update(inner)
        # The mail commands' table shares the file; perfxl.adapters.mail.settings checks it.
        data.pop("mail", None)
        kwargs: dict[str, Any] = {}
        base = cls()
        for key, value in data.items():
            name = key.replace("-", "_")
            extend = name.startswith("extend_")
            if extend:
                name = name[len("extend_"):]
            if name not in cls.__dataclass_fields__:
                raise ConfigError(f"未知的配置项“{key}”")
            if name == "framework":
                kwargs[name] = _framework(value)
            elif name == "amount_tolerance":
                kwargs[name] = _number(key, value, minimum=0.0)
            elif name == "stale_year_gap":
                kwargs[name] = int(_number(key, value, minimum=1))
            elif name == "severity":
                kwargs[name] = _severities(value)
            else:
                items = _strings(key, value)
                if extend:
                    items = tuple(kwargs.get(name, getattr(base, name))) + items
                kwargs[name] = items
        cfg = cls(**kwargs)
        cfg.validate_patterns()
        return cfg

    def with_selection(self, select: list[str] | None = None, ignore: list[str] | None = None,
                       framework: str | None = None) -> "RuleConfig":
        """Command-line overrides: ``select`` replaces, ``ignore`` extends."""
        out = self
        if select:
            out = replace(out, select=tuple(_codes(select)))
        if ignore:
            out = replace(out, ignore=out.ignore + tuple(_codes(ignore)))
        if framework:
            out = replace(out, framework=_framework(framework))
        return out

    def enabled(self, code: str) -> bool:
        try:
            return _enabled(code, self.select, self.ignore)
        except TypeError:  # lists given in code: not hashable, so not cached
            return _enabled.__wrapped__(code, self.select, self.ignore)

    def severity_of(self, code: str, default: str) -> str:
        return self.severity.get(code, default)

    def validate_patterns(self) -> None:
        for pattern in self.placeholder_patterns:
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"占位符正则表达式“{pattern}”无效：{exc}") from None
            if _matches_empty(compiled):
                raise ConfigError(f"占位符正则表达式“{pattern}”可匹配空文本（每个单元格都会被当作"
                                  "含有占位内容），请修改")


def _matches_empty(pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` can match no characters at all (x*, 待填?|, \\b): PX501 would
    then find an empty placeholder in every text."""
    try:
        from re import _parser  # the parser behind re.compile: its shortest match width

        return _parser.parse(pattern.pattern, pattern.flags).getwidth()[0] == 0
    except Exception:  # no parser, or one that changed: what an empty text shows
        return pattern.search("") is not None


@lru_cache(maxsize=4096)
def _enabled(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    # Cached: every form asks again for every rule.
    if code == "PX001":
        return True
    best_select = max((len(p) for p in select if code.startswith(p)), default=-1)
    best_ignore = max((len(p) for p in ignore if code.startswith(p)), default=-1)
    return best_select >= 0 and best_select > best_ignore


def _framework(value: Any) -> str:
    value = str(value).strip()
    if value not in FRAMEWORKS:
        raise ConfigError(f"指标框架“{value}”无效，可选：{'、'.join(FRAMEWORKS)}")
    return value


def _number(key: str, value: Any, minimum: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ConfigError(f"配置项“{key}”应为不小于 {minimum:g} 的数字")
    return float(value)


def _strings(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"配置项“{key}”应为字符串列表")
    if key.replace("-", "_").endswith(("select", "ignore")):
        return tuple(_codes(value))
    return tuple(v for v in value if v)


def _codes(values: list[str]) -> list[str]:
    out = []
    for item in values:
        for code in str(item).replace("，", ",").split(","):
            if code.strip():
                out.append(_code(code))
    return out


def _code(text: str) -> str:
    """A code or code prefix (PX101, PX4, all) or a rule's English name (level2-unknown)."""
    code = text.strip().upper()
    if code == "ALL":
        return "PX"
    if code.startswith("PX"):
        if not any(known.startswith(code) for known in _rule_codes()):
            raise ConfigError(f"没有代码为“{code}”或以它开头的规则（可用 perfxl rules 查看全部规则）")
        return code
    from perfxl.core.rules.registry import get_rule  # not at import: the rule modules import this one

    rule = get_rule(text)
    if rule is None:
        raise ConfigError(f"规则“{text.strip()}”无效：应为 PX 开头的代码（如 PX101 或 PX4）"
                          "或规则的英文标识（如 level2-unknown，见 perfxl rules）")
    return rule.code


def _rule_codes() -> list[str]:
    # Imported here: the rule modules import this one.
    from perfxl.core.rules.registry import all_rules

    return [rule.code for rule in all_rules()]


def _severities(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError("配置项“severity”应为“规则代码 = 级别”的表")
    out = {}
    labels = {"错误": "error", "警告": "warning", "提示": "info"}
    for code, sev in value.items():
        sev = labels.get(str(sev), str(sev).lower())
        if sev not in SEVERITIES:
            raise ConfigError(f"规则 {code} 的级别“{sev}”无效，可选：error、warning、info")
        code = str(code).strip()
        code = code.upper() if code.upper().startswith("PX") else _code(code)  # or an English name
        if code not in _rule_codes():
            # A prefix would match nothing here either: levels are looked up per rule.
            raise ConfigError(f"[severity] 中的规则代码“{code}”不存在，级别须按单条规则设置，如 PX401"
                              "（可用 perfxl rules 查看全部规则）")
        out[code] = sev
    return out
