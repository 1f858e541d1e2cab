"""Find glossary terms in a text, so pages can explain them on hover.

One pattern built once from every term and variant, longest first, matched
case-sensitively on word boundaries (an "AI" must not match "ai" inside a
word, and a spelling variant is exactly what the essay wrote).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def build_glossary_matcher(terms: tuple[GlossaryTerm, ...]) -> GlossaryMatcher:
    by_text: dict[str, GlossaryTerm] = {}
    for term in terms:
        for spelling in (term.term, *term.variants):
            by_text.setdefault(spelling, term)
    if not by_text:
        return GlossaryMatcher(None, {})
    alternation = "|".join(re.escape(s) for s in sorted(by_text, key=lambda s: (-len(s), s)))
    pattern = re.compile(rf"(?<![\w-])(?P<stem>{alternation})(?:e?s)?(?![\w-])")
    return GlossaryMatcher(pattern, by_text)
