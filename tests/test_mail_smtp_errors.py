"""SMTP failures explained in Chinese, with what to do and the server's own reply for IT."""

from email.message import EmailMessage

import pytest

from _mailserver import Recorder, free_port, smtp_server
from perfxl.adapters.mail.credentials import Credentials
from perfxl.adapters.mail.smtp import Mailer, SendError, SmtpSettings


def _message(sender="jxk@czj.example.gov.cn") -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "d0@example.cn", "测试"
    msg.set_content("正文")
    return msg


def _send(port, rcpts=("d0@example.cn",), sender="jxk@czj.example.gov.cn", **kw) -> SendError:
    settings = SmtpSettings("127.0.0.1", port, "none", rate_per_min=0, backoff=0, retries=1, **kw)
    with pytest.raises(SendError) as exc, Mailer(settings, sleep=lambda s: None) as mailer:
        mailer.send(_message(sender), list(rcpts))
    return exc.value


def _no_english_without_reply(message: str, reply: str) -> None:
    """Apart from the server's words in the last parentheses, the text is Chinese."""
    assert message.endswith(f"{reply}）")
    assert "not supported" not in message.replace(reply, "")


def test_login_to_a_server_without_auth_explains_encryption():
    with smtp_server(Recorder()) as (port, _):
        err = _send(port, credentials=Credentials("jxk", "pw"))
    assert str(err).startswith("邮件服务器在当前连接上不提供登录（AUTH）：多数服务器只在加密后才允许登录")
    assert "--smtp-security starttls 或 ssl" in str(err)
    _no_english_without_reply(str(err), "SMTP AUTH extension not supported by server.")
    assert err.fatal and not err.temporary  # retrying cannot help


def test_wrong_password_mentions_the_authorisation_code_and_the_reply_code():
    with smtp_server(Recorder(), auth=("jxk", "right")) as (port, _):
        err = _send(port, credentials=Credentials("jxk", "wrong"))
    assert str(err).startswith("邮件服务器登录失败：用户名或密码不对")
    assert "授权码" in str(err) and "（服务器回复：535 " in str(err)
    assert err.fatal and not err.temporary


def test_closed_port_says_the_server_refused_and_names_it():
    port = free_port()  # nothing listens there
    err = _send(port)
    assert str(err).startswith(f"无法连接邮件服务器 127.0.0.1:{port}：对方拒绝连接，请检查服务器地址和端口")
    assert "Connection refused" in str(err)
    assert err.fatal and err.temporary


class _Picky(Recorder):
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if address.startswith("other"):
            return "553 5.7.1 Sender address rejected: not owned by user jxk"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return "554 5.7.1 Message rejected as spam"


def test_refused_sender_recipient_and_message():
    with smtp_server(_Picky()) as (port, _):
        sender = _send(port, sender="other@example.cn")
        rcpt = _send(port, rcpts=("gone@example.cn",))
        data = _send(port)
    assert str(sender) == ("邮件服务器不接受发件人地址 other@example.cn：发件人一般须是登录所用的邮箱，"
                           "请检查发件人设置（--sender）（服务器回复：553 5.7.1 Sender address rejected: "
                           "not owned by user jxk）")
    assert str(rcpt) == ("邮件服务器拒收这些收件人地址，请核对部门名单中的邮箱："
                         "gone@example.cn（服务器回复：550 5.1.1 No such user）")
    assert str(data).startswith("邮件服务器拒收这封邮件，常见原因是附件太大或被判为垃圾邮件（服务器回复：554 ")
    assert not (sender.temporary or rcpt.temporary or data.temporary)


def test_temporary_rejection_is_marked_temporary():
    with smtp_server(Recorder(fail_after=0)) as (port, _):
        err = _send(port)
    assert str(err) == "邮件服务器暂时不能接收（服务器回复：451 4.3.0 Temporary failure, try again later）"
    assert err.temporary


def test_tls_to_a_plain_server_explains_the_port():
    with smtp_server(Recorder()) as (port, _):
        settings = SmtpSettings("127.0.0.1", port, "ssl", rate_per_min=0, retries=0, timeout=5)
        with pytest.raises(SendError) as exc, Mailer(settings) as mailer:
            mailer.send(_message(), ["d0@example.cn"])
        settings = SmtpSettings("127.0.0.1", port, "starttls", rate_per_min=0, retries=0, timeout=5)
        with pytest.raises(SendError) as exc2, Mailer(settings) as mailer:
            mailer.send(_message(), ["d0@example.cn"])
    assert str(exc.value).startswith("加密连接失败：加密方式可能与端口不匹配（465 端口用 --smtp-security ssl")
    assert str(exc2.value).startswith(f"邮件服务器 127.0.0.1:{port} 不支持 STARTTLS 加密：请改用 --smtp-security ssl")
    assert not exc.value.temporary and not exc2.value.temporary
