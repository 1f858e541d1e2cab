"""Page addresses and anchors made from names: unique, readable, never empty.

A name in Latin letters keeps its words ("Café notes" -> "cafe-notes"). A
name with letters that have no ASCII form (中文, 日本語) gets a short hash of
the whole name, so two such names never share an address and an anchor is
never empty.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_SLUG_CHARS = 80
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str, fallback: str = "x") -> str:
    """``name`` as lowercase ASCII words joined by dashes, with a hash when letters were lost."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_text = "".join(c for c in decomposed if c.isascii())
    lost = any(c.isalnum() and not c.isascii() for c in decomposed if not unicodedata.combining(c))
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:MAX_SLUG_CHARS].strip("-")
    if lost or not slug:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug or fallback}-{digest}"
    return slug


def unique_slugs(names: list[str], fallback: str = "x") -> dict[str, str]:
    """A slug for each name, in order; a slug already taken gets "-2", "-3", …"""
    taken: set[str] = set()
    out: dict[str, str] = {}
    for name in names:
        base = slugify(name, fallback)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        out[name] = slug
    return out
