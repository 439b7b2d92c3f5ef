"""The label key: its fast path must give what its definition gives."""

import re
import unicodedata

import pytest

from perfxl.core.parsing import labels as L

_DROP = re.compile(r"[\s*#“”\"'‘’「」:]+")


def by_definition(s: str) -> str:
    """NFKC, then white space, markdown emphasis, quotes and colons dropped."""
    return _DROP.sub("", unicodedata.normalize("NFKC", s))


@pytest.mark.parametrize("text", [
    "预算金额（万元）", "年度重点工作  任务", "**总体绩效目标**", "部门名称：", "部门名称:",
    "1.资金来源：（1）财政拨款", "完成率≥95%，满意度≥90％；", "指标值\u3000\u00a0\u2003x",
    "“战略目标”", "「备注」", "＃＃ 标题", "e\u0301 é ｅ\u0301", "，\u0301", "（\u0338", "㈱㍿ﬁ",
    "\ufb01，", "①②，（ⅰ）", "\u2028行\u2029分\x1c隔\x1f", "x\u0085y", "", "，", "   ",
])
def test_text_key_matches_its_definition(text):
    assert L.text_key(text) == by_definition(text)
    assert L.key(text) == by_definition(text)


def test_text_key_on_every_full_width_and_space_character():
    chars = [chr(c) for c in range(0x110000)
             if chr(c).isspace() or 0xFF00 <= c <= 0xFFEF or 0x3000 <= c <= 0x303F]
    text = "".join(chars)
    assert L.text_key(text) == by_definition(text)
    for c in chars:
        assert L.text_key(f"a{c}\u0301b") == by_definition(f"a{c}\u0301b")
