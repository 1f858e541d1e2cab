"""Garbled sentences: the ones a reader would stumble over.

Machine translation sometimes repeats an item of a list ("social e-commerce
and social e-commerce"). Whether a sentence reads that way is decided once,
when the sentence is made (``Sentence.garbled``), and travels with it.
"""

from __future__ import annotations

import re

# "X and X", "“X” and “X”", "X, Y and Y": an item repeated inside a list
_REPEATED_ITEM = re.compile(
    r"(?i)(?<!\w)[“\"']?([\w-]+(?:\s[\w-]+){0,3})[”\"']?\s*(?:,|\band\b|\bor\b)\s*[“\"']?\1[”\"']?(?!\w)"
)
_QUOTED = re.compile(r"“([^”]{1,60})”")


def is_garbled(text: str) -> bool:
    """True for sentences a reader would stumble over: repeated list items, fragments.

    "more and more" and "narrower and narrower" are idioms, not garbling: a
    single plain word may repeat; a phrase, a hyphenated or a quoted one may not.
    """
    if not re.search(r"[A-Za-z]", text):
        return True
    quoted = [q.lower() for q in _QUOTED.findall(text) if " " in q]
    if len(quoted) != len(set(quoted)):
        return True
    for match in _REPEATED_ITEM.finditer(text):
        item = match.group(1)
        if " " in item or "-" in item or match.group(0)[0] in "“\"'":
            return True
    return False
