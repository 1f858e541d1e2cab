"""Find where a text mentions a topic, from the synonyms in ``topics.yml``.

All synonyms of all topics go into one pattern, longest first, so that
"social e-commerce" wins over "e-commerce" and the text is scanned once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import Topic


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    topic_ids: tuple[str, ...]


def phrase_pattern(phrase: str) -> str:
    """A literal phrase as a regex: spaces and hyphens interchangeable, any apostrophe."""
    words = re.split(r"[\s\-]+", phrase.strip())
    escaped = [re.escape(word).replace("'", "['’]").replace("’", "['’]") for word in words]
    return r"[\s\-]+".join(escaped)


def _key(text: str) -> str:
    return re.sub(r"[\s\-]+", " ", text.lower().replace("’", "'"))


@dataclass(frozen=True)
class TopicMatcher:
    pattern: re.Pattern[str] | None
    by_phrase: dict[str, tuple[str, ...]]  # normalised phrase -> topic ids
    extra: tuple[tuple[str, re.Pattern[str]], ...]  # (topic id, also_match pattern)

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


def build_matcher(topics: tuple[Topic, ...]) -> TopicMatcher:
    by_phrase: dict[str, set[str]] = {}
    for topic in topics:
        for phrase in topic.synonyms:
            by_phrase.setdefault(_key(phrase), set()).add(topic.id)
    phrases = sorted(by_phrase, key=lambda p: (-len(p), p))
    pattern = None
    if phrases:
        alternation = "|".join(phrase_pattern(p) for p in phrases)
        # a trailing plural is a mention too: "live broadcasts", "businesses"
        pattern = re.compile(rf"(?<!\w)(?P<phrase>{alternation})(?:e?s)?(?!\w)", re.IGNORECASE)
    extra = tuple((t.id, re.compile(p, re.IGNORECASE)) for t in topics for p in t.also_match)
    return TopicMatcher(pattern=pattern, by_phrase={k: tuple(sorted(v)) for k, v in by_phrase.items()}, extra=extra)
