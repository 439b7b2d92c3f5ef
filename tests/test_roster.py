"""Roster validation: malicious and sloppy values are rejected with row-numbered messages."""

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from perfxl.adapters.roster_xlsx import read_roster, write_roster_template
from perfxl.cli import main
from perfxl.core.findings import FormReadError
from perfxl.core.roster import COLUMNS, form_filename, parse_rows

LETTERS = {c: "ABCDEF"[i] for i, c in enumerate(COLUMNS)}


def rows(*dicts):
    return [(i + 2, d) for i, d in enumerate(dicts)]


def ok(name="惠州市司法局", **kw):
    d = {"部门名称": name, "部门编码": "101001", "表样": "广东", "联系人": "张三",
         "邮箱": "zhang@example.gov.cn"}
    d.update(kw)
    return d


def messages(roster):
    return [(f.cell, f.severity, f.message) for f in roster.findings]


def test_valid_rows_with_several_addresses_and_fullwidth_separators():
    r = parse_rows(rows(ok(邮箱="a@example.cn； b@example.cn，A@example.cn", 抄送="boss@example.cn"),
                        ok("临沂市司法局", 部门编码=371300.0, 表样="山东", 邮箱="li＠example.cn")), LETTERS)
    assert r.findings == []
    gd, sd = r.departments
    assert gd.emails == ("a@example.cn", "b@example.cn") and gd.cc == ("boss@example.cn",)
    assert gd.layout == "guangdong" and gd.row == 2
    assert sd.layout == "shandong" and sd.code == "371300" and sd.emails == ("li@example.cn",)


@pytest.mark.parametrize("field,value,expected", [
    ("部门名称", "司法局\r\nBcc: victim@evil.com", "控制字符"),
    ("联系人", "张三\nBcc: x@evil.com", "控制字符"),
    ("邮箱", "a@example.cn\r\nBcc: x@evil.com", "控制字符"),
    ("抄送", "x@example.cn\u2028y@evil.com", "控制字符"),
    ("部门名称", "局" * 200, "过长"),
    ("联系人", "张" * 100, "过长"),
    ("部门名称", "../../etc/passwd", "不能用于文件名"),
    ("部门名称", "财政局\\审计科", "不能用于文件名"),
    ("部门名称", "司法局:备份", "不能用于文件名"),
    ("部门名称", "CON", "Windows 保留名"),
    ("部门名称", "lpt1.局", "Windows 保留名"),
    ("部门名称", "司法局.", "句点或空格"),
    ("部门名称", "=HYPERLINK(\"http://evil\",\"局\")", "不能用于文件名"),
    ("部门名称", "=1+1局", "不能以 = + - @ 开头"),
    ("邮箱", "not-an-address", "格式不正确"),
    ("邮箱", "a@b", "格式不正确"),
    ("邮箱", "zhang@example.cn;\"x\"@evil@com", "格式不正确"),
    ("邮箱", "", "邮箱为空"),
    ("表样", "江苏", "无法识别"),
    ("部门编码", "10/01", "只能包含"),
])
def test_malicious_or_invalid_values_are_rejected_with_cell(field, value, expected):
    r = parse_rows(rows(ok(**{field: value}), ok("另一个局", 部门编码="2", 邮箱="b@example.cn")), LETTERS)
    errors = [f for f in r.findings if f.severity == "error"]
    assert errors, r.findings
    assert any(expected in f.message and f.cell == f"{LETTERS[field]}2" and "第 2 行" in f.message
               for f in errors), messages(r)
    # the bad row is left out, the good one stays
    assert [d.name for d in r.departments] == ["另一个局"]


def test_duplicates_are_reported_against_the_first_row():
    r = parse_rows(rows(ok(), ok(" 惠州市司法局 ", 部门编码="2"), ok("甲局", 部门编码="101001"),
                        ok("乙局", 部门编码="3")), LETTERS)
    msgs = messages(r)
    assert ("A3", "error", "第 3 行：部门名称与第 2 行重复") in msgs
    assert ("B4", "error", "第 4 行：部门编码与第 2 行重复") in msgs
    # the shared mailbox is allowed but flagged: sender matching becomes ambiguous
    assert any(cell == "E5" and sev == "warning" and "同时是" in m for cell, sev, m in msgs)
    assert [d.name for d in r.departments] == ["惠州市司法局", "乙局"]


def test_missing_columns_and_empty_roster():
    r = parse_rows([], {"部门名称": "A"})
    assert "缺少列" in r.findings[0].message and "表样" in r.findings[0].message
    r = parse_rows([(2, {})], LETTERS)
    assert r.findings[0].message == "名单中没有任何部门"


def test_file_names_keep_chinese_and_are_windows_safe():
    r = parse_rows(rows(ok()), LETTERS)
    name = form_filename(r.departments[0], 2025)
    assert name == "101001_惠州市司法局_2025年部门整体预算绩效目标表.xlsx"
    assert not set(name) & set('<>:"/\\|?*')


