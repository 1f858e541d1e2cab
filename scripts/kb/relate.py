"""Relations: topic to topic, essay to essay, risk to strategy, each with a reason.

Built to stay near-linear in the number of essays: essays are compared only
with candidates that share a distinctive word or topic, found through an
inverted index whose lists are capped, never all pairs.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from operator import itemgetter

from .models import Essay, Evidence, MatrixCell, Relation, Topic

MAX_RELATED = 6
SIGNATURE_TERMS = 25  # distinctive words kept per essay
POSTING_CAP = 100  # essays kept per word or topic in the index: bounds the cost per essay

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


def essay_words(essay: Essay) -> str:
    """The essay's words that can make it similar to another, space-separated (``EssayTerms.words``)."""
    return " ".join(_tokens(" ".join(s.text for s in essay.sentences)))


def _word_counts(essay: Essay) -> Counter[str]:
    return Counter((essay.terms.words if essay.terms else essay_words(essay)).split())


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
    """Related essays by shared topics and by text similarity (TF-IDF cosine).

    Each essay is a short vector of its most distinctive words and its
    topics. Similarities are summed through an inverted index whose lists
    keep only the strongest entries, so the cost per essay is bounded and
    the whole step stays linear in the number of essays.
    """
    documents = {e.id: _word_counts(e) for e in essays}
    topics_of = {e.id: Counter(t for s in e.sentences for t in s.topics) for e in essays}
    n = len(essays)
    signatures = _signatures(documents, topics_of, n)

    index: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for eid, vector in signatures.items():
        for term, weight in vector.items():
            index[term].append((weight, eid))
    for term, postings in index.items():
        postings.sort(key=itemgetter(1))  # by essay, then by weight, strongest first (stable, as in _strongest)
        postings.sort(key=itemgetter(0), reverse=True)
        del postings[POSTING_CAP:]

    out: dict[str, tuple[Relation, ...]] = {}
    for essay in essays:
        similarity: dict[str, float] = defaultdict(float)
        for term, weight in signatures[essay.id].items():
            for other_weight, other in index[term]:
                similarity[other] += weight * other_weight
        similarity.pop(essay.id, None)  # itself: dropped once here, not tested in the loop above
        best = _strongest(similarity, MAX_RELATED)
        relations = []
        for other, score in best:
            shared = sorted(set(topics_of[essay.id]) & set(topics_of[other]), key=lambda t: topic_titles.get(t, t))
            words = _cosine_words(signatures[essay.id], signatures[other])
            relations.append(Relation(other, _essay_reason(shared, words, topic_titles), round(score, 4)))
        out[essay.id] = tuple(relations)
    return out


def _signatures(documents: dict[str, Counter[str]], topics_of: dict[str, Counter[str]], n: int) -> dict[str, dict[str, float]]:
    """Per essay: its most distinctive words and its topics, TF-IDF weighted, unit length."""
    df: Counter[str] = Counter()
    for eid in documents:
        df.update(documents[eid].keys())
        df.update("topic:" + t for t in topics_of[eid])
    idf = {t: math.log((1 + n) / (1 + count)) for t, count in df.items()}
    out = {}
    for eid, counts in documents.items():
        weights = {t: c * idf[t] for t, c in counts.items()}
        top = dict(_strongest(weights, SIGNATURE_TERMS))
        # a shared topic counts like a shared distinctive word, rarer topics more
        for topic, c in topics_of[eid].items():
            top["topic:" + topic] = (1 + math.log(c)) * math.log((1 + n) / (1 + df["topic:" + topic])) + 1.0
        norm = math.sqrt(sum(w * w for w in top.values())) or 1.0
        out[eid] = {t: w / norm for t, w in top.items() if w > 0}
    return out


def _strongest(weights: dict[str, float], k: int) -> list[tuple[str, float]]:
    """The ``k`` largest weights, equal ones in name order.

    Sorts in C instead of a heap with a key function in Python: first the
    weights alone, to find the k-th largest, then only the few at or above
    it, by name and then by weight (stable, also in reverse, so names stay
    the tie-break). An essay at 10,000 has about 550 candidates to rank.
    """
    if len(weights) > k:
        least = sorted(weights.values(), reverse=True)[k - 1]
        ranked = sorted((name, w) for name, w in weights.items() if w >= least)
    else:
        ranked = sorted(weights.items())  # by name alone: names are unique
    ranked.sort(key=itemgetter(1), reverse=True)
    return ranked[:k]


def _cosine_words(a: dict[str, float], b: dict[str, float]) -> float:
    """Similarity from shared words alone, for the reason shown to the reader."""
    return sum(w * b[t] for t, w in a.items() if t in b and not t.startswith("topic:"))


def _essay_reason(shared: list[str], similarity: float, titles: dict[str, str]) -> str:
    parts = []
    if shared:
        names = ", ".join(titles.get(t, t) for t in shared[:3]) + (", …" if len(shared) > 3 else "")
        parts.append(f"shares {len(shared)} topic{'s' if len(shared) != 1 else ''}: {names}")
    if similarity >= 0.05:
        parts.append(f"similar wording ({similarity:.0%})")
    return "; ".join(parts) or "similar wording"


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
