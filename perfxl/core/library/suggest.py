"""Propose library indicators for a form from what the form itself says.

The department name points to a functional area; the texts of the 年度重点工作任务 (or,
on Shandong forms, the duties, goals and activities) mention the work, and an indicator
whose curated keywords appear there is likely to measure it. When the task text states a
quantified target right after the keyword (法律援助案件不少于3000宗), that target is
proposed instead of the library's default, so the form's indicators match its tasks.
Indicators the form already has are never proposed: the same 三级 name, or a near-duplicate
of one under the same 二级 (see ``near_duplicate``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from perfxl.core.library.model import GENERAL_AREA, Library, LibraryIndicator
from perfxl.core.model import Form
from perfxl.core.values import normalize, parse_target

# Words in a department's name → its functional area.
AREA_HINTS: dict[str, tuple[str, ...]] = {
    "司法行政": ("司法",),
    "人力资源和社会保障": ("人力资源", "人社", "社会保障", "社保", "就业"),
    "教育": ("教育",),
    "卫生健康": ("卫生", "卫健", "健康", "疾病预防", "疾控", "医院"),
    "农业农村": ("农业", "农村", "畜牧", "农机"),
    "交通运输": ("交通", "公路", "港航"),
    "生态环境": ("生态环境", "环境保护", "环保"),
    "财政": ("财政",),
    "民政": ("民政",),
    "文化和旅游": ("文化", "旅游", "文旅", "文物"),
}
# How much a keyword found in each kind of text counts.
TEXT_WEIGHTS = {"task_name": 2.0, "task_goal": 1.5, "task_content": 1.0, "duty": 1.5,
                "other": 1.0, "overall": 0.5}
# A task that states a number for exactly what the indicator counts is the strongest sign
# (and reviewers flag a quantified task target that no indicator measures).
QUANTIFIED_BONUS = 4.0
MAX_GAP = 8  # characters between a keyword and its number (案件不少于 …)
_CLAUSE_END = re.compile(r"[，,。；;！!？?\n]")
# Words that name how a count is kept, not what is counted (法律援助案件数 and
# 法律援助案件办理数量 count the same cases). Longest first, so 数量 goes before 数.
FILLER_WORDS = ("数量", "次数", "件数", "个数", "办理", "数")
SAME_CHARS = 0.75  # share of the longer name's characters the other must have too
SHARED_RUN = 4  # characters in a row two names share (培训场次) when their targets are equal


def infer_area(department: str) -> str | None:
    name = normalize(department)
    for area, hints in AREA_HINTS.items():
        if any(h in name for h in hints):
            return area
    return None


@dataclass(frozen=True)
class Suggestion:
    indicator: LibraryIndicator
    score: float
    reasons: tuple[str, ...]  # Chinese, for the user
    target: str  # the value to write: from the task text, last year, or the default

    def to_dict(self) -> dict[str, object]:
        d = self.indicator.to_dict()
        d.update(score=round(self.score, 2), reasons=list(self.reasons), proposed_target=self.target)
        return d


def form_texts(form: Form) -> list[tuple[str, str, str]]:
    """(kind, label, text) for every text of the form that describes its work."""
    out: list[tuple[str, str, str]] = []
    for t in form.tasks:
        label = f"任务“{t.name}”" if t.name else "重点工作任务"
        out += [("task_name", label, t.name), ("task_goal", label, t.goal),
                ("task_content", label, t.content)]
    seen: set[str] = set()
    for ind in form.indicators:
        for kind, text in (("duty", ind.duty), ("duty", ind.goal), ("other", ind.activity)):
            if text and text not in seen:
                seen.add(text)
                out.append((kind, f"职责“{ind.duty}”" if ind.duty else "部门职责", text))
    if form.other_tasks:
        out.append(("other", "其他需完成的任务", form.other_tasks))
    if form.overall_goal:
        out.append(("overall", "总体绩效目标", form.overall_goal))
    return [(k, label, normalize(text)) for k, label, text in out if text and text.strip()]


def target_near(text: str, keyword: str, indicator: LibraryIndicator) -> tuple[int, str] | None:
    """A quantified target written right after ``keyword`` in ``text``, in the
    indicator's unit (法律援助案件不少于3000宗 → ≥3000宗), with how many characters lie
    between the keyword and the number (the closer, the surer)."""
    if not indicator.quantitative:
        return None
    best: tuple[int, str] | None = None
    for m in re.finditer(re.escape(keyword), text):
        clause = _CLAUSE_END.split(text[m.end():], 1)[0][:30]
        digit = re.search(r"\d", clause)
        if not digit or digit.start() > MAX_GAP:
            continue
        gap = clause[:digit.start()]
        if "、" in gap or "等" in gap or "和" in gap:
            continue  # the number belongs to a list of several things
        t = parse_target(clause)
        if (t.quantitative and t.unit == indicator.unit and t.operator in ("≥", "≤", "=", ">", "<")
                and "multiple_numbers" not in t.notes and "approx" not in t.notes
                and "operator_missing" not in t.notes):
            if best is None or digit.start() < best[0]:
                best = (digit.start(), str(t))
    return best


def name_core(name: str) -> str:
    core = normalize(name)
    for word in FILLER_WORDS:
        core = core.replace(word, "")
    return core


def near_duplicate(name: str, target: str, other_name: str, other_value: str) -> bool:
    """Whether a proposed indicator (``name``, ``target``) measures what the form's
    indicator (``other_name``, ``other_value``) already does. Either:

    * without the filler words, at least three quarters of the characters of the longer
      name are in the other one too, in any order (人民调解矛盾纠纷件数 / 矛盾纠纷调解数量);
    * or both targets are the same count (not a rate) and the names share four characters
      in a row (司法行政系统教育培训场次 ≥2场 / 政治轮训与综合业务培训场次 ≥2场).
    """
    a, b = name_core(name), name_core(other_name)
    if a and b and sum((Counter(a) & Counter(b)).values()) >= SAME_CHARS * max(len(a), len(b)):
        return True
    proposed = parse_target(target)
    if proposed.unit == "%" or not proposed.quantitative or str(proposed) != str(parse_target(other_value)):
        return False  # rates coincide by convention (≥95%, 100%); counts rarely do by chance
    x, y = normalize(name), normalize(other_name)
    return SequenceMatcher(None, x, y, autojunk=False).find_longest_match(0, len(x), 0, len(y)).size >= SHARED_RUN


def _already_measured(form: Form, ind: LibraryIndicator, target: str) -> bool:
    """A form indicator under the same 二级 (or without one: Shandong rows) that ``ind``
    would duplicate."""
    level2 = normalize(ind.level2)
    return any(near_duplicate(ind.name, target, i.name, i.annual_value) for i in form.indicators
               if i.name and normalize(i.level2 or "") in ("", level2))


def suggest(form: Form, library: Library, n: int = 10) -> list[Suggestion]:
    """The ``n`` best indicators for ``form``, best first."""
    area = infer_area(form.department)
    texts = form_texts(form)
    present = {normalize(i.name) for i in form.indicators if i.name}
    has_satisfaction = any("满意" in i.name or i.level1 == "满意度指标" for i in form.indicators)
    out: list[Suggestion] = []
    for ind in library:
        if normalize(ind.name) in present:
            continue
        if area and ind.area not in (area, GENERAL_AREA) and not (ind.department and ind.department == form.department):
            continue  # another area's indicators do not measure this department's work
        found: list[tuple[float, str]] = []
        near: list[tuple[bool, int, str]] = []  # (term not in the name, gap, target)
        terms = sorted({k for k in (*ind.keywords, ind.name) if len(k) >= 2}, key=len, reverse=True)
        for term in terms:
            best = None
            for kind, label, text in texts:
                if term in text and (best is None or TEXT_WEIGHTS[kind] > best[0]):
                    best = (TEXT_WEIGHTS[kind], label, text)
            if best is None:
                continue
            found.append((best[0] * min(len(term), 6) / 4, f"{best[1]}提到“{term}”"))
            near += [(term not in ind.name, *x) for _, _, t in texts
                     if term in t and (x := target_near(t, term, ind))]
        # The three strongest terms, so an indicator with many loose keywords does not
        # outrank one that names the work exactly.
        found.sort(key=lambda f: -f[0])
        score = sum(w for w, _ in found[:3])
        reasons = [r for _, r in found[:3]]
        target = min(near)[2] if near else None
        if target:
            score += QUANTIFIED_BONUS
            reasons.insert(0, f"任务目标中写明了{target}")
        if ind.department and ind.department == form.department:
            score += 3.0
            reasons.append(f"上年本部门填报过（上年值 {ind.last_value or '无'}）")
        if score and area and ind.area == area:
            score *= 1.5
        if not has_satisfaction and ind.level1 == "满意度指标" and ind.area in (area, GENERAL_AREA) \
                and ind.name in ("群众满意度", "服务对象满意度") and not score:
            score = 1.0
            reasons.append("表中没有服务对象满意度指标")
        if score <= 0 or _already_measured(form, ind, target or ind.target):
            continue
        out.append(Suggestion(ind, score, tuple(reasons[:4]), target or ind.target))
    out.sort(key=lambda s: (-s.score, s.indicator.id))
    return _one_per_name(out)[:n]


def _one_per_name(items: list[Suggestion]) -> list[Suggestion]:
    seen: set[str] = set()
    out = []
    for s in items:
        if s.indicator.name not in seen:
            seen.add(s.indicator.name)
            out.append(s)
    return out
