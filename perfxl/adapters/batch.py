"""Consolidate many forms: find them, read and check them in parallel, write the summary.

``consolidate(paths, output, jobs=, year=, config=, progress=)`` is the one entry point
(the ``perfxl consolidate`` command and the ribbon button both call it).

* Every ``.xlsx``/``.xlsm``/``.xls`` under the given folders is found (Office lock files
  ``~$…``, perfxl's own temporary files and the output itself are skipped).
* Worker processes read each file (read-only) and run the rules, and send back a compact
  ``Rendered`` result (summary numbers, and the detail rows already rendered as sheet
  XML), never the cell grid.
* Anything that goes wrong with one file — a read error, an exception, a worker that
  dies or exceeds the time limit — becomes that file's 无法读取 row; the run goes on.
* Detail rows are spooled to a temporary file as they arrive, so memory stays bounded
  by the number of files, not the number of indicator rows; the writer streams them back.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import tempfile
import time
import zipfile
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from perfxl import __version__
from perfxl.adapters.summary_writer import (
    FINDING_SHEET, INDICATOR_SHEET, SUMMARY_SHEET, SUMMARY_TITLE, RowRenderer, SummaryMeta,
    write_summary,
)
from perfxl.core.consolidate import (
    FileResult, FileSummary, column_totals, finalize, findings_by_rule, status_counts,
    summarize, summary_columns,
)
from perfxl.core.findings import FormReadError
from perfxl.core.roster import SHEET as ROSTER_SHEET
from perfxl.core.rules import RuleConfig

# .xls and the other spreadsheet formats are found too, to be listed as 无法读取 with what
# to save them as, rather than silently left out of the summary.
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".xlsb", ".numbers")
SKIP_PREFIXES = ("~$", ".~", ".perfxl-tmp-")
DEFAULT_TIMEOUT = 120.0  # seconds for one file
DETAIL_KINDS = ("indicators", "tasks", "findings")
IN_FLIGHT = 2  # files queued per worker, so a worker never waits for the parent
CORE_PROPERTIES = "docProps/core.xml"  # where a summary's document title is
# A summary whose title was lost (another program dropped or rewrote the document
# properties) is still known by its data sheets; no form has all three.
SUMMARY_SHEETS = frozenset({SUMMARY_SHEET, INDICATOR_SHEET, FINDING_SHEET})
MAX_CORE_PROPERTIES = 65536  # a real one is about 1 KB
SUMMARY_REASON = "这是 perfxl 生成的汇总表，不是申报表（可移出此文件夹）。"
# The sheets of 回收状态.xlsx (mail.status_xlsx); no form has all three either.
STATUS_SHEETS = frozenset({"回收状态", "问题明细", "未匹配"})
STATUS_REASON = "这是 perfxl 回收时生成的回收状态表，不是申报表。"
# The sheets of the 部门名单 template (roster_xlsx.write_roster_template).
ROSTER_SHEETS = frozenset({ROSTER_SHEET, "填写说明"})
ROSTER_REASON = "这是分发用的部门名单，不是申报表。"
OWN_REASONS = frozenset({SUMMARY_REASON, STATUS_REASON, ROSTER_REASON})
MAX_WORKBOOK_XML = 1 << 20  # xl/workbook.xml read on its own: a sheet list, never this big

Progress = Callable[[int, int, str], None]


@dataclass
class ConsolidationResult:
    output: Path
    summaries: list[FileSummary]
    status_counts: dict[str, int]
    row_counts: dict[str, int]
    totals: dict[str, float]
    jobs: int
    read_seconds: float
    write_seconds: float
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why): perfxl's own workbooks

    @property
    def files(self) -> int:
        return len(self.summaries)


@dataclass(frozen=True)
class Source:
    path: str  # as opened
    display: str  # as shown in the summary


# --- finding the files ------------------------------------------------------------------

def discover(inputs: Iterable[str | os.PathLike[str]],
             exclude: Iterable[str | os.PathLike[str]] = ()) -> list[Source]:
    """Files to consolidate, in a stable order. Folders are searched recursively (without
    following links to folders); files named explicitly are taken whatever their type,
    so that a wrong file given by hand is reported rather than ignored."""
    skip = {_key(p) for p in exclude}
    seen: set[str] = set()
    out: list[Source] = []

    def add(path: Path, display: str, resolved: Path | None = None) -> None:
        key = os.path.normcase(str(resolved or path.resolve()))
        if key in skip or key in seen:
            return
        seen.add(key)
        out.append(Source(str(path), readable_name(display)))

    for item in inputs:
        p = Path(item)
        if p.is_dir():
            base = p.resolve().parent
            found = []
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in files:
                    if name.lower().endswith(SUFFIXES) and not name.startswith(SKIP_PREFIXES):
                        found.append(Path(root) / name)
            for f in sorted(found, key=lambda x: str(x)):
                resolved = f.resolve()  # once: it walks the path with a syscall per part
                add(f, Path(os.path.relpath(resolved, base)).as_posix(), resolved)
        elif p.exists():
            add(p, str(item))
        else:
            raise FileNotFoundError(str(item))
    return out


def readable_name(name: str) -> str:
    """A file name as people read it. A name the file system's encoding cannot decode (a
    Chinese Windows name in GBK, unzipped on Linux) arrives with surrogate escapes, which
    no workbook can hold: its bytes are read as GB 18030, else as UTF-8 with U+FFFD."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def _key(path: str | os.PathLike[str]) -> str:
    return os.path.normcase(str(Path(path).resolve()))


# --- one file (runs in a worker) -----------------------------------------------------------

@dataclass
class Rendered:
    """What the parent gets for one file: its 汇总 row, per detail kind the number of rows
    and the rows as ``RowRenderer.render`` made them, and its findings per rule (the
    图表 sheet's counts)."""

    summary: FileSummary
    rows: dict[str, tuple[int, bytes]]
    rules: dict[str, int]


def render(result: FileResult, renderer: RowRenderer) -> Rendered:
    rows = {}
    for kind in DETAIL_KINDS:
        data = getattr(result, kind)
        if data:
            rows[kind] = (len(data), renderer.render(kind, data))
    return Rendered(result.summary, rows, dict(Counter(row[4] for row in result.findings)))


def process_and_render(path: str, display: str, config: RuleConfig,
                       renderer: RowRenderer) -> Rendered:
    """``process_file`` and its rows rendered. Never raises either: a file whose rows cannot
    be written is listed as 无法读取 with the reason, like any other."""
    try:
        return render(process_file(path, display, config), renderer)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001
        return unreadable(path, display, f"生成明细时出错（{type(exc).__name__}）", config, renderer)


def unreadable(path: str, display: str, reason: str, config: RuleConfig,
               renderer: RowRenderer) -> Rendered:
    """The rendered row of a file listed as 无法读取 for ``reason``."""
    return render(summarize(path, display, None, read_error=reason, framework=config.framework,
                            tolerance=config.amount_tolerance), renderer)


def process_file(path: str, display: str, config: RuleConfig) -> FileResult:
    """Read and check one file. Never raises: every failure is the file's read error."""
    from perfxl.adapters.xlsx_reader import check_workbook, read_form
    from perfxl.core.rules import check_form

    kw: dict[str, Any] = {"framework": config.framework, "tolerance": config.amount_tolerance}
    parts = None
    try:
        parts = check_workbook(path)
        own = own_workbook(path, parts)
        form = None if own else read_form(path, parts=parts)
    except FormReadError as exc:
        own = own_workbook(path) if parts is None else ""
        return summarize(path, display, None, read_error=own or exc.message, **kw)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 — incl. a Rust panic from calamine
        return summarize(path, display, None,
                         read_error=f"读取时出错（{type(exc).__name__}: {exc}）", **kw)
    if own:  # a summary's 指标明细 sheet would pass for a form
        return summarize(path, display, None, read_error=own, **kw)
    try:
        findings = check_form(form, config)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001
        return summarize(path, display, None,
                         read_error=f"校验时出错（{type(exc).__name__}: {exc}）", **kw)
    return summarize(path, display, form, findings, **kw)


