"""KnowledgeBase -> kb.json: the whole knowledge base for programs, no scraping.

The format is documented in docs/export.md; its JSON Schema,
docs/kb.schema.json, is published beside kb.json, which links to it. URLs are
relative to the site root.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable

from .escape import json_text
from .models import EssayReport, KnowledgeBase

# The layout's version: raised only when a field is removed, renamed or changes
# meaning (docs/export.md says so to readers). Keep docs/kb.schema.json in step.
FORMAT_VERSION = 1
SCHEMA = "kb.schema.json"  # relative to kb.json: the schema sits beside it on every host


def page_url(markdown_path: str) -> str:
    """'topics/x.md' -> 'topics/x/', as MkDocs publishes it with directory URLs."""
    stem = markdown_path[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def to_dict(kb: KnowledgeBase) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "format": FORMAT_VERSION,
        "essays": [essay_dict(r) for r in kb.essays],
        "topics": [
            {
                "id": r.topic.id,
                "title": r.topic.title,
                "category": r.topic.category,
                "url": page_url(f"topics/{r.topic.id}.md"),
                "summary": r.topic.summary,
                "synonyms": list(r.topic.synonyms),
                "evidence": [e.sentence.id for e in r.evidence],
                "highlights": [e.sentence.id for e in r.highlights],
                "related": [rel.target for rel in r.related],
                "answered_by": list(r.topic.answered_by),
            }
            for r in kb.topics
        ],
        "glossary": [
            {"term": t.term, "variants": list(t.variants), "definition": t.definition, "normalise": t.normalise}
            for t in kb.glossary
        ],
        "matrix": [
            {"risk": c.risk, "strategy": c.strategy, "curated": c.curated, "evidence": [e.sentence.id for e in c.evidence]}
            for c in kb.matrix
        ],
    }


def essay_dict(r: EssayReport) -> dict[str, Any]:
    """One essay's part of kb.json."""
    return {
        "id": r.essay.id,
        "title": r.essay.title,
        "url": page_url(f"essays/{r.essay.id}.md"),
        "source": r.essay.source,
        "date": r.essay.date,
        "summary": r.essay.summary,
        "summary_is_curated": r.essay.summary_is_curated,
        "topics": [t for t, _ in r.topics],
        "related": [{"id": rel.target, "reason": rel.reason} for rel in r.related],
        "paragraphs": [
            {
                "id": p.id,
                "anchor": p.anchor,
                "sentences": [
                    {"id": s.id, "text": s.text, "label": s.label, "cues": list(s.cues), "topics": list(s.topics)}
                    for s in p.sentences
                ],
            }
            for p in r.essay.paragraphs
        ],
    }


def to_json(kb: KnowledgeBase, store: Callable[[str, Callable[[], str]], str] | None = None) -> str:
    """kb.json's text. With a ``store`` (see ``kb.cache.Cache.store``), each essay's part is reused when unchanged.

    Indented JSON is written by Python's slow encoder; at a thousand essays it
    took a second per build. An essay's part is the same text at any position,
    indented two levels deeper, so it is made once and spliced in.
    """
    if store is None:
        return json_text(to_dict(kb))
    from .cache import code_version  # hashing only

    version = code_version()
    parts = [store(_part_key(version, r), lambda r=r: _indented(json_text(essay_dict(r)).removesuffix("\n")))
             for r in kb.essays]
    essays = "[\n" + ",\n".join(parts) + "\n ]" if parts else "[]"
    # a key's quotes are never escaped, a string's always are: this is the top-level key
    return json_text({**to_dict(replace(kb, essays=())), "essays": []}).replace('"essays": []', '"essays": ' + essays, 1)


def _part_key(version: str, r: EssayReport) -> str:
    """An essay part's key: the analysis hash stands for the essay and its topics; the related essays come from others."""
    from .cache import digest

    if r.essay.analysed_from:
        return digest(version, r.essay.analysed_from, repr([(rel.target, rel.reason) for rel in r.related]))
    return digest(version, repr(essay_dict(r)))


def _indented(part: str) -> str:
    """Two levels deeper, as it sits in the essays' list: stored so, and spliced in as it is."""
    return "  " + part.replace("\n", "\n  ")
