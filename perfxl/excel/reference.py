"""The Chinese UDF reference page (docs/guide/函数参考.md), generated from the metadata.

Names, descriptions and argument docs come from ``perfxl.excel.metadata.udf_metadata``;
each function's example is called here through ``perfxl.excel.udfs``, so the result the
page shows is what the function returns today. A new ``PERF_…`` function without an entry
in ``EXAMPLES`` makes ``render_markdown`` fail (and with it the docs build and the
staleness test in tests/test_docs.py).

    python -m perfxl.excel.reference > docs/guide/函数参考.md
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

from perfxl.excel.metadata import udf_metadata

# A small 广东样式 form as it would sit in A1:F17 of a sheet: the 成本标 typo and the
# missing 财政供养人数 are defects PERF_CHECK reports.
_FORM = [
    ["市直部门整体预算绩效目标申报表"],
    ["（2025年度）"],
    ["部门名称", "某市某局"],
    ["基本信息", "财政供养人数", None, "下属二级单位数", 1],
    ["预算整体情况", "部门预算支出", "预算金额（万元）", "预算来源", "预算金额（万元）"],
    [None, "基本支出", 300, "财政拨款", 400],
    [None, "项目支出", 100, "其他资金", 0],
    [None, "事业发展性支出", "预算金额（万元）", "按预算级次划分", "预算金额（万元）"],
    [None, "财政专项资金", 0, "省本级使用资金", 400],
    [None, "其他事业发展性支出", 100, "拟用于对下转移支付资金", 0],
    ["总体绩效目标", "全年完成各项法律服务任务，群众满意度不低于95%。"],
    ["年度重点工作任务", "任务名称", "主要实施内容", "拟投入资金（万元）", "期望达到的目标"],
    [None, "法律援助", "办理法律援助案件", 100, "办理法律援助案件不少于3000宗"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值"],
    [None, "产出指标", "数量指标", "法律援助案件数", "≥3000宗"],
    [None, "产出指标", "成本标", "人均培训费", "≤550元/人"],
    [None, "满意度指标", "服务对象满意度指标", "群众满意度", "≥95%"],
]


@dataclass(frozen=True)
class Example:
    formula: str            # the arguments as typed in a cell
    args: tuple[Any, ...]   # what Excel passes the function for them
    note: str               # what the example means, in Chinese


EXAMPLES: dict[str, Example] = {
    "PERF_BUDGET": Example("10, 100, -5", (10.0, 100.0, -5.0),
                           "上年结转 10 万元、年初预算 100 万元、年中调减 5 万元"),
    "PERF_EXECRATE": Example("90, 100", (90.0, 100.0), "预算 100 万元，实际支出 90 万元"),
    "PERF_DEVIATION": Example("100, 107", (100.0, 107.0), "预算 100 万元，决算 107 万元"),
    "PERF_COVERAGE": Example("D10:D12, 60", ([[10.0], [None], [20.0]], 60.0),
                             "三项任务拟投入 10、（空）、20 万元，项目支出 60 万元"),
    "PERF_PARSE_TARGET": Example("\"不少于3000宗\"", ("不少于3000宗",), "把文字指标值拆开"),
    "PERF_MEETS": Example("\"≤5万元\", 48000, \"元\"", ("≤5万元", 48000.0, "元"),
                          "指标值不超过 5 万元，实际 48000 元"),
    "PERF_EXPECTED": Example("\"≥1200件\", 3", ("≥1200件", 3.0), "年度 1200 件，3 月底应完成的进度"),
    "PERF_LIGHT": Example("\"≥1200件\", 500, 6", ("≥1200件", 500.0, 6.0),
                          "年度 1200 件，截至 6 月完成 500 件"),
    "PERF_YOY": Example("\"≥3000宗\", 3200", ("≥3000宗", 3200.0), "今年指标值 3000 宗，上年 3200 宗"),
    "PERF_CHECK": Example("A1:F17, \"A1\"", (_FORM, "A1"),
                          "A1:F17 中是一张填了几处错的广东样式申报表"),
}

HEADER = """\
# 函数参考

<!-- 本页由 `python -m perfxl.excel.reference` 根据 perfxl/excel/udfs.py 自动生成，请勿手工修改。 -->

