"""Building the messages: Jinja2 subject/body templates and RFC-correct MIME.

``EmailMessage`` with ``policy.SMTP`` encodes Chinese subjects and display names as
RFC 2047 encoded-words and attachment names as RFC 2231 parameters (split into
``filename*0*``/``filename*1*`` continuations for long names), which Outlook 2010+,
Thunderbird and the common webmails decode. We deliberately do not add the legacy
``name=`` parameter to Content-Type: re-folding that header with the long xlsx MIME
type corrupts it in Python's email package.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, localtime
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, meta
from jinja2.sandbox import SandboxedEnvironment

from perfxl.core.roster import check_address, has_control

DEFAULT_TEMPLATES = Path(__file__).with_name("templates")
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
MAX_SUBJECT = 200


class ComposeError(Exception):
    """A template or sender setting is wrong; the message is Chinese."""


# The variables perfxl.adapters.mail.api gives each kind of template, with the Chinese
# description a user sees when a template names one that does not exist.
_COMMON = {
    "department": "部门名称", "code": "部门编码", "contact": "联系人", "year": "申报年度",
    "deadline": "截止时间", "attachment": "附件文件名", "instructions": "附加说明",
    "sender_name": "发件单位", "sender_contact": "发件人联系方式",
}
VARIABLES = {
    "distribute": {**_COMMON, "has_history": "是否预填了上年数据"},
    "remind": {**_COMMON, "findings": "校验问题列表", "error_count": "问题个数",
               "more_findings": "未列出的问题个数", "received_at": "收到时间"},
}


@dataclass(frozen=True)
class Sender:
    address: str
    name: str = ""  # 发件单位, shown as the From display name and signature
    contact: str = ""  # phone or person named in the body

    def __post_init__(self) -> None:
        msg = check_address(self.address)
        if msg:
            raise ComposeError(f"发件人{msg}")
        for label, value in (("发件单位名称", self.name), ("联系方式", self.contact)):
            if has_control(value):
                raise ComposeError(f"{label}含有换行符、控制字符或无效字符")

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[1]


class Templates:
    """Subject/body templates; files in ``user_dir`` override the defaults by name.

    User templates are untrusted text, so they run in Jinja's sandbox; StrictUndefined
    turns a misspelt variable into a clear error instead of an empty hole in the mail.
    """

    NAMES = ("distribute_subject.j2", "distribute_body.j2", "remind_subject.j2", "remind_body.j2")

    def __init__(self, user_dir: str | os.PathLike[str] | None = None) -> None:
        paths = [str(DEFAULT_TEMPLATES)]
        if user_dir is not None:
            if not Path(user_dir).is_dir():
                raise ComposeError(f"找不到邮件模板文件夹：{user_dir}")
            paths.insert(0, str(user_dir))
        self.env = SandboxedEnvironment(loader=FileSystemLoader(paths, encoding="utf-8"),
                                        undefined=StrictUndefined, autoescape=False,
                                        keep_trailing_newline=True)
        if user_dir is not None:
            for path in sorted(Path(user_dir).glob("*.j2")):
                self._check(path)

    def _check(self, path: Path) -> None:
        """A user template's mistakes, found before any form is written or mail sent."""
        names = {n.lower(): n for n in self.NAMES}  # Windows file names ignore case
        if path.name.lower() not in names:
            raise ComposeError(f"邮件模板文件夹中的 {path.name} 不是 perfxl 使用的模板文件名，请改名"
                               f"（可用的文件名：{'、'.join(self.NAMES)}）")
        try:
            source = path.read_text("utf-8")
        except UnicodeDecodeError:
            raise ComposeError(f"邮件模板 {path} 不是 UTF-8 编码：请用记事本打开，“另存为”时编码选 UTF-8") from None
        except OSError as exc:
            raise ComposeError(f"无法读取邮件模板 {path}（{exc}）") from None
        try:
            parsed = self.env.parse(source)
        except TemplateSyntaxError as exc:
            raise ComposeError(f"邮件模板 {path} 第 {exc.lineno} 行写法有误（{exc.message}）") from None
        known = VARIABLES[names[path.name.lower()].split("_")[0]]
        unknown = sorted(meta.find_undeclared_variables(parsed) - set(known))
        if unknown:
            where = [f"“{name}”（第 {_first_line(source, name)} 行）" for name in unknown]
            available = "、".join(f"{name}（{label}）" for name, label in known.items())
            raise ComposeError(f"邮件模板 {path} 中的变量{'、'.join(where)}不存在，可能拼错了。"
                               f"可用的变量：{available}")

    def render(self, name: str, **variables: Any) -> str:
        try:
            return self.env.get_template(name).render(**variables)
        except UndefinedError as exc:  # an attribute, e.g. {{ f.mesage }}: not seen by _check
            raise ComposeError(f"邮件模板 {name} 用到了不存在的内容（{exc.message}）") from exc
        except TemplateError as exc:
            raise ComposeError(f"邮件模板 {name} 有误：{exc}") from exc

    def subject(self, kind: str, **variables: Any) -> str:
        text = self.render(f"{kind}_subject.j2", **variables)
        # A subject is one line whatever the template does; this also keeps roster values
        # from ever reaching the header as a second line.
        text = re.sub(r"\s+", " ", text).strip()
        if not text:
            raise ComposeError(f"邮件模板 {kind}_subject.j2 生成的主题为空")
        return text[:MAX_SUBJECT]

    def body(self, kind: str, **variables: Any) -> str:
        text = self.render(f"{kind}_body.j2", **variables)
        text = re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n")).strip() + "\n"
        return text


def _first_line(source: str, name: str) -> int:
    found = re.search(rf"\b{re.escape(name)}\b", source)
    return source.count("\n", 0, found.start()) + 1 if found else 1


def message_id(campaign: str, key: str, domain: str) -> str:
    # Deterministic per (campaign, department): a resend after an uncertain crash carries
    # the same Message-ID, which many mail systems use to drop the duplicate.
    digest = hashlib.sha256(f"{campaign}\0{key}".encode()).hexdigest()[:24]
    return f"<perfxl.{digest}@{domain}>"


def build_message(*, sender: Sender, to: list[tuple[str, str]], cc: list[str], subject: str,
                  body: str, campaign: str, key: str,
                  attachment: tuple[str, bytes] | None = None) -> EmailMessage:
    """``to``: (display name, address) pairs. Addresses must already be validated."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = Address(display_name=sender.name, addr_spec=sender.address)
    msg["To"] = [Address(display_name=name, addr_spec=addr) for name, addr in to]
    if cc:
        msg["Cc"] = [Address(addr_spec=a) for a in cc]
    msg["Subject"] = subject
    msg["Date"] = format_datetime(localtime())
    msg["Message-ID"] = message_id(campaign, key, sender.domain)
    msg["X-Perfxl-Campaign"] = campaign
    msg.set_content(body, subtype="plain", charset="utf-8", cte="base64")
    if attachment is not None:
        filename, data = attachment
        msg.add_attachment(data, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=filename)
    return msg


def recipients(msg: EmailMessage) -> list[str]:
    out = []
    for header in ("To", "Cc"):
        for addr in msg.get(header, "").addresses if msg.get(header) else ():
            out.append(addr.addr_spec)
    return out
