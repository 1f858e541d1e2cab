"""Relations: topic to topic, essay to essay, risk to strategy, each with a reason.

Built to stay near-linear in the number of essays: essays are compared only
with candidates that share a distinctive word or topic, found through an
inverted index whose lists are capped, never all pairs.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from .models import Essay, Evidence, MatrixCell, Relation, Topic

MAX_RELATED = 6
SIGNATURE_TERMS = 25  # distinctive words kept per essay
POSTING_CAP = 200  # essays kept per word in the candidate index

_TOKEN = re.compile(r"[a-z][a-z’'-]{2,}")
# Function words carry no topic; kept short and generic on purpose.
_STOP = frozenset(
    """the and for that with this from have has had are was were will would can could should must not but
    its their they them there then than been being into over under more most such also only very what when
    which who whom whose where while about after before because through during each other some many much any
    all our your you his her she him itself these those said says say one two three first new like just even
    may might did does doing done make made get got way ways how why out per our ours upon""".split()
)


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text.lower()) if t not in _STOP]


def topic_relations(topics: tuple[Topic, ...], together: Counter[tuple[str, str]]) -> dict[str, tuple[Relation, ...]]:
    """Curated relations first, then topics often mentioned in the same paragraph."""
    titles = {t.id: t.title for t in topics}
    out: dict[str, tuple[Relation, ...]] = {}
    for topic in topics:
        relations: dict[str, Relation] = {}
        for other in topic.related:
            n = together.get(_pair(topic.id, other), 0)
            reason = "related by the editors" + (f"; mentioned together in {_paragraphs(n)}" if n else "")
            relations[other] = Relation(other, reason, 100.0 + n)
        for (a, b), n in together.items():
            if topic.id in (a, b) and n >= 2:
                other = b if a == topic.id else a
                relations.setdefault(other, Relation(other, f"mentioned together in {_paragraphs(n)}", float(n)))
        ranked = sorted(relations.values(), key=lambda r: (-r.weight, titles[r.target]))
        out[topic.id] = tuple(ranked[: MAX_RELATED + len(topic.related)])
    return out


def _paragraphs(n: int) -> str:
    return f"{n} paragraph" + ("" if n == 1 else "s")


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def cooccurrence(essays: tuple[Essay, ...]) -> Counter[tuple[str, str]]:
    """How many paragraphs mention each pair of topics."""
    counts: Counter[tuple[str, str]] = Counter()
    for essay in essays:
        for paragraph in essay.paragraphs:
            found = sorted({t for s in paragraph.sentences for t in s.topics})
            for i, a in enumerate(found):
                for b in found[i + 1 :]:
                    counts[(a, b)] += 1
    return counts


def essay_relations(essays: tuple[Essay, ...], topic_titles: dict[str, str]) -> dict[str, tuple[Relation, ...]]:
    """Related essays by shared topics and by text similarity (TF-IDF cosine)."""
    documents = {e.id: Counter(_tokens(" ".join(s.text for s in e.sentences))) for e in essays}
    df: Counter[str] = Counter()
    for counts in documents.values():
        df.update(counts.keys())
    n = len(essays)
    signatures = {eid: _signature(counts, df, n) for eid, counts in documents.items()}
    topics_of = {e.id: {t for s in e.sentences for t in s.topics} for e in essays}

    index: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for eid, vector in signatures.items():
        for term, weight in vector.items():
            index[term].append((weight, eid))
    for eid, found in topics_of.items():
        for topic in found:
            index["topic:" + topic].append((1.0, eid))
    for term in index:
        index[term] = sorted(index[term], key=lambda x: (-x[0], x[1]))[:POSTING_CAP]

    out: dict[str, tuple[Relation, ...]] = {}
    for essay in essays:
        candidates = {other for term in [*signatures[essay.id], *("topic:" + t for t in topics_of[essay.id])]
                      for _, other in index.get(term, ()) if other != essay.id}
        scored = []
        for other in candidates:
            shared = sorted(topics_of[essay.id] & topics_of[other], key=lambda t: topic_titles.get(t, t))
            similarity = _cosine(signatures[essay.id], signatures[other])
            score = len(shared) + 5 * similarity
            if score <= 0:
                continue
            scored.append(Relation(other, _essay_reason(shared, similarity, topic_titles), round(score, 4)))
        out[essay.id] = tuple(sorted(scored, key=lambda r: (-r.weight, r.target))[:MAX_RELATED])
    return out


def _essay_reason(shared: list[str], similarity: float, titles: dict[str, str]) -> str:
    parts = []
    if shared:
        names = ", ".join(titles.get(t, t) for t in shared[:3]) + (", …" if len(shared) > 3 else "")
        parts.append(f"shares {len(shared)} topic{'s' if len(shared) != 1 else ''}: {names}")
    if similarity >= 0.05:
        parts.append(f"similar wording ({similarity:.0%})")
    return "; ".join(parts) or "similar wording"


def _signature(counts: Counter[str], df: Counter[str], n: int) -> dict[str, float]:
    weights = {t: c * math.log((1 + n) / (1 + df[t])) for t, c in counts.items()}
    top = sorted(weights.items(), key=lambda x: (-x[1], x[0]))[:SIGNATURE_TERMS]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return {t: w / norm for t, w in top if w > 0}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def risk_strategy_matrix(topics: tuple[Topic, ...], evidence: dict[str, list[Evidence]]) -> tuple[MatrixCell, ...]:
    """For every risk and strategy: curated link, and paragraphs mentioning both."""
    risks = [t for t in topics if t.category == "risk"]
    strategies = [t for t in topics if t.category == "strategy"]
    cells = []
    for risk in risks:
        risk_places = {(e.essay_id, e.anchor) for e in evidence.get(risk.id, [])}
        for strategy in strategies:
            together = tuple(e for e in evidence.get(strategy.id, []) if (e.essay_id, e.anchor) in risk_places)
            curated = strategy.id in risk.answered_by
            if curated or together:
                cells.append(MatrixCell(risk.id, strategy.id, curated, together))
    return tuple(cells)
