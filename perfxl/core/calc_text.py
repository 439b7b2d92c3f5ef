"""The derived figures of one form as Chinese text: what ``perfxl calc`` prints and what
the add-in's 计算 button writes on its sheet."""

from __future__ import annotations

from perfxl.core.calc import Change, FormFigures


def _amount(value: float | None) -> str:
    return "（无）" if value is None else f"{value:,.2f} 万元"


def _pct(value: float) -> str:
    return f"{value * 100:.2f}%"


def _change(c: Change) -> str:
    if c.rate is None and c.difference is None:
        return f"无法比较：{c.reason}"
    return c.reason


def figures_text(name: str, f: FormFigures) -> str:
    b = f.budget
    lines = [f"文件：{name}", "预算合计："]
    lines.append(f"  基本支出+项目支出：{_amount(b.structure)}")
    lines.append(f"  财政拨款+其他资金：{_amount(b.funding)}")
    if b.declared is not None:
        lines.append(f"  部门整体预算总额：{_amount(b.declared)}")
    if b.development is not None:
        lines.append(f"  财政专项资金+其他事业发展性支出：{_amount(b.development)}")
    if b.levels is not None:
        lines.append(f"  本级使用资金+拟用于对下转移支付资金：{_amount(b.levels)}")
    lines.append("  合计核对：" + {True: "一致", False: f"不一致（{b.reason}）",
                                  None: f"无法核对（{b.reason}）"}[b.balanced])
    lines.append(f"年度重点工作任务拟投入资金合计：{_amount(f.tasks.value)}"
                 + (f"（{f.tasks.reason}）" if f.tasks.value is None else ""))
    cov = f.coverage
    lines.append("任务资金覆盖率（合计/项目支出）："
                 + (_pct(cov.value) if cov.value is not None else f"无法计算（{cov.reason}）"))
    compared = [i for i in f.indicators if i.last_year or i.avg3]
    if compared:
        lines.append("指标值与历史值比较：")
        for ind in compared:
            lines.append(f"  {ind.name or f'第{ind.index + 1}项指标'}（{ind.target.text}）")
            changes = [c for c in (ind.last_year, ind.avg3) if c is not None]
            for text in dict.fromkeys(_change(c) for c in changes):  # a target-level reason once
                lines.append(f"    {text}")
    return "\n".join(lines) + "\n"
