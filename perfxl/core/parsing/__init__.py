"""Grid → Form, for both official layouts. Pure: no Excel library, no files."""

from __future__ import annotations

from perfxl.core.grid import Grid
from perfxl.core.parsing.common import ParseResult, Unplaced
from perfxl.core.parsing.detect import detect_layout
from perfxl.core.parsing.guangdong import parse_guangdong
from perfxl.core.parsing.shandong import parse_shandong

PARSERS = {"guangdong": parse_guangdong, "shandong": parse_shandong}


class NotAForm(Exception):
    """The grid holds no recognisable form labels."""


def parse_grid(grid: Grid, layout: str | None = None) -> ParseResult:
    """Parse one sheet. ``layout`` None or "auto" detects it; raises NotAForm."""
    if layout in (None, "auto"):
        layout = detect_layout(grid)
        if layout is None:
            raise NotAForm(grid.sheet)
    return PARSERS[layout](grid)


__all__ = ["NotAForm", "ParseResult", "Unplaced", "detect_layout", "parse_grid"]
