"""One handler per ribbon button, keyed by control id.

A handler takes a :class:`perfxl.excel.book.Book` and returns the Chinese message shown
to the user when it is done. It calls the same adapter and core code as the matching
``perfxl`` command; ``perfxl addin run CONTROL_ID --book FILE`` runs it headless.
Every id here has a button in ``perfxl.excel.buttons.BUTTONS`` and vice versa.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from perfxl.excel import marks
from perfxl.excel.book import Book
from perfxl.excel.buttons import BUTTONS, TAB_LABEL

Handler = Callable[[Book], str]
HANDLERS: dict[str, Handler] = {}

HELP_SHEET = "perfxl帮助"


def handler(control_id: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        if control_id in HANDLERS:
            raise ValueError(f"two handlers for {control_id}")
        HANDLERS[control_id] = fn
        return fn
    return register


def _snapshot_suffix(book: Book) -> str:
    suffix = Path(book.name).suffix.lower()
    return suffix if suffix in (".xlsx", ".xlsm") else ".xlsx"


@handler("px_check")
def check(book: Book) -> str:
    """校验: the findings of ``perfxl check`` marked in the book."""
    from perfxl.adapters.checking import check_file, load_config, unreadable
    from perfxl.core.findings import SEVERITIES, SEVERITY_LABELS

    book.status("perfxl：正在清除上次的校验标注…")
    marks.clear(book)
    book.status("perfxl：正在读取并校验申报表…")
    config = load_config(None, search_from=book.folder) if book.folder else load_config(None)
    with tempfile.TemporaryDirectory(prefix="perfxl-check-") as tmp:
        snap = book.snapshot(Path(tmp) / f"snapshot{_snapshot_suffix(book)}")
        findings = [replace(f, file=book.name) for f in check_file(snap, config)]
    if unreadable(findings):
        return "无法按申报表读取本工作簿：" + "；".join(f.message for f in findings if f.rule == "PX001")
    book.status("perfxl：正在标注问题单元格…")
    marked = marks.apply(book, findings)
    if not findings:
        return "校验完成：未发现问题。"
    counts = "，".join(f"{SEVERITY_LABELS[s]} {sum(f.severity == s for f in findings)} 个"
                      for s in SEVERITIES)
    return (f"校验完成：共 {len(findings)} 个问题（{counts}），已标注 {marked} 个单元格，"
            f"详见“{marks.RESULTS_SHEET}”工作表。")


@handler("px_clear_marks")
def clear_marks(book: Book) -> str:
    """清除标注: what ``perfxl check --annotate`` or 校验 added, taken out again."""
    restored = marks.clear(book)
    return f"已清除校验标注（恢复 {restored} 个单元格的原有底色和批注）。"


@handler("px_help")
def help_sheet(book: Book) -> str:
    """帮助: a sheet listing every button, what it does and its command-line twin."""
    rows = [["按钮", "用途", "对应命令"]]
    for b in BUTTONS:
        if b.id in HANDLERS:
            rows.append([b.label, b.supertip, f"perfxl addin run {b.id} --book 文件 -o 输出文件"])
    rows += [[], ["用户指南", "docs/guide/README.md（各项操作的说明和常见问题）"],
             ["命令行", "在命令提示符中运行 perfxl --help 查看全部命令"]]
    if HELP_SHEET in book.sheet_names():
        book.delete_sheet(HELP_SHEET)
    book.add_sheet(HELP_SHEET)
    book.write_rows(HELP_SHEET, "A1", rows)
    # Readable without resizing: the 用途 texts are long, so that column wraps.
    book.format_columns(HELP_SHEET, {"A": 12, "B": 60, "C": 52}, wrap=("B",))
    book.activate(HELP_SHEET)
    return f"已在“{HELP_SHEET}”工作表列出“{TAB_LABEL}”选项卡各按钮的用途。"


def _selected_level2(book: Book) -> str | None:
    """The 二级指标 named on the selected row (the block the user points at), if any."""
    from perfxl.core.framework import level1_names, level2_names
    from perfxl.core.values import normalize

    sheet, address = book.selection()
    row_no = int("".join(ch for ch in address.split(":")[0] if ch.isdigit()) or 0)
    rows = book.read_rows(sheet) if sheet in book.sheet_names() else []
    if not 0 < row_no <= len(rows):
        return None
    known = {name for fw in ("2015", "2021") for l1 in level1_names(fw) for name in level2_names(l1, fw)}
    for value in rows[row_no - 1]:
        text = normalize(str(value)) if value is not None else ""
        if text in known:
            return text
    return None


@handler("px_fill_indicators")
def fill_indicators(book: Book) -> str:
    """填充指标: search the library and insert the chosen indicators (``perfxl fill``)."""
    from perfxl.adapters.fill_xlsx import fill_form
    from perfxl.adapters.library_xlsx import load_libraries
    from perfxl.core.library.fill import FillItem
    from perfxl.core.library.search import search

    library, _, _ = load_libraries([], replace=False)
    if "ids" in book.params:
        ids = [i.strip() for i in book.params["ids"].replace("，", ",").split(",") if i.strip()]
        unknown = [i for i in ids if i not in library]
        if unknown:
            return f"指标库中没有这些编号：{'、'.join(unknown)}"
        chosen = [library.get(i) for i in dict.fromkeys(ids)]
    else:
        level2 = _selected_level2(book)
        query = book.param("query", "输入要查找的指标关键词（如“法律援助”“满意度”）：")
        hits = search(library, query, level2=[level2] if level2 else [], limit=9)
        if not hits and level2:
            hits = search(library, query, limit=9)
        if not hits:
            return f"指标库中没有与“{query}”相关的指标。"
        listing = "\n".join(f"{n}. {h.indicator.name}（{h.indicator.target}）"
                            for n, h in enumerate(hits, start=1))
        picked = book.param("pick", f"找到以下指标，输入要填入的序号（用逗号分隔）：\n{listing}", "1")
        try:
            numbers = [int(p) for p in picked.replace("，", ",").split(",") if p.strip()]
        except ValueError:
            return f"序号应为数字，用逗号分隔：{picked}"
        if not numbers or any(not 1 <= n <= len(hits) for n in numbers):
            return f"序号应在 1 到 {len(hits)} 之间：{picked}"
        chosen = [hits[n - 1].indicator for n in dict.fromkeys(numbers)]
    items = [FillItem(ind) for ind in chosen]
    book.status("perfxl：正在填入指标…")
    suffix = _snapshot_suffix(book)
    with tempfile.TemporaryDirectory(prefix="perfxl-fill-") as tmp:
        snap = book.snapshot(Path(tmp) / f"snapshot{suffix}")
        result = fill_form(snap, Path(tmp) / f"filled{suffix}", items)
        where = book.open_result(result.output, f"{Path(book.name).stem}（已填指标）{suffix}")
    lines = [f"已填入：{i.indicator.name}（{i.value}），第{row}行，{place}"
             for i, row, place in result.plan.placed]
    lines += [f"已跳过：{i.indicator.name}：{why}" for i, why in result.plan.skipped]
    lines.append(f"结果已另存为：{where}（原表未修改）")
    return "\n".join(lines)


@handler("px_consolidate")
def consolidate(book: Book) -> str:
    """一键汇总: every form in a folder → the summary workbook (``perfxl consolidate``),
    opened when done; progress in the status bar."""
    import time

    from perfxl.adapters.batch import consolidate as run_consolidation
    from perfxl.adapters.checking import load_config
    from perfxl.core.consolidate import NEEDS_FIX, PASSED, UNREADABLE

    folder = Path(book.param("folder", "选择存放各单位申报表的文件夹", kind="folder"))
    if not folder.is_dir():
        return f"找不到文件夹：{folder}"
    year_text = book.params.get("year", "").strip()
    if year_text and not year_text.isdigit():
        return f"年度应为数字，如 2024：{year_text}"
    config = load_config(None, search_from=folder)
    shown = [0.0]

    def progress(done: int, total: int, path: str) -> None:
        now = time.monotonic()
        if done == total or now - shown[0] > 0.3:  # the status bar is slow to repaint
            shown[0] = now
            book.status(f"perfxl：正在汇总 {done}/{total}：{Path(path).name}")

    with tempfile.TemporaryDirectory(prefix="perfxl-summary-") as tmp:
        try:
            result = run_consolidation([folder], Path(tmp) / "汇总.xlsx", year=int(year_text) if year_text else None,
                                       config=config, progress=progress)
        except ValueError as exc:
            return f"{folder}：{exc}"
        where = book.open_result(result.output, f"{folder.name}_绩效目标汇总.xlsx")
    c = result.status_counts
    return "\n".join([f"汇总完成：{result.files} 个文件，通过 {c[PASSED]}，需修改 {c[NEEDS_FIX]}，"
                      f"无法读取 {c[UNREADABLE]}。汇总表：{where}",
                      *(f"已跳过：{name}：{why}" for name, why in result.skipped)])


_LAYOUTS = {"1": "guangdong", "广东": "guangdong", "guangdong": "guangdong",
            "2": "shandong", "山东": "shandong", "shandong": "shandong"}


@handler("px_new_form")
def new_form(book: Book) -> str:
    """新建申报表: a blank official form for a layout, year and department (``perfxl template``)."""
    import datetime

    from perfxl.adapters.template import write_template

    choice = book.param("layout", "选择表式：输入 1 为广东表式，2 为山东表式", "1").strip()
    layout = _LAYOUTS.get(choice.lower())
    if layout is None:
        return f"表式应为 1（广东）或 2（山东）：{choice}"
    year_text = book.param("year", "预算年度（如 2025）：", str(datetime.date.today().year + 1)).strip()
    if not year_text.isdigit() or not 1900 <= int(year_text) <= 2100:
        return f"年度不正确：{year_text}"
    dept = book.param("dept", "部门名称（可留空，由部门自行填写）：", optional=True).strip()
    with tempfile.TemporaryDirectory(prefix="perfxl-new-") as tmp:
        path = Path(tmp) / "form.xlsx"
        write_template(layout, int(year_text), dept, path)
        name = f"{dept + '_' if dept else ''}{year_text}年度绩效目标申报表.xlsx"
        where = book.open_result(path, name)
    kind = "广东" if layout == "guangdong" else "山东"
    return f"已新建{kind}表式的 {year_text} 年度申报表：{where}"


@handler("px_import_text")
def import_text(book: Book) -> str:
    """导入文本: a published form's text extract → the filled template (``perfxl import``)."""
    from perfxl.adapters.import_workbook import import_file, write_import

    source = Path(book.param("file", "选择从 PDF 或网页复制出来的申报表文本文件", kind="file"))
    result = import_file(source, layout=book.params.get("layout", "auto"))
    with tempfile.TemporaryDirectory(prefix="perfxl-import-") as tmp:
        path = Path(tmp) / "imported.xlsx"
        write_import(result, path)
        where = book.open_result(path, f"{source.stem}.xlsx")
    return f"{result.summary}\n已生成：{where}"