def is_summary_workbook(core_properties: bytes | None) -> bool:
    """Whether a workbook whose docProps/core.xml holds ``core_properties`` (None: it has
    none) is a summary written by perfxl: its document title says so."""
    if core_properties is None or len(core_properties) > MAX_CORE_PROPERTIES:
        return False
    core = core_properties.decode("utf-8", "replace")
    return f"<dc:title>{SUMMARY_TITLE}</dc:title>" in core and "perfxl" in core


def own_workbook(path: str | os.PathLike[str], parts: dict[str, bytes] | None = None) -> str:
    """Why ``path`` is a workbook perfxl wrote itself (a summary, a 回收状态 workbook, a
    部门名单) and no form: ``SUMMARY_REASON``, ``STATUS_REASON`` or ``ROSTER_REASON``; ""
    for anything else. ``parts``: the
    file's ``check_workbook`` parts when at hand; without them the two small parts needed
    are read on their own (also for a file ``check_workbook`` refused: a big summary can
    exceed the limits meant for forms and is still named as one)."""
    if parts is None:
        parts = {name: _small_part(path, name, limit) for name, limit in
                 ((CORE_PROPERTIES, MAX_CORE_PROPERTIES), ("xl/workbook.xml", MAX_WORKBOOK_XML))}
    from perfxl.adapters.xlsx_reader import sheet_states

    titles = set(sheet_states(parts.get("xl/workbook.xml")))
    if is_summary_workbook(parts.get(CORE_PROPERTIES)) or SUMMARY_SHEETS <= titles:
        return SUMMARY_REASON
    if STATUS_SHEETS <= titles:
        return STATUS_REASON
    return ROSTER_REASON if ROSTER_SHEETS <= titles else ""


def _small_part(path: str | os.PathLike[str], name: str, limit: int) -> bytes | None:
    """One small part of a zip file, read on its own (None when it cannot be)."""
    from perfxl.adapters.xlsx_reader import DECOMPRESSION_ERRORS

    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo(name)
            if info.file_size > limit:
                return None
            return zf.read(info)
    except (KeyError, *DECOMPRESSION_ERRORS):
        return None


def _worker(conn: Connection, config: RuleConfig) -> None:
    renderer = RowRenderer()
    try:
        while True:
            msg = conn.recv()
            if msg is None:
                return
            idx, path, display = msg
            conn.send((idx, process_and_render(path, display, config, renderer)))
    except (EOFError, KeyboardInterrupt, BrokenPipeError):
        return


# --- the pool ---------------------------------------------------------------------------

@dataclass
class _Worker:
    proc: Any
    conn: Connection
    pending: deque = field(default_factory=deque)  # indices sent, oldest first
    since: float = 0.0  # when the oldest pending file started
    closed: bool = False  # a send failed: the worker is gone


