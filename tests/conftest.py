"""Shared fixtures. Paths here are the only place tests learn where things live."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# Copies of ../shared/seeds (000_1f23131ff932cb0d.txt, 004_44c2139d19a13d1b.txt) bundled so a
# fresh clone without ../shared has them; test_demo checks they still match the originals.
SEEDS = EXAMPLES / "seeds"
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
GUANGDONG_SEED = SEEDS / "guangdong_huizhou_2022.txt"
SHANDONG_SEED = SEEDS / "shandong_linyi_2021.txt"


def pytest_collection_modifyitems(config, items):
    # On CI LibreOffice is installed by scripts/bootstrap.sh; a missing soffice there is a
    # broken install, not a reason to skip.
    if shutil.which("soffice") or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason="soffice (LibreOffice) not installed")
    for item in items:
        if "libreoffice" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS
