"""Many phrases in one regular expression, as a trie.

Python's ``re`` tries the branches of an alternation one after another at
every position of a text: with 275 topic synonyms that is 275 attempts per
character, and matching took as long as the rest of the analysis together.
In a trie, phrases that begin alike share that beginning once
(``shop(?:ping|s)?``), so a position costs a few attempts whatever the number
of phrases.

It finds the same matches as the plain alternation sorted longest first, on
one condition that ``trie_pattern`` checks: no two branches that leave the
same node can match the same character. Then at most one path through the
trie fits the text at a given position, every phrase on that path is a prefix
of the longer ones, and the trie tries the longer ones first, as the sorted
alternation does. When the condition fails (a case-insensitive pattern with
both "s" and "ſ" at one node, say) it returns None and the caller keeps the
plain alternation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Atom:
    """One piece of a phrase's pattern: a regular expression, and a character it stands for."""

    pattern: str
    char: str


def literal(char: str) -> Atom:
    return Atom(re.escape(char), char)


def trie_pattern(phrases: Iterable[Sequence[Atom]], flags: int = 0) -> str | None:
    """One pattern that matches any of ``phrases`` (each a non-empty sequence of atoms), longest first.

    None when two atoms that would branch from one node can match a common
    character under ``flags``: then the trie could prefer a shorter phrase.
    """
    root: dict[Atom | None, dict] = {}
    for atoms in phrases:
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[None] = {}  # a phrase ends here
    if not root or not _branches_disjoint(root, flags):
        return None
    return _render(root)


def _render(node: dict) -> str:
    children = sorted((atom for atom in node if atom is not None), key=lambda a: (a.pattern, a.char))
    branches = [atom.pattern + _render(node[atom]) for atom in children]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if None in node:  # the phrase may end here; the optional group is greedy, so longer phrases go first
        return "(?:" + body + ")?"
    return body


def _branches_disjoint(root: dict, flags: int) -> bool:
    stack = [root]
    while stack:
        node = stack.pop()
        atoms = [atom for atom in node if atom is not None]
        for i, a in enumerate(atoms):
            if any(_overlap(a, b, flags) for b in atoms[i + 1 :]):
                return False
        stack.extend(node.values())
    return True


def _overlap(a: Atom, b: Atom, flags: int) -> bool:
    """Whether some character matches both atoms: tried on the atoms' characters in every case."""
    candidates = {c for char in (a.char, b.char) for c in (char, char.lower(), char.upper(), char.casefold())}
    return any(re.fullmatch(a.pattern, c, flags) and re.fullmatch(b.pattern, c, flags) for c in candidates)
