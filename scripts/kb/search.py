"""Search: the reader's vocabulary file and the Pagefind full-text index.

Two parts, both read by the search box (``docs/assets/search.js``):

- ``vocabulary``: every topic, glossary term and section with the words a
  reader may type for it (titles, other names, synonyms, ``seeds/search.yml``, the Chinese
  terms in glossary definitions). Its size grows with the curated YAML, not
  with the essays, so it is fetched whole on the first search. It is what
  ranks a topic page first for its own words, forgives plurals and typos and
  says when the essays do not cover a query.
- the full-text index (``kb.fulltext``): Pagefind on the built site, beside
  the build's last step. Pagefind splits its index into chunks by word, so a
  query fetches only the chunks of its words and the excerpts of the results
  it shows: bytes per query stay flat as the collection grows (see
  scripts/bench_search.py).

``mkdocs.yml``'s ``extra.kb_search`` chooses the engine: ``pagefind`` (the
published site) or ``lunr`` (Material's own search, kept for ``make offline``
because Pagefind cannot fetch its index from file://).
"""

from __future__ import annotations

import re

from .escape import json_text
from .export import page_url
from .models import KnowledgeBase, SearchWords

VOCABULARY = "search-words.json"  # beside kb.json in the site root
VOCABULARY_FORMAT = 1
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
SECTIONS = (("trends.md", "Trends", ("trends",)), ("strategies.md", "Strategies", ("strategies", "strategy")),
            ("risks.md", "Risks", ("risks", "risk")), ("glossary.md", "Glossary", ("glossary", "terms")),
            ("essays/index.md", "Essays", ("essays", "essay")), ("matrix.md", "Risks and strategies", ()),
            ("map.md", "Topic map", ("map",)))


def glossary_anchor(term: str) -> str:
    """The id of a term's heading on the glossary page (as render.py's glossary context writes it)."""
    return re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


def excerpt(text: str, limit: int = 160) -> str:
    """The first sentence of ``text``, cut at a word boundary near ``limit`` characters."""
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + "…"


def _unique(words: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for word in words:
        key = word.lower()
        if key not in seen:
            seen.add(key)
            out.append(word)
    return out


def vocabulary(kb: KnowledgeBase, words: SearchWords) -> dict:
    """What the search box knows before it fetches any index: entries and the words to ignore.

    Entries come in a fixed order (topics as kb sorts them, then glossary terms,
    then sections), so the file is byte-identical between builds.
    """
    entries = []
    for report in kb.topics:
        topic = report.topic
        entries.append({
            "url": page_url(f"topics/{topic.id}.md"), "title": topic.title, "kind": topic.category,
            "text": excerpt(topic.summary),
            "words": _unique([topic.title, *topic.names, *topic.synonyms, *words.words_for(topic.id)]),
        })
    for term in kb.glossary:
        entries.append({
            "url": page_url("glossary.md") + "#" + glossary_anchor(term.term), "title": term.term, "kind": "glossary",
            "text": excerpt(term.definition),
            "words": _unique([term.term, *term.variants, *CJK.findall(term.definition)]),
        })
    for page, title, section_words in SECTIONS:
        entries.append({"url": page_url(page), "title": title, "kind": "section", "text": "",
                        "words": _unique([title, *section_words])})
    return {"format": VOCABULARY_FORMAT, "ignore": list(words.ignore), "entries": entries}


def vocabulary_json(kb: KnowledgeBase, words: SearchWords) -> str:
    return json_text(vocabulary(kb, words))
