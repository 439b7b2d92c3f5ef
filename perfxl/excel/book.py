"""A small book interface for the ribbon handlers, with two implementations.

``LiveBook`` talks to the workbook that clicked the button through xlwings
(``xw.Book.caller()``, Windows only); ``FileBook`` wraps an openpyxl workbook for headless
use (``perfxl addin run`` and the tests). Handlers only use the methods below, so the same
handler code runs in both.

Fills are exchanged as the JSON-able state ``perfxl.adapters.annotate`` records
(``{"patternType", "fg", "bg"}``), so marks written by the ribbon and by
``perfxl check --annotate`` can be cleared by either.
"""

from __future__ import annotations

import os
import sys
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from perfxl.adapters.atomic import atomic_path
from perfxl.adapters.ribbon_parts import save_keeping_ribbon


class Book(ABC):
    """What a handler may do with a workbook."""

    params: dict[str, str]

    @property
    @abstractmethod
    def name(self) -> str: ...

    @property
    @abstractmethod
    def folder(self) -> Path | None:
        """The folder the book is saved in (None for a new, unsaved book)."""

    @abstractmethod
    def sheet_names(self, visible_only: bool = False) -> list[str]: ...

    @abstractmethod
    def add_sheet(self, name: str, hidden: bool = False) -> None: ...

    @abstractmethod
    def delete_sheet(self, name: str) -> None: ...

    @abstractmethod
    def activate(self, sheet: str) -> None: ...

    @abstractmethod
    def active_sheet(self) -> str: ...

    @abstractmethod
    def selection(self) -> tuple[str, str]:
        """(sheet, address) of the selected cell(s), e.g. ("绩效指标", "C12")."""

    @abstractmethod
    def get_value(self, sheet: str, cell: str) -> Any: ...

    @abstractmethod
    def set_value(self, sheet: str, cell: str, value: Any) -> None: ...

    @abstractmethod
    def write_rows(self, sheet: str, top_left: str, rows: list[list[Any]]) -> None: ...

    @abstractmethod
    def format_columns(self, sheet: str, widths: dict[str, float], wrap: tuple[str, ...] = ()) -> None:
        """Column widths (in characters) by column letter; text in the ``wrap`` columns wraps."""

    @abstractmethod
    def read_rows(self, sheet: str) -> list[list[Any]]:
        """The sheet's used range as rows of values, from A1."""

    @abstractmethod
    def defined_names(self) -> dict[str, str]: ...

    @abstractmethod
    def fill_state(self, sheet: str, cell: str) -> dict | None: ...

    @abstractmethod
    def set_fill(self, sheet: str, cell: str, argb: str) -> None: ...

    @abstractmethod
    def restore_fill(self, sheet: str, cell: str, state: dict | None) -> None: ...

    @abstractmethod
    def comment(self, sheet: str, cell: str) -> tuple[str, str] | None:
        """(text, author) of the cell's comment, or None."""

    @abstractmethod
    def set_comment(self, sheet: str, cell: str, text: str | None, author: str = "") -> None: ...

    @abstractmethod
    def comments(self, sheet: str) -> dict[str, tuple[str, str]]: ...

    @abstractmethod
    def merged_anchor(self, sheet: str, cell: str) -> str:
        """The top-left cell of the merged area holding ``cell`` (or ``cell``)."""

    @abstractmethod
    def snapshot(self, path: Path) -> Path:
        """Save a copy of the book as it is now (unsaved edits included) to ``path``."""

    @abstractmethod
    def open_result(self, path: Path, name: str) -> str:
        """Show a workbook a job produced (the source is never changed): Excel saves it as
        ``name`` beside this book and opens it; headless, it becomes this book's content.
        Returns where it was put."""

    @abstractmethod
    def recalculate(self) -> None:
        """Let the spreadsheet engine refresh formulas (a no-op headless: openpyxl has none;
        Excel and LibreOffice recalculate the saved file when they open it)."""

    @abstractmethod
    def status(self, message: str | None) -> None:
        """Progress text in Excel's status bar (None gives the bar back to Excel)."""

    @abstractmethod
    def message(self, text: str) -> None:
        """Tell the user something once the job is done."""

    def param(self, key: str, prompt: str, default: str = "", kind: str = "text",
              optional: bool = False) -> str:
        """A value the job needs: from ``params`` (headless) or asked of the user.
        ``kind`` is ``text``, ``folder`` or ``file`` (Excel shows a picker)."""
        if key in self.params:
            return self.params[key]
        return self.ask(key, prompt, default, kind, optional)

    @abstractmethod
    def ask(self, key: str, prompt: str, default: str = "", kind: str = "text",
            optional: bool = False) -> str:
        """Ask the user; an empty answer is allowed only when ``optional``."""


class MissingParameter(Exception):
    def __init__(self, key: str, prompt: str) -> None:
        super().__init__(f"缺少参数 {key}（{prompt}），请用 --set {key}=… 指定")
        self.key = key


# -- headless: openpyxl ---------------------------------------------------------------------

class FileBook(Book):
    """An openpyxl workbook loaded from ``path``; ``save(out)`` writes it atomically."""

    def __init__(self, path: str | os.PathLike[str], params: dict[str, str] | None = None) -> None:
        from perfxl.adapters.print_area import load_workbook

        self.path = Path(path)
        self.params = dict(params or {})
        self.wb = load_workbook(self.path, keep_vba=self.path.suffix.lower() in (".xlsm", ".xlam"),
                                rich_text=True)
        self.messages: list[str] = []
        self.statuses: list[str] = []

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def folder(self) -> Path | None:
        return self.path.resolve().parent

    def sheet_names(self, visible_only: bool = False) -> list[str]:
        return [ws.title for ws in self.wb.worksheets
                if not visible_only or ws.sheet_state == "visible"]

    def add_sheet(self, name: str, hidden: bool = False) -> None:
        ws = self.wb.create_sheet(name)
        if hidden:
            ws.sheet_state = "veryHidden"

    def delete_sheet(self, name: str) -> None:
        self.wb.remove(self.wb[name])
        visible = [i for i, ws in enumerate(self.wb.worksheets) if ws.sheet_state == "visible"]
        if visible and self.wb.active is not None and self.wb.active.sheet_state != "visible":
            self.wb.active = visible[0]

    def activate(self, sheet: str) -> None:
        self.wb.active = self.wb.sheetnames.index(sheet)
        for ws in self.wb.worksheets:
            ws.sheet_view.tabSelected = ws.title == sheet

    def active_sheet(self) -> str:
        return self.wb.active.title

    def selection(self) -> tuple[str, str]:
        if "sheet" in self.params and "cell" in self.params:
            return self.params["sheet"], self.params["cell"]
        ws = self.wb.active
        sel = ws.sheet_view.selection[0].sqref if ws.sheet_view.selection else "A1"
        return ws.title, str(sel or "A1").split()[0]

    def get_value(self, sheet: str, cell: str) -> Any:
        return self.wb[sheet][cell].value

    def set_value(self, sheet: str, cell: str, value: Any) -> None:
        self.wb[sheet][cell].value = value

    def write_rows(self, sheet: str, top_left: str, rows: list[list[Any]]) -> None:
        from openpyxl.utils.cell import coordinate_to_tuple

        r0, c0 = coordinate_to_tuple(top_left)
        ws = self.wb[sheet]
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                ws.cell(row=r0 + i, column=c0 + j, value=value)

    def format_columns(self, sheet: str, widths: dict[str, float], wrap: tuple[str, ...] = ()) -> None:
        from openpyxl.styles import Alignment

        from perfxl.adapters.template.styles import fit_height

        ws = self.wb[sheet]
        for column, width in widths.items():
            ws.column_dimensions[column].width = width
        for column in wrap:
            width = widths.get(column, 8.43)
            for cell in ws[column]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if cell.value not in (None, ""):
                    # Excel refits a wrapped row it draws; a stored file needs the height.
                    height = fit_height([(cell.value, width)], minimum=15.0)
                    current = ws.row_dimensions[cell.row].height or 0
                    ws.row_dimensions[cell.row].height = max(current, height)

    def read_rows(self, sheet: str) -> list[list[Any]]:
        return [list(r) for r in self.wb[sheet].iter_rows(values_only=True)]

    def defined_names(self) -> dict[str, str]:
        return {n: d.attr_text for n, d in self.wb.defined_names.items()}

    def fill_state(self, sheet: str, cell: str) -> dict | None:
        from copy import copy

        from perfxl.adapters.annotate import _fill_state

        return _fill_state(copy(self.wb[sheet][cell].fill))

    def set_fill(self, sheet: str, cell: str, argb: str) -> None:
        from openpyxl.styles import PatternFill

        self.wb[sheet][cell].fill = PatternFill("solid", fgColor=argb)

    def restore_fill(self, sheet: str, cell: str, state: dict | None) -> None:
        from perfxl.adapters.annotate import _restore_fill

        fill = _restore_fill(state)
        if fill is not None:
            self.wb[sheet][cell].fill = fill

    def comment(self, sheet: str, cell: str) -> tuple[str, str] | None:
        c = self.wb[sheet][cell].comment
        return (c.text, c.author or "") if c is not None else None

    def set_comment(self, sheet: str, cell: str, text: str | None, author: str = "") -> None:
        from openpyxl.comments import Comment

        if text is None:
            self.wb[sheet][cell].comment = None
        else:
            c = Comment(text, author)
            c.width, c.height = 320, min(60 + 12 * text.count("\n") * 3, 400)
            self.wb[sheet][cell].comment = c

    def comments(self, sheet: str) -> dict[str, tuple[str, str]]:
        out = {}
        for row in self.wb[sheet].iter_rows():
            for c in row:
                if c.comment is not None:
                    out[c.coordinate] = (c.comment.text, c.comment.author or "")
        return out

    def merged_anchor(self, sheet: str, cell: str) -> str:
        for rng in self.wb[sheet].merged_cells.ranges:
            if cell in rng:
                return rng.start_cell.coordinate
        return cell

    def snapshot(self, path: Path) -> Path:
        self._save(path)
        return path

    def open_result(self, path: Path, name: str) -> str:
        from perfxl.adapters.print_area import load_workbook

        self.wb = load_workbook(path, keep_vba=Path(path).suffix.lower() == ".xlsm", rich_text=True)
        return name

    def recalculate(self) -> None:
        pass

    def save(self, out: str | os.PathLike[str]) -> Path:
        out = Path(out)
        with atomic_path(out) as tmp:
            self._save(tmp)
        return out

    def _save(self, path: Path) -> None:
        save_keeping_ribbon(self.wb, self.path, path)

    def status(self, message: str | None) -> None:
        if message:
            self.statuses.append(message)
            print(message, file=sys.stderr)

    def message(self, text: str) -> None:
        self.messages.append(text)

    def ask(self, key: str, prompt: str, default: str = "", kind: str = "text",
            optional: bool = False) -> str:
        if default or optional:
            return default
        raise MissingParameter(key, prompt)


# -- live Excel: xlwings --------------------------------------------------------------------

_XL_NONE = -4142  # xlNone: Interior.ColorIndex / Pattern of an unfilled cell
_XL_SOLID = 1


def _bgr_to_argb(bgr: int) -> str:
    r, g, b = bgr & 0xFF, (bgr >> 8) & 0xFF, (bgr >> 16) & 0xFF
    return f"FF{r:02X}{g:02X}{b:02X}"


def _argb_to_bgr(argb: str) -> int:
    argb = argb[-6:]
    r, g, b = int(argb[0:2], 16), int(argb[2:4], 16), int(argb[4:6], 16)
    return r | (g << 8) | (b << 16)


class LiveBook(Book):  # pragma: no cover - needs Excel on Windows
    """The workbook that called the macro, driven through xlwings."""

    def __init__(self, book=None, params: dict[str, str] | None = None) -> None:
        import xlwings as xw

        self.book = book or xw.Book.caller()
        self.app = self.book.app
        self.params = dict(params or {})

    @property
    def name(self) -> str:
        return self.book.name

    @property
    def folder(self) -> Path | None:
        full = self.book.fullname
        return Path(full).parent if os.path.isabs(full) else None

    def sheet_names(self, visible_only: bool = False) -> list[str]:
        return [s.name for s in self.book.sheets if not visible_only or s.visible]

    def add_sheet(self, name: str, hidden: bool = False) -> None:
        sheet = self.book.sheets.add(name, after=self.book.sheets[-1])
        if hidden:
            sheet.api.Visible = 2  # xlSheetVeryHidden

    def delete_sheet(self, name: str) -> None:
        self.app.display_alerts = False
        try:
            sheet = self.book.sheets[name]
            sheet.api.Visible = -1
            sheet.delete()
        finally:
            self.app.display_alerts = True

    def activate(self, sheet: str) -> None:
        self.book.sheets[sheet].activate()

    def active_sheet(self) -> str:
        return self.book.sheets.active.name

    def selection(self) -> tuple[str, str]:
        rng = self.book.selection
        return rng.sheet.name, rng.address.replace("$", "")

    def get_value(self, sheet: str, cell: str) -> Any:
        return self.book.sheets[sheet][cell].value

    def set_value(self, sheet: str, cell: str, value: Any) -> None:
        self.book.sheets[sheet][cell].value = value

    def write_rows(self, sheet: str, top_left: str, rows: list[list[Any]]) -> None:
        if rows:
            width = max(len(r) for r in rows)
            self.book.sheets[sheet][top_left].value = [list(r) + [None] * (width - len(r)) for r in rows]

    def format_columns(self, sheet: str, widths: dict[str, float], wrap: tuple[str, ...] = ()) -> None:
        ws = self.book.sheets[sheet]
        for column, width in widths.items():
            ws.range(f"{column}:{column}").column_width = width
        for column in wrap:
            ws.range(f"{column}:{column}").wrap_text = True

    def read_rows(self, sheet: str) -> list[list[Any]]:
        used = self.book.sheets[sheet].used_range
        last = used.last_cell
        values = self.book.sheets[sheet].range((1, 1), (last.row, last.column)).options(ndim=2).value
        return [list(r) for r in values]

    def defined_names(self) -> dict[str, str]:
        return {n.name: n.refers_to.lstrip("=") for n in self.book.names}

    def fill_state(self, sheet: str, cell: str) -> dict | None:
        interior = self.book.sheets[sheet][cell].api.Interior
        if interior.Pattern == _XL_NONE or interior.ColorIndex == _XL_NONE:
            return {"patternType": None, "fg": None, "bg": None}
        argb = _bgr_to_argb(int(interior.Color))
        return {"patternType": "solid", "fg": {"type": "rgb", "value": argb, "tint": 0.0}, "bg": None}

    def set_fill(self, sheet: str, cell: str, argb: str) -> None:
        interior = self.book.sheets[sheet][cell].api.Interior
        interior.Pattern = _XL_SOLID
        interior.Color = _argb_to_bgr(argb)

    def restore_fill(self, sheet: str, cell: str, state: dict | None) -> None:
        if state is None:
            return
        interior = self.book.sheets[sheet][cell].api.Interior
        fg = state.get("fg") or {}
        if state.get("patternType") is None:
            interior.Pattern = _XL_NONE
        elif fg.get("type") == "rgb" and fg.get("value"):
            interior.Pattern = _XL_SOLID
            interior.Color = _argb_to_bgr(fg["value"])
        elif fg.get("type") == "theme":
            interior.Pattern = _XL_SOLID
            interior.ThemeColor = int(fg["value"]) + 1  # xlThemeColor is 1-based
            interior.TintAndShade = float(fg.get("tint") or 0.0)
        else:
            interior.Pattern = _XL_NONE

    def comment(self, sheet: str, cell: str) -> tuple[str, str] | None:
        c = self.book.sheets[sheet][cell].api.Comment
        return (c.Text(), c.Author) if c is not None else None

    def set_comment(self, sheet: str, cell: str, text: str | None, author: str = "") -> None:
        rng = self.book.sheets[sheet][cell].api
        if rng.Comment is not None:
            rng.Comment.Delete()
        if text is not None:
            rng.AddComment(text)
            rng.Comment.Shape.TextFrame.AutoSize = True

    def comments(self, sheet: str) -> dict[str, tuple[str, str]]:
        out = {}
        for c in self.book.sheets[sheet].api.Comments:
            out[c.Parent.Address.replace("$", "")] = (c.Text(), c.Author)
        return out

    def merged_anchor(self, sheet: str, cell: str) -> str:
        return self.book.sheets[sheet][cell].merge_area.address.split(":")[0].replace("$", "")

    def snapshot(self, path: Path) -> Path:
        self.book.api.SaveCopyAs(str(path))
        return path

    def open_result(self, path: Path, name: str) -> str:
        import shutil

        folder = self.folder or Path(os.environ.get("USERPROFILE", Path.home())) / "Documents"
        target = folder / name
        n = 2
        while target.exists():
            target = folder / f"{Path(name).stem}（{n}）{Path(name).suffix}"
            n += 1
        shutil.copyfile(path, target)
        self.app.books.open(str(target))
        return str(target)

    def recalculate(self) -> None:
        self.app.calculate()

    def status(self, message: str | None) -> None:
        self.app.status_bar = message if message else False

    def message(self, text: str) -> None:
        self.app.alert(text, title="perfxl")

    def ask(self, key: str, prompt: str, default: str = "", kind: str = "text",
            optional: bool = False) -> str:
        if kind == "folder":
            dialog = self.app.api.FileDialog(4)  # msoFileDialogFolderPicker
            dialog.Title = prompt
            if dialog.Show() != -1:
                raise MissingParameter(key, prompt)
            return str(dialog.SelectedItems(1))
        if kind == "file":
            chosen = self.app.api.GetOpenFilename("文本文件 (*.txt),*.txt,所有文件 (*.*),*.*", 1, prompt)
            if chosen is False or chosen == "False":
                raise MissingParameter(key, prompt)
            return str(chosen)
        value = self.app.api.InputBox(prompt, "perfxl", default)
        if value is False or (value == "" and not optional):  # False: the user pressed Cancel
            raise MissingParameter(key, prompt)
        return str(value)
