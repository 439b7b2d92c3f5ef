"""perfxl's Excel worksheet functions (xlwings UDFs), all named ``PERF_…``.

Each function is a thin wrapper over ``perfxl.core.calc`` (or the rules engine for
PERF_CHECK). Excel passes a single cell as a scalar (float, str, bool, None for empty)
and a range as a list (of lists); the wrappers accept both. Anything that cannot be
computed comes back as readable text ``#PERF! <原因>``, never as a Python traceback.

The add-in build (perfxl/addin/vba.py) and ``perfxl.excel.metadata`` read this module's
syntax tree: keep every UDF a module-level function decorated with ``@xw.func`` and
document every argument with ``@xw.arg(name, doc=...)``. Parameters carry no type hints,
because xlwings would take them as converters. Argument names are ASCII VBA identifiers
(they become the VBA wrapper's parameters); the Chinese text is in the docs.
"""

import functools
import re
from typing import Any

import xlwings as xw

from perfxl.core import calc
from perfxl.core.findings import SEVERITY_LABELS
from perfxl.core.grid import Grid
from perfxl.core.parsing import NotAForm, parse_grid
from perfxl.core.rules.engine import check_form
from perfxl.core.values import parse_target

CATEGORY = "perfxl 绩效目标"
ERROR = "#PERF!"


class _Refused(Exception):
    """An argument Excel passed that the function cannot use; the message is Chinese."""


def _error(reason: str) -> str:
    return f"{ERROR} {reason}"


def _safe(f):
    """Turn any failure into ``#PERF! …`` text: a worksheet must never see a traceback."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except _Refused as exc:
            return _error(str(exc))
        except Exception as exc:  # noqa: BLE001 - the cell shows the error, Excel survives
            return _error(f"计算出错（{type(exc).__name__}）")

    return wrapper


def _scalar(value: Any, label: str) -> Any:
    """A single cell's value; a one-cell range passed as a list is unwrapped."""
    while isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise _Refused(f"{label}应为单个单元格")
        value = value[0]
    return value


def _cells(value: Any) -> list[Any]:
    """All values of a range, row by row (a scalar is a one-cell range)."""
    if isinstance(value, (list, tuple)):
        out: list[Any] = []
        for v in value:
            out.extend(_cells(v))
        return out
    return [value]


def _rows(value: Any) -> list[list[Any]]:
    if not isinstance(value, (list, tuple)):
        return [[value]]
    if not value or not isinstance(value[0], (list, tuple)):
        return [list(value)]
    return [list(r) for r in value]


def _text(value: Any) -> str:
    value = _scalar(value, "参数")
    return "" if value is None else str(value).strip()


def _rate(rate: calc.Rate):
    return rate.value if rate.value is not None else _error(rate.reason)


@xw.func(category=CATEGORY)
@xw.arg("carry", doc="上年结转（万元），可为空")
@xw.arg("initial", doc="年初预算（万元）")
@xw.arg("adjust", doc="本年调整（万元），调减填负数，可为空")
@_safe
def PERF_BUDGET(carry, initial, adjust=None):
    """预算数（万元）= 上年结转 + 年初预算 + 本年调整，保留两位小数。空单元格按0计。"""
    total = calc.budget_amount(_scalar(carry, "上年结转"), _scalar(initial, "年初预算"),
                               _scalar(adjust, "本年调整"))
    return total.value if total.value is not None else _error(total.reason)


@xw.func(category=CATEGORY)
@xw.arg("actual", doc="实际支出（万元）")
@xw.arg("budget", doc="预算数（万元）；若同时给出后两个参数，则为年初预算")
@xw.arg("carry", doc="可选：上年结转（万元）")
@xw.arg("adjust", doc="可选：本年调整（万元），调减填负数")
@_safe
def PERF_EXECRATE(actual, budget, carry=None, adjust=None):
    """预算执行率 = 实际支出 / 预算数，预算数 = 上年结转 + 年初预算 + 本年调整。结果为比率（设置为百分比格式显示）；预算数为0或为空时返回 #PERF! 说明。"""
    actual = _scalar(actual, "实际支出")
    budget = _scalar(budget, "预算数")
    carry, adjust = _scalar(carry, "上年结转"), _scalar(adjust, "本年调整")
    if carry is None and adjust is None:
        return _rate(calc.execution_rate(actual, budget))
    return _rate(calc.execution_rate_parts(actual, budget, carry, adjust))


@xw.func(category=CATEGORY)
@xw.arg("budget", doc="本年预算数（万元）")
@xw.arg("final_amt", doc="本年决算数（万元）")
@_safe
def PERF_DEVIATION(budget, final_amt):
    """预算资金偏离率 = |本年预算数 − 本年决算数| / 本年预算数。结果为比率（设置为百分比格式显示）。"""
    return _rate(calc.deviation_rate(_scalar(budget, "本年预算数"), _scalar(final_amt, "本年决算数")))


@xw.func(category=CATEGORY)
@xw.arg("amounts", ndim=2, doc="各年度重点工作任务的拟投入资金（万元），选择整列区域")
@xw.arg("project", doc="项目支出（万元）")
@_safe
def PERF_COVERAGE(amounts, project):
    """任务资金覆盖率 = 各任务拟投入资金合计 / 项目支出。超过100%说明任务资金超出项目支出。"""
    return _rate(calc.coverage(_cells(amounts), _scalar(project, "项目支出")))


