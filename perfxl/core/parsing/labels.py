"""Form labels and their real-world spellings.

A label is compared by its *key*: NFKC-folded (full-width brackets, colons and digits
become ASCII), with all white space, markdown emphasis and trailing colons removed, so
``年度重点工作  任务``, ``预算金额（万元）`` and ``**总体绩效目标**`` match their canonical
spelling. The key also drops what departments add around a label (``_label_key``): a
leading enumeration (``1.``, ``1、``, ``（一）``, ``一、``, ``(1)``, ``其中：``), a trailing
unit (``（万元）``, ``（元）``, ``（人）``, ``（个）``: ``label_unit()`` keeps it), a seal note
(``（盖章）``), a bracketed explanation or year after a known label (``三级指标（指标名称）``,
``年度指标值（2023年）``) and 合计/小计 after an amount label (``项目支出合计``). Matching stays
exact after that. To support a new variant, add its spelling to the tuple of its field below.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

_DROP = re.compile(r"[\s*#“”\"'‘’「」:]+")
_YEAR_PREFIX = re.compile(r"^\d{4}年度?")


def key(value: Any) -> str:
    """The comparison key of a cell's text ('' for blanks and numbers)."""
    if type(value) is str:
        return text_key(value)
    if value is None or isinstance(value, (int, float)):
        return ""
    return text_key(str(value))


@lru_cache(maxsize=8192)
def text_key(s: str) -> str:
    """``key()`` of a str."""
    return _label_key(_plain_key(s))[0]


def _plain_key(s: str) -> str:
    """NFKC, white space and marks dropped: the key before ``_label_key``."""
    # Forms repeat the same labels thousands of times in a consolidation run, but most of
    # their texts are new, and a full NFKC pass costs ~3 µs. Replacing a full-width
    # character by the ASCII character it decomposes to leaves NFKC's result unchanged,
    # and spares it that pass for the usual non-normalised text (one with "，").
    # ``str.split()`` drops exactly the characters ``\s`` matches.
    for wide, narrow in _FULL_WIDTH:
        if wide in s:
            s = s.replace(wide, narrow)
    s = "".join(unicodedata.normalize("NFKC", s).split())
    return _DROP.sub("", s) if _DROP_MARKS.search(s) else s


_FULL_WIDTH = tuple((c, unicodedata.normalize("NFKD", c)) for c in "，（）：；")
_DROP_MARKS = re.compile(r"[*#“”\"'‘’「」:]")


def label_unit(value: Any) -> str:
    """The unit a label names in its trailing brackets — "万元", "元", "人", "个" … — or "".
    ``key()`` drops it: "项目支出（元）" is the 项目支出 label, with amounts in 元."""
    if value is None or isinstance(value, (int, float)):
        return ""
    return _unit_of_text(value if type(value) is str else str(value))


@lru_cache(maxsize=4096)
def _unit_of_text(s: str) -> str:
    return _label_key(_plain_key(s))[1]


_ENUMERATION = re.compile(
    r"^(?:其中|\d{1,2}[.、)](?!\d)|\(\d{1,2}\)|\([一二三四五六七八九十]{1,3}\)|[一二三四五六七八九十]{1,3}[、.])+")
_ENUMERATION_START = frozenset("0123456789(一二三四五六七八九十其")
_UNIT = re.compile(r"\((?:单位)?(万元|元|千元|亿元|人|个|名|户|家)\)$")
_SEAL = re.compile(r"\((?:盖章|公章|签章|签字|签名)\)$")
_SUM_WORDS = ("合计", "小计")


def _label_key(k: str) -> tuple[str, str]:
    """The key of a label with what departments add around it dropped, and the unit its
    brackets named ("" if none). A text that would be left empty is kept as it is."""
    # Most texts are content, neither enumerated nor ending in ")", 合计 or 小计: two
    # character tests settle them.
    unit = ""
    if k[:1] in _ENUMERATION_START:
        m = _ENUMERATION.match(k)
        if m and m.end() < len(k):
            k = k[m.end():]
    while k.endswith(")") or k.endswith(_SUM_WORDS):
        if k.endswith(_SUM_WORDS):
            if k[:-2] not in _AMOUNT_KEYS:
                break
            k = k[:-2]
            continue
        m = _UNIT.search(k) or _SEAL.search(k)
        if m and m.start():
            unit = unit or (m.group(1) if m.re is _UNIT else "")
            k = k[:m.start()]
            continue
        # a bracketed explanation or year after a known label: 三级指标(指标名称),
        # 年度指标值(2023年); not after a label that is itself a spelling: 指标值(年度)
        head = k[:k.rfind("(")]
        if k in _KNOWN or not head or not _is_known(head):
            break
        k = head
    return k, unit