def test_template_round_trip_through_reader(tmp_path: Path):
    path = write_roster_template(tmp_path / "名单.xlsx")
    wb = load_workbook(path)
    ws = wb["部门名单"]
    assert [c.value for c in ws[1]] == list(COLUMNS)
    assert ws.data_validations.dataValidation[0].formula1 == '"广东,山东"'
    ws.append(["惠州市司法局", "101001", "广东", "张三", "zhang@example.gov.cn", None])
    ws.append(["坏\n局", "x", "广东", "", "bad", None])
    wb.save(path)
    roster = read_roster(path)
    assert [d.name for d in roster.departments] == ["惠州市司法局"]
    assert {f.cell for f in roster.errors} == {"A3", "E3"}
    assert all(f.file == str(path) for f in roster.findings)


def test_unreadable_roster_is_a_clear_error(tmp_path: Path):
    bad = tmp_path / "名单.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(FormReadError, match="无法打开部门名单"):
        read_roster(bad)
    wb = Workbook()
    wb.active.append(["随便", "什么"])
    wb.save(tmp_path / "无表头.xlsx")
    with pytest.raises(FormReadError, match="没有找到表头"):
        read_roster(tmp_path / "无表头.xlsx")


def test_cli_roster_template(tmp_path: Path, capsys):
    out = tmp_path / "sub" / "名单模板.xlsx"
    assert main(["roster-template", "-o", str(out)]) == 0
    assert out.exists() and "已生成" in capsys.readouterr().out


from hypothesis import given, settings, strategies as st  # noqa: E402


# Arbitrary text is mostly rejected by the roster (control characters, …), so it alone
# rarely reaches the mail path with a long Chinese name, which is what folds a header into
# several encoded-words: half the examples are drawn from readable characters instead.
_READABLE = st.one_of(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
                      st.sampled_from(" ·（）()-_.,、AZaz09"))


def _names(min_size: int, max_size: int):
    return st.one_of(st.text(min_size=min_size, max_size=max_size),
                     st.text(_READABLE, min_size=min_size, max_size=max_size))


@settings(max_examples=150, deadline=None)
@given(name=_names(1, 80), contact=_names(0, 40))
def test_any_accepted_name_is_a_safe_file_name_and_a_single_header_line(name, contact):
    from email import message_from_bytes, policy

    from perfxl.adapters.mail.compose import Sender, Templates, build_message

    r = parse_rows(rows(ok(name, 联系人=contact)), LETTERS)
    if not r.departments:
        assert r.errors and all(f.message.startswith("第 2 行：") for f in r.errors)
        return
    d = r.departments[0]
    fname = form_filename(d, 2025)
    import unicodedata
    assert not set(fname) & set('<>:"/\\|?*')
    assert not any(unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp") for ch in fname)
    subject = Templates().subject("distribute", year=2025, department=d.name)
    msg = build_message(sender=Sender("a@example.cn"), to=[(d.contact, d.emails[0])], cc=[],
                        subject=subject, body="x", campaign="c", key=d.name,
                        attachment=(fname, b"x"))
    back = message_from_bytes(msg.as_bytes(), policy=policy.default)
    assert back["Subject"] == subject and back["To"].addresses[0].addr_spec == d.emails[0]
    assert display_name(msg.as_bytes()) == d.contact
    assert next(back.iter_attachments()).get_filename() == fname
    assert set(back.keys()) >= {"From", "To", "Subject"} and "Bcc" not in back


def display_name(raw: bytes) -> str:
    """The To display name as a mail client shows it. A long non-ASCII name is folded into
    several encoded-words; RFC 2047 (6.2) says the space between adjacent ones is dropped,
    which email.header.decode_header does and policy.default's address parser does not
    (it returns '…副 处长…'), so that parser cannot be the oracle here."""
    from email import message_from_bytes, policy
    from email.header import decode_header, make_header
    from email.utils import parseaddr

    name, _ = parseaddr(message_from_bytes(raw, policy=policy.compat32)["To"])
    return str(make_header(decode_header(name)))


def test_a_long_chinese_contact_survives_folding_exactly():
    from perfxl.adapters.mail.compose import Sender, build_message

    name = "广东省惠州市司法局法律援助处副处长兼办公室主任欧阳某某同志联络员"
    msg = build_message(sender=Sender("a@example.cn"), to=[(name, "zhang@example.gov.cn")], cc=[],
                        subject="s", body="x", campaign="c", key="k")
    assert msg.as_bytes().count(b"=?utf-8?") > 1  # folded into several encoded-words
    assert display_name(msg.as_bytes()) == name


def test_shipped_roster_template_is_what_the_code_generates(tmp_path):
    from perfxl.adapters.xlsx_compare import workbook_differences
    from tests.conftest import ROOT

    fresh = write_roster_template(tmp_path / "部门名单模板.xlsx")
    shipped = ROOT / "workbook_templates" / "部门名单模板.xlsx"
    assert workbook_differences(shipped, fresh) == [], "run: perfxl roster-template -o workbook_templates/部门名单模板.xlsx"