CALC_SHEET = "计算结果"


@handler("px_calculate")
def calculate(book: Book) -> str:
    """计算: formulas refreshed, and the derived figures of ``perfxl calc`` on a sheet."""
    from perfxl.adapters.xlsx_reader import read_form
    from perfxl.core.calc import form_figures
    from perfxl.core.calc_text import figures_text

    book.status("perfxl：正在重新计算…")
    book.recalculate()
    if CALC_SHEET in book.sheet_names():
        book.delete_sheet(CALC_SHEET)
    with tempfile.TemporaryDirectory(prefix="perfxl-calc-") as tmp:
        form = read_form(book.snapshot(Path(tmp) / f"snapshot{_snapshot_suffix(book)}"))
    lines = figures_text(book.name, form_figures(form)).rstrip("\n").split("\n")
    book.add_sheet(CALC_SHEET)
    book.write_rows(CALC_SHEET, "A1", [[line] for line in lines])
    book.activate(CALC_SHEET)
    return f"已重新计算，合计、覆盖率等派生数字列在“{CALC_SHEET}”工作表。"


_MAIL_MODES = {"1": "send", "2": "eml", "3": "forms"}
_SECURITY_LABELS = {"starttls": "STARTTLS 加密", "ssl": "SSL 加密", "none": "不加密"}


