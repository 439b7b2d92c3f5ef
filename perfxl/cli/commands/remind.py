"""perfxl remind: mail the departments that have not returned or must fix their form."""

from __future__ import annotations

from perfxl.cli import UserError
from perfxl.cli.commands import _mailargs

NAME = "remind"
HELP = "给未交回或校验未通过的部门发催报邮件（列出需修改的问题）"


def add_arguments(p) -> None:
    p.add_argument("workdir", metavar="分发文件夹", help="perfxl distribute -o 指定的文件夹")
    p.add_argument("--round", dest="round_label", metavar="批次",
                   help="催报批次名（默认今天的日期）：同一批次重复运行不会重复发送")
    p.add_argument("--deadline", default=None, metavar="截止时间", help="新的截止时间（默认沿用分发时的）")
    p.add_argument("--roster", metavar="部门名单", help="使用新的部门名单，并记在分发文件夹中供以后回收、催报使用（默认用分发文件夹记住的名单）")
    _mailargs.add_smtp(p)


def run(args) -> int:
    from perfxl.adapters.mail.api import DistributionError, remind, saved_settings
    from perfxl.adapters.mail.compose import ComposeError

    _mailargs.apply_config(args, rules=True)
    smtp = _mailargs.smtp_settings(args)
    try:
        res = remind(args.workdir, send=args.send, dry_run=args.dry_run, round_label=args.round_label,
                     deadline=args.deadline, templates_dir=args.templates, smtp=smtp,
                     sender=_mailargs.sender(args, smtp, saved_settings(args.workdir)[1]),
                     instructions=_mailargs.instructions(args), roster_path=args.roster,
                     retry_uncertain=args.retry_uncertain, config=args.rules, progress=print)
    except DistributionError as exc:
        _mailargs.print_findings(exc.findings)
        raise UserError(str(exc)) from None
    except ComposeError as exc:
        raise UserError(str(exc)) from None
    _mailargs.print_roster_change(res.roster_change)
    if not res.reminded:
        print("没有需要催报的部门。")
        return 0
    print(f"需要催报 {len(res.reminded)} 个部门：{'、'.join(res.reminded)}")
    if not (args.send or args.dry_run):
        print("（未发送：加 --send 发送，或 --dry-run 生成邮件文件）")
        return 0
    return _mailargs.print_campaign(res.campaign)
