"""Reading a mailbox folder over IMAP (SSL, STARTTLS, or plain on loopback only).

The folder is opened read-only and bodies are fetched with BODY.PEEK, so collecting
never changes what the user sees in their mail client (no messages marked as read).
"""

from __future__ import annotations

import base64
import imaplib
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

from perfxl.adapters.mail.credentials import Credentials
from perfxl.adapters.mail.smtp import is_loopback


class ImapError(Exception):
    pass


@dataclass
class ImapSettings:
    host: str
    port: int = 0
    security: str = "ssl"
    folder: str = "INBOX"
    credentials: Credentials | None = field(default=None, repr=False)
    timeout: float = 60.0
    cafile: str | None = None

    def __post_init__(self) -> None:
        if self.security not in ("ssl", "starttls", "none"):
            raise ValueError(f"未知的加密方式 {self.security}（可选 ssl、starttls、none）")
        if not self.port:
            self.port = 993 if self.security == "ssl" else 143
        if self.security == "none" and not is_loopback(self.host):
            raise ValueError("不加密的 IMAP 连接只允许用于本机测试：请使用 --imap-security ssl 或 starttls")


@dataclass(frozen=True)
class FetchedMessage:
    uid: int
    uidvalidity: int
    raw: bytes
    internal_date: datetime


def encode_folder(name: str) -> str:
    """IMAP modified UTF-7 (RFC 3501 §5.1.3), quoted: "收件箱/绩效" works like "INBOX"."""
    out, buf = [], []

    def flush() -> None:
        if buf:
            b64 = base64.b64encode("".join(buf).encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + b64.replace("/", ",") + "-")
            buf.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            buf.append(ch)
    flush()
    text = "".join(out)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(typ: str, data, what: str) -> None:
    if typ != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise ImapError(f"{what}失败：{detail}")


def _connect(s: ImapSettings) -> imaplib.IMAP4:
    ctx = ssl.create_default_context()
    if s.cafile:
        ctx.load_verify_locations(s.cafile)
    try:
        if s.security == "ssl":
            conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(s.host, s.port, ssl_context=ctx, timeout=s.timeout)
        else:
            conn = imaplib.IMAP4(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                conn.starttls(ssl_context=ctx)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise ImapError(f"无法连接 IMAP 服务器 {s.host}:{s.port}：{exc}") from None
    if s.credentials is None:
        conn.logout()
        raise ImapError("读取邮箱需要用户名和密码：请设置 PERFXL_IMAP_USER 和 PERFXL_IMAP_PASSWORD，或使用 --imap-user 和系统钥匙串")
    try:
        conn.login(s.credentials.user, s.credentials.password)
    except imaplib.IMAP4.error:
        conn.logout()
        raise ImapError(f"IMAP 登录失败：请检查用户 {s.credentials.user} 的密码") from None
    return conn


def fetch_new(s: ImapSettings, after_uid: int = 0, uidvalidity: int = 0) -> Iterator[FetchedMessage]:
    """Messages in the folder with UID > ``after_uid`` (all of them when the folder's
    UIDVALIDITY differs from ``uidvalidity``, since UIDs were renumbered)."""
    conn = _connect(s)
    try:
        typ, data = conn.select(encode_folder(s.folder), readonly=True)
        if typ != "OK":
            raise ImapError(f"找不到邮件文件夹“{s.folder}”")
        typ, data = conn.response("UIDVALIDITY")
        current = int(data[0]) if data and data[0] else 0
        if current != uidvalidity:
            after_uid = 0
        typ, data = conn.uid("SEARCH", None, f"UID {after_uid + 1}:*")
        _check(typ, data, "搜索邮件")
        uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > after_uid)
        for uid in uids:
            typ, data = conn.uid("FETCH", str(uid), "(INTERNALDATE BODY.PEEK[])")
            _check(typ, data, f"读取邮件 {uid} ")
            for item in data:
                if isinstance(item, tuple):
                    when = imaplib.Internaldate2tuple(item[0])
                    stamp = (datetime.fromtimestamp(time.mktime(when), timezone.utc)
                             if when else datetime.now(timezone.utc))
                    yield FetchedMessage(uid, current, item[1], stamp)
                    break
    finally:
        try:
            conn.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


