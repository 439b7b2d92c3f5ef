"""Sending through a real SMTP server on loopback (aiosmtpd): encoding, retries, send log."""

from email.header import decode_header
from pathlib import Path

import pytest

from _mailserver import Recorder, smtp_server
from perfxl.adapters.mail.campaign import Job, run_campaign
from perfxl.adapters.mail.compose import ComposeError, Sender, Templates
from perfxl.adapters.mail.credentials import CredentialError, lookup
from perfxl.adapters.mail.sendlog import SendLog
from perfxl.adapters.mail.smtp import SmtpSettings
from perfxl.core.roster import Department

SENDER = Sender("jxk@czj.example.gov.cn", "惠州市财政局绩效科", "0752-1234567")


def departments(n=4):
    return [Department(name=f"第{i}测试局", layout="guangdong", emails=(f"d{i}@example.cn",),
                       code=f"10{i}", contact=f"联系人{i}", cc=("cc@example.cn",) if i == 0 else (),
                       row=i + 2) for i in range(n)]


def jobs(tmp_path: Path, n=4):
    out = []
    t = Templates()
    for d in departments(n):
        f = tmp_path / f"{d.name}_2025年部门整体预算绩效目标表.xlsx"
        f.write_bytes(f"form of {d.name}".encode())
        v = dict(department=d.name, contact=d.contact, year=2025, deadline="2025年3月31日",
                 attachment=f.name, has_history=False, instructions="", sender_name=SENDER.name,
                 sender_contact=SENDER.contact)
        out.append(Job(d, t.subject("distribute", **v), t.body("distribute", **v), f, f.name))
    return out


def fast(port, **kw):
    return SmtpSettings("127.0.0.1", port, security="none", rate_per_min=0, backoff=0.01, **kw)


def test_messages_arrive_with_encoded_chinese_headers_and_attachment(tmp_path):
    rec = Recorder()
    with smtp_server(rec) as (port, _):
        res = run_campaign(jobs(tmp_path), "distribute:2025", sender=SENDER,
                           log=SendLog(tmp_path / "log.jsonl"), send=True, smtp=fast(port))
    assert res.ok and res.sent == [f"第{i}测试局" for i in range(4)]
    assert len(rec.messages) == 4
    mail_from, rcpts, raw = rec.messages[0]
    assert mail_from == SENDER.address and rcpts == ["d0@example.cn", "cc@example.cn"]
    # 7-bit clean on the wire: Chinese only inside RFC 2047 / RFC 2231 encodings
    raw.decode("ascii")
    assert b"=?utf-8?" in raw and b"filename*0*=utf-8''" in raw
    msg = rec.parsed()[0]
    assert msg["Subject"] == "关于报送2025年度部门整体预算绩效目标表的通知（第0测试局）"
    assert msg["To"].addresses[0].display_name == "联系人0"
    assert msg["From"].addresses[0].display_name == "惠州市财政局绩效科"
    body = msg.get_body(("plain",)).get_content()
    assert "联系人0：" in body and "2025年3月31日 前" in body and "0752-1234567" in body
    [att] = list(msg.iter_attachments())
    assert att.get_filename() == "第0测试局_2025年部门整体预算绩效目标表.xlsx"
    assert att.get_content() == "form of 第0测试局".encode()
    assert msg["Message-ID"].startswith("<perfxl.")
    # the raw Subject header decodes to the same text with the stdlib's legacy decoder too
    parts = decode_header(raw.split(b"\r\nSubject: ")[1].split(b"\r\n")[0].decode())
    assert "".join(p.decode(c) if isinstance(p, bytes) else p for p, c in parts).startswith("关于报送")


def test_rerun_after_sending_sends_nothing(tmp_path):
    rec = Recorder()
    log = SendLog(tmp_path / "log.jsonl")
    with smtp_server(rec) as (port, _):
        run_campaign(jobs(tmp_path), "distribute:2025", sender=SENDER, log=log, send=True, smtp=fast(port))
        again = run_campaign(jobs(tmp_path), "distribute:2025", sender=SENDER, log=log, send=True,
                             smtp=fast(port))
    assert again.sent == [] and len(again.already_sent) == 4
    assert len(rec.messages) == 4


