"""collect and remind judge returned forms by the rule settings of perfxl.toml, so a
department's collection status agrees with ``perfxl check`` and ``perfxl consolidate``."""

from pathlib import Path

import pytest
from openpyxl import load_workbook

from perfxl.adapters.checking import load_config
from perfxl.adapters.mail.api import collect, distribute, remind, statuses
from perfxl.adapters.xlsx_reader import read_form
from perfxl.cli import main
from perfxl.core.roster import Roster
from perfxl.core.rules import check_form
from tests.seed_forms import guangdong_seed
from tests.test_mail_collect import form_file, make_roster
from tests.test_mail_distribute import SENDER, roster_file

# The seed's errors are all in PX2–PX4; what is left are warnings (PX601 among them).
LENIENT = 'ignore = ["PX2", "PX3", "PX4"]\n'
STRICT = LENIENT + '\n[severity]\nPX601 = "error"\n'


@pytest.fixture(autouse=True)
def no_mail_environment(monkeypatch):
    for name in ("PERFXL_SMTP_USER", "PERFXL_SMTP_PASSWORD", "PERFXL_IMAP_USER", "PERFXL_IMAP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def returned(tmp_path):
    """A roster and a folder holding one department's return, whose errors are all PX2–PX4."""
    roster = make_roster(tmp_path / "名单.xlsx")
    inbox = tmp_path / "收到"
    inbox.mkdir()
    form = form_file(inbox / "司法局.xlsx", guangdong_seed(), "惠州市司法局")
    found = check_form(read_form(form))
    errors = {f.rule[:3] for f in found if f.severity == "error"}
    assert errors and errors <= {"PX2", "PX3", "PX4"}
    assert any(f.rule == "PX601" for f in found)
    return roster, inbox, form


def status_row(path: Path, department: str) -> tuple:
    rows = load_workbook(path)["回收状态"].iter_rows(min_row=5, values_only=True)
    return next(r for r in rows if r[1] == department)


def test_perfxl_collect_follows_the_rule_settings_of_perfxl_toml(tmp_path, monkeypatch, capsys, returned):
    roster, inbox, form = returned
    monkeypatch.chdir(tmp_path)
    args = ["collect", "w", "--roster", str(roster), "--from", str(inbox)]
    assert main(args) == 1
    assert "需修改 1" in capsys.readouterr().out
    assert status_row(tmp_path / "w" / "回收状态.xlsx", "惠州市司法局")[6] == "需修改"

    # The bureau ignores those rules: check and collect now agree the form passes.
    (tmp_path / "perfxl.toml").write_text(LENIENT + '\n[mail]\nsender-name = "市财政局"\n', "utf-8")
    assert main(["check", str(form)]) == 0
    capsys.readouterr()
    assert main(args) == 0
    assert "校验通过 1" in capsys.readouterr().out
    row = status_row(tmp_path / "w" / "回收状态.xlsx", "惠州市司法局")
    assert row[6] == "校验通过" and row[10] == 0

    # ...and raises a warning to an error: the form must be fixed again, for that rule only.
    (tmp_path / "perfxl.toml").write_text(STRICT, "utf-8")
    assert main(args) == 1
    capsys.readouterr()
    row = status_row(tmp_path / "w" / "回收状态.xlsx", "惠州市司法局")
    px601 = sum(f.rule == "PX601" for f in check_form(read_form(form), load_config(tmp_path / "perfxl.toml")))
    assert row[6] == "需修改" and row[10] == px601 > 0
    details = load_workbook(tmp_path / "w" / "回收状态.xlsx")["问题明细"]
    errors = [r[4] for r in details.iter_rows(min_row=2, values_only=True) if r[5] == "错误"]
    assert errors == ["PX601"] * px601

    # --config names another file; the nearest perfxl.toml is then not read.
    other = tmp_path / "设置" / "规则.toml"
    other.parent.mkdir()
    other.write_text(LENIENT, "utf-8")
    assert main([*args, "--config", str(other)]) == 0
    capsys.readouterr()


def test_a_broken_rule_section_stops_collect_with_the_error_of_perfxl_check(tmp_path, monkeypatch, capsys,
                                                                             returned):
    roster, inbox, form = returned
    monkeypatch.chdir(tmp_path)
    (tmp_path / "perfxl.toml").write_text('ignore = ["XY1"]\n', "utf-8")
    assert main(["check", str(form)]) == 2
    check_error = capsys.readouterr().err
    assert "XY1" in check_error and "perfxl.toml" in check_error
    assert main(["collect", "w", "--roster", str(roster), "--from", str(inbox)]) == 2
    assert capsys.readouterr().err == check_error
    assert not (tmp_path / "w").exists()  # stopped before storing anything
    # distribute checks no form, so its mail settings in the same file still work.
    assert main(["distribute", str(roster), "--year", "2025", "-o", "d"]) == 0


def test_the_api_checks_returns_with_the_rule_config_it_is_given(tmp_path, returned):
    _, inbox, _ = returned
    roster = roster_file(tmp_path / "分发名单.xlsx")
    work = tmp_path / "2025分发"
    distribute(roster, 2025, work)
    (tmp_path / "perfxl.toml").write_text(LENIENT, "utf-8")
    lenient = load_config(tmp_path / "perfxl.toml")

    by_default = collect(work, from_dir=inbox)
    assert {s.department.name: s.status for s in by_default.statuses}["惠州市司法局"] == "需修改"
    assert remind(work, sender=SENDER).reminded == ["惠州市司法局"]

    res = collect(work, from_dir=inbox, config=lenient)
    assert {s.department.name: s.status for s in res.statuses}["惠州市司法局"] == "校验通过"
    assert status_row(res.status_file, "惠州市司法局")[6] == "校验通过"
    assert remind(work, sender=SENDER, config=lenient).reminded == []
    again = statuses(work, Roster([s.department for s in res.statuses]), config=lenient)
    assert [s.status for s in again if s.department.name == "惠州市司法局"] == ["校验通过"]


def test_perfxl_remind_follows_the_rule_settings_of_perfxl_toml(tmp_path, monkeypatch, capsys, returned):
    _, inbox, _ = returned
    roster = roster_file(tmp_path / "分发名单.xlsx")
    distribute(roster, 2025, tmp_path / "w", sender=SENDER)
    monkeypatch.chdir(tmp_path)
    collect(tmp_path / "w", from_dir=inbox)
    assert main(["remind", "w", "--sender", SENDER.address]) == 0
    assert "需要催报 1 个部门：惠州市司法局" in capsys.readouterr().out
    (tmp_path / "perfxl.toml").write_text(LENIENT, "utf-8")
    assert main(["remind", "w", "--sender", SENDER.address]) == 0
    assert "没有需要催报的部门" in capsys.readouterr().out
