"""Sending over SMTP: STARTTLS/SSL, login, rate limit, retries on temporary failures."""

from __future__ import annotations

import ipaddress
import smtplib
import socket
import ssl
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

from perfxl.adapters.mail.credentials import Credentials

SECURITY = ("starttls", "ssl", "none")


class SendError(Exception):
    """``temporary``: worth retrying later; ``fatal``: no message can be sent (connection,
    login), so the caller should stop instead of failing every department in turn."""

    def __init__(self, message: str, temporary: bool, fatal: bool = False) -> None:
        super().__init__(message)
        self.temporary = temporary
        self.fatal = fatal


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class SmtpSettings:
    host: str
    port: int = 0  # 0: the default for the security mode
    security: str = "starttls"
    credentials: Credentials | None = field(default=None, repr=False)
    timeout: float = 60.0
    rate_per_min: float = 30.0  # messages per minute; mail servers throttle bulk senders
    retries: int = 3
    backoff: float = 5.0  # seconds before the first retry; doubles each time
    cafile: str | None = None  # extra CA for a bureau's own mail server certificate

    def __post_init__(self) -> None:
        if self.security not in SECURITY:
            raise ValueError(f"未知的加密方式 {self.security}（可选 starttls、ssl、none）")
        if not self.port:
            self.port = {"starttls": 587, "ssl": 465, "none": 25}[self.security]
        if self.security == "none" and self.credentials and not is_loopback(self.host):
            raise ValueError("不加密的连接不能发送密码：请使用 --smtp-security starttls 或 ssl")


def _temporary(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, (smtplib.SMTPServerDisconnected, ConnectionError, socket.timeout, TimeoutError))


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{a}: {c} {m.decode('utf-8', 'replace') if isinstance(m, bytes) else m}"
                 for a, (c, m) in exc.recipients.items()]
        return "收件人被拒绝：" + "；".join(parts)
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"服务器返回 {exc.smtp_code} {text}"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "服务器断开了连接"
    return f"{type(exc).__name__}: {exc}"


class Mailer:
    """One SMTP session reused across messages, reconnecting when the server drops it."""

    def __init__(self, settings: SmtpSettings, sleep=time.sleep, clock=time.monotonic) -> None:
        self.s = settings
        self._conn: smtplib.SMTP | None = None
        self._sleep = sleep
        self._clock = clock
        self._last: float | None = None

    def __enter__(self) -> "Mailer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context()
        if self.s.cafile:
            ctx.load_verify_locations(self.s.cafile)
        return ctx

    def _connect(self) -> smtplib.SMTP:
        s = self.s
        try:
            if s.security == "ssl":
                conn: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            conn.ehlo()
            if s.security == "starttls":
                conn.starttls(context=self._context())
                conn.ehlo()
            if s.credentials:
                conn.login(s.credentials.user, s.credentials.password)
        except smtplib.SMTPAuthenticationError as exc:
            raise SendError(f"邮件服务器登录失败（{exc.smtp_code}），请检查用户名和密码", temporary=False, fatal=True) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise SendError(f"邮件服务器不支持所需功能：{exc}", temporary=False, fatal=True) from None
        except UnicodeEncodeError:
            # smtplib sends AUTH data as ASCII only
            raise SendError("用户名或密码含有非 ASCII 字符，SMTP 登录不支持", temporary=False, fatal=True) from None
        except ssl.SSLError as exc:
            raise SendError(f"加密连接失败：{exc.reason or exc}", temporary=False, fatal=True) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(f"无法连接邮件服务器 {s.host}:{s.port}：{_describe(exc)}", _temporary(exc) or isinstance(exc, OSError), fatal=True) from None
        return conn

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._conn = None

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except OSError:
                pass
            self._conn = None

    def _throttle(self) -> None:
        if self.s.rate_per_min <= 0 or self._last is None:
            return
        wait = 60.0 / self.s.rate_per_min - (self._clock() - self._last)
        if wait > 0:
            self._sleep(wait)

    def send(self, msg: EmailMessage, recipients: list[str]) -> list[str]:
        """Send; return refused recipients (others got it). Raises SendError when nobody did."""
        delay = self.s.backoff
        attempt = 0
        while True:
            self._throttle()
            try:
                if self._conn is None:
                    self._conn = self._connect()
                self._last = self._clock()
                refused = self._conn.send_message(msg, to_addrs=recipients)
                return sorted(refused)
            except SendError as exc:
                failure: SendError = exc
            except (OSError, smtplib.SMTPException) as exc:
                failure = SendError(_describe(exc), _temporary(exc))
                # After a failed transaction the session state is unknown: start afresh.
                self._drop()
            if not failure.temporary or attempt >= self.s.retries:
                raise failure
            attempt += 1
            self._sleep(delay)
            delay *= 2
