"""perfxl collect: store returned forms and write the status workbook."""

from __future__ import annotations

from perfxl.cli import UserError
from perfxl.cli.commands import _mailargs

NAME = "collect"
HELP = "回收各部门交回的申报表（文件夹或 IMAP 邮箱），逐个校验并生成回收状态表"


def add_arguments(p) -> None:
    p.add_argument("workdir", metavar="分发文件夹", help="perfxl distribute -o 指定的文件夹")
    p.add_argument("--from", dest="from_dir", metavar="文件夹",
                   help="收到的表格所在文件夹（.xlsx 文件或另存的 .eml 邮件）")
    p.add_argument("--imap", metavar="主机",
                   help="从 IMAP 邮箱读取回复邮件（不加 --from 时也可写在 perfxl.toml 的 [mail.imap] 段）")
    p.add_argument("--imap-port", type=int, metavar="端口", help="端口（默认 ssl 993，starttls 143）")
    p.add_argument("--imap-security", choices=("ssl", "starttls", "none"),
                   help="加密方式（默认 ssl；none 只允许本机）")
    p.add_argument("--imap-user", metavar="用户名",
                   help="登录用户名（也可用 PERFXL_IMAP_USER；密码只从 PERFXL_IMAP_PASSWORD 或系统钥匙串读取）")
    p.add_argument("--imap-cafile", metavar="文件", help="IMAP 服务器证书的 CA 文件")
    p.add_argument("--folder", metavar="邮件文件夹", help="要读取的邮件文件夹（默认 INBOX）")
    p.add_argument("--roster", metavar="部门名单", help="使用新的部门名单，并记在分发文件夹中供以后回收、催报使用（默认用分发文件夹记住的名单）")
    p.add_argument("--status", metavar="文件", help="回收状态表的保存位置（默认 分发文件夹/回收状态.xlsx）")
    p.add_argument("--config", metavar="perfxl.toml", help=_mailargs.CONFIG_HELP)


def imap_settings(args):
    from perfxl.adapters.mail.credentials import CredentialError, lookup
    from perfxl.adapters.mail.imap import ImapSettings

    if not args.imap:
        return None
    try:
        return ImapSettings(args.imap, args.imap_port, args.imap_security, args.folder,
                            lookup("imap", args.imap, args.imap_user), cafile=args.imap_cafile)
    except (CredentialError, ValueError) as exc:
        raise UserError(str(exc)) from None


def run(args) -> int:
    from perfxl.adapters.mail.api import DistributionError, collect
    from perfxl.adapters.mail.imap import ImapError
    from perfxl.core.collection import NEEDS_FIX, STATUSES

    imap_given = args.imap is not None
    _mailargs.apply_config(args, rules=True)
    if args.from_dir and not imap_given:
        # --from alone means that folder only; the file's mailbox is where collect looks
        # when it is told no source at all.
        args.imap = None
    if not args.from_dir and not args.imap:
        raise UserError("请用 --from 指定文件夹，或用 --imap 指定邮箱（也可写在 perfxl.toml 的 [mail.imap] 段）")
    try:
        res = collect(args.workdir, from_dir=args.from_dir, imap=imap_settings(args),
                      roster_path=args.roster, status_file=args.status, config=args.rules, progress=print)
    except DistributionError as exc:
        _mailargs.print_findings(exc.findings)
        raise UserError(str(exc)) from None
    except ImapError as exc:
        raise UserError(str(exc)) from None
    _mailargs.print_roster_change(res.roster_change)
    c = res.collected
    print(f"新收到 {len(c.stored) + len(c.unmatched)} 个表格"
          f"{f'，{c.duplicates} 个与已收到的相同' if c.duplicates else ''}"
          f"{f'，{len(c.unmatched)} 个无法对应到部门' if c.unmatched else ''}。")
    for s in c.skipped:
        print(f"跳过：{s}")
    counts = {s: sum(1 for x in res.statuses if x.status == s) for s in STATUSES}
    print("，".join(f"{s} {n}" for s, n in counts.items() if n) + f"。状态表：{res.status_file}")
    return 1 if counts[NEEDS_FIX] else 0
