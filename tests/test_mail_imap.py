"""IMAP reading against a real Dovecot started on loopback by the test."""

import imaplib
import shutil
from email.message import EmailMessage

import pytest

from _mailserver import dovecot_server
from perfxl.adapters.mail.credentials import Credentials
from perfxl.adapters.mail.imap import ImapError, ImapSettings, encode_folder, fetch_new

pytestmark = pytest.mark.skipif(not shutil.which("dovecot") and not __import__("os").path.exists("/usr/sbin/dovecot"),
                                reason="dovecot-imapd not installed (scripts/bootstrap.sh installs it)")


@pytest.fixture(scope="module")
def dovecot():
    with dovecot_server() as server:
        yield server


def reply(n: int) -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = f"d{n}@example.cn", "jxk@example.cn", f"回复：第{n}封"
    m.set_content("见附件")
    m.add_attachment(b"PK-not-really", maintype="application", subtype="octet-stream",
                     filename=f"第{n}测试局_表.xlsx")
    return m.as_bytes()


def append(server, folder: str, raw: bytes) -> None:
    conn = imaplib.IMAP4(server["host"], server["port"])
    conn.login(server["user"], server["password"])
    if folder != "INBOX":
        conn.create(encode_folder(folder))
    assert conn.append(encode_folder(folder), None, None, raw)[0] == "OK"
    conn.logout()


def settings(server, folder="INBOX", password=None):
    return ImapSettings(server["host"], server["port"], "none", folder,
                        Credentials(server["user"], password or server["password"]))


def test_fetch_new_reads_only_unseen_uids_and_leaves_flags_alone(dovecot):
    append(dovecot, "INBOX", reply(1))
    append(dovecot, "INBOX", reply(2))
    got = list(fetch_new(settings(dovecot)))
    assert [m.uid for m in got] == [1, 2] and got[0].uidvalidity > 0
    assert b"d1@example.cn" in got[0].raw and got[0].internal_date.tzinfo is not None
    append(dovecot, "INBOX", reply(3))
    later = list(fetch_new(settings(dovecot), after_uid=2, uidvalidity=got[0].uidvalidity))
    assert [m.uid for m in later] == [3]
    # nothing new: "UID 4:*" still matches the last message on the server; it is dropped
    assert list(fetch_new(settings(dovecot), 3, got[0].uidvalidity)) == []
    # another UIDVALIDITY (mailbox recreated) means every UID is read again
    assert len(list(fetch_new(settings(dovecot), 3, 12345))) == 3
    conn = imaplib.IMAP4(dovecot["host"], dovecot["port"])
    conn.login(dovecot["user"], dovecot["password"])
    conn.select("INBOX", readonly=True)
    typ, data = conn.fetch("1:*", "(FLAGS)")
    conn.logout()
    assert all(b"\\Seen" not in d for d in data)


def test_chinese_folder_names(dovecot):
    append(dovecot, "绩效表回收", reply(7))
    got = list(fetch_new(settings(dovecot, "绩效表回收")))
    assert len(got) == 1 and b"d7@example.cn" in got[0].raw
    assert encode_folder("收件箱&A") == '"&ZTZO9nux-&-A"'


def test_errors_are_clear(dovecot):
    with pytest.raises(ImapError, match="登录失败"):
        list(fetch_new(settings(dovecot, password="wrong")))
    with pytest.raises(ImapError, match="找不到邮件文件夹“不存在”"):
        list(fetch_new(settings(dovecot, "不存在")))
    with pytest.raises(ValueError, match="只允许用于本机"):
        ImapSettings("imap.example.cn", security="none")


def test_api_settings_take_credentials_from_the_environment(dovecot, monkeypatch):
    from perfxl.adapters.mail.api import imap_settings, smtp_settings

    monkeypatch.setenv("PERFXL_IMAP_USER", dovecot["user"])
    monkeypatch.setenv("PERFXL_IMAP_PASSWORD", dovecot["password"])
    s = imap_settings(dovecot["host"], "INBOX", dovecot["port"], "none")
    assert dovecot["password"] not in repr(s)
    assert isinstance(list(fetch_new(s)), list)
    monkeypatch.setenv("PERFXL_SMTP_USER", "u@example.cn")
    monkeypatch.setenv("PERFXL_SMTP_PASSWORD", "p")
    assert smtp_settings("smtp.example.cn", rate_per_min=5).port == 587