@pytest.mark.parametrize("mode", ["451", "drop"])
def test_server_failing_halfway_then_rerun_completes_without_duplicates(tmp_path, mode):
    rec = Recorder(fail_after=2, mode=mode)
    log = SendLog(tmp_path / "log.jsonl")
    with smtp_server(rec) as (port, _):
        first = run_campaign(jobs(tmp_path, 5), "distribute:2025", sender=SENDER, log=log,
                             send=True, smtp=fast(port, retries=2))
        assert first.sent == ["第0测试局", "第1测试局"]
        assert list(first.failed) == ["第2测试局"]
        assert first.not_attempted == ["第3测试局", "第4测试局"] and first.stopped
        assert rec.rejected == 3  # the first try and two retries with backoff
        rec.fail_after = None  # the server recovers
        second = run_campaign(jobs(tmp_path, 5), "distribute:2025", sender=SENDER, log=log,
                              send=True, smtp=fast(port))
    assert second.sent == ["第2测试局", "第3测试局", "第4测试局"] and second.ok
    got = [r[1][0] for r in rec.messages]
    assert sorted(got) == [f"d{i}@example.cn" for i in range(5)] and len(set(got)) == 5


def test_crash_mid_send_is_uncertain_not_resent(tmp_path):
    rec = Recorder()
    log = SendLog(tmp_path / "log.jsonl")
    log.append(campaign="distribute:2025", department="第1测试局", status="sending", to=["d1@example.cn"])
    with open(log.path, "a", encoding="utf-8") as fh:
        fh.write('{"campaign": "distribute:2025", "depart')  # a line cut short by the crash
    with smtp_server(rec) as (port, _):
        res = run_campaign(jobs(tmp_path, 3), "distribute:2025", sender=SENDER, log=log, send=True,
                           smtp=fast(port))
        assert res.uncertain == ["第1测试局"] and not res.ok
        assert sorted(r[1][0] for r in rec.messages) == ["d0@example.cn", "d2@example.cn"]
        res = run_campaign(jobs(tmp_path, 3), "distribute:2025", sender=SENDER, log=log, send=True,
                           smtp=fast(port), retry_uncertain=True)
    assert res.sent == ["第1测试局"] and len(rec.messages) == 3


def test_login_with_credentials_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PERFXL_SMTP_USER", "jxk")
    monkeypatch.setenv("PERFXL_SMTP_PASSWORD", "pa55-secret")
    creds = lookup("smtp", "127.0.0.1")
    assert "pa55" not in repr(creds)
    rec = Recorder()
    with smtp_server(rec, auth=("jxk", "pa55-secret")) as (port, auth):
        res = run_campaign(jobs(tmp_path, 1), "c", sender=SENDER, log=SendLog(tmp_path / "l.jsonl"),
                           send=True, smtp=fast(port, credentials=creds))
        assert res.ok and auth.logins == ["jxk"]
        monkeypatch.setenv("PERFXL_SMTP_PASSWORD", "wrong")
        res = run_campaign(jobs(tmp_path, 2), "c2", sender=SENDER, log=SendLog(tmp_path / "l2.jsonl"),
                           send=True, smtp=fast(port, credentials=lookup("smtp", "127.0.0.1")))
    assert "登录失败" in res.failed["第0测试局"] and res.not_attempted == ["第1测试局"]
    log_text = (tmp_path / "l2.jsonl").read_text("utf-8") + (tmp_path / "l.jsonl").read_text("utf-8")
    assert "wrong" not in log_text and "pa55" not in log_text


def test_credentials_rules(monkeypatch):
    monkeypatch.delenv("PERFXL_IMAP_USER", raising=False)
    monkeypatch.delenv("PERFXL_IMAP_PASSWORD", raising=False)
    assert lookup("imap", "mail.example.cn") is None
    monkeypatch.setenv("PERFXL_IMAP_PASSWORD", "x")
    with pytest.raises(CredentialError, match="PERFXL_IMAP_USER"):
        lookup("imap", "mail.example.cn")
    monkeypatch.delenv("PERFXL_IMAP_PASSWORD")
    monkeypatch.setattr("keyring.get_password", lambda service, user: None)
    with pytest.raises(CredentialError, match="keyring set perfxl-imap:mail.example.cn bob"):
        lookup("imap", "mail.example.cn", "bob")
    monkeypatch.setattr("keyring.get_password",
                        lambda service, user: "kr-pw" if (service, user) == ("perfxl-imap:mail.example.cn", "bob") else None)
    assert lookup("imap", "mail.example.cn", "bob").password == "kr-pw"


def test_plain_connection_refuses_to_carry_a_password():
    from perfxl.adapters.mail.credentials import Credentials
    with pytest.raises(ValueError, match="不加密"):
        SmtpSettings("mail.example.cn", security="none", credentials=Credentials("u", "p"))


def test_dry_run_writes_eml_files_and_sends_nothing(tmp_path):
    log = SendLog(tmp_path / "log.jsonl")
    res = run_campaign(jobs(tmp_path, 2), "distribute:2025", sender=SENDER, log=log, send=False,
                       eml_dir=tmp_path / "邮件")
    assert [p.name for p in res.eml_files] == ["第0测试局_2025年部门整体预算绩效目标表.eml",
                                               "第1测试局_2025年部门整体预算绩效目标表.eml"]
    from email import message_from_bytes, policy
    msg = message_from_bytes(res.eml_files[1].read_bytes(), policy=policy.default)
    assert msg["To"] == "联系人1 <d1@example.cn>" and not log.path.exists()


