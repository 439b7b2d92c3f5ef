"""perfxl check / perfxl rules end to end: formats, exit codes, config, annotate."""

import csv
import hashlib
import io
import json
import runpy
from pathlib import Path

import openpyxl
import pytest

from _workbooks import guangdong_rows, write_rows
from perfxl.cli import main
from seed_forms import guangdong_seed

ROOT = Path(__file__).resolve().parent.parent


def xlsx(form, path: Path) -> Path:
    form.sources = {}
    rows, merges = guangdong_rows(form)
    return write_rows(path, rows, merges)


@pytest.fixture
def seed_book(tmp_path) -> Path:
    return xlsx(guangdong_seed(), tmp_path / "seed.xlsx")


@pytest.fixture
def clean_book(tmp_path) -> Path:
    clean = runpy.run_path(str(ROOT / "scripts" / "build_clean_example.py"))["clean_form"]()
    return xlsx(clean, tmp_path / "clean.xlsx")


@pytest.fixture(autouse=True)
def isolated_cwd(tmp_path, monkeypatch):
    # A perfxl.toml above the working folder would change the results.
    monkeypatch.chdir(tmp_path)


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_format_and_exit_1_on_errors(capsys, seed_book):
    code, out, _ = run(capsys, "check", str(seed_book), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data and all(set(d) == {"file", "sheet", "cell", "rule", "severity", "message"} for d in data)
    assert {"file": str(seed_book), "sheet": "申报表", "cell": "C26", "rule": "PX302",
            "severity": "error", "message": "二级指标“成本标”不是2015年指标框架中的名称，应为“成本指标”"} in data


def test_clean_file_exits_0_text_format(capsys, clean_book):
    code, out, _ = run(capsys, "check", str(clean_book))
    assert code == 0
    assert "PX105 [提示]" in out and "错误 0 个" in out


def test_csv_select_ignore(capsys, seed_book):
    code, out, _ = run(capsys, "check", str(seed_book), "--format", "csv", "--select", "PX4",
                       "--ignore", "PX402")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and {r["rule"] for r in rows} == {"PX401", "PX406", "PX408"}
    assert code == 0  # only warnings left


def test_unreadable_file_is_a_finding_and_others_are_still_checked(capsys, tmp_path, seed_book):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    code, out, _ = run(capsys, "check", str(bad), str(seed_book), "--format", "json")
    assert code == 2
    data = json.loads(out)
    assert data[0]["rule"] == "PX001" and data[0]["file"] == str(bad)
    assert any(d["file"] == str(seed_book) for d in data)
    code, out, _ = run(capsys, "check", str(tmp_path / "missing.xlsx"))
    assert code == 2 and "PX001" in out


def test_config_file_and_bad_config(capsys, tmp_path, seed_book):
    cfg = tmp_path / "perfxl.toml"
    cfg.write_text('ignore = ["PX3", "PX204", "PX402"]\n[severity]\nPX401 = "error"\n', "utf-8")
    code, out, _ = run(capsys, "check", str(seed_book), "--config", str(cfg), "--format", "json")
    data = json.loads(out)
    assert not [d for d in data if d["rule"].startswith("PX3") or d["rule"] in ("PX204", "PX402")]
    assert {d["severity"] for d in data if d["rule"] == "PX401"} == {"error"}
    assert code == 1
    cfg.write_text('framework = "1999"\n', "utf-8")
    code, _, err = run(capsys, "check", str(seed_book), "--config", str(cfg))
    assert code == 2 and "指标框架" in err
    cfg.write_text('placeholder-patterns = ["x*"]\n', "utf-8")
    code, out, err = run(capsys, "check", str(seed_book), "--config", str(cfg))
    assert code == 2 and "占位符正则表达式“x*”可匹配空文本" in err and "PX501" not in out


def test_annotate_from_the_cli(capsys, tmp_path, seed_book):
    before = hashlib.sha256(seed_book.read_bytes()).hexdigest()
    out = tmp_path / "标注.xlsx"
    code, _, err = run(capsys, "check", str(seed_book), "--annotate", "-o", str(out))
    assert code == 1 and out.exists() and "标注副本" in err
    assert hashlib.sha256(seed_book.read_bytes()).hexdigest() == before
    wb = openpyxl.load_workbook(out)
    assert "校验结果" in wb.sheetnames
    assert "PX302" in wb["申报表"]["C26"].comment.text
    code, _, err = run(capsys, "check", str(seed_book), "--annotate")
    assert code == 2 and "-o" in err


def test_rules_command(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0 and "PX302" in out and "level2-unknown" in out
    code, out, _ = run(capsys, "rules", "PX302")
    assert code == 0 and "修改方法" in out and "PX301" not in out
    code, out, _ = run(capsys, "rules", "PX6")
    assert code == 0 and "PX601" in out and "PX302" not in out
    code, _, err = run(capsys, "rules", "PX999")
    assert code == 2 and "PX999" in err


def test_perfxl_toml_is_found_in_the_working_folder(capsys, tmp_path, seed_book):
    (tmp_path / "perfxl.toml").write_text('select = ["PX204"]\n', "utf-8")
    code, out, _ = run(capsys, "check", str(seed_book), "--format", "json")
    assert [d["rule"] for d in json.loads(out)] == ["PX204"] and code == 1
    code, out, _ = run(capsys, "check", str(seed_book), "--format", "json", "--select", "PX302")
    assert [d["rule"] for d in json.loads(out)] == ["PX302"]


def test_a_folder_checks_the_workbooks_inside(capsys, tmp_path, seed_book, clean_book):
    (tmp_path / "~$seed.xlsx").write_bytes(b"lock file")
    (tmp_path / "notes.txt").write_text("x")
    code, out, _ = run(capsys, "check", str(tmp_path), "--format", "json")
    files = {d["file"] for d in json.loads(out)}
    assert files == {str(seed_book), str(clean_book)} and code == 1


def test_a_folder_without_workbooks_is_an_error_not_a_pass(capsys, tmp_path):
    empty = tmp_path / "回收表格"
    empty.mkdir()
    (empty / "说明.txt").write_text("x")
    code, out, err = run(capsys, "check", str(empty))
    assert code == 2 and "未发现问题" not in out
    assert f"文件夹 {empty} 中没有找到 .xlsx/.xlsm 工作簿" in err


def test_a_folder_skips_the_workbooks_perfxl_wrote_itself(capsys, tmp_path, seed_book):
    from perfxl.adapters.batch import ROSTER_REASON, STATUS_REASON, SUMMARY_REASON, consolidate, process_file
    from perfxl.core.rules import RuleConfig
    from perfxl.adapters.mail.api import collect
    from tests.test_mail_distribute import ROSTER, roster_file

    root = tmp_path / "2025年"
    root.mkdir()
    consolidate([seed_book], root / "汇总.xlsx", jobs=1)
    roster_file(root / "部门名单.xlsx")
    # last year's distribution folder: a return first stored as 未匹配, then matched
    work, inbox = root / "2025分发", root / "收件"
    inbox.mkdir()
    seed_book.rename(inbox / "司法局.xlsx")
    collect(work, from_dir=inbox, roster_path=roster_file(tmp_path / "临沂.xlsx", ROSTER[1:]), check=False)
    collect(work, from_dir=work / "回收" / "未匹配", roster_path=roster_file(tmp_path / "名单.xlsx"), check=False)
    [copy] = (work / "回收" / "未匹配").iterdir()
    [stored] = (work / "回收" / "惠州市司法局").iterdir()
    code, out, err = run(capsys, "check", str(root), "--format", "json")
    assert {d["file"] for d in json.loads(out)} == {str(inbox / "司法局.xlsx"), str(stored)} and code == 1
    assert "PX001" not in {d["rule"] for d in json.loads(out)}
    assert f"已跳过：{root / '汇总.xlsx'}：{SUMMARY_REASON}" in err
    assert f"已跳过：{work / '回收状态.xlsx'}：{STATUS_REASON}" in err
    assert f"已跳过：{root / '部门名单.xlsx'}：{ROSTER_REASON}" in err
    assert f"已跳过：{copy}：回收时未匹配的副本" in err and err.count("\n") == 4
    # consolidate skips them the same way (one recognition): a note each, no 无法读取 row
    assert process_file(str(root / "部门名单.xlsx"), "部门名单.xlsx", RuleConfig()).summary.read_error == ROSTER_REASON
    code, _, err = run(capsys, "consolidate", str(root), "-o", str(tmp_path / "新汇总.xlsx"), "--jobs", "1")
    assert code == 1 and "无法读取 0" in err and "个文件：" in err
    for name, why in (("汇总.xlsx", SUMMARY_REASON), ("部门名单.xlsx", ROSTER_REASON),
                      ("2025分发/回收状态.xlsx", STATUS_REASON)):
        assert f"已跳过：2025年/{name}：{why}" in err
    # a file named by hand is checked whatever it is
    code, out, _ = run(capsys, "check", str(copy), "--format", "json")
    assert {d["file"] for d in json.loads(out)} == {str(copy)}
    # a folder holding only perfxl's own workbooks checked nothing
    only = tmp_path / "只有汇总"
    only.mkdir()
    (root / "汇总.xlsx").rename(only / "汇总.xlsx")
    code, out, err = run(capsys, "check", str(only))
    assert code == 2 and "未发现问题" not in out and f"文件夹 {only} 中没有找到申报表" in err
    code, _, err = run(capsys, "consolidate", str(only), "-o", str(tmp_path / "再汇总.xlsx"))
    assert code == 2 and "没有找到申报表" in err and not (tmp_path / "再汇总.xlsx").exists()


def test_old_xls_files_in_a_folder_are_reported_unreadable(capsys, tmp_path, clean_book):
    # Found as consolidate finds them (subfolders too), so a folder of .xls is not a pass.
    old = tmp_path / "旧表" / "某局.xls"
    old.parent.mkdir()
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    code, out, err = run(capsys, "check", str(old.parent), "--format", "json")
    assert code == 2 and not err
    [finding] = json.loads(out)
    assert (finding["file"], finding["rule"]) == (str(old), "PX001") and "另存为 .xlsx" in finding["message"]
    (old.parent / "某局.ods").write_bytes(b"PK\x03\x04 not really")
    code, out, _ = run(capsys, "check", str(tmp_path), "--format", "json")
    assert code == 2 and {d["file"] for d in json.loads(out)} >= {str(old), str(clean_book)}
    assert any(d["file"].endswith("某局.ods") and "（.ods）" in d["message"] for d in json.loads(out))


def test_an_unknown_code_in_the_severity_table_is_an_error(capsys, tmp_path, clean_book):
    (tmp_path / "perfxl.toml").write_text('[severity]\nPX4O1 = "error"\n', "utf-8")
    code, out, err = run(capsys, "check", str(clean_book))
    assert code == 2 and not out
    assert "perfxl.toml" in err and "“PX4O1”不存在" in err


def test_a_finding_without_a_cell_is_placed_by_its_sheet_alone():
    from perfxl.core.findings import Finding, format_findings

    with_cell = Finding("a.xlsx", "绩效目标申报表", "C6", "PX203", "error", "未填写项目支出")
    no_cell = Finding("a.xlsx", "绩效目标申报表", "", "PX203", "error", "未填写项目支出（表中没有找到“项目支出”一栏）")
    nowhere = Finding("a.xlsx", "", "", "PX001", "error", "无法读取")
    assert [f.where for f in (with_cell, no_cell, nowhere)] == ["绩效目标申报表!C6", "绩效目标申报表", "-"]
    lines = format_findings([no_cell]).splitlines()
    assert lines[0] == "a.xlsx:绩效目标申报表: PX203 [错误] 未填写项目支出（表中没有找到“项目支出”一栏）"
    assert "where" not in no_cell.to_dict()  # not a field: JSON/CSV output keeps its columns
