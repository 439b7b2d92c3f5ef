"""What main() does for every command, whatever the command."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from perfxl.cli import EXIT_BROKEN_PIPE

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "guangdong_huizhou_2022.xlsx"


def _with_reader_gone(*args: str) -> subprocess.CompletedProcess:
    """Run ``perfxl ARGS | head -0``: the read end is closed before perfxl writes a byte,
    so every write meets EPIPE however small the output."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([sys.executable, "-m", "perfxl", *args], stdout=write_end,
                              stderr=subprocess.PIPE, cwd=ROOT, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        os.close(write_end)
    return proc


@pytest.mark.parametrize("args", [
    ("read", str(EXAMPLE)),
    ("calc", str(EXAMPLE)),
], ids=["read", "calc"])
def test_closed_pipe_ends_quietly(args):
    proc = _with_reader_gone(*args)
    assert proc.stderr.decode("utf-8", "replace") == ""
    assert proc.returncode == EXIT_BROKEN_PIPE


def test_an_open_pipe_is_untouched():
    proc = subprocess.run([sys.executable, "-m", "perfxl", "calc", str(EXAMPLE)], capture_output=True,
                          cwd=ROOT, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    assert "预算合计" in proc.stdout.decode("utf-8")
