"""The site navigation: mkdocs.yml's sections, with the curated topics filed under theirs.

Material renders the whole navigation into every page, so only bounded
lists belong in it: the editors' topics do (a few dozen), the essays do not.
With the topics in the navigation, a topic page gets breadcrumbs, its
section highlighted, and previous/next in the editors' order of importance.
"""

from __future__ import annotations

from typing import Any

from .escape import front_matter as theme_text
from .models import KnowledgeBase

SECTION_PAGES = {"trends.md": "trend", "strategies.md": "strategy", "risks.md": "risk"}


def with_topics(nav: list[Any], kb: KnowledgeBase) -> list[Any]:
    """A copy of ``nav`` where each section page becomes a section: its overview, then its topics.

    Idempotent: ``mkdocs serve`` may hand back a navigation already expanded.
    """
    out: list[Any] = []
    for item in nav:
        if isinstance(item, dict) and len(item) == 1:
            title, value = next(iter(item.items()))
            page = value[0].get(f"All {title.lower()}") if isinstance(value, list) and value and isinstance(value[0], dict) else value
            if isinstance(page, str) and page in SECTION_PAGES:
                # the theme prints navigation titles without escaping them
                topics = [{theme_text(r.topic.title): f"topics/{r.topic.id}.md"} for r in kb.topics if r.topic.category == SECTION_PAGES[page]]
                out.append({title: [{f"All {title.lower()}": page}, *topics]})
            elif isinstance(value, list):
                out.append({title: with_topics(value, kb)})
            else:
                out.append(item)
        else:
            out.append(item)
    return out
