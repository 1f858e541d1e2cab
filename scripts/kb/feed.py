"""KnowledgeBase -> an Atom feed of essays (feed.xml), so readers can follow new ones.

Why not a plugin: mkdocs-rss-plugin (1.19.0, the maintained one on PyPI) was
read for this. It can take dates from page metadata with ``use_git: false``,
and its build date follows SOURCE_DATE_EPOCH, so it could be made
deterministic; but it brings GitPython, requests and CacheControl (it asks
remote servers for the size of images it finds, which an offline build
cannot do), writes RSS over every page a pattern matches, and would need the
dates copied into each generated page's front matter. The essays' dates are
already curated data here, so these forty lines write the feed from them:
the same seeds give the same bytes, and nothing is fetched.

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