def _mail_setting(book: Book, key: str, configured, default: str = "") -> str:
    """A setting the button does not ask for: ``--set`` (headless), else perfxl.toml's
    [mail], else the default."""
    if key in book.params:
        return book.params[key]
    return default if configured is None else str(configured)


def _mail_answer(book: Book, key: str, configured, prompt: str, default: str = "") -> str:
    """A setting the button asks for only when perfxl.toml's [mail] does not give it."""
    if key in book.params or configured is None:
        return book.param(key, prompt, default)
    return str(configured)


@handler("px_distribute")
def distribute(book: Book) -> str:
    """分发模板: the active workbook is the 部门名单; pre-filled forms per department, and
    the mail carrying them sent or written as .eml (``perfxl distribute``). What the
    [mail] table of the nearest perfxl.toml (from the book's folder up) says is used
    without asking, as the command does, and the message says which server and sender."""
    import datetime
    import os
    import shutil

    from perfxl.adapters.mail.api import (DistributionError, distribute as run_distribution, saved_settings,
                                         smtp_settings)
    from perfxl.adapters.mail.compose import ComposeError, Sender
    from perfxl.adapters.mail.credentials import CredentialError
    from perfxl.adapters.mail.settings import MailFileSettings, instructions_text, load_mail_settings
    from perfxl.core.findings import SEVERITY_LABELS
    from perfxl.core.rules import ConfigError

    try:
        mail = load_mail_settings(search_from=book.folder)
    except ConfigError as exc:
        return f"邮件设置有误，未生成任何文件。{exc}"
    from_file = mail != MailFileSettings(source=mail.source)
    year_text = book.param("year", "申报年度（如 2025）：", str(datetime.date.today().year + 1)).strip()
    if not year_text.isdigit() or not 1900 <= int(year_text) <= 2100:
        return f"年度不正确：{year_text}"
    outdir = Path(book.param("folder", "选择分发文件夹（申报表、邮件和发送记录都保存在这里）", kind="folder"))
    known = [f"{label} {value}" for label, value in (("发件服务器", mail.host), ("发件人", mail.sender)) if value]
    shown = f"\n（按 {mail.source} 的设置：{'，'.join(known)}）" if known else ""
    mode = _MAIL_MODES.get(book.param(
        "mode", "输入 1 立即发送邮件；2 只生成邮件文件（.eml）供检查，不发送；3 只生成申报表" + shown, "2").strip())
    if mode is None:
        return "请输入 1、2 或 3。"
    deadline = None  # only forms: the deadline saved for later reminders stays
    if mode in ("send", "eml"):
        # An earlier distribution of this year into the folder offers its deadline: a
        # rerun that only adds departments must not mail them without one.
        deadline = book.param("deadline", "报送截止时间，写入邮件正文（如 2025年3月31日；可留空）：",
                              saved_settings(outdir, int(year_text))[0], optional=True).strip()
    smtp = sender = None
    instructions = ""
    used: list[str] = []
    if mode in ("send", "eml"):
        # The login user of the environment outranks the file's, as for the command: a
        # password in PERFXL_SMTP_PASSWORD belongs to PERFXL_SMTP_USER.
        user = book.params.get("smtp_user") or (None if os.environ.get("PERFXL_SMTP_USER") else mail.user)
        login = user or os.environ.get("PERFXL_SMTP_USER", "")
        # The address an earlier run of this year saved comes before the login: the
        # departments already know it.
        address = _mail_answer(book, "sender", mail.sender, "发件人邮箱地址：",
                               saved_settings(outdir, int(year_text))[1]
                               or (login if "@" in login else "")).strip()
        try:
            if mode == "send":
                host = _mail_answer(book, "smtp_host", mail.host,
                                    "发件服务器（SMTP）地址，如 smtp.example.gov.cn：").strip()
                port = _mail_setting(book, "smtp_port", mail.port, "0").strip()
                if not port.isdigit():
                    return f"端口应为数字：{port}"
                options = {k: v for k, v in (("rate_per_min", mail.rate), ("retries", mail.retries),
                                             ("cafile", mail.cafile)) if v is not None}
                security = _mail_setting(book, "smtp_security", mail.security, "starttls")
                smtp = smtp_settings(host, int(port), security, user, **options)
                login_text = f"登录用户 {smtp.credentials.user}" if smtp.credentials else "不登录"
                used.append(f"发件服务器：{smtp.host}:{smtp.port}（{_SECURITY_LABELS[smtp.security]}，{login_text}）")
            sender = Sender(address, _mail_setting(book, "sender_name", mail.sender_name),
                            _mail_setting(book, "sender_contact", mail.sender_contact))
            instructions = instructions_text(mail.instructions)
        except (CredentialError, ComposeError, ValueError) as exc:
            return str(exc)
        used.insert(0, f"发件人：{sender.name + ' ' if sender.name else ''}<{sender.address}>")
        if from_file:
            used.append(f"邮件设置取自：{mail.source}")
    outdir.mkdir(parents=True, exist_ok=True)
    roster = outdir / f"部门名单{_snapshot_suffix(book)}"  # the manifest points at the roster used
    with tempfile.TemporaryDirectory(prefix="perfxl-roster-") as tmp:
        shutil.copyfile(book.snapshot(Path(tmp) / roster.name), roster)
    try:
        result = run_distribution(roster, int(year_text), outdir, send=mode == "send", dry_run=mode == "eml",
                                  smtp=smtp, sender=sender, deadline=deadline, templates_dir=mail.templates,
                                  instructions=instructions, progress=book.status)
    except (DistributionError, ComposeError) as exc:
        problems = [f"{SEVERITY_LABELS.get(f.severity, f.severity)}：{f.where}：{f.message}"
                    for f in getattr(exc, "findings", [])]
        return "\n".join([str(exc), *problems[:20]])
    summary = result.campaign.summary_lines() if result.campaign else []
    if result.kept_settings:
        summary.insert(0, f"沿用上次分发时的设置：{'、'.join(result.kept_settings)}")
    return "\n".join([f"已在 {outdir} 生成 {len(result.forms)} 个部门的申报表。", *used, *summary])
