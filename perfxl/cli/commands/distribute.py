"""perfxl distribute: pre-filled forms per department, and the mail that carries them."""

from __future__ import annotations

from perfxl.cli import UserError
from perfxl.cli.commands import _mailargs

NAME = "distribute"
HELP = "按部门名单生成预填的申报表，并通过邮件分发（--send）或生成邮件文件（--dry-run）"


def add_arguments(p) -> None:
    p.add_argument("roster", metavar="部门名单", help="部门名单 .xlsx（perfxl roster-template 生成的模板）")
    p.add_argument("--year", type=int, required=True, metavar="年度", help="申报年度，例如 2025")
    p.add_argument("-o", "--output", required=True, metavar="文件夹",
                   help="分发文件夹：申报表、邮件、发送记录都保存在这里（回收、催报时也用它）")
    h = p.add_mutually_exclusive_group()
    h.add_argument("--history", metavar="汇总表", help="上年的汇总表 .xlsx：预填上年指标（作为上年值）和重点任务")
    h.add_argument("--history-dir", metavar="文件夹", help="上年各部门申报表所在文件夹，按部门名称对应预填")
    p.add_argument("--deadline", metavar="截止时间",
                   help="报送截止时间，写入邮件正文，例如 2025年3月31日（重新运行时不写则沿用上次的）")
    _mailargs.add_smtp(p)


def run(args) -> int:
    from perfxl.adapters.mail.api import DistributionError, distribute, saved_settings
    from perfxl.adapters.mail.compose import ComposeError

    _mailargs.apply_config(args)
    smtp = _mailargs.smtp_settings(args)
    saved_address = saved_settings(args.output, args.year)[1]
    sender = _mailargs.sender(args, smtp, saved_address)
    try:
        result = distribute(args.roster, args.year, args.output, send=args.send, dry_run=args.dry_run,
                            history=args.history, history_dir=args.history_dir, deadline=args.deadline,
                            templates_dir=args.templates, smtp=smtp, sender=sender,
                            instructions=_mailargs.instructions(args),
                            retry_uncertain=args.retry_uncertain, progress=print)
    except DistributionError as exc:
        _mailargs.print_findings(exc.findings)
        raise UserError(str(exc)) from None
    except ComposeError as exc:
        raise UserError(str(exc)) from None
    _mailargs.print_findings(result.findings)
    if sender is not None and not args.sender and sender.address == saved_address:
        # only a name or contact was given: the address came from the folder all the same
        at = 1 if result.kept_settings[:1] and result.kept_settings[0].startswith("截止时间") else 0
        result.kept_settings.insert(at, f"发件人 {sender.address}")
    if result.kept_settings:
        print(f"沿用上次分发时的设置：{'、'.join(result.kept_settings)}"
              "（要修改时加 --deadline、--sender、--sender-name 或 --sender-contact）。")
    print(f"共 {len(result.forms)} 个部门的申报表保存在 {result.outdir}。", end="")
    if result.with_history:
        print(f"其中 {len(result.with_history)} 个预填了上年数据。", end="")
    print()
    if result.kept:
        print(f"{len(result.kept)} 个部门的表格已发出，保留原文件未重新生成。")
    return _mailargs.print_campaign(result.campaign)
