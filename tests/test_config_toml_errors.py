"""A perfxl.toml that is not valid TOML is reported in Chinese with the file and position."""

import re

import pytest

from perfxl.adapters.checking import read_config
from perfxl.cli import main
from perfxl.core.rules import ConfigError


@pytest.mark.parametrize("text, expected", [
    ('select = ["PX204"\n', "格式有误（到文件末尾）：列表缺少结尾的“]”"),
    ("[mail]\nhost = smtp.example.cn\n", "格式有误（第 2 行第 8 列）：值无效，文字要加英文引号"),
    ('[mail]\ntemplates = "D:\\申报\\模板"\n', "格式有误（第 2 行第 18 列）：双引号中的“\\”有特殊含义，Windows 路径请用单引号"),
    ("[mail.imap]\nhost = 'a'\n[mail.imap]\n", "格式有误（第 3 行第 11 列）：表 [mail.imap] 定义了两次"),
    ('sender_name = "财政局\n', "格式有误（第 1 行第 19 列）：文字缺少结尾的引号"),
    ("select = 1 2\n", "格式有误（第 1 行第 12 列）：此处有多余的内容"),
], ids=["unclosed-array", "unquoted", "backslash", "table-twice", "unterminated", "extra"])
def test_toml_syntax_errors_name_file_and_position_in_chinese(tmp_path, text, expected):
    path = tmp_path / "perfxl.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as exc:
        read_config(path)
    message = str(exc.value)
    assert message.startswith(f"配置文件 {path} ")
    assert expected in message
    assert not re.search(r"Invalid|Unclosed|Unescaped|Unterminated|Illegal|Expected|Cannot|at line|end of", message)


def test_an_untranslated_message_keeps_the_original_in_parentheses(monkeypatch, tmp_path):
    import tomllib

    def fail(_text):
        raise tomllib.TOMLDecodeError("Something new (at line 4, column 2)")

    monkeypatch.setattr(tomllib, "loads", fail)
    path = tmp_path / "perfxl.toml"
    path.write_text("", "utf-8")
    with pytest.raises(ConfigError, match=r"格式有误（第 4 行第 2 列）：无法识别的写法（Something new）"):
        read_config(path)


def test_check_reports_a_broken_config_without_traceback(capsys, tmp_path):
    bad = tmp_path / "perfxl.toml"
    bad.write_text('select = ["PX204"\n', "utf-8")
    assert main(["check", str(tmp_path / "any.xlsx"), "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"错误：配置文件 {bad} 格式有误（到文件末尾）")
    assert "Unclosed" not in err and "Traceback" not in err
