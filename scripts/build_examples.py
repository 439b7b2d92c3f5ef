"""Build examples/*.xlsx from the seed text extracts in examples/seeds/ with `perfxl import`
(one code path), and the demo's sample roster (perfxl.adapters.demo.write_sample_roster).

    python scripts/build_examples.py [OUTPUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfxl.adapters.demo import ROSTER_FILE, write_sample_roster  # noqa: E402
from perfxl.cli import main  # noqa: E402

SEEDS = ROOT / "examples" / "seeds"  # copies of ../shared/seeds, so a fresh clone has them
EXAMPLES = {
    "guangdong_huizhou_2022.xlsx": ("guangdong_huizhou_2022.txt", "guangdong"),
    "shandong_linyi_2021.xlsx": ("shandong_linyi_2021.txt", "shandong"),
}


def build(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (seed, layout) in EXAMPLES.items():
        target = out_dir / name
        code = main(["import", str(SEEDS / seed), "--layout", layout, "-o", str(target)])
        if code != 0:
            raise SystemExit(f"import of {seed} failed with exit code {code}")
        written.append(target)
    written.append(write_sample_roster(out_dir / ROSTER_FILE))
    return written


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "examples")
