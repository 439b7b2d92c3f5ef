"""A library built from last year's forms: each department's indicators as suggestions.

Every 三级 indicator a department filed last year becomes a library row carrying the
department, the year and what it wrote (上年值). Its target, when it parses cleanly as
operator + number + unit, is proposed again as next year's default; otherwise the default
is left empty and 上年值 keeps the text for the department to rethink. Categories come
from the form when they are valid; Shandong forms have none, and misfiled rows
(成本标, a 二级 under the wrong 一级) are classified from the name and unit, and said so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from perfxl.core.library.model import (
    FIELDS, GENERAL_AREA, LIBRARY_OPERATORS, Library, LibraryIndicator, is_valid_category,
)
from perfxl.core.library.suggest import infer_area
from perfxl.core.library.validate import parse_row
from perfxl.core.model import Form
from perfxl.core.values import normalize, parse_target

PREFIX = "LS"  # 历史
# Notes that make a parsed value unfit to propose again as it stands.
_UNFIT = {"approx", "currency_missing", "bare_number", "percent_over_100", "multiple_numbers"}
_CURRENCY = ("元", "万元", "亿元", "千元")
_TIME_UNITS = ("天", "日", "个工作日", "工作日", "小时", "分钟", "个月", "月")


@dataclass(frozen=True)
class HistoryNote:
    file: str
    department: str
    name: str
    message: str  # Chinese

    def __str__(self) -> str:
        return f"{self.file}（{self.department}）“{self.name}”：{self.message}"


def classify(name: str, unit: str = "") -> tuple[str, str]:
    """A (一级, 二级) for an indicator known only by its name and unit (2015 framework)."""
    if "满意" in name:
        return "满意度指标", "服务对象满意度指标"
    cost_words = any(w in name for w in ("成本", "费", "单价", "补贴标准", "投入"))
    if unit.startswith(_CURRENCY) or (not unit and cost_words):
        return "产出指标", "成本指标"
    if any(w in name for w in ("及时", "时限", "按期", "进度", "支出率", "执行率")) or unit in _TIME_UNITS:
        return "产出指标", "时效指标"
    if unit == "%" or "率" in name:
        return "产出指标", "质量指标"
    return "产出指标", "数量指标"


def _number_text(number: float) -> str:
    return f"{number:.10g}" if not float(number).is_integer() else str(int(number))


def _clean(text: object) -> str:
    """Collapse white space but keep the Chinese punctuation people typed."""
    return " ".join(str(text or "").split())


def library_from_forms(forms: list[Form]) -> tuple[Library, list[HistoryNote]]:
    """One library row per distinct indicator per department, in form order.

    Every row is checked by the library's own validation, so the workbook written from
    it loads back without errors; a default that would fail is dropped (上年值 keeps the
    text) and said so.
    """
    rows: list[LibraryIndicator] = []
    notes: list[HistoryNote] = []
    seen: set[tuple[str, str]] = set()
    for form in forms:
        dept = _clean(form.department) or "（未填部门名称）"
        area = infer_area(form.department) or GENERAL_AREA
        for ind in form.indicators:
            name = _clean(ind.name)
            if not name:
                continue
            if (dept, name) in seen:
                notes.append(HistoryNote(form.file, dept, name, "同一部门重复填报，只保留第一条"))
                continue
            seen.add((dept, name))

            def note(message: str) -> None:
                notes.append(HistoryNote(form.file, dept, name, message))

            raw_value = _clean(ind.annual_value)
            t = parse_target(ind.annual_value)
            operator = value = unit = ""
            if t.quantitative and not (set(t.notes) & _UNFIT) and t.operator in LIBRARY_OPERATORS and t.unit:
                operator, value, unit = t.operator, _number_text(t.number), t.unit
            elif raw_value and t.kind == "qualitative":
                value = raw_value
            elif raw_value:
                note(f"上年值“{raw_value}”不是规范的“运算符+数字+单位”，未作为默认值")
            level1, level2 = normalize(ind.level1), normalize(ind.level2)
            if not is_valid_category(level1, level2):
                guessed = classify(name, unit)
                if level1 or level2:
                    note(f"类别“{level1}/{level2}”不规范，已归入“{guessed[0]}/{guessed[1]}”")
                level1, level2 = guessed
            row = LibraryIndicator(
                id=f"{PREFIX}-{len(rows) + 1:03d}", level1=level1, level2=level2, name=name,
                definition=_clean(ind.explanation), operator=operator, value=value, unit=unit,
                source="历史标准", area=area, keywords=(dept,), last_value=raw_value,
                department=dept, year=form.year,
            )
            errors = _errors(row)
            if errors and (operator or value):
                note(f"上年值“{raw_value}”不宜直接作为默认值（{errors[0]}），已留空")
                row = replace(row, operator="", value="", unit="")
                errors = _errors(row)
            if errors:
                note(f"未收入指标库：{errors[0]}")
                continue
            rows.append(row)
    return Library(rows, name="上年指标库"), notes


def _errors(row: LibraryIndicator) -> list[str]:
    values = dict(zip(FIELDS, row.as_row()))
    _, issues = parse_row(0, values)
    return [i.message for i in issues if i.severity == "error"]