@xw.func(category=CATEGORY)
@xw.arg("target", doc="指标值，如“≥95%”“不少于3000宗”“≤550元/人”")
@_safe
def PERF_PARSE_TARGET(target):
    """把指标值拆分为运算符、数值、单位三个单元格（向右溢出），如“≥3000宗”→ ≥ | 3000 | 宗。"""
    t = parse_target(_scalar(target, "指标值"))
    if t.kind == "empty":
        return _error("指标值为空")
    if not t.quantitative:
        return _error(f"定性指标“{t.text}”，没有数值")
    return [[t.operator, t.number, t.unit]]


@xw.func(category=CATEGORY)
@xw.arg("target", doc="指标值，如“≥3000宗”“≤550元/人”“≥95%”")
@xw.arg("actual", doc="实际完成值；百分比可写0.95、95或“95%”")
@xw.arg("unit", doc="可选：实际值的单位（如“元”“万元”“件”），与指标单位不同时自动换算")
@_safe
def PERF_MEETS(target, actual, unit=None):
    """判断实际值是否达到指标值：达成返回 TRUE，未达成返回 FALSE；定性指标或单位无法换算时返回 #PERF! 说明。"""
    c = calc.compare(_scalar(target, "指标值"), _scalar(actual, "实际值"), _text(unit))
    return c.met if c.met is not None else _error(c.reason)


@xw.func(category=CATEGORY)
@xw.arg("target", doc="年度指标值，如“≥1200件”")
@xw.arg("month_no", doc="监控月份（1–12）")
@_safe
def PERF_EXPECTED(target, month_no):
    """时间进度标准 = 年度指标值 × 月份/12（百分比、元/人等水平类指标不按月折算，为指标值本身）。"""
    q = calc.time_standard(_scalar(target, "指标值"), _scalar(month_no, "月份"))
    return q.number if q.number is not None else _error(q.reason)


@xw.func(category=CATEGORY)
@xw.arg("target", doc="年度指标值，如“≥1200件”“≤100万元”")
@xw.arg("actual", doc="截至监控月份的累计完成值")
@xw.arg("month_no", doc="监控月份（1–12）")
@xw.arg("unit", doc="可选：完成值的单位，与指标单位不同时自动换算")
@_safe
def PERF_LIGHT(target, actual, month_no, unit=None):
    """时间进度监控灯：完成值 / 时间进度标准 <60% 红灯，60%–80% 黄灯，80%–120% 绿灯，≥120% 蓝灯；“≤”类指标未超过上限为绿灯，超出20%以内黄灯，更多为红灯。"""
    p = calc.progress(_scalar(target, "指标值"), _scalar(actual, "完成值"),
                      _scalar(month_no, "月份"), actual_unit=_text(unit))
    return p.label if p.light is not None else _error(p.reason)


@xw.func(category=CATEGORY)
@xw.arg("target", doc="本年指标值，如“≥3000宗”")
@xw.arg("ref_value", doc="比较值：上年值或前三年均值")
@_safe
def PERF_YOY(target, ref_value):
    """指标值相对上年值（或前三年均值）的变化率 =（指标值 − 比较值）/ 比较值，单位自动换算；比较值为0时返回 #PERF! 说明。"""
    c = calc.change(_scalar(target, "指标值"), _scalar(ref_value, "比较值"), "比较值")
    return c.rate if c.rate is not None else _error(c.reason)


@xw.func(category=CATEGORY)
@xw.arg("form_range", ndim=2, doc="整张绩效目标表所在的区域（含标题和各栏目）")
@xw.arg("top_left", doc="可选：区域左上角单元格地址（如“A1”），用于在结果中标出单元格位置")
@xw.arg("layout", doc="可选：表式，“广东”或“山东”，默认自动识别")
@_safe
def PERF_CHECK(form_range, top_left=None, layout=None):
    """检查区域中的绩效目标表，返回发现的问题（每行一条：单元格 规则号 严重程度：说明）；没有问题时返回“未发现问题”。"""
    row0, col0 = _offset(_text(top_left) or "A1")
    grid = Grid(sheet="", cells={(row0 + r, col0 + c): v
                                 for r, row in enumerate(_rows(form_range))
                                 for c, v in enumerate(row)})
    wanted = {"广东": "guangdong", "山东": "shandong", "": None}.get(_text(layout), _text(layout))
    if wanted not in (None, "guangdong", "shandong", "auto"):
        raise _Refused("表式应为“广东”或“山东”")
    try:
        form = parse_grid(grid, wanted).form
    except NotAForm:
        raise _Refused("区域中未找到绩效目标表") from None
    findings = check_form(form)
    if not findings:
        return "未发现问题"
    return "\n".join(f"{f.cell or '-'} {f.rule} {SEVERITY_LABELS.get(f.severity, f.severity)}：{f.message}"
                     for f in findings)


def _offset(address: str) -> tuple[int, int]:
    """(row, col) of an A1 address such as ``B3`` or ``$B$3``, 1-based."""
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})", address.strip())
    if not m:
        raise _Refused(f"左上角单元格“{address}”不是有效地址")
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col