def run_files(sources: list[Source], config: RuleConfig, jobs: int,
              timeout: float = DEFAULT_TIMEOUT) -> Iterator[tuple[int, Rendered]]:
    """Yield (index, result) for every source, in completion order."""
    renderer = RowRenderer()  # for the files done in this process
    if jobs <= 1 or len(sources) <= 1:
        for i, src in enumerate(sources):
            yield i, process_and_render(src.path, src.display, config, renderer)
        return

    ctx = mp.get_context()
    todo: deque[int] = deque(range(len(sources)))
    workers: list[_Worker] = []

    def spawn() -> _Worker:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(child, config), daemon=True)
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def feed(w: _Worker) -> None:
        while todo and len(w.pending) < IN_FLIGHT and not w.closed:
            idx = todo.popleft()
            if not w.pending:
                w.since = time.monotonic()
            w.pending.append(idx)
            src = sources[idx]
            try:
                w.conn.send((idx, src.path, src.display))
            except OSError:
                # The worker died between two sends (its file crashed it): the file stays
                # pending, and when the death is seen retire() fails the file it was on
                # and puts this one back in line.
                w.closed = True

    def retire(w: _Worker, reason: str) -> tuple[int, Rendered] | None:
        """A worker died or hung: its current file fails, the others go back in line."""
        _kill(w)
        workers.remove(w)
        out = None
        if w.pending:
            idx = w.pending.popleft()
            out = (idx, unreadable(sources[idx].path, sources[idx].display, reason, config,
                                   renderer))
            todo.extendleft(reversed(w.pending))
        if todo or any(x.pending for x in workers):
            new = spawn()
            workers.append(new)
        return out

    try:
        for _ in range(min(jobs, len(sources))):
            workers.append(spawn())
        for w in workers:
            feed(w)
        remaining = len(sources)
        while remaining:
            now = time.monotonic()
            wait_for = max(0.05, min((w.since + timeout - now for w in workers if w.pending),
                                     default=1.0))
            handles = {w.conn: w for w in workers}
            handles.update({w.proc.sentinel: w for w in workers})
            ready = wait(list(handles), timeout=wait_for)
            dead: list[_Worker] = []
            for h in ready:
                w = handles[h]
                if w not in workers or w in dead:
                    continue
                got, eof = _drain(w)
                for idx, result in got:
                    if w.pending and w.pending[0] == idx:
                        w.pending.popleft()
                        w.since = time.monotonic()
                    remaining -= 1
                    yield idx, result
                if h is w.proc.sentinel or eof or w.closed:
                    dead.append(w)
                else:
                    feed(w)
            for w in dead:
                w.proc.join(timeout=5)  # reaped, so its exit code is known
                code = w.proc.exitcode
                failed = retire(w, f"读取时处理进程意外退出（退出码 {code}），文件可能已损坏。")
                if failed:
                    remaining -= 1
                    yield failed
            now = time.monotonic()
            for w in list(workers):
                if w.pending and now - w.since > timeout:
                    failed = retire(w, f"读取超时（超过 {timeout:g} 秒），已跳过。")
                    if failed:
                        remaining -= 1
                        yield failed
            for w in workers:
                feed(w)
    finally:
        for w in workers:
            try:
                w.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        for w in workers:
            w.proc.join(timeout=2)
            if w.proc.is_alive():
                _kill(w)


def _drain(w: _Worker) -> tuple[list[tuple[int, Rendered]], bool]:
    """The results waiting in the pipe, and whether the worker's end is closed (it died:
    its pipe closes before its process sentinel fires, so either may be seen first)."""
    out = []
    try:
        while w.conn.poll():
            out.append(w.conn.recv())
    except (EOFError, OSError):
        return out, True
    return out, False


def _kill(w: _Worker) -> None:
    if w.proc.is_alive():
        w.proc.kill()
    w.proc.join(timeout=5)
    try:
        w.conn.close()
    except OSError:
        pass


# --- spooling detail rows ------------------------------------------------------------

class Spool:
    """Rendered detail rows on disk, addressed per file and kind."""

    def __init__(self, folder: str) -> None:
        self._files = {k: open(Path(folder) / f"{k}.bin", "w+b", buffering=1 << 20)
                       for k in DETAIL_KINDS}
        self._ends = dict.fromkeys(DETAIL_KINDS, 0)
        self.refs: dict[tuple[str, int], tuple[int, int]] = {}
        self.counts = dict.fromkeys(DETAIL_KINDS, 0)

    def put(self, idx: int, result: Rendered) -> None:
        for kind, (n, data) in result.rows.items():
            fh = self._files[kind]
            end = self._ends[kind]
            if fh.tell() != end:  # only after a get: a seek would flush the buffer
                fh.seek(end)
            fh.write(data)
            self.refs[(kind, idx)] = (end, len(data))
            self._ends[kind] = end + len(data)
            self.counts[kind] += n

    def get(self, kind: str, idx: int) -> bytes:
        ref = self.refs.get((kind, idx))
        if ref is None:
            return b""
        fh = self._files[kind]
        fh.seek(ref[0])
        return fh.read(ref[1])

    def close(self) -> None:
        for fh in self._files.values():
            fh.close()


