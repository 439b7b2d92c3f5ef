"""The commands end to end with the official template writer: roster → forms → mail."""

from email import message_from_bytes, policy

from openpyxl import load_workbook

from perfxl.adapters.xlsx_reader import read_form
from perfxl.cli import main
from tests._mailserver import Recorder, smtp_server
from tests.test_mail_distribute import ROSTER, history_dir, roster_file  # noqa: F401 (fixture)


def test_distribute_dry_run_then_send_with_official_templates(tmp_path, history_dir, capsys, monkeypatch):
    roster = roster_file(tmp_path / "名单.xlsx")
    out = tmp_path / "2026分发"
    common = [str(roster), "--year", "2026", "-o", str(out), "--history-dir", str(history_dir),
              "--sender", "jxk@czj.example.gov.cn", "--sender-name", "市财政局绩效科",
              "--deadline", "2026年3月31日"]
    assert main(["distribute", *common, "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "共 2 个部门的申报表" in text and "其中 2 个预填了上年数据" in text and "已生成 2 封邮件" in text
    emls = sorted((out / "邮件" / "分发").glob("*.eml"))
    assert len(emls) == 2
    forms = {read_form(p).department: read_form(p) for p in (out / "申报表").glob("*.xlsx")}
    assert set(forms) == {name for name, *_ in ROSTER}
    gd = forms["惠州市司法局"]
    assert (gd.year, gd.layout, len(gd.indicators)) == (2026, "guangdong", 9)
    src = gd.source("indicators[0].annual_value")
    path = next((out / "申报表").glob("*惠州*"))
    assert "上年值：≥2场" in load_workbook(path)[src.sheet][src.cell].comment.text
    sd = forms["临沂市司法局"]
    assert (sd.year, sd.layout) == (2026, "shandong") and sd.indicators[0].history.last_year

    monkeypatch.delenv("PERFXL_SMTP_USER", raising=False)
    monkeypatch.delenv("PERFXL_SMTP_PASSWORD", raising=False)
    rec = Recorder()
    with smtp_server(rec) as (port, _):
        send = ["distribute", *common, "--send", "--smtp-host", "127.0.0.1", "--smtp-port", str(port),
                "--smtp-security", "none", "--rate", "600/min"]
        assert main(send) == 0
        assert "本次发送 2 封" in capsys.readouterr().out
        assert main(send) == 0
        assert "本次跳过 2 个部门" in capsys.readouterr().out
    assert len(rec.messages) == 2
    for _, rcpts, raw in rec.messages:
        msg = message_from_bytes(raw, policy=policy.default)
        [att] = list(msg.iter_attachments())
        p = tmp_path / "att.xlsx"
        p.write_bytes(att.get_content())
        dept = read_form(p).department
        assert dept in msg["Subject"] and att.get_filename().endswith(f"{dept}_2026年部门整体预算绩效目标表.xlsx")
        expected = {"惠州市司法局": "zhang@example.cn", "临沂市司法局": "wang@example.cn"}[dept]
        assert rcpts[0] == expected


def test_distribute_without_history_writes_blank_official_forms(tmp_path, capsys):
    roster = roster_file(tmp_path / "名单.xlsx")
    assert main(["distribute", str(roster), "--year", "2026", "-o", str(tmp_path / "o")]) == 0
    forms = [read_form(p) for p in (tmp_path / "o" / "申报表").glob("*.xlsx")]
    assert sorted((f.department, f.year, f.layout, len(f.indicators)) for f in forms) == \
        [("临沂市司法局", 2026, "shandong", 0), ("惠州市司法局", 2026, "guangdong", 0)]
