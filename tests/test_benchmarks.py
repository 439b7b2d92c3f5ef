"""The consolidation benchmark's form generator (benchmarks/consolidate.py)."""

from __future__ import annotations

import importlib.util
import random
from collections import Counter, defaultdict
from pathlib import Path

from perfxl.adapters.batch import process_file
from perfxl.core.rules.config import RuleConfig

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_consolidate", ROOT / "benchmarks" / "consolidate.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def _results(paths):
    config = RuleConfig()
    return [process_file(str(p), p.name, config) for p in paths]


def _name_sets(results) -> dict[str, set[tuple[str, ...]]]:
    """Per layout, the distinct lists of indicator names (column 4 of an indicator row)."""
    sets = defaultdict(set)
    for r in results:
        sets[r.summary.layout].add(tuple(row[4] for row in r.indicators))
    return dict(sets)


def test_the_same_seed_gives_byte_identical_forms_whatever_their_number(tmp_path):
    few = bench.generate_from_templates(4, tmp_path / "few", bases=3)
    more = bench.generate_from_templates(8, tmp_path / "more", bases=3)
    other = bench.generate_from_templates(4, tmp_path / "other", seed=7, bases=3)
    assert [p.read_bytes() for p in few] == [p.read_bytes() for p in more[:4]]
    assert [p.read_bytes() for p in few] != [p.read_bytes() for p in other]


def test_several_bases_give_each_layout_several_wordings(tmp_path):
    results = _results(bench.generate_from_templates(12, tmp_path / "forms", bases=3))
    assert {layout: len(s) for layout, s in _name_sets(results).items()} == {"guangdong": 3, "shandong": 3}
    for r in results:
        assert not r.summary.read_error
        assert 40 <= r.summary.indicator_count <= 80
        # The budget sums agree, the task amounts stay within 项目支出.
        assert not [row for row in r.findings if {"PX101", "PX102", "PX103", "PX104"} & set(row)]


def test_one_base_gives_one_wording_per_layout(tmp_path):
    results = _results(bench.generate_from_templates(6, tmp_path / "forms", bases=1))
    assert {layout: len(s) for layout, s in _name_sets(results).items()} == {"guangdong": 1, "shandong": 1}
    assert {r.summary.indicator_count for r in results} == {60}


def test_derived_forms_carry_the_findings_of_their_base_form(tmp_path):
    """The derivation keeps every number plausible (rates ≤ 100 %, whole head counts, the
    order of a target and its reference values), so a derived form is no worse than the
    base form it comes from: a benchmark corpus with the findings of real returns."""
    from perfxl.adapters.template import write_form

    derived = _results(bench.generate_from_templates(4, tmp_path / "forms", bases=2))
    for i, result in enumerate(derived):
        layout = ("guangdong", "shandong")[i % 2]
        write_form(bench.varied_form(layout, random.Random(f"20240101/{layout}/{i // 2}")), tmp_path / "base.xlsx")
        (base,) = _results([tmp_path / "base.xlsx"])
        rules, base_rules = (Counter(row[4] for row in r.findings) for r in (result, base))
        assert base_rules, "the base forms carry a few findings, as real returns do"
        assert not rules - base_rules  # no rule fires more often: not PX405 (≥1720%), not PX205 (120.15 人)
        assert sum(rules.values()) >= sum(base_rules.values()) - 2
