"""What every rule sees: the form, the config and shared, defensive views of both.

Rules must never raise on odd input (a model built by hand, a cell holding a date, a
number where text was expected), so they read the form through these helpers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from perfxl.core.framework import FRAMEWORKS
from perfxl.core.model import Form, Indicator
from perfxl.core.rules.config import RuleConfig
from perfxl.core.values import Amount, Target, normalize, normalize_str, parse_amount, parse_target


def text(value: Any) -> str:
    """Any cell value as normalised text ("" for None)."""
    if type(value) is str:
        # memoised (one cache with normalize's own): rules read the same cells many times,
        # consolidation checks thousands of forms
        return normalize_str(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize(value)


def compact(value: Any) -> str:
    """Text without any white space, for comparing category names."""
    return text(value).replace(" ", "")  # text() leaves no white space but single spaces


def number(value: Any) -> float | None:
    """A model amount as a finite float, or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    return parse_amount(value).value


def fmt(value: float | None) -> str:
    """An amount for messages: at most 2 decimals, no trailing zeros."""
    if value is None:
        return "（空）"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


# The free-text fields of an indicator, and its reference values as "group.attr".
TEXT_FIELDS = ("level1", "level2", "name", "annual_value", "period_value", "duty", "goal",
               "explanation", "note", "activity", "project")
REFERENCE_FIELDS = (("standard", ("plan_value", "value", "source")),
                    ("history", ("avg3", "last_year", "source")))
_REFERENCE_KEYS = tuple((group, tuple((attr, f"{group}.{attr}") for attr in attrs))
                        for group, attrs in REFERENCE_FIELDS)


class Texts(dict):
    """``text()`` of every field of one indicator by attribute (``"name"``,
    ``"standard.value"``), computed once: a dozen rules read the same cells of every row."""

    __slots__ = ("_indicator",)

    def __init__(self, indicator: Indicator) -> None:
        super().__init__()
        self._indicator = indicator
        for attr in TEXT_FIELDS:
            raw = getattr(indicator, attr, "")
            self[attr] = (raw and normalize_str(raw)) if raw.__class__ is str else text(raw)
        for group, keys in _REFERENCE_KEYS:
            obj = getattr(indicator, group, None)
            for attr, key in keys:
                raw = getattr(obj, attr, "") if obj is not None else ""
                self[key] = (raw and normalize_str(raw)) if raw.__class__ is str else text(raw)

    def __missing__(self, attr: str) -> str:  # any other field, e.g. duty_no
        group, _, name = attr.rpartition(".")
        obj = getattr(self._indicator, group, None) if group else self._indicator
        value = self[attr] = text(getattr(obj, name, "")) if obj is not None else ""
        return value


@dataclass(frozen=True, init=False)
class Row:
    """An indicator row with its effective categories (merged cells inherit upwards)."""

    index: int
    indicator: Indicator
    level1: str  # as written in this row ("" when inherited)
    level2: str
    eff_level1: str  # effective, after inheriting from the rows above
    eff_level2: str
    texts: Texts = field(compare=False, repr=False)

    def __init__(self, index: int, indicator: Indicator, level1: str, level2: str,
                 eff_level1: str, eff_level2: str, texts: Texts) -> None:
        # Frozen all the same: see FROZEN_INIT in perfxl.core.values.
        fields = self.__dict__
        fields["index"], fields["indicator"], fields["level1"], fields["level2"] = index, indicator, level1, level2
        fields["eff_level1"], fields["eff_level2"], fields["texts"] = eff_level1, eff_level2, texts

    def path(self, attr: str) -> str:
        return f"indicators[{self.index}].{attr}"


class Context:
    def __init__(self, form: Form, config: RuleConfig) -> None:
        self.form = form
        self.config = config
        self.framework = FRAMEWORKS[config.framework]
        self._targets: dict[str, Target] = {}
        self._shared: dict[Any, Any] = {}

    def shared(self, key: Any, compute):
        """``compute()``, once per form: several rules walk the same cells (every text
        cell, every indicator value), and consolidation checks thousands of forms."""
        try:
            return self._shared[key]
        except KeyError:
            value = self._shared[key] = compute()
            return value

    @cached_property
    def guangdong(self) -> bool:
        return self.form.layout != "shandong"

    @property
    def year(self) -> int | None:
        y = self.form.year
        if isinstance(y, bool):
            return None
        if isinstance(y, (int, float)) and math.isfinite(y) and 1900 < y < 2200:
            return int(y)
        return None

    def raw(self, path: str) -> Any:
        src = self.form.sources.get(path) if isinstance(self.form.sources, dict) else None
        return src.raw if src is not None else None

    def has_source(self, path: str) -> bool:
        return isinstance(self.form.sources, dict) and path in self.form.sources

    def formula(self, path: str) -> str | None:
        """The formula (``=…``) the field was read from, if it was a formula cell."""
        raw = self.raw(path)
        return raw.strip() if isinstance(raw, str) and raw.strip().startswith("=") else None

    def amount(self, path: str, model_value: Any) -> Amount:
        """The amount as typed: the raw cell when the form was read from a file, in the
        unit its label states (the model value is in 万元 already)."""
        if self.has_source(path):
            raw = self.raw(path)
            if self.formula(path):
                raw = model_value  # a formula: trust the reader's value
            elif raw is None and number(model_value) is not None:
                raw = model_value
            elif self.form.amount_units:
                unit = self.amount_unit(path)
                return parse_amount(raw, unit[0]) if unit else parse_amount(raw)
            return parse_amount(raw)
        return parse_amount(model_value)

    def amount_unit(self, path: str) -> tuple[str, str] | None:
        """(unit, label text) when the form states a unit other than 万元 for the amount."""
        units = self.form.amount_units
        unit = units.get(path) if isinstance(units, dict) else None
        ok = isinstance(unit, tuple) and len(unit) == 2 and isinstance(unit[0], str)
        return unit if ok else None

    def target(self, value: Any) -> Target:
        if type(value) is str:
            return parse_target(value)  # cached there
        key = repr(value)
        if key not in self._targets:
            self._targets[key] = parse_target(value)
        return self._targets[key]

    @cached_property
    def indicators(self) -> list[Indicator]:
        out = self.form.indicators if isinstance(self.form.indicators, list) else []
        return [i for i in out if isinstance(i, Indicator)]

    @cached_property
    def any_indicator(self) -> bool:
        """Whether any indicator has a name or a value (PX209 reports a form with none)."""
        return any(text(i.name) or text(i.annual_value) for i in self.indicators)

    @cached_property
    def rows(self) -> list[Row]:
        rows: list[Row] = []
        prev1 = prev2 = ""
        for index, ind in enumerate(self.form.indicators or []):
            if not isinstance(ind, Indicator):
                continue
            texts = Texts(ind)
            l1, l2 = texts["level1"].replace(" ", ""), texts["level2"].replace(" ", "")  # compact()
            e1 = l1 or prev1
            e2 = l2 or (prev2 if not l1 else "")
            rows.append(Row(index, ind, l1, l2, e1, e2, texts))
            prev1, prev2 = e1, e2
        return rows

    def tasks(self):
        return [(i, t) for i, t in enumerate(self.form.tasks or []) if t is not None]
