"""The curator's report: where the curated YAML and the essays disagree.

What an editor should look at after adding essays: labelled sentences no
topic catches, phrases that recur but are in no topic (candidate topics or
synonyms), topics with too little evidence, essays without metadata.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import chain

from .models import Essay, KnowledgeBase, Sentence, Topic

MIN_EVIDENCE = 2
MAX_LISTED = 50  # the report page stays bounded however many essays there are
PHRASE_MIN_COUNT = 2

_WORD = re.compile(r"[a-z][a-z’'-]*[a-z]|[a-z0-9]+")
# Phrases may not start or end with these: "of the market" is not a topic.
_EDGE_WORDS = frozenset(
    """a an the and or but of to in on at by for with from as is are was were be been being it its this that these
    those they them their there we our you your he she his her i not no so if than then can will would should must
    may might could has have had do does did which who what when where how also more most very such some many much
    any all each other only just even into over under about after before through while because said says""".split()
)


@dataclass(frozen=True)
class UnmatchedSentence:
    essay_id: str
    anchor: str
    sentence: Sentence


@dataclass(frozen=True)
class CuratorReport:
    labelled: int  # sentences labelled trend, strategy or risk
    covered: int  # of those, how many are evidence for a topic
    unmatched: tuple[UnmatchedSentence, ...]
    unmatched_total: int
    candidate_phrases: tuple[tuple[str, int], ...]  # (phrase, sentences it occurs in)
    thin_topics: tuple[tuple[str, int], ...]  # (topic id, evidence count)
    essays_without_metadata: tuple[str, ...]  # essay ids, the first MAX_LISTED
    essays_without_metadata_total: int

    @property
    def coverage(self) -> float:
        return self.covered / self.labelled if self.labelled else 1.0


def curator_report(kb: KnowledgeBase) -> CuratorReport:
    unmatched = []
    labelled = covered = 0
    bare = tuple(r.essay.id for r in kb.essays if not _has_metadata(r.essay))
    for report in kb.essays:
        for paragraph in report.essay.paragraphs:
            for sentence in paragraph.sentences:
                if sentence.label == "context":
                    continue
                labelled += 1
                if sentence.topics:
                    covered += 1
                else:
                    unmatched.append(UnmatchedSentence(report.essay.id, paragraph.anchor, sentence))
    return CuratorReport(
        labelled=labelled,
        covered=covered,
        unmatched=tuple(unmatched[:MAX_LISTED]),
        unmatched_total=len(unmatched),
        candidate_phrases=kb.candidate_phrases if kb.candidate_phrases is not None else candidate_phrases(
            tuple(r.essay for r in kb.essays), tuple(r.topic for r in kb.topics)),
        thin_topics=tuple((r.topic.id, len(r.evidence)) for r in kb.topics if len(r.evidence) < MIN_EVIDENCE),
        essays_without_metadata=bare[:MAX_LISTED],
        essays_without_metadata_total=len(bare),
    )


def _has_metadata(essay: Essay) -> bool:
    return essay.title_is_curated or essay.summary_is_curated or bool(essay.date or essay.source_note)


def candidate_phrases(essays: tuple[Essay, ...], topics: tuple[Topic, ...], limit: int = MAX_LISTED) -> tuple[tuple[str, int], ...]:
    """The ``limit`` most frequent two- and three-word phrases (in several sentences) that no topic's synonyms contain.

    Linear in the number of sentences: phrases are compared with the
    synonyms through sets of word n-grams, never pairwise, and only the most
    frequent are compared at all: the report lists the first ``limit``.
    """
    known_grams, known = set(), set()
    for topic in topics:
        for phrase in (topic.title, *topic.synonyms):
            words = _WORD.findall(phrase.lower())
            known.add(" ".join(words))
            known_grams.update(_grams(words, 1, 3))
    counts = Counter(chain.from_iterable(map(_phrases, essays)))

    def is_known(phrase: str) -> bool:
        # the phrase is part of a synonym, or a synonym is part of the phrase
        return phrase in known_grams or any(g in known for g in _grams(phrase.split(), 1, 3))

    by_count: dict[int, list[str]] = defaultdict(list)
    for phrase, n in counts.items():
        if n >= PHRASE_MIN_COUNT:
            by_count[n].append(phrase)
    kept: list[tuple[str, int]] = []
    for n in sorted(by_count, reverse=True):  # most frequent first, until the report has enough
        candidates = {p for p in by_count[n] if not is_known(p)}
        # a two-word phrase inside an equally frequent three-word one says nothing new
        covered = {sub for p in candidates if p.count(" ") == 2 for sub in _grams(p.split(), 2, 2) if sub in candidates}
        kept += [(p, n) for p in sorted(candidates - covered)]
        if len(kept) >= limit:
            break
    return tuple(kept[:limit])


def sentence_phrases(essay: Essay) -> str:
    """Each sentence's two- and three-word phrases, once per sentence, a line each (``EssayTerms.phrases``)."""
    return "\n".join(chain.from_iterable(sorted(_inner_grams(_WORD.findall(s.text.lower()))) for s in essay.sentences))


def _phrases(essay: Essay) -> list[str]:
    lines = essay.terms.phrases if essay.terms else sentence_phrases(essay)
    return lines.split("\n") if lines else []


def _inner_grams(words: list[str]) -> set[str]:
    """The two- and three-word phrases of a sentence that neither start nor end with an edge word."""
    grams = set()
    last = len(words)
    for i, first in enumerate(words):
        if first in _EDGE_WORDS:
            continue
        if i + 2 <= last and words[i + 1] not in _EDGE_WORDS:
            grams.add(first + " " + words[i + 1])
        if i + 3 <= last and words[i + 2] not in _EDGE_WORDS:
            grams.add(first + " " + words[i + 1] + " " + words[i + 2])
    return grams


def _grams(words: list[str], low: int, high: int) -> set[str]:
    return {" ".join(words[i : i + n]) for n in range(low, high + 1) for i in range(len(words) - n + 1)}


def as_text(report: CuratorReport, kb: KnowledgeBase) -> str:
    """The report for a terminal (``make report``)."""
    lines = [
        f"Coverage: {report.covered} of {report.labelled} trend/strategy/risk sentences are evidence for a topic ({report.coverage:.1%})",
        "",
        f"Labelled sentences that match no topic ({report.unmatched_total}; first {len(report.unmatched)} shown):",
        *(f"  {u.essay_id}#{u.anchor} [{u.sentence.label}] {u.sentence.text}" for u in report.unmatched),
        "",
        "Frequent phrases that are in no topic (candidate topics or synonyms):",
        *(f"  {n:>4}  {p}" for p, n in report.candidate_phrases[:30]),
        "",
        f"Topics with fewer than {MIN_EVIDENCE} evidence sentences:",
        *(f"  {t}: {n}" for t, n in report.thin_topics),
        "",
        f"Essays without curated metadata in seeds/essays.yml ({report.essays_without_metadata_total}):",
        *(f"  {e}" for e in report.essays_without_metadata),
    ]
    return "\n".join(lines) + "\n"