def _is_known(k: str) -> bool:
    return k in _KNOWN or (_YEAR_PREFIX.match(k) is not None
                           and _YEAR_PREFIX.sub("", k) in ("年度指标值", "指标值"))


# Filled at the end of this module, from the tables below: the tables' own keys are made
# while these are empty (no spelling ends in 合计 or in an explanation of another one).
_AMOUNT_KEYS: frozenset[str] = frozenset()
_KNOWN: frozenset[str] = frozenset()


def clean_text(value: Any) -> str:
    """A text cell as the model stores it: stripped, markdown heading marks removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    s = str(value).strip()
    if s[:1] not in ("#", "*"):
        return s
    s = _HEADING.sub("", s)
    m = _BOLD.fullmatch(s)
    return (m.group(1) if m else s).strip()


_HEADING = re.compile(r"^#{1,6}\s+")
_BOLD = re.compile(r"\*\*(.+)\*\*", flags=re.S)


def _keys(*spellings: str) -> tuple[str, ...]:
    # uncached: ``text_key`` must not remember keys made before _KNOWN is filled
    return tuple(dict.fromkeys(_label_key(_plain_key(s))[0] for s in spellings))


# --- Guangdong (市直部门整体预算绩效目标申报表 / 市级部门整体预算绩效目标表) ---------------
DEPARTMENT = _keys("部门名称", "单位名称", "部门(单位)名称")
BASIC_INFO = _keys("基本信息")
STAFF_COUNT = _keys("财政供养人数", "财政供养人员数")
SUB_UNITS = _keys("下属二级单位数", "下属单位数")
BUDGET_BLOCK = _keys("预算整体情况", "预算整体情况(万元)")
BUDGET_HEADERS = _keys(
    "部门预算支出", "预算金额(万元)", "预算金额", "预算来源", "收入来源", "事业发展性支出",
    "按预算级次划分",
)
BUDGET_FIELDS: dict[str, tuple[str, ...]] = {
    "basic": _keys("基本支出"),
    "project": _keys("项目支出"),
    "fiscal": _keys("财政拨款", "一般公共预算财政拨款", "财政拨款收入"),
    "other": _keys("其他资金", "其他资金(含结转)"),
    "special_fund": _keys("财政专项资金"),
    "other_development": _keys("其他事业发展性支出"),
    "own_level": _keys("本级使用资金", "省本级使用资金", "市本级使用资金", "县本级使用资金",
                       "区本级使用资金"),
    "transfer": _keys("拟用于对下转移支付资金", "对下转移支付资金"),
}
OVERALL_GOAL = _keys("总体绩效目标", "部门整体绩效目标", "部门总体绩效目标")
TASKS_BLOCK = _keys("年度重点工作任务", "年度主要任务")
TASK_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": _keys("任务名称"),
    "content": _keys("主要实施内容", "主要内容"),
    "amount": _keys("拟投入资金(万元)", "拟投入资金", "拟投入资金(元)"),
    "goal": _keys("期望达到的目标", "预期达到的目标"),
}
OTHER_TASKS = _keys("其他需完成的任务(可选填)", "其他需完成的任务", "其他需要完成的任务(可选填)",
                    "其他需要完成的任务")
INDICATORS_BLOCK = _keys("绩效指标")
INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "level1": _keys("一级指标"),
    "level2": _keys("二级指标"),
    "name": _keys("三级指标"),
    "annual_value": _keys("年度指标值", "指标值(年度)"),
    "period_value": _keys("实施周期指标值"),
    "single_value": _keys("指标值"),
}

# --- Shandong (部门预算整体绩效目标表) ---------------------------------------------------
SD_TOTAL = _keys("部门整体预算总额", "部门预算总额")
SD_STRATEGY = _keys("战略目标")
# Header amounts are written as "1.资金来源：（1）财政拨款": matched by their ending.
SD_BUDGET_ENDINGS: dict[str, tuple[str, ...]] = {
    "fiscal": _keys("财政拨款", "财政拨款收入"),
    "other": _keys("其他资金", "其他资金(含结转)"),
    "basic": _keys("基本支出"),
    "project": _keys("项目支出"),
}
SD_COLUMNS: dict[str, tuple[str, ...]] = {
    "duty_no": _keys("职责序号", "序号"),
    "duty": _keys("部门职责", "职责"),
    "goal": _keys("职责目标", "职责目标(说明)", "目标"),
    "name": _keys("绩效指标", "绩效指标名称"),
    "explanation": _keys("指标解释"),
    "annual_value": _keys("年度指标值"),  # also "2021年度指标值", see match_sd_column
    "reference": _keys("指标参考值"),
    "note": _keys("备注"),  # "备注 (标准值和历史值均无的原因/…)"
    "activity": _keys("工作活动"),
    "project": _keys("预算项目"),
}
# Short spellings of core columns: they name a column only in a row naming three of the
# four core columns (shandong._header_map), and are no sign of the layout (detect.py).
SD_GENERIC = _keys("序号", "职责", "目标")
SD_SUBHEADERS = _keys("标准值", "历史值", "来源", "前三年均值", "上年值", "规划值")


def is_one_of(value: Any, keys: tuple[str, ...]) -> bool:
    return key(value) in keys


def ends_with_one_of(value: Any, keys: tuple[str, ...]) -> bool:
    k = key(value)
    return bool(k) and any(k.endswith(x) for x in keys)


def match_sd_column(value: Any) -> str | None:
    """Which Shandong matrix column a header cell names."""
    if type(value) is str:
        return sd_column_of_text(value)
    k = key(value)
    if not k or len(k) > 60:
        return None
    return _sd_column(k)


@lru_cache(maxsize=8192)
def sd_column_of_text(s: str) -> str | None:
    """``match_sd_column()`` of a str."""
    # The matrix parser asks this of every cell of every row, to spot a repeated header.
    k = text_key(s)
    if not k or len(k) > 60:
        return None
    return _sd_column(k)


def _sd_column(k: str) -> str | None:
    # shandong._CORE_KEYS, which picks the rows that may be a header, holds the spellings
    # of SD_COLUMNS: a core column (duty_no, duty, goal, name) spelled in a way only a rule
    # here recognises would never make its row a header. Add core spellings to SD_COLUMNS.
    if k.startswith("备注"):
        return "note"
    if k.endswith("指标值"):
        stripped = _YEAR_PREFIX.sub("", k)
        if stripped in ("年度指标值", "指标值") and k != stripped or k == "年度指标值":
            return "annual_value"
    return _SD_COLUMN_OF_KEY.get(k)


def match_sd_subheader(value: Any) -> str | None:
    """Which 指标参考值 sub-column a header cell names."""
    k = key(value)
    if not k or len(k) > 20:
        return None
    return _sd_subheader(k)


@lru_cache(maxsize=4096)
def _sd_subheader(k: str) -> str | None:
    if "规划值" in k:
        return "plan_value"
    if "均值" in k:
        return "avg3"
    if k == "上年值":
        return "last_year"
    if k == "来源":
        return "source"
    if k.endswith("标准值") and k != "标准值":
        return "std_value"
    if k == "标准值":
        return "standard"
    if k == "历史值":
        return "history"
    return None


def match_column(value: Any, columns: dict[str, tuple[str, ...]]) -> str | None:
    k = column_key(value)
    for name, keys in columns.items():
        if k in keys:
            return name
    return None


def column_key(value: Any) -> str:
    """The key of a table header cell, "2022年度指标值" read as 年度指标值."""
    if type(value) is str:
        return _column_key_of_text(value)
    return _annual_column(key(value))


@lru_cache(maxsize=8192)
def _column_key_of_text(s: str) -> str:
    # The Guangdong parser asks this of every cell of every row, to spot a header.
    return _annual_column(text_key(s))


def _annual_column(k: str) -> str:
    # guangdong._HEADER_KEYS, which picks the rows that may be a header, holds the
    # level1/level2/name spellings of INDICATOR_COLUMNS and not the value columns read
    # here: a header row needs two of those three anyway. A new level1/level2/name
    # spelling goes into INDICATOR_COLUMNS, not into a rule here.
    if _YEAR_PREFIX.match(k):  # "2022年度指标值" is the annual column
        rest = _YEAR_PREFIX.sub("", k)
        if rest in ("指标值", "年度指标值"):
            return key("年度指标值")
    return k


def names_by_key(columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Column name by spelling key, for columns in which no spelling names two columns
    (so a lookup gives what ``match_column`` gives)."""
    out = {k: name for name, keys in columns.items() for k in keys}
    if len(out) != sum(map(len, columns.values())):
        raise ValueError("a spelling names two columns")
    return out


