"""The single entry point of the ribbon: the VBA callback runs
``perfxl.excel.dispatch.run('<control id>')`` through xlwings' RunPython.

Errors become a Chinese message box, never a Python traceback dialog.
"""

from __future__ import annotations

import os
from pathlib import Path

from perfxl.core.findings import FormReadError
from perfxl.core.rules import ConfigError
from perfxl.excel.book import Book, FileBook, MissingParameter
from perfxl.excel.handlers import HANDLERS


class UnknownControl(KeyError):
    pass


def execute(control_id: str, book: Book) -> str:
    """Run one handler on ``book`` and return its message; the status bar is given back
    to Excel whatever happens."""
    fn = HANDLERS.get(control_id)
    if fn is None:
        raise UnknownControl(control_id)
    try:
        return fn(book)
    finally:
        book.status(None)


def run(control_id: str) -> None:  # pragma: no cover - called by Excel on Windows
    from perfxl.excel.book import LiveBook

    book = LiveBook()
    try:
        text = execute(control_id, book)
    except MissingParameter:
        return  # the user cancelled an input box
    except Exception as exc:
        if os.environ.get("PERFXL_DEBUG"):
            raise
        text = error_text(control_id, exc)
    book.message(text)


def error_text(control_id: str, exc: Exception) -> str:
    """The message box text for a button that failed: what the user can fix is said plainly,
    anything else is an internal error (still one line, never a traceback)."""
    if isinstance(exc, UnknownControl):
        return f"未知的按钮：{control_id}（加载项与 perfxl 版本不一致？请重新运行 perfxl addin install）"
    if isinstance(exc, FormReadError):
        return f"{exc.file}：{exc.message}"
    if isinstance(exc, ConfigError):
        return f"校验设置有误（perfxl.toml）：{exc}"
    return f"内部错误：{type(exc).__name__}: {exc}"


def run_headless(control_id: str, path: str | os.PathLike[str], params: dict[str, str],
                 out: str | os.PathLike[str]) -> tuple[str, Path]:
    """What clicking ``control_id`` does to the workbook at ``path``, saved to ``out``."""
    book = FileBook(path, params)
    text = execute(control_id, book)
    return text, book.save(out)
