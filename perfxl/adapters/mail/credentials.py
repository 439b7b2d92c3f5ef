"""Mail credentials: environment variables first, then the system keyring.

They live only in memory: never in argv, files, logs or exception messages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


class CredentialError(Exception):
    pass


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)


def keyring_service(protocol: str, host: str) -> str:
    return f"perfxl-{protocol}:{host}"


def lookup(protocol: str, host: str, user: str | None = None) -> Credentials | None:
    """Credentials for ``protocol`` ("smtp" or "imap") on ``host``, or None for no login.

    PERFXL_SMTP_USER / PERFXL_SMTP_PASSWORD (PERFXL_IMAP_… for IMAP) win; otherwise the
    password for ``user`` is looked up in the keyring under service "perfxl-smtp:HOST".
    """
    prefix = f"PERFXL_{protocol.upper()}_"
    user = user or os.environ.get(prefix + "USER") or None
    password = os.environ.get(prefix + "PASSWORD")
    if password is not None:
        if not user:
            raise CredentialError(f"设置了 {prefix}PASSWORD 但没有设置 {prefix}USER（或 --{protocol}-user）")
        return Credentials(user, password)
    if not user:
        return None
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            password = keyring.get_password(keyring_service(protocol, host), user)
        except KeyringError:
            password = None
    except ImportError:
        password = None
    if password is None:
        raise CredentialError(
            f"找不到用户 {user} 的密码：请设置环境变量 {prefix}PASSWORD，"
            f"或用 “keyring set {keyring_service(protocol, host)} {user}” 保存到系统钥匙串")
    return Credentials(user, password)