_SD_COLUMN_OF_KEY = names_by_key(SD_COLUMNS)


def is_title(value: Any) -> bool:
    k = key(value)
    return "绩效目标" in k and (k.endswith("表") or "申报表" in k) and len(k) <= 40


def is_derived_label(value: Any) -> bool:
    """A label of a figure the template computes: a 合计/小计/总计 (部门预算支出合计, the task
    table's 合计 row), the 收支平衡校验, the 重点任务资金覆盖率, the Shandong 部门整体预算总额.
    An amount label with 合计 after it (项目支出合计) is the amount's label, not one of these."""
    k = key(value)
    return bool(k) and (k.startswith(_TOTAL_WORDS) or k.endswith(_TOTAL_WORDS) or "校验" in k
                        or "覆盖率" in k or k in SD_TOTAL)


_TOTAL_WORDS = ("合计", "小计", "总计")


# A note stating the unit of every amount of the form, as printed above many tables, by
# key (单位：元, （金额单位：元）…) → the unit. (Keys made uncached, as in _keys().)
UNIT_NOTES = {_label_key(_plain_key(f"{left}{word}:{unit}{right}"))[0]: unit
              for unit in ("万元", "千元", "亿元", "元") for word in ("单位", "金额单位")
              for left, right in (("", ""), ("(", ")"))}


_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# A year in Chinese numerals, digit by digit: 二〇二三年 (○, a circle, is often typed for 〇).
CN_DIGITS = "〇零○一二三四五六七八九"
_CN_YEAR = re.compile(rf"([{CN_DIGITS}]{{4}})\s*年")
_CN_TO_DIGITS = str.maketrans(CN_DIGITS, "000123456789")


def year_in(value: Any) -> int | None:
    if value is None:
        return None
    s = unicodedata.normalize("NFKC", str(value))
    m = _YEAR.search(s)
    if m:
        return int(m.group(1))
    m = _CN_YEAR.search(s)
    year = int(m.group(1).translate(_CN_TO_DIGITS)) if m else 0
    return year if 1900 <= year < 2100 else None


ALL_GUANGDONG_LABELS = frozenset(
    DEPARTMENT + BASIC_INFO + STAFF_COUNT + SUB_UNITS + BUDGET_BLOCK + BUDGET_HEADERS
    + OVERALL_GOAL + TASKS_BLOCK + OTHER_TASKS + INDICATORS_BLOCK
    + tuple(k for ks in BUDGET_FIELDS.values() for k in ks)
    + tuple(k for ks in TASK_COLUMNS.values() for k in ks)
    + tuple(k for ks in INDICATOR_COLUMNS.values() for k in ks)
)


def is_guangdong_label(value: Any) -> bool:
    return key(value) in ALL_GUANGDONG_LABELS


# (see _label_key)
_AMOUNT_KEYS = frozenset(
    k for ks in (*BUDGET_FIELDS.values(), *SD_BUDGET_ENDINGS.values()) for k in ks)
# 序号, 职责, 目标 are too short to tell a label from content: "目标(2023年)" stays text.
_KNOWN = (ALL_GUANGDONG_LABELS | frozenset(
    SD_TOTAL + SD_STRATEGY + tuple(k for ks in SD_COLUMNS.values() for k in ks))
    ) - frozenset(SD_GENERIC)
