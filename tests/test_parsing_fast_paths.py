"""The parser's fast paths give what the plain code they replace gives."""

import dataclasses
import datetime
import pickle
import re
import unicodedata

import pytest

from perfxl.core.grid import Grid
from perfxl.core.model import Form, Source
from perfxl.core.parsing import labels as L
from perfxl.core.parsing.common import Cursor, _source, rows_with_key

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
    assert L._plain_key(text) == by_definition(text)
    assert L.text_key(text) == L.key(text) == L._label_key(by_definition(text))[0]


def test_text_key_on_every_full_width_and_space_character():
    chars = [chr(c) for c in range(0x110000)
             if chr(c).isspace() or 0xFF00 <= c <= 0xFFEF or 0x3000 <= c <= 0x303F]
    text = "".join(chars)
    assert L._plain_key(text) == by_definition(text)
    for c in chars:
        assert L._plain_key(f"a{c}\u0301b") == by_definition(f"a{c}\u0301b")


def test_source_made_fast_is_a_source():
    fast, plain = _source("表", "B7", 12.5), Source("表", "B7", 12.5)
    assert type(fast) is Source
    assert fast == plain and hash(fast) == hash(plain) and repr(fast) == repr(plain)
    assert pickle.loads(pickle.dumps(fast)) == plain
    assert dataclasses.asdict(fast) == {"sheet": "表", "cell": "B7", "raw": 12.5}
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.cell = "A1"


def test_find_label_finds_the_first_cell_row_by_row():
    grid = Grid(cells={(1, 3): "部门名称", (2, 1): "x", (3, 2): "单位名称", (3, 1): "部门名称：",
                       (5, 1): "战略目标"})
    cur = Cursor(grid, Form())
    assert cur.find_label(L.SD_STRATEGY, before=5) is None
    assert cur.find_label(L.DEPARTMENT, before=2) == (1, 3)
    assert cur.find_label(L.SD_STRATEGY) == (5, 1)
    assert cur.find_label(L.DEPARTMENT) == (1, 3)
    assert cur.find_label(("单位名称",)) == (3, 2)
    assert cur.find_label(("nothing",)) is None


def test_rows_with_key_keeps_every_row_a_header_may_be_in():
    grid = Grid(cells={(1, 1): "职责序号", (1, 2): 3.0, (2, 1): "长长的指标解释", (3, 2): True,
                       (4, 4): "  部门 职责： ", (5, 1): datetime.date(2021, 1, 1),
                       (6, 3): "职责目标（说明）"})
    keys = frozenset(L.SD_COLUMNS["duty_no"] + L.SD_COLUMNS["duty"])
    assert rows_with_key(grid, keys) == [1, 4, 5]
    assert rows_with_key(grid, frozenset()) == [5]
