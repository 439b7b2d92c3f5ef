"""The rule catalogue as Chinese Markdown (docs/guide/rules.md is generated from it)."""

from __future__ import annotations

import re

from perfxl.core.findings import SEVERITY_LABELS
from perfxl.core.rules.registry import GROUPS, Rule, all_rules

HEADER = """# 校验规则一览

<!-- 本页由 `perfxl rules --markdown` 根据规则注册表自动生成，请勿手工修改。 -->

`perfxl check` 和加载项的“校验”按钮按下列规则检查申报表。每条规则有固定的代码（如 PX101）、
默认级别（错误 / 警告 / 提示）和修改建议。有“错误”时，命令以状态 1 退出。

在 `perfxl.toml` 中可以选择或忽略规则、调整级别和参数，例如：

```toml
framework = "2015"            # 指标框架：2015（财预〔2015〕88号）或 2021（财预〔2021〕101号）
amount-tolerance = 0.01       # 合计允许的误差（万元）
ignore = ["PX105", "PX307"]   # 忽略的规则代码或前缀
extend-vague-phrases = ["稳步推进"]   # 追加笼统表述

[severity]
PX401 = "error"
```

命令行中也可用 `--select PX1,PX2`、`--ignore PX5` 临时选择；`perfxl rules PX302` 查看某条规则的说明。
“英文标识”是规则固定不变的英文名，在 `perfxl.toml`、`--select`/`--ignore` 和 `perfxl rules` 中
都可以代替代码，如 `ignore = ["vague-target"]`、`perfxl rules level2-unknown`。
"""


def render_rule(rule: Rule) -> str:
    severity = SEVERITY_LABELS.get(rule.severity, rule.severity)
    return "\n".join([
        f"### {rule.code} {rule.name}",
        "",
        f"- 默认级别：{severity}",
        f"- 提示信息：{rule.message.replace('{', '‹').replace('}', '›')}",
        "",
        rule.explanation,
        "",
    ])


def render_rule_text(rule: Rule) -> str:
    """One rule for the terminal: plain text, the message's blanks shown as “…”."""
    severity = SEVERITY_LABELS.get(rule.severity, rule.severity)
    return "\n".join([
        f"{rule.code}  {rule.name}（英文标识）",
        f"类别：{rule.group}    默认级别：{severity}",
        f"提示信息：{re.sub(r'{[^{}]*}', '…', rule.message)}",
        "",
        rule.explanation,
        "",
    ])


def render_markdown(rules: list[Rule] | None = None) -> str:
    rules = rules if rules is not None else all_rules()
    parts = [HEADER]
    parts.append("## 规则总表\n\n| 代码 | 英文标识 | 类别 | 默认级别 |\n| --- | --- | --- | --- |")
    for rule in rules:
        parts.append(f"| [{rule.code}](#{rule.code.lower()}-{rule.name}) | {rule.name} | "
                     f"{rule.group} | {SEVERITY_LABELS.get(rule.severity, rule.severity)} |")
    parts.append("")
    for prefix, title in GROUPS.items():
        members = [r for r in rules if r.code.startswith(prefix)]
        if not members:
            continue
        parts.append(f"## {prefix}xx {title}\n")
        parts.extend(render_rule(r) for r in members)
    return "\n".join(parts).rstrip() + "\n"
