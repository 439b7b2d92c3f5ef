"""The distribution and collection use cases, as called by the CLI and the add-in.

``distribute`` writes one pre-filled form per roster department into a work folder and
sends (or, for a dry run, writes as .eml) one mail per department; ``collect`` stores
returned forms and writes the status workbook; ``remind`` mails the departments that have
not returned or must fix their form. All three keep their state in the work folder, so
any of them can be rerun safely.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

from perfxl.adapters.atomic import atomic_path
from perfxl.adapters.history_notes import verify_and_annotate
from perfxl.adapters.mail.campaign import CampaignResult, Job, run_campaign
from perfxl.adapters.mail.collect import (UNMATCHED, CollectResult, Incoming, Store, check_file,
                                          from_folder, imap_items)
from perfxl.adapters.mail.compose import Sender, Templates
from perfxl.adapters.mail.credentials import lookup
from perfxl.adapters.mail.imap import ImapSettings, fetch_new
from perfxl.adapters.mail.sendlog import LOG_NAME, SendLog
from perfxl.adapters.mail.smtp import SmtpSettings
from perfxl.adapters.mail.status_xlsx import local, write_status
from perfxl.adapters.roster_xlsx import read_roster
from perfxl.core.collection import (DepartmentStatus, Received, department_status, latest_versions,
                                    needs_reminder)
from perfxl.core.findings import Finding, FormReadError
from perfxl.core.model import Form
from perfxl.core.prefill import choose_history, new_form, prefilled
from perfxl.core.roster import Department, Roster, form_filename, name_key
from perfxl.core.rules import RuleConfig, check_form
from perfxl.core.sendstate import plan, sent_at

MANIFEST = "分发清单.json"
FORMS_DIR = "申报表"
EML_DIR = "邮件"
STATUS_FILE = "回收状态.xlsx"
Progress = Callable[[str], None] | None


class DistributionError(Exception):
    """A problem the user must fix first; Chinese message plus the findings behind it."""

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []


@dataclass
class DistributionResult:
    outdir: Path
    forms: dict[str, Path] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)  # already sent: the file on disk is what they got
    kept_settings: list[str] = field(default_factory=list)  # saved by an earlier run, e.g. "截止时间 3月31日"
    with_history: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    campaign: CampaignResult | None = None

    @property
    def ok(self) -> bool:
        return self.campaign is None or self.campaign.ok


@dataclass
class RosterChange:
    """A roster given to collect/remind that differs from the one the folder remembered."""

    departments: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    first: bool = False  # the folder had no roster before (collect without distribute)


@dataclass
class CollectionResult:
    workdir: Path
    statuses: list[DepartmentStatus]
    collected: CollectResult
    status_file: Path
    roster_change: RosterChange | None = None


@dataclass
class RemindResult:
    statuses: list[DepartmentStatus]
    reminded: list[str]
    campaign: CampaignResult
    roster_change: RosterChange | None = None


def smtp_settings(host: str, port: int = 0, security: str = "starttls", user: str | None = None,
                  **options) -> SmtpSettings:
    """SMTP settings with credentials from the environment or the keyring (for callers
    such as the add-in that have no command line). Raises CredentialError/ValueError with
    Chinese messages."""
    return SmtpSettings(host, port, security, lookup("smtp", host, user), **options)


def imap_settings(host: str, folder: str = "INBOX", port: int = 0, security: str = "ssl",
                  user: str | None = None, **options) -> ImapSettings:
    return ImapSettings(host, port, security, folder, lookup("imap", host, user), **options)


def _say(progress: Progress, text: str) -> None:
    if progress:
        progress(text)


def _writer():
    try:
        from perfxl.adapters.template import write_form
    except ImportError:
        raise DistributionError("本安装缺少申报表模板模块（perfxl.adapters.template），无法生成申报表") from None
    return write_form


def _reader():
    from perfxl.adapters.xlsx_reader import read_form
    return read_form


def _checker(config: RuleConfig | None):
    return lambda form: check_form(form, config)


def load_roster(path: str | os.PathLike[str]) -> Roster:
    roster = read_roster(path)
    if roster.errors:
        raise DistributionError(f"部门名单有 {len(roster.errors)} 处错误，请修改后重试", roster.findings)
    return roster


def history_from_dir(folder: str | os.PathLike[str]) -> tuple[list[Form], list[Finding], dict[str, str]]:
    """Every form in ``folder`` (``file`` relative to it), found as ``consolidate`` finds
    them, so an .xls or .et the department sent is named in a warning instead of passed
    over; and for a distribution folder, ``file`` → the time ``collect`` recorded it was
    received, for ``choose_history`` to take the last received. perfxl's own workbooks
    (summary, status) are no forms, and a distribution folder's 回收/未匹配 copies are not
    read: a return matched later is stored again under its department, and the old copy
    must not compete with newer versions."""
    from perfxl.adapters.batch import discover, own_workbook

    folder = Path(folder)
    if not folder.is_dir():
        raise DistributionError(f"找不到上年申报表文件夹：{folder}")
    store = Store(folder)
    distribution = (folder / MANIFEST).exists() or store.records_path.exists()
    received = {r.file: r.received_at for r in store.records()} if distribution else {}
    unmatched_dir = (store.root / UNMATCHED).resolve()
    read_form = _reader()
    forms: list[Form] = []
    findings: list[Finding] = []
    for source in discover([folder]):
        path = Path(source.path)
        if distribution and path.resolve().is_relative_to(unmatched_dir) or own_workbook(path):
            continue
        try:
            form = read_form(path)
        except FormReadError as exc:
            findings.append(Finding(str(path), exc.sheet, exc.cell, "DS001", "warning",
                                    f"上年申报表无法读取，已跳过：{exc.message}"))
            continue
        form.file = path.relative_to(folder).as_posix()
        forms.append(form)
    return forms, findings, received


def history_from_summary(path: str | os.PathLike[str]) -> tuple[list[Form], list[Finding]]:
    from perfxl.adapters.summary_history import read_summary_history
    return read_summary_history(path)


def _save_manifest(outdir: Path, data: dict) -> None:
    with atomic_path(outdir / MANIFEST) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")


def load_manifest(workdir: str | os.PathLike[str], required: bool = True) -> dict:
    p = Path(workdir) / MANIFEST
    if not p.exists():
        if not required:
            return {}
        raise DistributionError(f"{workdir} 不是分发文件夹（没有 {MANIFEST}）：请先运行 perfxl distribute")
    try:
        data = json.loads(p.read_text("utf-8"))
        why = _manifest_problem(data)
    except UnicodeDecodeError:
        why = "不是 UTF-8 编码的文本"
    except json.JSONDecodeError as exc:
        why = f"第 {exc.lineno} 行第 {exc.colno} 列不是有效的 JSON"
    if why:
        raise DistributionError(f"{p} 已损坏，无法读取（{why}）：请从备份恢复，或重新运行 perfxl distribute")
    return data


def _manifest_problem(data) -> str:
    """What makes ``data`` no manifest perfxl can use ("" when nothing): a hand-edited or
    half-written file must be reported, not fail later on a missing key."""
    def text(value) -> bool:
        return isinstance(value, str)

    def texts(value) -> bool:
        return isinstance(value, list) and all(map(text, value))

    if not isinstance(data, dict):
        return "内容不是分发清单"
    if "year" in data and (isinstance(data["year"], bool) or not isinstance(data["year"], int)):
        return "“year”应为整数年度"
    if not text(data.get("deadline", "")):
        return "“deadline”应为文字"
    departments = data.get("departments")
    if not isinstance(departments, list):
        return "缺少部门名单“departments”"
    for i, d in enumerate(departments, 1):
        if not (isinstance(d, dict) and text(d.get("name")) and text(d.get("layout")) and texts(d.get("emails"))
                and text(d.get("code", "")) and text(d.get("contact", "")) and texts(d.get("cc", []))
                and isinstance(d.get("row", 0), int)):
            return f"部门名单第 {i} 项不完整（应有 name、layout、emails）"
    sender = data.get("sender")
    if sender is not None and not (isinstance(sender, dict) and text(sender.get("address"))
                                   and text(sender.get("name", "")) and text(sender.get("contact", ""))):
        return "“sender”应为含 address 的发件人信息"
    forms = data.get("forms", {})
    if not (isinstance(forms, dict) and all(text(k) and text(v) for k, v in forms.items())):
        return "“forms”应为部门名称到申报表文件的对应"
    return ""


def _variables(dept: Department, year: int, deadline: str, sender: Sender | None,
               instructions: str, **extra) -> dict:
    return dict(department=dept.name, code=dept.code, contact=dept.contact, year=year,
                deadline=deadline, instructions=instructions,
                sender_name=sender.name if sender else "", sender_contact=sender.contact if sender else "",
                **extra)


def with_saved_sender(sender: Sender | None, saved: dict | None) -> tuple[Sender | None, list[str]]:
    """``sender`` with what it leaves empty taken from the one the manifest saved, and
    the Chinese labels of what was taken: a rerun without ``--sender-name`` must not
    send (or later remind) without the signature the first run had."""
    if not saved:
        return sender, []
    if sender is None:
        sender = Sender(saved.get("address", ""))
        kept = [f"发件人 {sender.address}"]
    else:
        kept = []
    name, contact = sender.name, sender.contact
    if not name and saved.get("name"):
        name = saved["name"]
        kept.append(f"发件单位 {name}")
    if not contact and saved.get("contact"):
        contact = saved["contact"]
        kept.append(f"联系方式 {contact}")
    return Sender(sender.address, name, contact), kept


def saved_settings(outdir: str | os.PathLike[str], year: int | None = None) -> tuple[str, str]:
    """The deadline and sender address an earlier distribution (of ``year``, if given)
    into ``outdir`` saved, "" where none: what a rerun that names neither falls back to."""
    try:
        saved = load_manifest(outdir, required=False)
    except DistributionError:
        return "", ""
    if not saved or (year is not None and saved.get("year") != year):
        return "", ""
    return str(saved.get("deadline") or ""), str((saved.get("sender") or {}).get("address") or "")


def distribute(roster_path: str | os.PathLike[str], year: int, outdir: str | os.PathLike[str], *,
               send: bool = False, dry_run: bool = False,
               history: str | os.PathLike[str] | None = None,
               history_dir: str | os.PathLike[str] | None = None,
               deadline: str | None = None, templates_dir: str | os.PathLike[str] | None = None,
               smtp: SmtpSettings | None = None, sender: Sender | None = None,
               instructions: str = "", retry_uncertain: bool = False,
               writer: Callable[[Form, Path], object] | None = None,
               progress: Progress = None) -> DistributionResult:
    """``writer(form, path)`` writes a form workbook; the default is the official template
    writer (perfxl.adapters.template.write_form).

    A rerun for the same year into the same folder keeps the deadline and sender the
    first run saved wherever this one gives none (``deadline=None``, no ``sender``, or a
    sender without name or contact); ``DistributionResult.kept_settings`` says which."""
    outdir = Path(outdir)
    findings: list[Finding] = []
    try:
        saved = load_manifest(outdir, required=False)
    except DistributionError:  # this run writes a new one
        saved = {}
        findings.append(Finding(str(outdir / MANIFEST), "", "", "DS007", "warning",
                                "分发清单已损坏，无法读取，本次重新生成；上次的截止时间和发件人未能沿用"))
    kept_settings: list[str] = []
    if saved.get("year") == year:
        sender, kept_settings = with_saved_sender(sender, saved.get("sender"))
        if deadline is None and saved.get("deadline"):
            deadline = saved["deadline"]
            kept_settings.insert(0, f"截止时间 {deadline}")
    deadline = deadline or ""
    if send and dry_run:
        raise DistributionError("--send 和 --dry-run 只能选一个")
    if (send or dry_run) and sender is None:
        raise DistributionError("发送邮件需要发件人地址（--sender）")
    if send and smtp is None:
        raise DistributionError("发送邮件需要邮件服务器（--smtp-host）")
    roster = load_roster(roster_path)
    templates = Templates(templates_dir)  # fail on a bad template folder before writing anything
    result = DistributionResult(outdir, findings=findings + list(roster.findings), kept_settings=kept_settings)
    last: dict[str, Form] = {}
    sources = []
    if history:
        sources.append((history, *history_from_summary(history), None))
    if history_dir:
        sources.append((history_dir, *history_from_dir(history_dir)))
    for source, forms, problems, received in sources:
        chosen, notes = choose_history(forms, year, str(source), received)
        last.update(chosen)
        result.findings += problems + notes
    campaign = f"distribute:{year}"
    log = SendLog(outdir / LOG_NAME)
    already = set(plan([d.key for d in roster.departments], log.records(), campaign).already_sent)
    write_form = writer or _writer()
    read_form = _reader()
    jobs = []
    for dept in roster.departments:
        path = outdir / FORMS_DIR / form_filename(dept, year)
        form = new_form(dept.name, dept.layout, year, last.get(name_key(dept.name)))
        if prefilled(form):
            result.with_history.append(dept.name)
        if dept.key in already and path.exists():
            result.kept.append(dept.name)
        else:
            with atomic_path(path) as tmp:
                write_form(form, tmp)
                verify_and_annotate(tmp, form, read_form)
            _say(progress, f"已生成：{path.name}")
        result.forms[dept.name] = path
        v = _variables(dept, year, deadline, sender, instructions, attachment=path.name,
                       has_history=prefilled(form))
        jobs.append(Job(dept, templates.subject("distribute", **v), templates.body("distribute", **v),
                        path, path.name))
    _save_manifest(outdir, {
        "year": year, "deadline": deadline, "roster_file": str(roster_path),
        "updated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "sender": {"address": sender.address, "name": sender.name, "contact": sender.contact} if sender else None,
        "departments": [d.to_dict() for d in roster.departments],
        "forms": {name: p.relative_to(outdir).as_posix() for name, p in result.forms.items()},
    })
    if send or dry_run:
        result.campaign = run_campaign(jobs, campaign, sender=sender, log=log, send=send, smtp=smtp,
                                       eml_dir=outdir / EML_DIR / "分发", retry_uncertain=retry_uncertain,
                                       progress=progress)
    return result


def _roster_of(workdir: Path, manifest: dict, roster_path) -> tuple[Roster, RosterChange | None]:
    """The roster given, else the one the manifest remembers. A roster given is written
    into the manifest, so the next run without ``--roster`` uses it too (a department
    added to fix 未匹配 returns must not vanish again)."""
    if not roster_path:
        return Roster([Department.from_dict(d) for d in manifest["departments"]]), None
    roster = load_roster(roster_path)
    old = manifest.get("departments")
    new = [d.to_dict() for d in roster.departments]
    if old == new:
        return roster, None
    old_names = [d.get("name", "") for d in old or []]
    new_names = [d.name for d in roster.departments]
    change = RosterChange(len(new), [n for n in new_names if n not in old_names],
                          [n for n in old_names if n not in new_names], first=old is None)
    manifest.update(departments=new, roster_file=str(roster_path),
                    updated=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    _save_manifest(workdir, manifest)
    return roster, change


def _as_received(items: list[Incoming], workdir: Path, records: list[Received]) -> list[Incoming]:
    """Files taken from the store itself (``--from 分发文件夹/回收/未匹配`` after fixing
    the roster) keep their first receipt: sender, time and name, so sender matching
    still works for a form that came by mail and the stored name is not prefixed twice."""
    by_path = {(workdir / r.file).resolve(): r for r in records}
    out = []
    for item in items:
        rec = by_path.get(Path(item.source).resolve()) if item.source else None
        if rec is None:
            out.append(item)
        else:
            out.append(Incoming(item.data, rec.original_name, datetime.fromisoformat(rec.received_at),
                                rec.sender, rec.source, rec.message_id))
    return out


def statuses(workdir: str | os.PathLike[str], roster: Roster, check: bool = True,
             config: RuleConfig | None = None) -> list[DepartmentStatus]:
    """Where each department stands; returns are checked with ``config`` (the rule
    settings ``perfxl check`` would use; None: the defaults)."""
    workdir = Path(workdir)
    sent = sent_at(SendLog(workdir / LOG_NAME).records(), "distribute:")
    records = Store(workdir).records()
    latest = latest_versions(records)
    reader = _reader() if check else None
    checker = _checker(config) if check else None
    out = []
    for d in roster.departments:
        versions = sum(1 for r in records if r.department == d.name)
        rec = latest.get(d.name)
        findings = None
        if rec is not None and check:
            findings = check_file(workdir / rec.file, reader, checker)
        out.append(department_status(d, sent.get(d.name, ""), versions, rec, findings))
    return out


def collect(workdir: str | os.PathLike[str], *, from_dir: str | os.PathLike[str] | None = None,
            imap: ImapSettings | None = None, roster_path: str | os.PathLike[str] | None = None,
            check: bool = True, status_file: str | os.PathLike[str] | None = None,
            config: RuleConfig | None = None, progress: Progress = None) -> CollectionResult:
    """Store the new returns and write the status workbook, checking each department's
    latest return with ``config`` (pass the RuleConfig of the bureau's perfxl.toml, as
    the CLI does, so the statuses agree with ``perfxl check`` and ``consolidate``)."""
    workdir = Path(workdir)
    # Forms sent some other way can still be collected: a roster is enough.
    manifest = load_manifest(workdir, required=roster_path is None)
    if from_dir is not None and not Path(from_dir).is_dir():
        raise DistributionError(f"找不到文件夹：{from_dir}")
    roster, change = _roster_of(workdir, manifest, roster_path)
    store = Store(workdir)
    reader = _reader()
    result = CollectResult()
    sent_forms = {}
    for name, rel in manifest.get("forms", {}).items():
        if (workdir / rel).is_file():
            sent_forms[hashlib.sha256((workdir / rel).read_bytes()).hexdigest()] = name
    if from_dir is not None:
        items, skipped = from_folder(from_dir)
        items = _as_received(items, workdir, store.records())
        result.skipped += skipped
        store.add(items, roster, reader, result, sent_forms)
    if imap is not None:
        key = f"{imap.host}:{imap.port}/{imap.credentials.user if imap.credentials else ''}/{imap.folder}"
        state = store.imap_state()
        seen = state.get(key, {})
        messages = list(fetch_new(imap, int(seen.get("uid", 0)), int(seen.get("uidvalidity", 0))))
        store.add(imap_items(iter(messages), f"imap://{imap.host}/{imap.folder}", result.skipped),
                  roster, reader, result, sent_forms)
        if messages:
            state[key] = {"uidvalidity": messages[-1].uidvalidity, "uid": max(m.uid for m in messages)}
            store.save_imap_state(state)
    for r in result.stored:
        _say(progress, f"已回收：{r.department}（{r.original_name}）")
    for r in result.unmatched:
        _say(progress, f"未能匹配：{r.original_name}：{r.note}")
    st = statuses(workdir, roster, check, config)
    target = Path(status_file) if status_file else workdir / STATUS_FILE
    write_status(target, st, unmatched(store.records(), roster), manifest.get("year"))
    return CollectionResult(workdir, st, result, target, change)


def unmatched(records: list[Received], roster: Roster) -> list[Received]:
    """Returns no department claims: stored as 未匹配 and not matched on a later run
    (the same bytes stored again under a department of the roster)."""
    names = {d.name for d in roster.departments}
    claimed = {r.sha256 for r in records if r.department in names}
    return [r for r in records if not r.department and r.sha256 not in claimed]


def remind(workdir: str | os.PathLike[str], *, send: bool = False, dry_run: bool = False,
           round_label: str | None = None, deadline: str | None = None,
           templates_dir: str | os.PathLike[str] | None = None, smtp: SmtpSettings | None = None,
           sender: Sender | None = None, instructions: str = "", roster_path=None,
           retry_uncertain: bool = False, max_findings: int = 20,
           config: RuleConfig | None = None, progress: Progress = None) -> RemindResult:
    workdir = Path(workdir)
    manifest = load_manifest(workdir)
    if "year" not in manifest:
        raise DistributionError(f"{workdir} 中的表格不是用 perfxl distribute 分发的（分发清单中没有年度），无法催报")
    sender, _ = with_saved_sender(sender, manifest.get("sender"))
    if send and dry_run:
        raise DistributionError("--send 和 --dry-run 只能选一个")
    if sender is None:
        raise DistributionError("催报邮件需要发件人地址（--sender）")
    if send and smtp is None:
        raise DistributionError("发送邮件需要邮件服务器（--smtp-host）")
    roster, change = _roster_of(workdir, manifest, roster_path)
    templates = Templates(templates_dir)
    year = manifest["year"]
    deadline = manifest.get("deadline", "") if deadline is None else deadline
    st = statuses(workdir, roster, check=True, config=config)
    jobs = []
    for s in st:
        if not needs_reminder(s):
            continue
        d = s.department
        errors = [f for f in s.findings if f.severity == "error"]
        attachment = None
        if not errors:
            form = manifest.get("forms", {}).get(d.name)
            attachment = workdir / form if form and (workdir / form).exists() else None
        v = _variables(d, year, deadline, sender, instructions,
                       findings=errors[:max_findings], more_findings=max(0, len(errors) - max_findings),
                       error_count=len(errors), received_at=local(s.latest.received_at) if s.latest else "",
                       attachment=attachment.name if attachment else "")
        jobs.append(Job(d, templates.subject("remind", **v), templates.body("remind", **v),
                        attachment, attachment.name if attachment else ""))
    label = round_label or date.today().isoformat()
    campaign = run_campaign(jobs, f"remind:{year}:{label}", sender=sender, log=SendLog(workdir / LOG_NAME),
                            send=send, smtp=smtp, eml_dir=workdir / EML_DIR / f"催报-{label}",
                            retry_uncertain=retry_uncertain, progress=progress) if (send or dry_run) \
        else CampaignResult(f"remind:{year}:{label}")
    return RemindResult(st, [j.department.name for j in jobs], campaign, change)
