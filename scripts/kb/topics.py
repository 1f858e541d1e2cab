"""Find where a text mentions a topic, from the synonyms in ``topics.yml``.

All synonyms of all topics go into one pattern, longest first, so that
"social e-commerce" wins over "e-commerce" and the text is scanned once.
The pattern is a trie of the synonyms (``kb.alternation``): matching time
does not grow with their number.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import re2

from .alternation import Atom, literal, trie_pattern
from .models import Topic

SEPARATOR = Atom(r"[\s\-]+", " ")
APOSTROPHE = Atom("['’]", "'")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    topic_ids: tuple[str, ...]


def phrase_pattern(phrase: str) -> str:
    """A literal phrase as a regex (for IGNORECASE): spaces and hyphens interchangeable, any apostrophe."""
    return "".join(atom.pattern for atom in phrase_atoms(_key(phrase.strip())))


def phrase_atoms(key: str) -> tuple[Atom, ...]:
    """A normalised phrase (see ``_key``) as the matcher matches it, one atom per character."""
    return tuple(SEPARATOR if c == " " else APOSTROPHE if c == "'" else literal(c) for c in key)


def _key(text: str) -> str:
    return re.sub(r"[\s\-]+", " ", text.lower().replace("’", "'"))


@dataclass(frozen=True)
class TopicMatcher:
    pattern: re.Pattern[str] | None
    by_phrase: dict[str, tuple[str, ...]]  # normalised phrase -> topic ids
    extra: tuple[tuple[str, Any], ...]  # (topic id, also_match pattern compiled by RE2)

    def mentions(self, text: str) -> tuple[Mention, ...]:
        found: list[Mention] = []
        if self.pattern is not None:
            for match in self.pattern.finditer(text):
                ids = self.by_phrase.get(_key(match.group("phrase")))
                if ids:
                    found.append(Mention(match.start(), match.end(), ids))
        for topic_id, pattern in self.extra:
            for match in pattern.finditer(text):
                if not any(m.start < match.end() and match.start() < m.end for m in found):
                    found.append(Mention(match.start(), match.end(), (topic_id,)))
        return tuple(sorted(found, key=lambda m: m.start))

    def topics_in(self, text: str) -> tuple[str, ...]:
        return tuple(sorted({t for m in self.mentions(text) for t in m.topic_ids}))


def _re2_options() -> Any:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # a bad pattern is reported once, as a SeedError
    options.max_mem = 8 << 20  # a pattern that needs more than 8 MB is refused
    return options


def compile_editor_pattern(pattern: str) -> Any:
    """An ``also_match`` pattern, compiled by RE2: matching time is linear in the text.

    Python's ``re`` backtracks, so a pattern such as ``(\\w+\\s?)+$`` can take
    hours on one sentence. RE2 never backtracks; it refuses the few features
    that need it (look-around, back-references). Raises ``ValueError`` with a
    reason an editor can act on.
    """
    try:
        compiled = re2.compile(pattern, _re2_options())
    except re2.error as error:
        reason = error.args[0].decode() if error.args and isinstance(error.args[0], bytes) else str(error)
        hint = " (look-behind, look-ahead and back-references are not supported)" if "perl operator" in reason or "escape sequence" in reason else ""
        raise ValueError(f"{reason}{hint}") from None
    if compiled.search("") is not None:
        raise ValueError("it matches the empty text, so it would mark a mention everywhere")
    return compiled


@functools.lru_cache(maxsize=4)  # the pipeline and the renderers ask for the same topics' matcher: built once
def build_matcher(topics: tuple[Topic, ...]) -> TopicMatcher:
    by_phrase: dict[str, set[str]] = {}
    for topic in topics:
        for phrase in topic.synonyms:
            by_phrase.setdefault(_key(phrase), set()).add(topic.id)
    phrases = sorted(by_phrase, key=lambda p: (-len(p), p))
    pattern = None
    if phrases:
        # synonyms are stripped and folded (kb.load), so a key has one atom per character
        trie = trie_pattern((phrase_atoms(p) for p in phrases), re.IGNORECASE) if all(p == p.strip() for p in phrases) else None
        alternation = trie or "|".join(phrase_pattern(p) for p in phrases)
        # a trailing plural is a mention too: "live broadcasts", "businesses"
        pattern = re.compile(rf"(?<!\w)(?P<phrase>{alternation})(?:e?s)?(?!\w)", re.IGNORECASE)
    extra = tuple((t.id, compile_editor_pattern(p)) for t in topics for p in t.also_match)
    return TopicMatcher(pattern=pattern, by_phrase={k: tuple(sorted(v)) for k, v in by_phrase.items()}, extra=extra)
