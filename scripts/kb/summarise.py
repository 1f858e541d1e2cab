"""Summaries: an automatic one per essay, representative quotes per topic.

The automatic essay summary picks the best trend, strategy and risk
sentences that fit in 80 words, skipping sentences that read as garbled
(machine translation sometimes repeats an item: "social e-commerce and
social e-commerce") and near-duplicates of a sentence already chosen.
"""

from __future__ import annotations

import re

from .garble import is_garbled  # noqa: F401 - where the tests and pipeline look for it
from .models import CATEGORIES, Evidence, Sentence, Topic

MAX_SUMMARY_CHARS = 800  # 80 words are about 500 characters; one enormous "word" is not
MAX_SUMMARY_WORDS = 80
MIN_WORDS = 6
MAX_WORDS = 45

_WORD = re.compile(r"[\w’'-]+")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def unclear(sentence: Sentence) -> bool:
    """A sentence a reader would stumble over: garbled, a fragment, or too long to take in.

    Quoted only after the clear ones; an editors' reading of one phrase does
    not make a sentence unclear (its note sits beside the quote).
    """
    return not _usable(sentence)


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if len(w) > 3}


def near_duplicate(a: str, b: str, limit: float = 0.6) -> bool:
    """Jaccard overlap of content words above ``limit``."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return a.strip().lower() == b.strip().lower()
    return len(wa & wb) / len(wa | wb) >= limit


def _quality(sentence: Sentence, position: int, total: int) -> float:
    # cue strength, topical weight, and a little for coming early (essays
    # and news both tend to state their point first)
    return sentence.score + 0.75 * len(sentence.topics) + 0.5 * (1 - position / max(total, 1))


def balanced_quotes(text: str) -> bool:
    """False for a piece of a quotation cut off by the splitter: 'That speaks volumes." "National wants'."""
    return text.count('"') % 2 == 0 and text.count("“") == text.count("”")


def _usable(sentence: Sentence) -> bool:
    text = sentence.text
    return MIN_WORDS <= word_count(text) <= MAX_WORDS and not sentence.garbled and balanced_quotes(text)


def essay_summary(sentences: tuple[Sentence, ...]) -> str:
    """At most 80 words: the essay's best trend, strategy and risk, in essay order."""
    order = {s.id: i for i, s in enumerate(sentences)}
    ranked = sorted(
        (s for s in sentences if _usable(s)),
        key=lambda s: (-_quality(s, order[s.id], len(sentences)), order[s.id]),
    )
    chosen: list[Sentence] = []
    budget = MAX_SUMMARY_WORDS

    def take(candidates: list[Sentence]) -> None:
        nonlocal budget
        for sentence in candidates:
            words = word_count(sentence.text)
            if words <= budget and not any(near_duplicate(sentence.text, c.text) for c in chosen):
                chosen.append(sentence)
                budget -= words
                return

    for category in CATEGORIES:
        take([s for s in ranked if s.label == category])
    if len(chosen) < 2:
        # little to go on: the lead, which news and most essays open with, says what it is about
        take([s for s in sentences if _usable(s)][:1])
    if not chosen and sentences:
        return shorten(_clip(sentences[0].text, MAX_SUMMARY_WORDS), MAX_SUMMARY_CHARS)
    return shorten(" ".join(s.text for s in sorted(chosen, key=lambda s: order[s.id])), MAX_SUMMARY_CHARS)


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary where there is one, ending in "…".

    Keeps output proportional to input: one enormous sentence or word must
    not be repeated whole on every page that quotes or names it.
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= 0.7 * limit:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def _clip(text: str, limit: int) -> str:
    words = text.split()
    return text if len(words) <= limit else " ".join(words[:limit]) + " …"


def rank_evidence(topic: Topic, evidence: list[Evidence]) -> list[Evidence]:
    """Best first: the topic's own kind of statement, clear, specific, strong cues."""

    def key(item: Evidence) -> tuple:
        s = item.sentence
        return (
            s.label != topic.category,
            unclear(s),
            bool(s.readings),  # a sentence that needs the editors' note comes after the clear ones
            len(s.topics),  # a sentence about fewer topics is more about this one
            -s.score,
            item.essay_id,
            s.id,
        )

    return sorted(evidence, key=key)


def highlights(ranked: list[Evidence], limit: int = 3) -> tuple[Evidence, ...]:
    """The 2-3 most representative quotes: best first, no near-duplicates, spread over essays."""
    chosen: list[Evidence] = []
    for pass_ in ("new essay", "any"):
        for item in ranked:
            if len(chosen) >= limit:
                break
            if item in chosen or unclear(item.sentence):
                continue
            if pass_ == "new essay" and any(c.essay_id == item.essay_id for c in chosen):
                continue
            if any(near_duplicate(item.sentence.text, c.sentence.text) for c in chosen):
                continue
            chosen.append(item)
    return tuple(chosen)
