"""perfxl.toml's [mail] table: the mail commands take their settings from it, a flag
overrides it, it holds no password, and the rule settings in the same file still load."""

import imaplib
import json
import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from perfxl.adapters.mail.settings import load_mail_settings, mail_settings
from perfxl.cli import build_parser, main
from perfxl.cli.commands import _mailargs
from perfxl.core.rules import ConfigError
from tests._mailserver import Recorder, dovecot_server, free_port, smtp_server
from tests._workbooks import guangdong_rows, write_rows
from tests.test_mail_collect import eml, form_file, make_roster
from tests.test_mail_distribute import roster_file
from tests.seed_forms import guangdong_seed

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide"


@pytest.fixture(autouse=True)
def no_mail_environment(monkeypatch):
    for name in ("PERFXL_SMTP_USER", "PERFXL_SMTP_PASSWORD", "PERFXL_IMAP_USER", "PERFXL_IMAP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def toml(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "perfxl.toml"
    path.write_text(text, "utf-8")
    return path


def test_distribute_sends_with_the_server_and_sender_in_perfxl_toml(tmp_path, monkeypatch, capsys):
    project = tmp_path / "2026年申报"
    (project / "模板").mkdir(parents=True)
    (project / "模板" / "distribute_subject.j2").write_text("【{{ sender_name }}】{{ department }}请填报", "utf-8")
    (project / "说明.txt").write_text("请用 WPS 或 Excel 填写。", "utf-8")
    roster = roster_file(project / "名单.xlsx")
    # A folder below the file's: it is found upwards, and its relative paths are not
    # relative to where the command runs.
    (project / "分发").mkdir()
    monkeypatch.chdir(project / "分发")
    rec = Recorder()
    with smtp_server(rec) as (port, _):
        toml(project, f"""ignore = ["PX307"]

[mail]
host = "127.0.0.1"
port = {port}
security = "none"
sender = "jxk@czj.example.gov.cn"
sender-name = "市财政局绩效科"
sender-contact = "0752-2800000"
rate = "600/min"
templates = "模板"
instructions = "@说明.txt"
""")
        assert main(["distribute", str(roster), "--year", "2026", "-o", "2026", "--send"]) == 0
    assert "本次发送 2 封" in capsys.readouterr().out
    msgs = rec.parsed()
    assert len(msgs) == 2
    for m in msgs:
        [sender] = m["From"].addresses
        assert (sender.display_name, sender.addr_spec) == ("市财政局绩效科", "jxk@czj.example.gov.cn")
        assert m["Subject"].startswith("【市财政局绩效科】")
        body = m.get_body(("plain",)).get_content()
        assert "（0752-2800000）" in body and "请用 WPS 或 Excel 填写。" in body


def test_flags_override_the_file_given_with_config(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no perfxl.toml here: only --config names one
    cfg = toml(tmp_path / "设置", """[mail]
host = "smtp.invalid"
port = 1
security = "ssl"
sender = "jxk@czj.example.gov.cn"
sender-name = "文件里的名称"
rate = 600
""")
    roster = roster_file(tmp_path / "名单.xlsx")
    rec = Recorder()
    with smtp_server(rec) as (port, _):
        assert main(["distribute", str(roster), "--year", "2026", "-o", str(tmp_path / "o"), "--send",
                     "--config", str(cfg), "--smtp-host", "127.0.0.1", "--smtp-port", str(port),
                     "--smtp-security", "none", "--sender-name", "命令行名称"]) == 0
    names = {m["From"].addresses[0].display_name for m in rec.parsed()}
    assert len(rec.messages) == 2 and names == {"命令行名称"}


def test_file_then_default_for_each_option_left_off_the_command_line(tmp_path, monkeypatch):
    cfg = toml(tmp_path, '[mail]\nport = 2525\nrate = 12\nuser = "file-user"\n\n'
                         '[mail.imap]\nfolder = "回执"\nsecurity = "starttls"\n')

    def parsed(*argv):
        args = build_parser().parse_args([*argv, "--config", str(cfg)])
        _mailargs.apply_config(args)
        return args

    a = parsed("remind", "w", "--retries", "5")
    assert (a.smtp_port, a.rate, a.smtp_user, a.retries, a.smtp_security, a.sender_name) == \
        (2525, 12.0, "file-user", 5, "starttls", "")
    a = parsed("remind", "w", "--smtp-port", "465", "--rate", "3/min", "--smtp-user", "flag-user")
    assert (a.smtp_port, a.rate, a.smtp_user) == (465, 3.0, "flag-user")
    a = parsed("collect", "w")
    assert (a.folder, a.imap_security, a.imap_port, a.imap) == ("回执", "starttls", 0, None)
    # A user in the environment comes with its password there: the file's user must not
    # be paired with it.
    monkeypatch.setenv("PERFXL_SMTP_USER", "env-user")
    assert parsed("remind", "w").smtp_user is None


def test_a_password_in_the_file_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    cfg = toml(tmp_path, '[mail]\nhost = "smtp.example.gov.cn"\npassword = "s3cret-pw"\n')
    assert main(["remind", str(tmp_path / "w"), "--send"]) == 2
    out = capsys.readouterr()
    assert str(cfg) in out.err and "不能写密码" in out.err and "PERFXL_SMTP_PASSWORD" in out.err
    assert "keyring set perfxl-smtp:" in out.err and "s3cret-pw" not in out.err + out.out
    toml(tmp_path, '[mail.imap]\nhost = "imap.example.gov.cn"\nimap-password = "s3cret-pw"\n')
    assert main(["collect", str(tmp_path / "w")]) == 2
    err = capsys.readouterr().err
    assert "[mail.imap]" in err and "PERFXL_IMAP_PASSWORD" in err and "s3cret-pw" not in err


def test_an_unknown_key_is_reported_with_the_file_and_the_key(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    cfg = toml(tmp_path, '[mail]\nsmtp-host = "smtp.example.gov.cn"\n')
    assert main(["distribute", "名单.xlsx", "--year", "2026", "-o", "o"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"错误：配置文件 {cfg}：") and "未知的配置项“smtp-host”" in err
    assert "host" in err.split("可用：")[1] and err.count("\n") == 1
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("text, key, words", [
    ("port = 70000", "port", "1 到 65535"),
    ('port = "587"', "port", "整数端口号"),
    ('security = "tls"', "security", "starttls、ssl、none"),
    ("rate = 0", "rate", "大于 0"),
    ("rate = -5", "rate", "大于 0"),
    ('rate = "fast"', "rate", "20/min"),
    ("retries = 1.5", "retries", "整数"),
    ("sender-name = 3", "sender-name", "文字"),
    ('imap = "imap.example.gov.cn"', "mail.imap", "表"),
    ('[mail.imap]\nsecurity = "starttls1"', "security", "ssl、starttls、none"),
    ("[mail.imap]\nport = 0", "port", "1 到 65535"),
    ('[mail.imap]\nmailbox = "INBOX"', "mailbox", "未知的配置项"),
])
def test_bad_values_name_the_file_and_the_key(tmp_path, text, key, words):
    cfg = toml(tmp_path, f"[mail]\n{text}\n")
    with pytest.raises(ConfigError) as exc:
        load_mail_settings(cfg)
    message = str(exc.value)
    assert message.startswith(f"配置文件 {cfg}：")
    assert f"“{key}”" in message or f"[{key}]" in message
    assert words in message


@pytest.mark.parametrize("value", ["-1", "两次", "1.5"])
def test_retries_on_the_command_line_is_checked_like_the_file_setting(value, capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["remind", "w", "--retries", value])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "重试次数应为不小于 0 的整数" in err and f"“{value}”" in err
    assert build_parser().parse_args(["remind", "w", "--retries", "0"]).retries == 0


def test_relative_paths_are_taken_from_the_folder_of_the_file(tmp_path, monkeypatch):
    folder = tmp_path / "财政局"
    elsewhere = tmp_path / "别处"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    absolute = tmp_path / "ca" / "root.pem"
    toml(folder, f"""[mail]
cafile = "证书/ca.pem"
templates = "模板"
instructions = "@说明/2026.txt"

[mail.imap]
cafile = '{absolute}'
""")
    s = load_mail_settings(search_from=folder / "2026分发")
    assert s.source == folder / "perfxl.toml"
    assert (s.cafile, s.templates, s.instructions) == \
        (str(folder / "证书" / "ca.pem"), str(folder / "模板"), "@" + str(folder / "说明" / "2026.txt"))
    assert s.imap.cafile == str(absolute)
    assert load_mail_settings(search_from=elsewhere).source is None
    # Plain text instructions are text, not a path.
    assert mail_settings({"instructions": "请于月底前报送"}, folder).instructions == "请于月底前报送"


def test_rules_still_load_from_a_file_with_a_mail_table(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    toml(tmp_path, 'select = ["PX204"]\n\n[mail]\nhost = "smtp.example.gov.cn"\nsender-name = "市财政局"\n\n'
                   '[mail.imap]\nhost = "imap.example.gov.cn"\n')
    forms = tmp_path / "表"
    forms.mkdir()
    form = guangdong_seed()
    form.sources = {}
    rows, merges = guangdong_rows(form)
    book = write_rows(forms / "seed.xlsx", rows, merges)
    assert main(["check", str(book), "--format", "json"]) == 1
    assert [d["rule"] for d in json.loads(capsys.readouterr().out)] == ["PX204"]
    out = tmp_path / "汇总.xlsx"
    assert main(["consolidate", str(forms), "-o", str(out), "--jobs", "1", "-q"]) in (0, 1)
    cells = {c for ws in openpyxl.load_workbook(out, read_only=True)
             for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert "启用规则：PX204" in cells


def test_collect_with_a_from_folder_leaves_the_files_mailbox_alone(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    # Nothing listens on this port: reaching for the mailbox would fail the command.
    toml(tmp_path, f'[mail.imap]\nhost = "127.0.0.1"\nport = {free_port()}\nsecurity = "none"\n')
    roster = make_roster(tmp_path / "名单.xlsx")
    inbox = tmp_path / "收到"
    inbox.mkdir()
    form_file(inbox / "a.xlsx", guangdong_seed(), "惠州市司法局")
    assert main(["collect", "w", "--roster", str(roster), "--from", str(inbox)]) in (0, 1)
    assert "新收到 1 个表格" in capsys.readouterr().out


@pytest.mark.skipif(not (shutil.which("dovecot") or os.path.exists("/usr/sbin/dovecot")),
                    reason="dovecot-imapd not installed (scripts/bootstrap.sh installs it)")
def test_collect_reads_the_mailbox_in_the_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    roster = make_roster(tmp_path / "名单.xlsx")
    a = form_file(tmp_path / "a.xlsx", guangdong_seed(), "惠州市司法局")
    with dovecot_server() as srv:
        conn = imaplib.IMAP4(srv["host"], srv["port"])
        conn.login(srv["user"], srv["password"])
        conn.append("INBOX", None, None, eml(tmp_path / "m.eml", "sf@example.cn", a, "绩效目标表.xlsx").read_bytes())
        conn.logout()
        toml(tmp_path, f'[mail.imap]\nhost = "{srv["host"]}"\nport = {srv["port"]}\nsecurity = "none"\n'
                       f'user = "{srv["user"]}"\nfolder = "INBOX"\n')
        monkeypatch.setenv("PERFXL_IMAP_PASSWORD", srv["password"])
        assert main(["collect", "w", "--roster", str(roster)]) in (0, 1)
    assert "新收到 1 个表格" in capsys.readouterr().out
    records = (tmp_path / "w" / "回收" / "回收记录.jsonl").read_text("utf-8").splitlines()
    assert len(records) == 1 and f"imap://{srv['host']}/INBOX;uid=1" in records[0]


def test_the_guides_mail_example_is_a_valid_mail_table():
    import tomllib

    text = (GUIDE / "分发与回收.md").read_text("utf-8")
    blocks = [tomllib.loads(b.split("```")[0]) for b in text.split("```toml")[1:]]
    tables = [b["mail"] for b in blocks if "mail" in b]
    assert tables
    for table in tables:
        s = mail_settings(table, GUIDE)
        assert s.host and s.sender_name and s.imap.host
