"""Sending one message per department, exactly once, with the send log as memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Callable

from perfxl.adapters.atomic import atomic_path
from perfxl.adapters.mail.compose import Sender, build_message, recipients
from perfxl.adapters.mail.sendlog import SendLog
from perfxl.adapters.mail.smtp import Mailer, SendError, SmtpSettings
from perfxl.core.roster import Department
from perfxl.core.sendstate import plan


@dataclass
class Job:
    department: Department
    subject: str
    body: str
    attachment: Path | None = None
    attachment_name: str = ""


@dataclass
class CampaignResult:
    campaign: str
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    not_attempted: list[str] = field(default_factory=list)  # stopped before reaching them
    refused: dict[str, list[str]] = field(default_factory=dict)
    eml_files: list[Path] = field(default_factory=list)
    stopped: str = ""  # why sending stopped early, if it did

    @property
    def ok(self) -> bool:
        return not (self.failed or self.uncertain or self.not_attempted)

    def summary_lines(self) -> list[str]:
        """What happened, in Chinese, for the command line and the add-in alike."""
        lines = []
        if self.eml_files:
            lines.append(f"已生成 {len(self.eml_files)} 封邮件（.eml），未发送。")
        if self.sent:
            lines.append(f"本次发送 {len(self.sent)} 封。")
        if self.already_sent:
            lines.append(f"已在之前发送、本次跳过 {len(self.already_sent)} 个部门。")
        for name, addrs in self.refused.items():
            lines.append(f"注意：{name} 的部分收件人被拒收：{', '.join(addrs)}")
        for name, err in self.failed.items():
            lines.append(f"发送失败：{name}：{err}")
        if self.not_attempted:
            lines.append(f"因发送中断，未发送：{'、'.join(self.not_attempted)}。稍后重新运行同一命令即可补发。")
        for name in self.uncertain:
            lines.append(f"状态不明：{name}（上次在发送过程中中断，可能已收到）。确认未收到后加 --retry-uncertain 重发。")
        return lines


def message_for(job: Job, sender: Sender, campaign: str) -> EmailMessage:
    d = job.department
    attachment = None
    if job.attachment is not None:
        attachment = (job.attachment_name or job.attachment.name, job.attachment.read_bytes())
    return build_message(sender=sender, to=[(d.contact, a) for a in d.emails], cc=list(d.cc),
                         subject=job.subject, body=job.body, campaign=campaign, key=d.key,
                         attachment=attachment)


def eml_name(job: Job) -> str:
    stem = (job.attachment_name or (job.attachment.name if job.attachment else job.department.name))
    return Path(stem).stem + ".eml"


def run_campaign(jobs: list[Job], campaign: str, *, sender: Sender, log: SendLog,
                 send: bool, smtp: SmtpSettings | None = None, eml_dir: Path | None = None,
                 retry_uncertain: bool = False,
                 progress: Callable[[str], None] | None = None,
                 mailer: Mailer | None = None) -> CampaignResult:
    """Send (or, with ``send=False``, write .eml files for) every job not yet sent."""
    say = progress or (lambda _m: None)
    result = CampaignResult(campaign)
    by_name = {j.department.key: j for j in jobs}
    p = plan(list(by_name), log.records(), campaign, retry_uncertain)
    result.already_sent, result.uncertain = p.already_sent, p.uncertain
    if not send:
        if eml_dir is None:
            raise ValueError("eml_dir is required for a dry run")
        for name in p.to_send:
            job = by_name[name]
            msg = message_for(job, sender, campaign)
            target = eml_dir / eml_name(job)
            with atomic_path(target) as tmp:
                tmp.write_bytes(msg.as_bytes(policy=policy.SMTP))
            result.eml_files.append(target)
            say(f"已生成邮件：{target.name}")
        return result
    if smtp is None and mailer is None:
        raise ValueError("smtp settings are required to send")
    own = mailer is None
    mailer = mailer or Mailer(smtp)  # type: ignore[arg-type]
    try:
        for i, name in enumerate(p.to_send):
            job = by_name[name]
            msg = message_for(job, sender, campaign)
            rcpts = recipients(msg)
            log.append(campaign=campaign, department=name, status="sending", to=rcpts,
                       message_id=msg["Message-ID"], attachment=job.attachment_name)
            try:
                refused = mailer.send(msg, rcpts)
            except SendError as exc:
                log.append(campaign=campaign, department=name, status="failed", to=rcpts,
                           message_id=msg["Message-ID"], error=str(exc), temporary=exc.temporary)
                result.failed[name] = str(exc)
                say(f"发送失败：{name}：{exc}")
                if exc.fatal or exc.temporary:
                    result.stopped = str(exc)
                    result.not_attempted = p.to_send[i + 1:]
                    break
                continue
            log.append(campaign=campaign, department=name, status="sent", to=rcpts,
                       message_id=msg["Message-ID"], attachment=job.attachment_name,
                       refused=refused)
            result.sent.append(name)
            if refused:
                result.refused[name] = refused
            say(f"已发送：{name}（{', '.join(a for a in rcpts if a not in refused)}）")
    finally:
        if own:
            mailer.close()
    return result


