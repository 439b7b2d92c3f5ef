"""User email templates are checked before any form is written or mail sent."""

from email import message_from_bytes, policy
from pathlib import Path

import pytest

from perfxl.adapters.mail.api import distribute, remind
from perfxl.adapters.mail.compose import VARIABLES, ComposeError, Templates
from perfxl.cli import main
from tests._mailserver import Recorder, smtp_server
from tests.test_mail_distribute import SENDER, roster_file, smtp


def _folder(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "模板"
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.j2").write_text(text, "utf-8")
    return folder


def test_a_misspelt_variable_stops_distribute_before_anything_is_written(tmp_path, capsys):
    folder = _folder(tmp_path, distribute_body="{{ contact }}：\n\n请填写{{ departmnet }}的{{ year }}年度表格。\n")
    roster = roster_file(tmp_path / "名单.xlsx")
    out = tmp_path / "分发"
    code = main(["distribute", str(roster), "--year", "2025", "-o", str(out), "--dry-run",
                 "--sender", SENDER.address, "--templates", str(folder)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"错误：邮件模板 {folder / 'distribute_body.j2'} 中的变量“departmnet”（第 3 行）"
                          "不存在，可能拼错了。可用的变量：department（部门名称）、")
    assert "has_history（是否预填了上年数据）" in err and "findings" not in err
    assert "undefined" not in err
    assert not out.exists()


@pytest.mark.parametrize("name, text, expected", [
    ("remind_subject", "{{ error_count }}{{ yaer }}", "remind_subject.j2 中的变量“yaer”（第 1 行）不存在"),
    ("distribute_subject", "{{ findings }}", "distribute_subject.j2 中的变量“findings”（第 1 行）不存在"),
    ("distribute_body", "第一行\n{% if deadline %}截止", "distribute_body.j2 第 2 行写法有误（"),
    ("distribute_mail", "{{ department }}", "distribute_mail.j2 不是 perfxl 使用的模板文件名，请改名"),
], ids=["remind", "variable-of-the-other-kind", "syntax", "unknown-file"])
def test_template_mistakes_are_named(tmp_path, name, text, expected):
    folder = _folder(tmp_path, **{name: text})
    with pytest.raises(ComposeError, match=expected.replace("（", r"\（").replace("）", r"\）")):
        Templates(folder)


def test_a_template_in_another_encoding_is_explained(tmp_path):
    folder = _folder(tmp_path)
    (folder / "remind_body.j2").write_bytes("{{ department }}，您好".encode("gbk"))
    with pytest.raises(ComposeError, match="不是 UTF-8 编码"):
        Templates(folder)


def test_every_variable_offered_is_given_by_distribute_and_remind(tmp_path):
    """A template using every listed variable renders (StrictUndefined would refuse a
    name the mail code does not pass), so the list in the error message is true."""
    files = {}
    for kind, names in VARIABLES.items():
        files[f"{kind}_subject"] = f"{kind} " + "".join(f"[{n}]" for n in names)
        files[f"{kind}_body"] = "\n".join(f"{n}={{{{ {n} }}}}" for n in names)
    folder = _folder(tmp_path, **files)
    roster = roster_file(tmp_path / "名单.xlsx")
    out = tmp_path / "分发"
    rec = Recorder()
    with smtp_server(rec) as (port, _):
        sent = distribute(roster, 2025, out, send=True, sender=SENDER, templates_dir=folder,
                          deadline="3月31日", smtp=smtp(port))
    assert sent.campaign.ok and len(rec.messages) == 2
    msg = rec.parsed()[0]
    assert "deadline=3月31日" in msg.get_body(("plain",)).get_content()
    reminded = remind(out, dry_run=True, templates_dir=folder, round_label="一")
    msg = message_from_bytes(reminded.campaign.eml_files[0].read_bytes(), policy=policy.default)
    assert "error_count=0" in msg.get_body(("plain",)).get_content()
