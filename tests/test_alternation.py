"""A trie of phrases matches exactly what the plain alternation, longest first, matches."""

from __future__ import annotations

import random
import re

from kb.alternation import Atom, literal, trie_pattern
from kb.glossary import build_glossary_matcher
from kb.models import GlossaryTerm, Topic
from kb.topics import build_matcher, phrase_pattern


def topic(id: str, *synonyms: str) -> Topic:
    return Topic(id=id, title=id, category="trend", synonyms=synonyms, summary="s")


def plain_topic_spans(synonyms: list[str], text: str) -> list[tuple[int, int, str]]:
    """What build_matcher's pattern did before the trie: every phrase in one alternation, longest first."""
    keys = sorted({re.sub(r"[\s\-]+", " ", s.lower().replace("’", "'")) for s in synonyms}, key=lambda p: (-len(p), p))
    pattern = re.compile(rf"(?<!\w)(?P<phrase>{'|'.join(phrase_pattern(k) for k in keys)})(?:e?s)?(?!\w)", re.IGNORECASE)
    return [(m.start(), m.end(), m.group("phrase")) for m in pattern.finditer(text)]


def random_text(rng: random.Random, alphabet: str, words: list[str]) -> str:
    parts = []
    for _ in range(rng.randint(0, 12)):
        parts.append(rng.choice(words) if rng.random() < 0.6 else "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))))
        parts.append(rng.choice([" ", "  ", "-", " - ", ", ", "s ", "es ", "’", "'", ""]))
    return "".join(parts)


def test_topic_mentions_equal_the_plain_alternation_on_random_phrases_and_texts() -> None:
    rng = random.Random(11)
    alphabet = "abseSAB'’"
    for case in range(1500):
        synonyms = list({"".join(rng.choice(alphabet + " -") for _ in range(rng.randint(1, 6))).strip(" -") or "a"
                         for _ in range(rng.randint(1, 8))})
        matcher = build_matcher(tuple(topic(f"t{i}", s) for i, s in enumerate(synonyms)))
        text = random_text(rng, alphabet, synonyms)
        found = [(m.start(), m.end(), text[m.start():m.end()]) for m in matcher.pattern.finditer(text)]  # type: ignore[union-attr]
        plain = plain_topic_spans(synonyms, text)
        assert [(s, e) for s, e, _ in found] == [(s, e) for s, e, _ in plain], (case, synonyms, text)
        assert [m.group("phrase") for m in matcher.pattern.finditer(text)] == [p for _, _, p in plain], (case, synonyms, text)  # type: ignore[union-attr]


def test_glossary_uses_equal_the_plain_alternation_on_random_terms_and_texts() -> None:
    rng = random.Random(5)
    alphabet = "aAbB5g -s"
    for case in range(1500):
        spellings = list({"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))).strip() or "a" for _ in range(rng.randint(1, 8))})
        matcher = build_glossary_matcher(tuple(GlossaryTerm(s, "d", (), False) for s in spellings))
        text = random_text(rng, alphabet, spellings)
        plain = re.compile(rf"(?<![\w-])(?P<stem>{'|'.join(re.escape(s) for s in sorted(spellings, key=lambda s: (-len(s), s)))})(?:e?s)?(?![\w-])")
        assert [(u.start, u.end, u.original) for u in matcher.uses(text)] == [
            (m.start(), m.end(), m.group(0)) for m in plain.finditer(text)], (case, spellings, text)


def test_phrases_sharing_a_beginning_share_one_branch() -> None:
    pattern = trie_pattern([[literal(c) for c in word] for word in ("shop", "shops", "shopping", "sale")])
    assert pattern == "s(?:ale|hop(?:(?:ping|s))?)"
    assert re.fullmatch(pattern, "shopping") and re.fullmatch(pattern, "sale") and not re.fullmatch(pattern, "shopp")


def test_branches_that_can_match_one_character_keep_the_plain_alternation() -> None:
    # under IGNORECASE "s" and the long s "ſ" match the same letter: a trie could then prefer the shorter phrase
    assert trie_pattern([[literal("s"), literal("x")], [literal("ſ"), literal("x"), Atom(" ", " "), literal("y")]], re.IGNORECASE) is None
    assert trie_pattern([[literal("s")], [literal("ſ")]]) is not None  # case-sensitive: different letters
    matcher = build_matcher((topic("a", "sx"), topic("b", "ſx y")))
    assert [m.span() for m in matcher.pattern.finditer("SX Y")] == [(0, 4)]  # type: ignore[union-attr]  # the longer phrase, as before