# --- the whole job ----------------------------------------------------------------------

def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def consolidate(paths: Iterable[str | os.PathLike[str]], output: str | os.PathLike[str], *,
                jobs: int | None = None, year: int | None = None,
                config: RuleConfig | None = None, progress: Progress | None = None,
                timeout: float = DEFAULT_TIMEOUT, config_source: str = "") -> ConsolidationResult:
    """Consolidate the forms in ``paths`` (files or folders) into ``output``.

    ``progress(done, total, path)`` is called after each file. Raises FileNotFoundError
    for an input that does not exist and ValueError when no workbook was found.
    """
    config = config or RuleConfig()
    output = Path(output)
    inputs = [str(p) for p in paths]
    sources = discover(inputs, exclude=[output])
    if not sources:
        raise ValueError("没有找到任何 .xlsx/.xlsm 工作簿。")
    jobs = max(1, jobs or default_jobs())
    jobs = min(jobs, len(sources))
    started = time.monotonic()
    summaries: list[FileSummary | None] = [None] * len(sources)
    rules: Counter[str] = Counter()
    skipped: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="perfxl-spool-") as folder:
        spool = Spool(folder)
        try:
            done = 0
            for idx, result in run_files(sources, config, jobs, timeout):
                if result.summary.read_error in OWN_REASONS:  # no form: a note, not a row
                    skipped.append((sources[idx].display, result.summary.read_error))
                else:
                    summaries[idx] = result.summary
                    result.summary.index = idx
                    spool.put(idx, result)
                    rules.update(result.rules)
                done += 1
                if progress:
                    progress(done, len(sources), sources[idx].display)
            read_seconds = time.monotonic() - started
            if all(s is None for s in summaries):
                raise ValueError("没有找到申报表：找到的只有 perfxl 生成的汇总表、回收状态表或部门名单。")
            final = finalize([s for s in summaries if s is not None], year=year)
            columns = summary_columns(config.framework)
            meta = SummaryMeta(
                version=__version__,
                generated_at=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %z"),
                inputs=inputs, framework=config.framework,
                config_lines=describe_config(config, config_source), year=year, jobs=jobs,
                elapsed=read_seconds, status_counts=status_counts(final))
            t0 = time.monotonic()
            write_summary(output, final,
                          lambda kind, s: spool.get(kind, s.index),
                          columns=columns, row_counts=dict(spool.counts),
                          rule_counts=findings_by_rule(rules), meta=meta)
            write_seconds = time.monotonic() - t0
            counts = dict(spool.counts)
        finally:
            spool.close()
    return ConsolidationResult(output, final, status_counts(final), counts,
                               column_totals(final, columns), jobs, read_seconds, write_seconds,
                               sorted(skipped))


def describe_config(config: RuleConfig, source: str = "") -> list[str]:
    lines = []
    if source:
        lines.append(f"配置文件：{source}")
    lines += [
        f"指标框架：{config.framework}",
        f"金额容差：{config.amount_tolerance:g} 万元",
        f"启用规则：{'、'.join(config.select) or '（无）'}",
    ]
    if config.ignore:
        lines.append(f"忽略规则：{'、'.join(config.ignore)}")
    for code, sev in sorted(config.severity.items()):
        lines.append(f"级别调整：{code} → {sev}")
    return lines


__all__ = ["ConsolidationResult", "Rendered", "Source", "consolidate", "discover", "own_workbook", "process_file",
           "run_files", "describe_config", "default_jobs"]
