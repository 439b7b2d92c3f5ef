"""The ribbon: a registry of buttons → customUI14 XML.

Every button's ``onAction`` is the one generic VBA callback (``CALLBACK``), which passes
the control id to the Python dispatcher (``perfxl.excel.dispatch``). A control id must
have a handler in ``perfxl.excel.handlers`` and a handler must have a button: the build
refuses a mismatch and tests check it.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

NS = "http://schemas.microsoft.com/office/2009/07/customui"
CALLBACK = "perfxl_ribbon.PerfxlOnAction"
TAB_ID = "px_tab"
TAB_LABEL = "绩效目标"


@dataclass(frozen=True)
class Group:
    id: str
    label: str


@dataclass(frozen=True)
class Button:
    id: str
    group: str
    label: str
    screentip: str
    supertip: str
    image: str  # an imageMso name from Office's built-in icon set
    large: bool = True


GROUPS = (
    Group("px_grp_form", "申报表"),
    Group("px_grp_check", "校验与计算"),
    Group("px_grp_library", "指标库"),
    Group("px_grp_summary", "汇总与分发"),
    Group("px_grp_help", "帮助"),
)

# Buttons appear in this order. Add a button here and a handler with the same id in
# perfxl/excel/handlers.py.
BUTTONS: tuple[Button, ...] = (
    Button("px_new_form", "px_grp_form", "新建申报表", "新建申报表",
           "按所选表式（广东/山东）、年度和部门新建一张空白的部门整体预算绩效目标申报表，"
           "含公式、下拉列表和打印设置。",
           "FileNew"),
    Button("px_import_text", "px_grp_form", "导入文本", "从文本导入",
           "把从 PDF 或网页复制出来的申报表文字导入为已填写的官方模板；未能识别的内容列在"
           "“导入说明”工作表。",
           "ImportTextFile", large=False),
    Button("px_check", "px_grp_check", "校验", "校验当前申报表",
           "检查指标分类、金额勾稽、占位符和模糊目标；问题列在“校验结果”工作表，"
           "并在对应单元格上标色、加批注。",
           "DataValidation"),
    Button("px_clear_marks", "px_grp_check", "清除标注", "清除校验标注",
           "删除上次校验留下的底色、批注和“校验结果”工作表，不改动填写的内容。",
           "DataValidationClearValidationCircles", large=False),
    Button("px_calculate", "px_grp_check", "计算", "重新计算",
           "重新计算公式，并把预算合计核对、任务资金覆盖率、指标值与上年值的变化等派生数字"
           "列在“计算结果”工作表。",
           "CalculateNow"),
    Button("px_fill_indicators", "px_grp_library", "填充指标", "从指标库填充",
           "按关键词检索指标库（先按所选行的二级指标筛选），把选中的指标填入申报表对应的指标区块，"
           "结果另存为新文件，原表不变。",
           "FillDown"),
    Button("px_consolidate", "px_grp_summary", "一键汇总", "一键汇总",
           "选择存放各单位申报表的文件夹（含子文件夹），逐个读取并校验，生成汇总工作簿并打开；"
           "进度显示在状态栏。",
           "AutoSum"),
    Button("px_distribute", "px_grp_summary", "分发模板", "分发模板",
           "在打开的部门名单上点击：为每个部门生成预填的申报表，并通过电子邮件发出"
           "（也可只生成邮件文件供检查）。",
           "FileSendAsAttachment"),
    Button("px_help", "px_grp_help", "帮助", "使用帮助",
           "列出每个按钮的用途和对应的命令行命令，并给出用户指南的位置。",
           "Help"),
)


def buttons(enabled: set[str] | None = None) -> tuple[Button, ...]:
    """The registered buttons, optionally only those whose ids are in ``enabled``."""
    return tuple(b for b in BUTTONS if enabled is None or b.id in enabled)


def button(control_id: str) -> Button:
    for b in BUTTONS:
        if b.id == control_id:
            return b
    raise KeyError(control_id)


def custom_ui_xml(selected: tuple[Button, ...] = BUTTONS) -> bytes:
    """customUI14 XML for ``selected`` buttons, grouped in ``GROUPS`` order."""
    ids = [b.id for b in selected]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate control id in the ribbon registry")
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f'<customUI xmlns="{NS}">',
        "  <ribbon>",
        "    <tabs>",
        f"      <tab id={quoteattr(TAB_ID)} label={quoteattr(TAB_LABEL)}>",
    ]
    for g in GROUPS:
        members = [b for b in selected if b.group == g.id]
        if not members:
            continue
        lines.append(f"        <group id={quoteattr(g.id)} label={quoteattr(g.label)}>")
        for b in members:
            lines.append(
                f"          <button id={quoteattr(b.id)} label={quoteattr(b.label)}"
                f" size={quoteattr('large' if b.large else 'normal')}"
                f" imageMso={quoteattr(b.image)} screentip={quoteattr(b.screentip)}"
                f" supertip={quoteattr(b.supertip)} onAction={quoteattr(CALLBACK)}/>"
            )
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", ""]
    return "\n".join(lines).encode("utf-8")
