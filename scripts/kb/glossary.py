"""Find glossary terms in a text, so pages can explain them on hover.

One pattern built once from every term and variant, longest first (as a
trie, ``kb.alternation``), matched
case-sensitively on word boundaries (an "AI" must not match "ai" inside a
word, and a spelling variant is exactly what the essay wrote).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .alternation import literal, trie_pattern
from .models import GlossaryTerm


@dataclass(frozen=True)
class TermUse:
    start: int
    end: int
    original: str  # the words as the essay wrote them
    term: GlossaryTerm

    @property
    def shown(self) -> str:
        """What the reader sees: the normalised term, or the essay's own words."""
        return self.term.term if self.term.normalise and self.original != self.term.term else self.original


@dataclass(frozen=True)
class GlossaryMatcher:
    pattern: re.Pattern[str] | None
    by_text: dict[str, GlossaryTerm]  # exact spelling -> term

    def uses(self, text: str) -> tuple[TermUse, ...]:
        if self.pattern is None:
            return ()
        found = []
        for match in self.pattern.finditer(text):
            term = self.by_text.get(match.group("stem"))
            if term is not None:
                found.append(TermUse(match.start(), match.end(), match.group(0), term))
        return tuple(found)


@functools.lru_cache(maxsize=4)  # the pipeline and the renderers ask for the same glossary's matcher: built once
def build_glossary_matcher(terms: tuple[GlossaryTerm, ...]) -> GlossaryMatcher:
    by_text: dict[str, GlossaryTerm] = {}
    for term in terms:
        for spelling in (term.term, *term.variants):
            by_text.setdefault(spelling, term)
    if not by_text:
        return GlossaryMatcher(None, {})
    spellings = sorted(by_text, key=lambda s: (-len(s), s))
    alternation = trie_pattern(tuple(literal(c) for c in s) for s in spellings) or "|".join(re.escape(s) for s in spellings)
    pattern = re.compile(rf"(?<![\w-])(?P<stem>{alternation})(?:e?s)?(?![\w-])")
    return GlossaryMatcher(pattern, by_text)


# --- links inside a definition ------------------------------------------------------

# An editor may write "[Wikipedia](https://...)" in a definition. It becomes a
# real link on the glossary page; in a tooltip (an HTML attribute, plain text
# only) it is just its words. Only web addresses and addresses inside the site
# are links: "javascript:" and the like stay text.
DEFINITION_LINK = re.compile(r"\[([^\[\]\n]{1,200})\]\(([^()\s]{1,500})\)")
LINKABLE_URL = re.compile(r"^(?:https?://[^/\s]+|/|\.{1,2}/|#)", re.IGNORECASE)


def definition_parts(definition: str) -> tuple[tuple[str, str | None], ...]:
    """A definition as (text, address) pieces; address is None for plain text and unsafe links."""
    parts: list[tuple[str, str | None]] = []
    last = 0
    for found in DEFINITION_LINK.finditer(definition):
        parts.append((definition[last : found.start()], None))
        words, url = found.group(1), found.group(2)
        parts.append((words, url) if LINKABLE_URL.match(url) else (found.group(0), None))
        last = found.end()
    parts.append((definition[last:], None))
    return tuple((text, url) for text, url in parts if text)


def plain_definition(definition: str) -> str:
    """The definition as a tooltip shows it: each link reduced to its words."""
    return "".join(text for text, _ in definition_parts(definition))
