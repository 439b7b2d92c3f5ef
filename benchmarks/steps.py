"""Where a worker's time goes: CPU per form for each step of reading and checking one file.

    python benchmarks/steps.py [N] [--bases K] [--keep DIR] [--digest FILE]

Generates N forms (default 300) with the same generator as ``consolidate.py`` (official
templates, both layouts alternating, derived from K base forms per layout, default 20;
``--bases 1``: every form from one base per layout), then runs every step of
``batch.process_file`` on each of them in this one process, cold (one pass), and prints
the CPU milliseconds per form of:

  scan   the safety checks of the zip (``check_workbook``), decompressing the XML parts
  grid   the cells → a Grid per sheet, formula cells dropped
  parse  layout detection and label-based parsing → Form
  rules  ``check_form`` with the default configuration
  summ   ``summarize``, rendering the detail rows and pickling the result, as a worker
         sends it

CPU time (``time.process_time``), not wall clock: on a machine shared with other jobs it
varies much less. Compare runs made back to back.

``--digest FILE`` also writes, for every generated form, for 100 forms of the small direct
writer (``--simple`` in consolidate.py) and for the bundled examples, the ``repr`` of what
``process_file`` returns — the summary row and every indicator, task and finding row. Two
versions of the code that write the same digest give the same summary workbook: use it to
check that a speed-up changed nothing. With more than one base, its first line says how
many (``# bases K``), so that a digest of a different corpus is not mistaken for a change
in the code. Digests and timings made with the derivation before 2026-11-30's rewrite
(consolidate.py's ``generate_from_templates``) are of other forms: not comparable.
"""

from __future__ import annotations

import argparse
import importlib.util
import pickle
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_spec = importlib.util.spec_from_file_location("bench_consolidate", ROOT / "benchmarks" / "consolidate.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

STEPS = ("scan", "grid", "parse", "rules", "summ")


def forms(folder: Path, n: int, simple: bool = False, bases: int = 1) -> list[Path]:
    """N forms in ``folder``, generated unless the folder already holds them."""
    have = sorted(folder.rglob("*.xlsx")) if folder.exists() else []
    if len(have) >= n:
        return have[:n]
    return bench.generate(n, folder) if simple else bench.generate_from_templates(n, folder, bases=bases)


def step_times(paths: list[Path]) -> dict[str, float]:
    """CPU seconds per step over ``paths``, one cold pass in this process."""
    from perfxl.adapters import xlsx_reader as xr
    from perfxl.adapters.batch import render
    from perfxl.adapters.summary_writer import RowRenderer
    from perfxl.core.consolidate import summarize
    from perfxl.core.parsing import detect, parse_grid
    from perfxl.core.rules import check_form
    from perfxl.core.rules.config import RuleConfig

    config = RuleConfig()
    renderer = RowRenderer()  # one per worker, its cache warm across files
    total = dict.fromkeys(STEPS, 0.0)
    clock = time.process_time
    for p in paths:
        t0 = clock()
        parts = xr.check_workbook(p)
        t1 = clock()
        grids = xr._load(p, "auto", typed_only=True, parts=parts)[0]
        t2 = clock()
        scored = [(max(sc.values(), default=0), detect.layout_from_scores(sc), g)
                  for g in grids for sc in (detect.scores(g),)]
        _best, layout, grid = max(scored, key=lambda t: t[0])
        form = parse_grid(grid, layout).form
        t3 = clock()
        findings = check_form(form, config)
        t4 = clock()
        pickle.dumps(render(summarize(str(p), p.name, form, findings, framework=config.framework,
                                      tolerance=config.amount_tolerance), renderer))
        t5 = clock()
        for k, a, b in zip(STEPS, (t0, t1, t2, t3, t4), (t1, t2, t3, t4, t5)):
            total[k] += b - a
    return total


def digest(paths: list[Path], out: Path, bases: int = 1) -> None:
    from perfxl.adapters.batch import process_file
    from perfxl.core.rules.config import RuleConfig

    config = RuleConfig()
    with out.open("w", encoding="utf-8") as fh:
        if bases != 1:
            fh.write(f"# bases {bases}\n")
        for p in paths:
            fh.write(f"{p.name}\t{process_file(str(p), p.name, config)!r}\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="?", type=int, default=300)
    ap.add_argument("--bases", type=bench.positive, default=bench.BASES, metavar="K",
                    help=f"base forms per layout (default {bench.BASES}; 1: one, the same wording in every form)")
    ap.add_argument("--keep", type=Path, help="generate into (and reuse) this folder")
    ap.add_argument("--digest", type=Path, metavar="FILE")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="perfxl-steps-") as scratch:
        work = args.keep or Path(scratch)
        # Forms from other bases go to another folder, so that --keep never mixes them.
        template = work / ("template" if args.bases == 1 else f"template-{args.bases}bases")
        paths = forms(template, args.n, bases=args.bases)
        total = step_times(paths)
        per = {k: v * 1000 / len(paths) for k, v in total.items()}
        print(" ".join(f"{k}={v:.2f}" for k, v in per.items()),
              f"total={sum(per.values()):.2f} CPU ms/form ({len(paths)} forms)")
        if args.digest:
            corpus = (paths + forms(work / "simple", 100, simple=True)
                      + sorted((ROOT / "examples").glob("*.xlsx")))
            digest(corpus, args.digest, args.bases)
            print(f"digest of {len(corpus)} files: {args.digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
