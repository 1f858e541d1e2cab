"""KnowledgeBase -> an Atom feed of essays (feed.xml), so readers can follow new ones.

Why not a plugin: mkdocs-rss-plugin dates pages from git history or page
metadata and stamps the build time into the feed, and the site's pages are
generated in each build (no git history of their own), so its output would
change from one build to the next. The dates here are the editors'
``updated:`` dates from ``seeds/essays.yml``: the same seeds give the same bytes.

An essay enters the feed once an editor gives it an ``updated`` date; the
newest ``MAX_ENTRIES`` are listed, so the feed does not grow with the collection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .escape import xml_text
from .models import KnowledgeBase

if TYPE_CHECKING:
    from .render import SiteInfo

MAX_ENTRIES = 50
FEED_PATH = "feed.xml"


def atom_feed(kb: KnowledgeBase, site: SiteInfo) -> str:
    dated = sorted((r.essay for r in kb.essays if r.essay.updated), key=lambda e: (e.updated, e.id), reverse=True)[:MAX_ENTRIES]
    home = site.absolute("index.md")
    updated = f"{dated[0].updated}T00:00:00Z" if dated else "1970-01-01T00:00:00Z"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{xml_text(site.name)}: new essays</title>",
        f"  <subtitle>{xml_text(site.description)}</subtitle>",
        f'  <link href="{xml_text(home)}"/>',
        f'  <link rel="self" href="{xml_text(site.absolute(FEED_PATH))}"/>',
        f"  <id>{xml_text(home)}</id>",
        f"  <updated>{updated}</updated>",
        f"  <author><name>{xml_text(site.name)} editors</name></author>",
    ]
    for essay in dated:
        url = site.absolute(f"essays/{essay.id}.md")
        lines += [
            "  <entry>",
            f"    <title>{xml_text(essay.title)}</title>",
            f'    <link href="{xml_text(url)}"/>',
            f"    <id>{xml_text(url)}</id>",
            f"    <updated>{essay.updated}T00:00:00Z</updated>",
            f"    <summary>{xml_text(essay.summary)}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
