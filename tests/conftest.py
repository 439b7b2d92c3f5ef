"""Shared fixtures. Paths here are the only place tests learn where things live."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
GUANGDONG_SEED = SEEDS / "000_1f23131ff932cb0d.txt"
SHANDONG_SEED = SEEDS / "004_44c2139d19a13d1b.txt"
EXAMPLES = ROOT / "examples"


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
