"""Turning raw library rows into indicators, reporting every row that is wrong.

Used for the built-in library's source, for workbooks finance staff edit by hand and for
libraries built from last year's forms. A row with an error is reported with its row
number and left out of the library; nothing is dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from perfxl.core.framework import VALUE_SOURCES
from perfxl.core.library.model import (
    FIELDS, GENERAL_AREA, HEADER_ALIASES, HEADERS, LIBRARY_OPERATORS, Library, LibraryIndicator,
    is_valid_category, known_level1, known_level2, split_keywords,
)
from perfxl.core.values import UNITS, normalize, parse_target

REQUIRED = ("id", "level1", "level2", "name")
PLACEHOLDERS = re.compile(r"(?i)x{2,}|待填写|待定|示例指标")
# "(单位)" is a placeholder in a value or unit cell, but ordinary prose in a definition.
UNIT_PLACEHOLDER = re.compile(r"^\(?单位\)?$|\(单位\)")
_CURRENCY = ("元", "万元", "亿元", "千元")
_OPERATOR_SPELLINGS = {"≥": "≥", "≤": "≤", "=": "=", ">": ">", "<": "<", "≧": "≥", "≦": "≤",
                       ">=": "≥", "<=": "≤", "=>": "≥", "=<": "≤", "不少于": "≥", "不低于": "≥",
                       "不超过": "≤", "不高于": "≤", "等于": "="}
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class LibraryIssue:
    """One problem in one row (``row`` is the spreadsheet row number, 1-based)."""

    row: int
    column: str  # Chinese header, or "" for the whole row
    message: str  # Chinese
    severity: str = "error"  # error: the row is left out; warning: kept

    def __str__(self) -> str:
        where = f"第{self.row}行" + (f"【{self.column}】" if self.column else "")
        label = "错误" if self.severity == "error" else "警告"
        return f"{where}{label}：{self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message,
                "severity": self.severity}


@dataclass
class LoadResult:
    library: Library
    issues: list[LibraryIssue]

    @property
    def errors(self) -> list[LibraryIssue]:
        return [i for i in self.issues if i.severity == "error"]


# Fields whose text is folded (full-width → ASCII, ≧ → ≥); names and definitions keep
# the Chinese punctuation people typed.
_FOLDED = ("id", "level1", "level2", "operator", "value", "unit", "source", "area", "year")


def _cell_text(value: Any, fold: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if fold:
        return normalize(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def map_header(header: list[Any]) -> tuple[dict[str, int], list[str]]:
    """Column index per field, and the headers that were not understood."""
    index: dict[str, int] = {}
    unknown = []
    for col, raw in enumerate(header):
        text = _cell_text(raw).replace(" ", "")
        if not text:
            continue
        key = HEADER_ALIASES.get(text) or HEADER_ALIASES.get(text.lower())
        if key and key not in index:
            index[key] = col
        elif not key:
            unknown.append(text)
    return index, unknown


def parse_rows(header: list[Any], rows: list[tuple[int, list[Any]]], name: str = "") -> LoadResult:
    """Validate ``rows`` (row number, cells) under ``header`` and build the library."""
    index, _unknown = map_header(header)
    issues: list[LibraryIssue] = []
    missing = [HEADERS[FIELDS.index(f)] for f in REQUIRED if f not in index]
    if missing:
        issues.append(LibraryIssue(1, "", f"表头缺少必需的列：{'、'.join(missing)}"))
        return LoadResult(Library([], name=name), issues)
    indicators: list[LibraryIndicator] = []
    first_row_of_id: dict[str, int] = {}
    first_row_of_name: dict[tuple[str, str, str], int] = {}
    for rownum, cells in rows:
        values = {f: _cell_text(cells[c], f in _FOLDED) if c < len(cells) else ""
                  for f, c in index.items()}
        if not any(values.values()):
            continue  # a blank row between blocks is layout, not data
        ind, row_issues = parse_row(rownum, values)
        issues.extend(row_issues)
        if ind is None:
            continue
        if ind.id in first_row_of_id:
            issues.append(LibraryIssue(rownum, "编号", f"编号“{ind.id}”重复（与第{first_row_of_id[ind.id]}行相同）"))
            continue
        key = (ind.name, ind.area, ind.department)
        if key in first_row_of_name:
            issues.append(LibraryIssue(rownum, "三级指标名称",
                                       f"指标“{ind.name}”在领域“{ind.area}”中重复（与第{first_row_of_name[key]}行相同）"))
            continue
        first_row_of_id[ind.id] = rownum
        first_row_of_name[key] = rownum
        indicators.append(ind)
    return LoadResult(Library(indicators, name=name), issues)


def parse_row(rownum: int, v: dict[str, str]) -> tuple[LibraryIndicator | None, list[LibraryIssue]]:
    errors: list[LibraryIssue] = []
    warnings: list[LibraryIssue] = []

    def err(col: str, msg: str) -> None:
        errors.append(LibraryIssue(rownum, col, msg))

    def warn(col: str, msg: str) -> None:
        warnings.append(LibraryIssue(rownum, col, msg, "warning"))

    for f in REQUIRED:
        if not v.get(f):
            err(HEADERS[FIELDS.index(f)], "不能为空")
    ident = v.get("id", "").replace(" ", "")
    level1, level2, name = v.get("level1", ""), v.get("level2", ""), v.get("name", "")
    if level1 and level1 not in known_level1():
        err("一级指标", f"未知的一级指标“{level1}”（应为{'、'.join(known_level1())}之一）")
    elif level2 and level2 not in known_level2():
        err("二级指标", f"未知的二级指标“{level2}”")
    elif level1 and level2 and not is_valid_category(level1, level2):
        err("二级指标", f"二级指标“{level2}”不属于一级指标“{level1}”")
    for col, text in (("三级指标名称", normalize(name)), ("指标值", v.get("value", "")),
                      ("计量单位", v.get("unit", "")), ("指标解释", normalize(v.get("definition", "")))):
        if text and PLACEHOLDERS.search(text):
            err(col, f"含有未替换的占位内容“{PLACEHOLDERS.search(text).group(0)}”")
        elif text and col in ("指标值", "计量单位", "三级指标名称") and UNIT_PLACEHOLDER.search(text):
            err(col, f"含有未替换的占位内容“{text}”")

    op_raw = v.get("operator", "").replace(" ", "")
    operator = _OPERATOR_SPELLINGS.get(op_raw, "") if op_raw else ""
    if op_raw and not operator:
        err("运算符", f"无法识别的运算符“{op_raw}”（应为{' '.join(LIBRARY_OPERATORS)}之一；“左右”“约”不是可考核的目标）")
    value = v.get("value", "").replace(",", "")
    unit = v.get("unit", "").replace(" ", "")
    if op_raw or (value and _NUMBER.match(value)):
        if not value:
            err("指标值", "有运算符但没有指标值")
        elif not _NUMBER.match(value):
            err("指标值", f"定量指标的指标值应为数字，现为“{value}”（单位请填在“计量单位”列）")
        elif not op_raw:
            err("运算符", "定量指标缺少运算符（≥、≤、= 等）")
        if not unit:
            err("计量单位", "定量指标缺少计量单位")
        elif unit.startswith("/"):
            err("计量单位", f"计量单位“{unit}”缺少货币单位（如 元{unit}）")
        if value and _NUMBER.match(value) and unit == "%" and float(value) > 100:
            err("指标值", f"百分比指标值{value}%超过100%")
        if operator and value and unit and _NUMBER.match(value):
            t = parse_target(f"{operator}{value}{unit}")
            if t.unit != unit and unit not in UNITS:
                warn("计量单位", f"计量单位“{unit}”不是常用单位，读表时可能无法识别")
    elif unit:
        err("计量单位", "定性指标不应有计量单位（或缺少数字指标值）")
    if value and not operator and not _NUMBER.match(value):
        t = parse_target(value)
        if t.quantitative:
            err("指标值", f"指标值“{value}”含有数字，请把运算符、数字和单位分别填入三列")

    is_cost = level2 in ("成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标") or level1 == "成本指标"
    if is_cost and operator:
        if operator in ("≥", ">"):
            err("运算符", "成本指标应为上限（≤），不能用“≥”")
        if unit and not unit.startswith(_CURRENCY) and level2 in ("成本指标", "经济成本指标"):
            err("计量单位", f"经济成本指标的单位应为货币（元、万元），现为“{unit}”")
    if level1 == "满意度指标" and operator and unit != "%":
        warn("计量单位", "满意度一般以百分比（%）表示")
    if name and re.search(r"\d+\s*(" + "|".join(map(re.escape, UNITS[:40])) + ")", normalize(name)):
        warn("三级指标名称", "指标名称中似乎写入了指标值，指标值请填在“指标值”列")

    source = v.get("source", "")
    if source and source not in VALUE_SOURCES:
        err("指标值来源", f"未知的指标值来源“{source}”（应为{'、'.join(VALUE_SOURCES)}之一）")
    year_text = v.get("year", "")
    year = None
    if year_text:
        if re.fullmatch(r"(19|20)\d{2}", year_text):
            year = int(year_text)
        else:
            err("年度", f"年度“{year_text}”应为四位数字")
    if errors:
        return None, errors + warnings
    return LibraryIndicator(
        id=ident, level1=level1, level2=level2, name=name, definition=v.get("definition", ""),
        operator=operator, value=value, unit=unit, source=source,
        area=v.get("area", "") or GENERAL_AREA, keywords=split_keywords(v.get("keywords", "")),
        last_value=v.get("last_value", ""), department=v.get("department", ""), year=year,
    ), warnings
