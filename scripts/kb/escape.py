"""One escaping function per place a value lands.

Essays, file names and curated YAML come from strangers. Every value that
reaches a page goes through exactly one of these, chosen by where it lands:

    markdown_text   Markdown body text (rendered as exactly that text)
    markdown_url    the address of a Markdown link
    html_attribute  a double-quoted HTML attribute in raw HTML (tooltips, links)
    front_matter    a page title or description, which the theme puts into
                    <title> and <meta> without escaping
    svg_text        text or an attribute inside the inline SVG topic map
    json_text       kb.json and any other JSON

Templates reach them as the filters ``md`` and ``attr``; renderers call them
where a value enters a template, never at the place it is used.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import quote

from .invisible import remove_invisible

# Characters Python-Markdown (with the tables extension) lets a backslash escape.
# A backslash before any other character would be shown, so only these.
_INLINE_SPECIAL = re.compile(r"([\\`*_{}\[\]|])")
_WHITESPACE = re.compile(r"\s+")
_BLOCK_START = re.compile(r"^(\s*)(#|\+|-|\d+(?=[.)]))")


def markdown_text(text: str) -> str:
    """Text -> Markdown that renders as exactly that text, nothing executed or linked.

    Line breaks are folded into spaces: a value is inline text, and a line
    starting with ``#`` or ``---`` inside it must not become a heading or a rule.
    """
    text = _WHITESPACE.sub(" ", remove_invisible(text))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    # a paragraph that starts like a heading or a list item must stay a paragraph
    match = _BLOCK_START.match(text)
    if match:
        cut = match.end() if match.group(2)[0].isdigit() else match.start(2)
        text = text[:cut] + "\\" + text[cut:]
    return text


def markdown_url(url: str) -> str:
    """An address for a Markdown link's ``(...)``: characters that could end or break it are %-encoded."""
    return quote(url, safe=":/?#@!$&'*+,;=%~-._")


def _entity(char: str) -> str:
    return f"&#{ord(char)};"


def html_attribute(text: str) -> str:
    """Text for a double-quoted attribute: whitespace folded, every quote and bracket escaped.

    Markdown runs after this on the page, so the characters it would turn
    into markup (brackets, backquote, backslash, ``*`` and ``_``)
    become character references too: an attribute can never grow a link.
    """
    text = html.escape(" ".join(remove_invisible(text).split()), quote=True)
    return _ATTR_MARKDOWN.sub(lambda m: _entity(m.group(0)), text)


_ATTR_MARKDOWN = re.compile(r"[\[\]`\\*_]")


# Themes put a page's title and description into HTML attributes without
# escaping them (MkDocs' Jinja has autoescape off), so those two values must
# be safe by themselves: angle brackets and double quotes become look-alikes.
_META_SAFE = str.maketrans({"<": "‹", ">": "›", '"': "”", "&": "＆"})


def front_matter(text: str) -> str:
    """A title or description that stays text wherever a theme puts it unescaped."""
    text = re.sub(r'"([^"]*)"', r"“\1”", " ".join(remove_invisible(text).split()))  # "small" -> “small”
    return text.translate(_META_SAFE)


def svg_text(text: str) -> str:
    """Text or an attribute value inside inline SVG (which is XML)."""
    return html.escape(remove_invisible(text), quote=True)


def json_text(data: Any) -> str:
    """JSON that is safe to publish as a file or to embed in a page.

    ``<``, ``>`` and ``&`` are written as Unicode escapes so a string can never
    close a ``<script>`` element that embeds it.
    """
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def xml_text(text: str) -> str:
    """Text or an attribute value in a feed (Atom is XML): markup escaped, characters XML forbids dropped."""
    return html.escape(_XML_FORBIDDEN.sub("", text), quote=True)


_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
