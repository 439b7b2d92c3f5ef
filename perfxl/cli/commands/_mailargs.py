"""Options shared by distribute/collect/remind (not a command: the leading _ hides it)."""

from __future__ import annotations

import os
import sys

from perfxl.cli import UserError


CONFIG_HELP = ("设置文件（[mail] 段的邮件设置；回收、催报时还有校验规则设置）；"
               "不指定时使用当前目录或上级目录中的 perfxl.toml")

# Options the [mail] table of perfxl.toml may supply: option -> (file setting, built-in default).
SMTP_OPTIONS = {
    "smtp_host": ("host", None), "smtp_port": ("port", 0), "smtp_security": ("security", "starttls"),
    "smtp_user": ("user", None), "smtp_cafile": ("cafile", None), "rate": ("rate", 30.0),
    "retries": ("retries", 3), "sender": ("sender", None), "sender_name": ("sender_name", ""),
    "sender_contact": ("sender_contact", ""), "templates": ("templates", None),
    "instructions": ("instructions", ""),
}
IMAP_OPTIONS = {  # [mail.imap]
    "imap": ("host", None), "imap_port": ("port", 0), "imap_security": ("security", "ssl"),
    "imap_user": ("user", None), "imap_cafile": ("cafile", None), "folder": ("folder", "INBOX"),
}


def add_smtp(p) -> None:
    p.add_argument("--config", metavar="perfxl.toml", help=CONFIG_HELP)
    g = p.add_argument_group("发送邮件", "命令行未指定的设置取自 perfxl.toml 的 [mail] 段，再没有时用默认值")
    mode = g.add_mutually_exclusive_group()
    mode.add_argument("--send", action="store_true", help="通过邮件服务器发送")
    mode.add_argument("--dry-run", action="store_true", help="不发送，把每封邮件写成 .eml 文件供检查")
    g.add_argument("--smtp-host", metavar="主机", help="SMTP 服务器地址")
    g.add_argument("--smtp-port", type=int, metavar="端口", help="端口（默认 starttls 587、ssl 465）")
    g.add_argument("--smtp-security", choices=("starttls", "ssl", "none"),
                   help="加密方式（默认 starttls；none 只用于本机测试）")
    g.add_argument("--smtp-user", metavar="用户名",
                   help="登录用户名（也可用环境变量 PERFXL_SMTP_USER；密码只从环境变量 PERFXL_SMTP_PASSWORD 或系统钥匙串读取）")
    g.add_argument("--smtp-cafile", metavar="文件", help="邮件服务器证书的 CA 文件（单位自建服务器时使用）")
    g.add_argument("--rate", type=_rate, metavar="N/min", help="发送速度上限，例如 20/min（默认每分钟 30 封）")
    g.add_argument("--retries", type=_retries, metavar="次数", help="临时失败时的重试次数（默认 3）")
    g.add_argument("--sender", metavar="邮箱", help="发件人地址（默认沿用分发文件夹中保存的发件人，没有时取 SMTP 用户名）")
    g.add_argument("--sender-name", metavar="名称", help="发件单位名称，显示在发件人和落款")
    g.add_argument("--sender-contact", metavar="联系方式", help="联系电话或联系人，写入正文")
    g.add_argument("--templates", metavar="文件夹", help="自定义邮件模板文件夹（同名 .j2 文件覆盖默认模板）")
    g.add_argument("--instructions", metavar="文字或@文件", help="附加说明，写入正文（@文件名 读取文件内容）")
    g.add_argument("--retry-uncertain", action="store_true",
                   help="重发上次中断时状态不明的邮件（对方可能收到两次）")


