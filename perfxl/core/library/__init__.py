"""The indicator library: well-formed 三级 indicators to search, suggest and fill.

Pure core: the model (``model``), row validation (``validate``), search (``search``),
suggestions from a form's texts (``suggest``) and libraries built from last year's forms
(``history``). Reading and writing library workbooks is ``perfxl.adapters.library_xlsx``.
"""

from perfxl.core.library.model import (
    AREAS, GENERAL_AREA, HEADERS, Library, LibraryIndicator, category_in,
)
from perfxl.core.library.search import Hit, search
from perfxl.core.library.validate import LibraryIssue, LoadResult, parse_rows

__all__ = [
    "AREAS", "GENERAL_AREA", "HEADERS", "Hit", "Library", "LibraryIndicator", "LibraryIssue",
    "LoadResult", "category_in", "parse_rows", "search",
]
