"""Real mail servers on loopback for the email tests: aiosmtpd (SMTP) and Dovecot (IMAP)."""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """Keeps every accepted message; can start failing after ``fail_after`` messages."""

    def __init__(self, fail_after: int | None = None, mode: str = "451") -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.fail_after = fail_after
        self.mode = mode  # "451": reject DATA temporarily; "drop": close the connection
        self.rejected = 0

    async def handle_DATA(self, server, session, envelope):
        if self.fail_after is not None and len(self.messages) >= self.fail_after:
            self.rejected += 1
            if self.mode == "drop":
                server.transport.close()
                return "421 4.3.2 closing"
            return "451 4.3.0 Temporary failure, try again later"
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"

    def parsed(self):
        return [message_from_bytes(raw, policy=policy.default) for _, _, raw in self.messages]


class _Auth:
    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password
        self.logins: list[str] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == self.user and auth_data.password.decode() == self.password
        if ok:
            self.logins.append(self.user)
        return AuthResult(success=ok, handled=False)


@contextlib.contextmanager
def smtp_server(recorder: Recorder, auth: tuple[str, str] | None = None):
    kwargs = {}
    authenticator = None
    if auth:
        authenticator = _Auth(*auth)
        kwargs = {"authenticator": authenticator, "auth_require_tls": False, "auth_required": True}
    port = free_port()
    ctl = Controller(recorder, hostname="127.0.0.1", port=port, **kwargs)
    ctl.start()
    try:
        yield port, authenticator
    finally:
        ctl.stop()


@contextlib.contextmanager
def dovecot_server(user: str = "finance", password: str = "s3cret-pw"):
    """A throw-away Dovecot IMAP server on 127.0.0.1 (no TLS, plain login allowed).

    As root, Dovecot refuses to run its login and mail processes as root, so those run
    as the Debian package's dovecot/dovenull users and the mail folder belongs to them;
    as an ordinary user everything runs as that user.
    """
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    root = Path(tempfile.mkdtemp(prefix="perfxl-dovecot-"))
    os.chmod(root, 0o755)
    port = free_port()
    if os.getuid() == 0:
        mail_user = pwd.getpwnam("dovecot")
        internal, login = "dovecot", "dovenull"
    else:
        mail_user = pwd.getpwuid(os.getuid())
        internal = login = mail_user.pw_name
    uid, gid = mail_user.pw_uid, mail_user.pw_gid
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    os.chown(root / "mail", uid, gid)
    (root / "users").write_text(f"{user}:{{PLAIN}}{password}:{uid}:{gid}::{root}/mail/{user}::\n")
    conf = root / "dovecot.conf"
    conf.write_text(f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name}
default_login_user = {login}
first_valid_uid = {min(uid, 500)}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
""")
    proc = subprocess.Popen([binary, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 15
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"dovecot exited: {proc.stderr.read().decode()} "
                                   f"{(root / 'dovecot.log').read_text() if (root / 'dovecot.log').exists() else ''}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5) as s:
                if s.recv(100).startswith(b"* OK"):
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("dovecot did not start listening")
            time.sleep(0.1)
        yield {"host": "127.0.0.1", "port": port, "user": user, "password": password, "root": root}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that the client trusts only when given it as CA file."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


@contextlib.contextmanager
def tls_smtp_server(recorder: Recorder, cert: Path, key: Path, mode: str,
                    auth: tuple[str, str] | None = None):
    """``mode``: "starttls" (STARTTLS required before MAIL/AUTH) or "ssl" (implicit TLS)."""
    import ssl

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    kwargs: dict = {}
    authenticator = None
    if auth:
        authenticator = _Auth(*auth)
        kwargs.update(authenticator=authenticator, auth_required=True)
    if mode == "starttls":
        kwargs.update(tls_context=ctx, require_starttls=True)
    else:
        # aiosmtpd only counts STARTTLS as "TLS" for AUTH; with implicit TLS the whole
        # connection is encrypted, so allowing AUTH is what a real SSL server does.
        kwargs.update(ssl_context=ctx, auth_require_tls=False)
    port = free_port()
    ctl = Controller(recorder, hostname="127.0.0.1", port=port, **kwargs)
    ctl.start()
    try:
        yield port, authenticator
    finally:
        ctl.stop()
