"""Characters that change what text means without being seen.

Zero-width characters split a word so that no synonym matches it
("live\u200bstreaming"), and bidirectional overrides make text display in
another order than it is read ("\u202eevil" looks reversed). Neither carries
meaning in an essay, a file name or a curated value, so ingest and loading
remove them before matching, and the escaping functions remove them before
display. Joiners between letters go too; a joiner between emoji (a family
emoji) is kept, since there it does carry meaning.
"""

from __future__ import annotations

import re

# zero-width space, word joiner, BOM inside text, Mongolian vowel separator;
# bidi embeddings, overrides, isolates and marks
_ALWAYS = "\u200b\u2060\ufeff\u180e\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
INVISIBLE = re.compile(rf"[{_ALWAYS}]|(?<=\w)[\u200c\u200d]+(?=\w)|(?<=\s)[\u200c\u200d]+|[\u200c\u200d]+(?=\s|$)|^[\u200c\u200d]+")


def remove_invisible(text: str) -> str:
    """``text`` without zero-width characters and bidirectional controls."""
    return INVISIBLE.sub("", text) if not text.isascii() else text
