"""Dataclasses whose ``__init__`` is written by hand (see FROZEN_INIT in
perfxl.core.values) must take and set exactly their fields: a field added later and
missed there would otherwise go unset without a word."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil

import perfxl.core
from perfxl.core.grid import Grid, MergedRange


def _hand_written_inits() -> list[type]:
    found = {}
    for info in pkgutil.walk_packages(perfxl.core.__path__, "perfxl.core."):
        for cls in vars(importlib.import_module(info.name)).values():
            if (inspect.isclass(cls) and dataclasses.is_dataclass(cls)
                    and not cls.__dataclass_params__.init and cls.__module__ == info.name):
                found[cls.__qualname__] = cls
    return list(found.values())


def test_the_hand_written_inits_are_found():
    names = {cls.__name__ for cls in _hand_written_inits()}
    assert {"Amount", "Target", "MergedRange", "Hit", "Quantity", "Row"} <= names


def test_each_hand_written_init_takes_and_sets_exactly_the_fields():
    for cls in _hand_written_inits():
        fields = dataclasses.fields(cls)
        params = list(inspect.signature(cls.__init__).parameters.values())[1:]  # no self
        assert [p.name for p in params] == [f.name for f in fields], cls
        required = {}
        for p, f in zip(params, fields):
            has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
            assert (p.default is not inspect.Parameter.empty) == has_default, (cls, f.name)
            if p.default is inspect.Parameter.empty:
                required[p.name] = object()
        made = cls(**required)
        assert list(vars(made)) == [f.name for f in fields], cls
        for f in fields:
            if f.name in required:
                assert getattr(made, f.name) is required[f.name], (cls, f.name)
            elif f.default is not dataclasses.MISSING:
                assert getattr(made, f.name) == f.default, (cls, f.name)
            else:
                assert getattr(made, f.name) == f.default_factory(), (cls, f.name)


def test_grid_from_rows_sets_what_the_generated_init_does():
    cells = {(1, 1): "部门名称", (1, 3): "甲局", (2, 2): 5}
    merged = [MergedRange(1, 1, 1, 2)]
    fast = Grid.from_rows("申报表", dict(cells), {1: [1, 3], 2: [2]}, list(merged))
    assert vars(fast) == vars(Grid(sheet="申报表", cells=dict(cells), merged=list(merged)))
