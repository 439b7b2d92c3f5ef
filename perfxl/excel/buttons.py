"""The buttons of the 绩效目标 ribbon tab, as data: the one registry of control ids.

Each button's id keys a handler in perfxl/excel/handlers.py, whose 帮助 sheet lists the
labels and supertips; the add-in build (perfxl/addin/ribbon.py) turns the same registry
into the ribbon's customUI XML. It lives here, in the runtime package, so that the
build-time ``perfxl.addin`` depends on ``perfxl.excel`` and never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass

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
