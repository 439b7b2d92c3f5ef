"""Generated forms for the template tests: every field filled, reproducible from a seed."""

from __future__ import annotations

import random

from perfxl.core.framework import FRAMEWORKS
from perfxl.core.model import Budget, Form, History, Indicator, Standard, Task

_WORDS = ("法律援助", "行政复议", "普法宣传", "执法监督", "公共法律服务", "人民调解", "社区矫正",
          "队伍建设", "信息化平台", "法治政府")


def _text(rng: random.Random, n: int = 3) -> str:
    return "，".join(rng.choice(_WORDS) for _ in range(n)) + "。"


def _amount(rng: random.Random, high: float = 5000) -> float:
    return round(rng.uniform(0, high), 2)


def generated_form(seed: int, layout: str, *, framework: str = "2015", tasks: int | None = None,
                   indicators: int | None = None, value_columns: int = 2) -> Form:
    rng = random.Random(seed)
    basic, project = _amount(rng), _amount(rng, 2000)
    fiscal = round(basic + project - (0 if rng.random() < 0.5 else _amount(rng, 50)), 2)
    budget = Budget(basic=basic, project=project, fiscal=fiscal, other=_amount(rng, 300))
    if layout == "guangdong":
        budget.special_fund, budget.other_development = _amount(rng, 100), _amount(rng, 100)
        budget.own_level, budget.transfer = _amount(rng), _amount(rng, 100)
    form = Form(layout=layout, year=rng.randint(2019, 2027), department=f"某市第{seed}局", budget=budget,
                overall_goal="目标1：" + _text(rng, 8) + "目标2：" + _text(rng, 5))
    if layout == "guangdong":
        form.staff_count, form.sub_units = rng.randint(0, 400), rng.randint(0, 9)
        form.value_columns = value_columns
        form.other_tasks = _text(rng) if rng.random() < 0.5 else ""
        form.tasks = [Task(name=f"任务{i + 1}：{rng.choice(_WORDS)}", content=_text(rng, 6),
                           amount=_amount(rng, 300), goal=_text(rng, 4))
                      for i in range(rng.randint(0, 12) if tasks is None else tasks)]
        tree = FRAMEWORKS[framework]
        for i in range(rng.randint(1, 15) if indicators is None else indicators):
            level1 = rng.choice(list(tree))
            form.indicators.append(Indicator(
                level1=level1, level2=rng.choice(tree[level1]), name=f"{rng.choice(_WORDS)}指标{i}",
                annual_value=f"≥{rng.randint(1, 99)}%",
                period_value=f"≥{rng.randint(1, 99)}%" if value_columns == 2 else ""))
    else:
        for i in range(rng.randint(1, 15) if indicators is None else indicators):
            form.indicators.append(Indicator(
                duty_no=str(i // 3 + 1), duty=f"职责{i // 3 + 1}", goal=_text(rng, 2),
                name=f"{rng.choice(_WORDS)}指标{i}", explanation=_text(rng, 2),
                annual_value=f"不少于{rng.randint(1, 500)}件",
                standard=Standard(plan_value=f"{rng.randint(1, 9)}项", value=f"{rng.randint(1, 500)}件",
                                  source="计划标准"),
                history=History(avg3=f"{rng.randint(1, 500)}件", last_year=f"{rng.randint(1, 500)}件",
                                source="内部统计"),
                note=_text(rng, 1) if rng.random() < 0.3 else "", activity=_text(rng, 2),
                project=rng.choice(("基本支出", "办案业务及装备经费", "党建经费"))))
    return form
