"""Search: the reader's vocabulary file and the Pagefind full-text index.

Two parts, both read by the search box (``docs/assets/search.js``):

- ``vocabulary``: every topic, glossary term and section with the words a
  reader may type for it (titles, other names, synonyms, ``seeds/search.yml``, the Chinese
  terms in glossary definitions). Its size grows with the curated YAML, not
  with the essays, so it is fetched whole on the first search. It is what
  ranks a topic page first for its own words, forgives plurals and typos and
  says when the essays do not cover a query.
- ``start_index``: runs Pagefind on the built site, beside the build's last
  step. Pagefind splits its index into chunks by word, so a query fetches
  only the chunks of its words and the excerpts of the results it shows:
  bytes per query stay flat as the collection grows (see
  scripts/bench_search.py). It cannot add a page to an index, so every build
  indexes every page (about 1.6 ms a page here).

``mkdocs.yml``'s ``extra.kb_search`` chooses the engine: ``pagefind`` (the
published site) or ``lunr`` (Material's own search, kept for ``make offline``
because Pagefind cannot fetch its index from file://).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .escape import json_text
from .export import page_url
from .models import KnowledgeBase, SearchWords

VOCABULARY = "search-words.json"  # beside kb.json in the site root
VOCABULARY_FORMAT = 1
PAGEFIND_DIR = "pagefind"
# Pagefind reads only the article, without its "¶" permalinks; the header,
# navigation and footer repeat on every page and would match every query.
ROOT_SELECTOR = "article.md-content__inner"
# Nor what an essay page repeats (its automatic summary and key points quote its own
# text; its topic and related-essay lists name other pages): each sentence is found once.
EXCLUDE_SELECTORS = (".headerlink", ".md-source-file", ".kb-not-indexed")
# Not in the full-text index: the 404 page and the editors' report, which readers
# should not land on; topic pages, which the vocabulary finds by their title,
# synonyms and readers' words (their quotes are indexed on the essay pages
# they come from, and each would cost a large excerpt fetch per query); and
# pages that only list every topic (home, tags, matrix, map) or show the data
# format (export), which match too much.
NOT_INDEXED = ("404.html", "curator-report", "topics", "tags", "matrix", "map", "export")
# Pagefind also writes ready-made UIs; the site has its own, so they are removed
UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")

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


# --- the full-text index -------------------------------------------------------------------------


def pagefind_command(site_dir: Path) -> list[str]:
    """The Pagefind run for a built site: only its content pages, only their article."""
    folders = sorted(p.name for p in site_dir.iterdir()
                     if p.is_dir() and p.name not in NOT_INDEXED and any(p.rglob("*.html")))
    pages = "{" + ",".join(f"{name}/**/*.html" for name in folders) + "}"
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--glob", pages,
               "--root-selector", ROOT_SELECTOR, "--force-language", "en", "--quiet"]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    return command


def index_site(site_dir: Path) -> None:
    """Write ``site_dir/pagefind/``; raises ``RuntimeError`` with Pagefind's output if it fails."""
    start_index(site_dir).finish()


@dataclass
class IndexRun:
    """Pagefind running on a built site, while the build goes on with other work."""

    site_dir: Path
    process: subprocess.Popen
    log: IO[bytes]  # a file, not a pipe: nobody reads it until Pagefind ends, and a full pipe would stall it

    def finish(self) -> None:
        """Wait for Pagefind; raises ``RuntimeError`` with its output if it failed."""
        self.process.wait()
        self.log.seek(0)
        output = self.log.read().decode("utf-8", "replace")
        self.log.close()
        if self.process.returncode != 0:
            raise RuntimeError(f"Pagefind failed on {self.site_dir}:\n{output}")
        for name in UNUSED_FILES:
            (self.site_dir / PAGEFIND_DIR / name).unlink(missing_ok=True)

    def cancel(self) -> None:
        self.process.kill()
        self.process.wait()
        self.log.close()


def start_index(site_dir: Path) -> IndexRun:
    """Start Pagefind on a built site and return at once.

    Pagefind only reads the pages and writes into ``pagefind/``, which exists
    (empty) from now on, so work done beside it sees the site as it will be.
    """
    output = site_dir / PAGEFIND_DIR
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir()
    log = tempfile.TemporaryFile()
    return IndexRun(site_dir, subprocess.Popen(pagefind_command(site_dir), stdout=log, stderr=subprocess.STDOUT), log)