安装加载项后（见[安装与启用加载项](安装与启用加载项.md)），Excel 中可以直接使用下列以
`PERF_` 开头的工作表函数，和 `SUM` 一样在单元格里输入，例如 `=PERF_EXECRATE(C5, C4)`。
在“插入函数”对话框中，它们列在“{category}”类别下，每个参数都有说明。

- 金额的单位都是万元；指标值可以写成“≥95%”“不少于3000宗”“≤550元/人”等常见写法。
- 结果是比率的函数（如执行率）返回小数，请把单元格设置为百分比格式。
- 无法计算时，函数不会报 Excel 错误，而是返回以 `#PERF!` 开头的一句说明，例如
  `#PERF! 预算数为0，无法计算执行率`。
- 这些函数要在装有加载项的 Excel 中才能计算；没有安装加载项的电脑（以及 WPS、LibreOffice）
  打开文件时，这些单元格显示错误或上次保存的结果。申报表模板自带的合计、平衡校验公式只用
  Excel 内置函数，不受影响。

| 函数 | 用途 |
| --- | --- |
"""


def _signature(fn: dict[str, Any]) -> str:
    parts = [f"[{a['name']}]" if a["optional"] else a["name"] for a in fn["args"]]
    return f"{fn['name']}({', '.join(parts)})"


def _summary(doc: str) -> str:
    """The doc's opening phrase: up to the first formula sign or clause break."""
    return re.split(r"[=：，。]", doc, maxsplit=1)[0].strip()


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def _result(fn: dict[str, Any], value: Any) -> tuple[str, str]:
    """(what the function returns in words, the example's result as shown in the cell)."""
    if isinstance(value, list):
        cells = [c for row in value for c in row]
        return (f"一行 {len(cells)} 个单元格（从公式所在单元格向右填出）",
                " \\| ".join(_value(c) for c in cells))
    if isinstance(value, bool):
        return "TRUE 或 FALSE", _value(value)
    if isinstance(value, (int, float)):
        if "率" in _summary(fn["doc"]):
            return "比率（小数）", f"{_value(value)}（百分比格式显示为 {value:.2%}）"
        return "数值", _value(value)
    lines = str(value).split("\n")
    if len(lines) > 1:
        shown = "<br>".join(lines[:8]) + (f"<br>……（共 {len(lines)} 行）" if len(lines) > 8 else "")
        return "文字，每个问题一行", shown
    return "文字", str(value)


def render_markdown(meta: list[dict[str, Any]] | None = None) -> str:
    from perfxl.excel import udfs

    meta = udf_metadata() if meta is None else meta
    missing = [f["name"] for f in meta if f["name"] not in EXAMPLES]
    if missing:
        raise KeyError(f"no example for {', '.join(missing)} in perfxl/excel/reference.py EXAMPLES")
    category = meta[0]["category"] if meta else ""
    out = [HEADER.format(category=category)]
    for fn in meta:
        out.append(f"| [{fn['name']}](#{fn['name'].lower()}) | {_cell(_summary(fn['doc']))} |\n")
    for fn in meta:
        ex = EXAMPLES[fn["name"]]
        value = getattr(udfs, fn["name"])(*ex.args)
        if isinstance(value, str) and value.startswith(udfs.ERROR):
            raise ValueError(f"the example of {fn['name']} returns an error: {value}")
        kind, shown = _result(fn, value)
        out.append(f"\n## {fn['name']}\n\n{fn['doc']}\n\n```\n={_signature(fn)}\n```\n\n")
        out.append("| 参数 | 必填 | 说明 |\n| --- | --- | --- |\n")
        for a in fn["args"]:
            out.append(f"| `{a['name']}` | {'可选' if a['optional'] else '必填'} | {_cell(a['doc'])} |\n")
        out.append(f"\n**返回**：{kind}；无法计算时返回 `#PERF!` 开头的说明。\n\n")
        out.append(f"**示例**：{ex.note}。\n\n")
        out.append(f"| 公式 | 结果 |\n| --- | --- |\n| `={fn['name']}({_cell(ex.formula)})` | {shown} |\n")
    return "".join(out)


def main() -> int:
    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[attr-defined]
    sys.stdout.write(render_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