def _rate(text: str) -> float:
    import argparse

    from perfxl.adapters.mail.settings import parse_rate

    try:
        return parse_rate(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _retries(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:  # as perfxl.toml's retries
        raise argparse.ArgumentTypeError(f"重试次数应为不小于 0 的整数，不能是“{text}”")
    return value


def apply_config(args, rules: bool = False) -> None:
    """Fill every mail option left off the command line: from perfxl.toml's [mail], else
    the built-in default (flag > file > default). With ``rules``, ``args.rules`` is the
    RuleConfig of the same file, for the commands that check returned forms."""
    from perfxl.adapters.mail.settings import load_mail_settings, load_settings
    from perfxl.core.rules import ConfigError

    try:
        if rules:
            mail, args.rules = load_settings(args.config)
        else:  # distribute checks no form: a broken rule section is not its business
            mail = load_mail_settings(args.config)
    except ConfigError as exc:
        raise UserError(str(exc)) from None
    for options, section, protocol in ((SMTP_OPTIONS, mail, "SMTP"), (IMAP_OPTIONS, mail.imap, "IMAP")):
        for option, (setting, default) in options.items():
            if not hasattr(args, option) or getattr(args, option) is not None:
                continue
            # The environment outranks the file, as a flag does: PERFXL_SMTP_USER set for
            # this session must log in with PERFXL_SMTP_PASSWORD, not the file's user.
            if setting == "user" and os.environ.get(f"PERFXL_{protocol}_USER"):
                continue
            value = getattr(section, setting)
            setattr(args, option, default if value is None else value)


def smtp_settings(args):
    from perfxl.adapters.mail.credentials import CredentialError, lookup
    from perfxl.adapters.mail.smtp import SmtpSettings

    if not args.send:
        return None
    if not args.smtp_host:
        raise UserError("发送邮件需要 --smtp-host（也可写在 perfxl.toml 的 [mail] 段：host = \"服务器地址\"）")
    try:
        creds = lookup("smtp", args.smtp_host, args.smtp_user)
        return SmtpSettings(args.smtp_host, args.smtp_port, args.smtp_security, creds,
                            rate_per_min=args.rate, retries=args.retries, cafile=args.smtp_cafile)
    except (CredentialError, ValueError) as exc:
        raise UserError(str(exc)) from None


def sender(args, smtp, saved_address: str = ""):
    """The sender given (``--sender`` or perfxl.toml), else the distribution folder's
    saved one (``saved_address``), else the login user: a rerun keeps the address the
    departments already know even when the login differs. None leaves the whole saved
    sender (address, name, contact) to the use case, which lists what it kept."""
    from perfxl.adapters.mail.compose import ComposeError, Sender

    address = args.sender
    if not address and saved_address:
        if not (args.sender_name or args.sender_contact):
            return None
        address = saved_address
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
    from perfxl.adapters.mail.settings import instructions_text

    try:
        return instructions_text(args.instructions)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def print_findings(findings, stream=None) -> None:
    stream = stream or sys.stderr
    from perfxl.core.findings import SEVERITY_LABELS

    for f in findings:
        where = "!".join(x for x in (f.sheet, f.cell) if x)
        print(f"{SEVERITY_LABELS.get(f.severity, f.severity)}：{f.file}{' ' + where if where else ''}：{f.message}",
              file=stream)


def print_roster_change(change) -> None:
    """What a --roster did to the folder's remembered roster (collect and remind)."""
    if change is None:
        return
    if change.first:
        print(f"分发文件夹已记住此部门名单（{change.departments} 个部门），以后不加 --roster 也按此名单。")
        return
    diff = "；".join(x for x in (f"新增：{'、'.join(change.added)}" if change.added else "",
                                 f"不再列出：{'、'.join(change.removed)}" if change.removed else "") if x)
    print(f"已按新的部门名单更新分发清单（{change.departments} 个部门{'；' + diff if diff else ''}），"
          "以后回收、催报不加 --roster 也按此名单。")


def print_campaign(c, stream=None) -> int:
    """Summary lines; the exit status (0 all done, 1 something left to do)."""
    if c is None:
        return 0
    for line in c.summary_lines():
        print(line, file=stream or sys.stdout)
    return 0 if c.ok else 1
