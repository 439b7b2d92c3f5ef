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


def _server_said(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"服务器回复：{code} {text}".rstrip()


def _reply(exc: BaseException) -> str:
    """The server's or the library's own words, kept for the IT staff."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return _server_said(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, ssl.SSLError):
        return " ".join(str(part) for part in (exc.reason, getattr(exc, "verify_message", None)) if part) or str(exc)
    return str(exc) or type(exc).__name__


def _describe(exc: BaseException) -> str:
    """Why one message was not sent, in Chinese, with what to do."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{a}（{_server_said(c, m)}）" for a, (c, m) in exc.recipients.items()]
        return "邮件服务器拒收这些收件人地址，请核对部门名单中的邮箱：" + "；".join(parts)
    if isinstance(exc, smtplib.SMTPResponseException) and 400 <= exc.smtp_code < 500:
        return f"邮件服务器暂时不能接收（{_reply(exc)}）"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return (f"邮件服务器不接受发件人地址 {exc.sender}：发件人一般须是登录所用的邮箱，请检查发件人设置（--sender）"
                f"（{_reply(exc)}）")
    if isinstance(exc, smtplib.SMTPDataError):
        return f"邮件服务器拒收这封邮件，常见原因是附件太大或被判为垃圾邮件（{_reply(exc)}）"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"邮件服务器返回错误（{_reply(exc)}）"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"邮件服务器中途断开了连接（{_reply(exc)}）"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"邮件服务器长时间没有响应（{_reply(exc)}）"
    return f"与邮件服务器通信出错（{type(exc).__name__}: {_reply(exc)}）"


_PORT_HINT = "465 端口用 --smtp-security ssl，587 端口用 starttls"


def _connect_failure(exc: BaseException, step: str, s: SmtpSettings) -> str:
    """Why no session could be opened; ``step`` is where it failed: connect, starttls or login."""
    server = f"{s.host}:{s.port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        why = ("邮件服务器登录失败：用户名或密码不对。请核对用户名（--smtp-user 或 PERFXL_SMTP_USER）和密码；"
               "QQ、163 等邮箱要用邮箱设置里生成的“授权码”代替登录密码")
    elif isinstance(exc, smtplib.SMTPNotSupportedError) and step == "login":
        why = ("邮件服务器在当前连接上不提供登录（AUTH）：多数服务器只在加密后才允许登录，请使用 "
               "--smtp-security starttls 或 ssl；如果这台服务器不需要登录，请不要设置用户名")
    elif isinstance(exc, smtplib.SMTPNotSupportedError) and step == "starttls":
        why = f"邮件服务器 {server} 不支持 STARTTLS 加密：请改用 --smtp-security ssl（端口一般为 465），或向信息部门询问端口和加密方式"
    elif step == "login" and type(exc) is smtplib.SMTPException:  # "No suitable authentication method found."
        why = "邮件服务器提供的登录方式 perfxl 都不支持（perfxl 支持 PLAIN、LOGIN、CRAM-MD5），请向信息部门询问"
    elif isinstance(exc, ssl.SSLCertVerificationError):
        why = "加密连接失败：无法验证邮件服务器的证书。单位自建的服务器请用 --smtp-cafile 指定它的证书（向信息部门索取）"
    elif isinstance(exc, ssl.SSLError):
        why = f"加密连接失败：加密方式可能与端口不匹配（{_PORT_HINT}）"
    elif isinstance(exc, socket.gaierror):
        why = f"找不到邮件服务器 {s.host}：请检查服务器地址是否写错，以及本机能否上网"
    elif isinstance(exc, ConnectionRefusedError):
        why = f"无法连接邮件服务器 {server}：对方拒绝连接，请检查服务器地址和端口（{_PORT_HINT}）"
    elif isinstance(exc, (socket.timeout, TimeoutError)):
        why = (f"连接邮件服务器 {server} 超时：请检查服务器地址和端口（{_PORT_HINT}），"
               "以及单位网络是否允许访问这台服务器")
    elif isinstance(exc, smtplib.SMTPServerDisconnected):
        why = f"邮件服务器 {server} 断开了连接：端口与加密方式可能不匹配（{_PORT_HINT}）"
    elif isinstance(exc, smtplib.SMTPResponseException):
        why = f"邮件服务器 {server} 拒绝了连接"
    else:
        why = f"无法连接邮件服务器 {server}"
    return f"{why}（{_reply(exc)}）"


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
        step = "connect"
        try:
            if s.security == "ssl":
                conn: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            conn.ehlo()
            if s.security == "starttls":
                step = "starttls"
                conn.starttls(context=self._context())
                conn.ehlo()
            if s.credentials:
                step = "login"
                conn.login(s.credentials.user, s.credentials.password)
        except UnicodeEncodeError:
            # smtplib sends AUTH data as ASCII only
            raise SendError("用户名或密码含有非 ASCII 字符，SMTP 登录不支持", temporary=False, fatal=True) from None
        except (OSError, smtplib.SMTPException) as exc:
            # A wrong password, a missing feature or an untrusted certificate stays wrong on retry.
            lasting = isinstance(exc, (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError, ssl.SSLError)) \
                or (step == "login" and type(exc) is smtplib.SMTPException)
            raise SendError(_connect_failure(exc, step, s), temporary=not lasting, fatal=True) from None
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
