"""What every rule sees: the form, the config and shared, defensive views of both.

Rules must never raise on odd input (a model built by hand, a cell holding a date, a
number where text was expected), so they read the form through these helpers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from perfxl.core.framework import FRAMEWORKS
from perfxl.core.model import Form, Indicator
from perfxl.core.rules.config import RuleConfig
from perfxl.core.values import Amount, Target, normalize, parse_amount, parse_target


def text(value: Any) -> str:
    """Any cell value as normalised text ("" for None)."""
    if type(value) is str:
        return _normalized(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return _normalized(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize(value)


@lru_cache(maxsize=65536)
def _normalized(value: str) -> str:
    # Rules read the same cells many times; consolidation checks thousands of forms.
    return normalize(value)


def compact(value: Any) -> str:
    """Text without any white space, for comparing category names."""
    return _SPACE.sub("", text(value))


_SPACE = re.compile(r"\s+")


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


@dataclass(frozen=True)
class Row:
    """An indicator row with its effective categories (merged cells inherit upwards)."""

    index: int
    indicator: Indicator
    level1: str  # as written in this row ("" when inherited)
    level2: str
    eff_level1: str  # effective, after inheriting from the rows above
    eff_level2: str

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

    @property
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
        """The amount as typed: the raw cell when the form was read from a file."""
        if self.has_source(path):
            raw = self.raw(path)
            if self.formula(path):
                raw = model_value  # a formula: trust the reader's value
            elif raw is None and number(model_value) is not None:
                raw = model_value
            return parse_amount(raw)
        return parse_amount(model_value)

    def target(self, value: Any) -> Target:
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
            l1, l2 = compact(ind.level1), compact(ind.level2)
            e1 = l1 or prev1
            e2 = l2 or (prev2 if not l1 else "")
            rows.append(Row(index, ind, l1, l2, e1, e2))
            prev1, prev2 = e1, e2
        return rows

    def tasks(self):
        return [(i, t) for i, t in enumerate(self.form.tasks or []) if t is not None]
