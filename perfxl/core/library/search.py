"""Ranked keyword search over a library, for Chinese text.

Chinese has no spaces, and people type fragments (援助, 法援, 满意), so matching is on
character bigrams: a query matches a field in proportion to how many of its bigrams the
field contains, with extra weight for the name and the curated keywords and a bonus when
the whole query appears verbatim.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from perfxl.core.library.model import Library, LibraryIndicator
from perfxl.core.values import normalize

# How much a match in each field counts.
WEIGHTS = {"name": 3.0, "keywords": 2.5, "definition": 1.0, "category": 0.5, "area": 0.5}
MIN_SCORE = 0.25
# Hits scoring below this share of the best hit are noise (a shared 标准 in a definition).
RELATIVE_CUTOFF = 0.3


def grams(text: str) -> set[str]:
    """Character bigrams of each word; a single character stands for itself."""
    out: set[str] = set()
    for word in normalize(text).lower().split():
        if len(word) == 1:
            out.add(word)
        out.update(word[i:i + 2] for i in range(len(word) - 1))
    return out


@dataclass(frozen=True)
class Hit:
    indicator: LibraryIndicator
    score: float
    matched: tuple[str, ...]  # the fields that matched, for explaining the rank

    def to_dict(self) -> dict[str, object]:
        d = self.indicator.to_dict()
        d["score"] = round(self.score, 3)
        d["matched"] = list(self.matched)
        return d


def _fields(ind: LibraryIndicator) -> dict[str, str]:
    return {
        "name": ind.name,
        "keywords": " ".join(ind.keywords),
        "definition": ind.definition,
        "category": f"{ind.level1} {ind.level2}",
        "area": ind.area,
    }


def score(ind: LibraryIndicator, query: str) -> tuple[float, tuple[str, ...]]:
    """Score in [0, ~10]: weighted share of the query's bigrams found in each field."""
    q = normalize(query).lower()
    qgrams = grams(q)
    if not qgrams:
        return 0.0, ()
    total, matched = 0.0, []
    for fname, text in _fields(ind).items():
        text_l = normalize(text).lower()
        fgrams = grams(text_l) | set(text_l.replace(" ", ""))
        share = len(qgrams & fgrams) / len(qgrams)
        if share:
            total += WEIGHTS[fname] * share
            matched.append(fname)
    compact = q.replace(" ", "")
    if compact and compact in ind.name.lower():
        total += 2.0
    # Among equal matches, the indicator whose name the query covers most is the likelier
    # one (法律援助 → 法律援助案件数 before 法律援助案件质量评查合格率).
    name_grams = grams(ind.name)
    if name_grams:
        total += len(qgrams & name_grams) / len(name_grams)
    if any(compact == k.lower() for k in ind.keywords):
        total += 1.5
    elif any(compact in k.lower() for k in ind.keywords):
        total += 0.5
    return total, tuple(matched)


def search(
    library: Library,
    query: str = "",
    *,
    areas: Iterable[str] = (),
    level1: Iterable[str] = (),
    level2: Iterable[str] = (),
    limit: int | None = 20,
) -> list[Hit]:
    """Indicators matching ``query`` within the filters, best first.

    An empty query lists every indicator passing the filters, in library order.
    """
    areas, level1, level2 = set(areas), set(level1), set(level2)
    hits: list[Hit] = []
    for ind in library:
        if areas and ind.area not in areas:
            continue
        if level1 and ind.level1 not in level1:
            continue
        if level2 and ind.level2 not in level2:
            continue
        if not query.strip():
            hits.append(Hit(ind, 0.0, ()))
            continue
        s, matched = score(ind, query)
        if s >= MIN_SCORE * max(WEIGHTS.values()):
            hits.append(Hit(ind, s, matched))
    if query.strip() and hits:
        hits.sort(key=lambda h: (-h.score, h.indicator.id))
        best = hits[0].score
        hits = [h for h in hits if h.score >= RELATIVE_CUTOFF * best]
    return hits[:limit] if limit else hits
