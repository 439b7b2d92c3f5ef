"""Options shared by distribute/collect/remind (not a command: the leading _ hides it)."""

from __future__ import annotations

import os
import sys

from perfxl.cli import UserError


def add_smtp(p) -> None:
    g = p.add_argument_group("发送邮件")
    mode = g.add_mutually_exclusive_group()
    mode.add_argument("--send", action="store_true", help="通过邮件服务器发送")
    mode.add_argument("--dry-run", action="store_true", help="不发送，把每封邮件写成 .eml 文件供检查")
    g.add_argument("--smtp-host", metavar="主机", help="SMTP 服务器地址")
    g.add_argument("--smtp-port", type=int, default=0, metavar="端口", help="端口（默认 starttls 587、ssl 465）")
    g.add_argument("--smtp-security", choices=("starttls", "ssl", "none"), default="starttls",
                   help="加密方式（默认 starttls；none 只用于本机测试）")
    g.add_argument("--smtp-user", metavar="用户名",
                   help="登录用户名（也可用环境变量 PERFXL_SMTP_USER；密码只从环境变量 PERFXL_SMTP_PASSWORD 或系统钥匙串读取）")
    g.add_argument("--smtp-cafile", metavar="文件", help="邮件服务器证书的 CA 文件（单位自建服务器时使用）")
    g.add_argument("--rate", type=_rate, default=30.0, metavar="N/min", help="发送速度上限，例如 20/min（默认每分钟 30 封）")
    g.add_argument("--retries", type=int, default=3, metavar="次数", help="临时失败时的重试次数（默认 3）")
    g.add_argument("--sender", metavar="邮箱", help="发件人地址（默认取 SMTP 用户名）")
    g.add_argument("--sender-name", default="", metavar="名称", help="发件单位名称，显示在发件人和落款")
    g.add_argument("--sender-contact", default="", metavar="联系方式", help="联系电话或联系人，写入正文")
    g.add_argument("--templates", metavar="文件夹", help="自定义邮件模板文件夹（同名 .j2 文件覆盖默认模板）")
    g.add_argument("--instructions", default="", metavar="文字或@文件", help="附加说明，写入正文（@文件名 读取文件内容）")
    g.add_argument("--retry-uncertain", action="store_true",
                   help="重发上次中断时状态不明的邮件（对方可能收到两次）")


def _rate(text: str) -> float:
    import argparse

    value = text.strip().lower().removesuffix("/min").removesuffix("/分钟")
    try:
        rate = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"无法识别的速度“{text}”，应写成 20/min") from None
    if rate <= 0:
        raise argparse.ArgumentTypeError("速度必须大于 0")
    return rate


def smtp_settings(args):
    from perfxl.adapters.mail.credentials import CredentialError, lookup
    from perfxl.adapters.mail.smtp import SmtpSettings

    if not args.send:
        return None
    if not args.smtp_host:
        raise UserError("发送邮件需要 --smtp-host")
    try:
        creds = lookup("smtp", args.smtp_host, args.smtp_user)
        return SmtpSettings(args.smtp_host, args.smtp_port, args.smtp_security, creds,
                            rate_per_min=args.rate, retries=args.retries, cafile=args.smtp_cafile)
    except (CredentialError, ValueError) as exc:
        raise UserError(str(exc)) from None


def sender(args, smtp):
    from perfxl.adapters.mail.compose import ComposeError, Sender

    address = args.sender
    if not address and smtp is not None and smtp.credentials and "@" in smtp.credentials.user:
        address = smtp.credentials.user
    if not address:
        address = os.environ.get("PERFXL_SMTP_USER", "") if "@" in os.environ.get("PERFXL_SMTP_USER", "") else ""
    if not address:
        return None
    try:
        return Sender(address, args.sender_name, args.sender_contact)
    except ComposeError as exc:
        raise UserError(str(exc)) from None


def instructions(args) -> str:
    text = args.instructions or ""
    if text.startswith("@"):
        try:
            return open(text[1:], encoding="utf-8").read().strip()
        except OSError as exc:
            raise UserError(f"无法读取说明文件 {text[1:]}：{exc.strerror}") from None
    return text


def print_findings(findings, stream=None) -> None:
    stream = stream or sys.stderr
    from perfxl.core.findings import SEVERITY_LABELS

    for f in findings:
        where = "!".join(x for x in (f.sheet, f.cell) if x)
        print(f"{SEVERITY_LABELS.get(f.severity, f.severity)}：{f.file}{' ' + where if where else ''}：{f.message}",
              file=stream)


def print_campaign(c, stream=None) -> int:
    """Summary lines; the exit status (0 all done, 1 something left to do)."""
    if c is None:
        return 0
    for line in c.summary_lines():
        print(line, file=stream or sys.stdout)
    return 0 if c.ok else 1
