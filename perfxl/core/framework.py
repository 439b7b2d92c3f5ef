"""The indicator frameworks (一级 → 二级 categories).

2015: 财预〔2015〕88号, used by the Guangdong forms.
2021: 财预〔2021〕101号 (核心绩效指标), where 成本指标 becomes its own 一级.
Which one a form follows is a setting (per region and year); the default is 2015.
"""

from __future__ import annotations

FRAMEWORKS: dict[str, dict[str, tuple[str, ...]]] = {
    "2015": {
        "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
        "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
        "满意度指标": ("服务对象满意度指标",),
    },
    "2021": {
        "产出指标": ("数量指标", "质量指标", "时效指标"),
        "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
        "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
        "满意度指标": ("服务对象满意度指标",),
    },
}

DEFAULT_FRAMEWORK = "2015"

# Sources a value may cite (指标值来源).
VALUE_SOURCES: tuple[str, ...] = ("计划标准", "行业标准", "历史标准", "预算支出标准", "其他标准")


def level1_names(framework: str = DEFAULT_FRAMEWORK) -> tuple[str, ...]:
    return tuple(FRAMEWORKS[framework])


def level2_names(level1: str, framework: str = DEFAULT_FRAMEWORK) -> tuple[str, ...]:
    return FRAMEWORKS[framework].get(level1, ())


def parent_of(level2: str, framework: str = DEFAULT_FRAMEWORK) -> str | None:
    """The 一级 a 二级 category belongs to, or None if the framework has no such 二级."""
    for level1, children in FRAMEWORKS[framework].items():
        if level2 in children:
            return level1
    return None