def test_user_templates_override_and_typos_are_reported(tmp_path):
    (tmp_path / "distribute_subject.j2").write_text("【{{ year }}】{{ department }}\n请填表", "utf-8")
    (tmp_path / "distribute_body.j2").write_text("{{ deparment }}", "utf-8")
    with pytest.raises(ComposeError, match="deparment"):
        Templates(tmp_path)  # before any form is written
    (tmp_path / "distribute_body.j2").write_text("{{ department }}", "utf-8")
    t = Templates(tmp_path)
    assert t.subject("distribute", year=2025, department="某局") == "【2025】某局 请填表"
    assert t.body("distribute", department="某局") == "某局\n"
    assert "尚未收到" in t.body("remind", department="某局", contact="", year=2025, deadline="",
                                findings=[], attachment="", instructions="", sender_name="",
                                sender_contact="")
    (tmp_path / "remind_body.j2").write_text("{{ ''.__class__.__mro__ }}", "utf-8")
    with pytest.raises(ComposeError):
        t.body("remind")
    with pytest.raises(ComposeError, match="控制字符"):
        Sender("bad\r\nBcc: x@y.cn")


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_encrypted_connections_verify_the_certificate(tmp_path, mode):
    from _mailserver import self_signed, tls_smtp_server
    from perfxl.adapters.mail.credentials import Credentials

    cert, key = self_signed(tmp_path)
    rec = Recorder()
    creds = Credentials("jxk", "pw-123")
    with tls_smtp_server(rec, cert, key, mode, auth=("jxk", "pw-123")) as (port, auth):
        # the bureau's own certificate is not trusted by default: refuse, and say why
        res = run_campaign(jobs(tmp_path, 2), "c", sender=SENDER, log=SendLog(tmp_path / "a.jsonl"),
                           send=True, smtp=SmtpSettings("127.0.0.1", port, mode, creds, backoff=0.01,
                                                        rate_per_min=0))
        assert "加密连接失败" in res.failed["第0测试局"] and res.not_attempted == ["第1测试局"]
        assert rec.messages == []
        res = run_campaign(jobs(tmp_path, 2), "c", sender=SENDER, log=SendLog(tmp_path / "b.jsonl"),
                           send=True, smtp=SmtpSettings("127.0.0.1", port, mode, creds, backoff=0.01,
                                                        rate_per_min=0, cafile=str(cert)))
    assert res.ok and len(rec.messages) == 2 and auth.logins == ["jxk"]


class _Refusing(Recorder):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_refused_recipients_partial_and_permanent(tmp_path):
    rec = _Refusing()
    depts = [Department("甲局", "guangdong", ("a@example.cn", "gone1@example.cn"), row=2),
             Department("乙局", "guangdong", ("gone2@example.cn",), row=3),
             Department("丙局", "guangdong", ("c@example.cn",), row=4)]
    js = [Job(d, f"主题{d.name}", "正文") for d in depts]
    log = SendLog(tmp_path / "log.jsonl")
    with smtp_server(rec) as (port, _):
        res = run_campaign(js, "c", sender=SENDER, log=log, send=True, smtp=fast(port))
    assert res.sent == ["甲局", "丙局"] and res.refused == {"甲局": ["gone1@example.cn"]}
    assert "550" in res.failed["乙局"] and res.not_attempted == []  # permanent: the rest go on
    assert [r[1] for r in rec.messages] == [["a@example.cn"], ["c@example.cn"]]
    sent = [r for r in log.records() if r.status == "sent" and r.department == "甲局"]
    assert sent[0].refused == ("gone1@example.cn",)


def test_rate_limit_spaces_the_messages(tmp_path):
    from perfxl.adapters.mail.smtp import Mailer

    waits = []
    now = [0.0]

    def sleep(seconds):  # a virtual clock: the test does not wait for real
        waits.append(seconds)
        now[0] += seconds

    rec = Recorder()
    with smtp_server(rec) as (port, _):
        mailer = Mailer(SmtpSettings("127.0.0.1", port, "none", rate_per_min=20), sleep=sleep,
                        clock=lambda: now[0])
        with mailer:
            res = run_campaign(jobs(tmp_path, 3), "c", sender=SENDER, log=SendLog(tmp_path / "l.jsonl"),
                               send=True, mailer=mailer)
    assert res.sent and len(rec.messages) == 3
    assert waits == [3.0, 3.0]  # 20 per minute: 3 s between messages, none before the first
