"""Label a sentence trend, strategy, risk or context from a cue lexicon.

Each cue in ``seeds/cues.yml`` is a phrase with a weight. A sentence scores
the sum of the weights of the distinct cues it contains, per label; the best
label wins if it reaches the threshold, otherwise the sentence is context.
The cues that made the winning score are kept, so a page can say why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import Cue, Label

# When two labels score the same, advice is the more useful reading of a
# sentence, then a warning; a bare change in the market comes last.
TIE_ORDER: dict[str, int] = {"strategy": 0, "risk": 1, "trend": 2}


@dataclass(frozen=True)
class Decision:
    label: Label
    cues: tuple[str, ...]
    score: float


@dataclass(frozen=True)
class Labeller:
    """The cue lexicon compiled once per build."""

    cues: tuple[tuple[Cue, re.Pattern[str]], ...]
    threshold: float

    def label(self, text: str) -> Decision:
        scores: dict[str, float] = {}
        hits: dict[str, list[str]] = {}
        for cue, pattern in self.cues:
            if pattern.search(text):
                scores[cue.label] = scores.get(cue.label, 0.0) + cue.weight
                hits.setdefault(cue.label, []).append(cue.name)
        if not scores:
            return Decision("context", (), 0.0)
        best = min(scores, key=lambda label: (-scores[label], TIE_ORDER[label]))
        if scores[best] < self.threshold:
            return Decision("context", (), scores[best])
        return Decision(best, tuple(hits[best]), round(scores[best], 3))  # type: ignore[arg-type]


def build_labeller(cues: tuple[Cue, ...], threshold: float) -> Labeller:
    compiled = tuple((cue, re.compile(cue.pattern, re.IGNORECASE)) for cue in cues)
    return Labeller(cues=compiled, threshold=threshold)
