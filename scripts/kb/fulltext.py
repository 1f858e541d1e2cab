"""The full-text index: Pagefind on the built site, in bundles that a change re-indexes one at a time.

Pagefind cannot add a page to an index: every run reads and writes all the
pages it is given, about 2 ms a page here. So a large site's pages are split
into bundles, each indexed by its own Pagefind run, and ``search.js`` merges
them in the browser (Pagefind's ``mergeIndex``):

- the first bundle (``pagefind/``) holds every page but the essays' own: the
  sections, the glossary, the about page. A site of fewer than twice
  ``ESSAYS_PER_BUNDLE`` essays keeps its essays there too: one bundle, as Pagefind
  alone would make it;
- the essays' pages are spread over ``pagefind/essays-N/`` by a hash of their
  address, so a page stays in its bundle while others come and go. A query
  fetches an index chunk from every bundle, so their chunks are made smaller in
  proportion (Pagefind's ``PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE``): a word costs
  about the bytes it costs in one index. There are at most ``MAX_ESSAY_BUNDLES``.

A bundle is stored in the build cache under the hash of what Pagefind reads
from its pages (the article, less what it is told to skip) and of the code and
options that index them. A build re-indexes only the bundles whose key is not
stored: when one essay changes, its own bundle (and the first one if a section
page's text changed with it). An essay page
whose shown list of similar essays changed keeps its key, as Pagefind skips
that list. The hash is deliberately coarse (see ``indexed_part``): it may see a
change that Pagefind ignores, never the other way round.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .cache import Cache, code_version, digest
from .carryover import LastSite, write_file

PAGEFIND_DIR = "pagefind"
BUNDLES_FILE = "bundles.json"  # in pagefind/: the other bundles, for search.js to merge
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
# format (export), which match too much. Nor the lists of essays (essays/,
# essays/page-N/): they repeat each essay's title and first sentence, so a
# query would find the list beside the essay.
NOT_INDEXED = ("404.html", "curator-report", "topics", "tags", "matrix", "map", "export")
# Pagefind also writes ready-made UIs; the site has its own, so they are removed
UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
# 125 essay pages take Pagefind about a third of a second here. A query fetches a
# chunk and a few small files from every bundle, so their number is capped: at 1,000
# essays and 8 bundles, 176 KB for a first query and 46 KB for a later one (one
# index: 139 KB and 41 KB). A first query also fetches each bundle's list of chunks,
# which grows with the essays in it and, as chunks shrink with more bundles, with
# their number: 12.5 KB a bundle at 10,000 essays and 8 bundles (264 KB for a first
# query, past its 250 KB budget). So bundles times essays stays under a bound, and
# a large site has fewer, larger bundles: 4 at 10,000 essays.
ESSAYS_PER_BUNDLE = 125
MAX_ESSAY_BUNDLES = 8
MAX_BUNDLED_ESSAYS = 40_000  # bundles x essays
# Tests set a smaller number, so that a small site is indexed in bundles too
PER_BUNDLE_VARIABLE = "KB_ESSAYS_PER_BUNDLE"
CACHE_KIND = "search-index"
PARTS_KIND = "search-index-parts"
# Pagefind 1.5.2's index chunk size (word locations per chunk), and how to set it: the
# variable is marked unstable, which the pinned version makes safe (see requirements.txt)
CHUNK_SIZE = 20_000
CHUNK_SIZE_VARIABLE = "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"

ARTICLE = re.compile(rb"<article\b[^>]*\bclass=\"md-content__inner\b.*?</article>", re.S)
# What Pagefind could read outside the article: the language and any data-pagefind-* attribute
OUTSIDE = re.compile(rb"<html\b[^>]*>|<title>.*?</title>|data-pagefind-[\w-]*(?:=\"[^\"]*\")?", re.S)
# Only elements that HTML never closes implicitly (a <p> ends where a <div> starts, so the
# first </p> after it could lie beyond it): any other skipped element is simply kept
SKIPPED_OPEN = re.compile(rb"<(div|a|aside|section|span|nav)\b[^>]*\bclass=\"(?:[^\"]*\s)?(?:"
                          + b"|".join(re.escape(s[1:].encode()) for s in EXCLUDE_SELECTORS)
                          + rb")(?:\s[^\"]*)?\"[^>]*>")


@dataclass(frozen=True)
class Bundle:
    """Pages indexed together by one Pagefind run, written to ``pagefind/<name>``."""

    name: str  # "" for the first bundle, which is pagefind/ itself
    pages: tuple[str, ...]  # site-relative paths, sorted
    chunk_size: int = CHUNK_SIZE


def indexed_pages(site_dir: Path) -> list[str]:
    """The site's pages that go into the full-text index, sorted."""
    pages = []
    for folder in sorted(p for p in site_dir.iterdir() if p.is_dir() and p.name not in (*NOT_INDEXED, PAGEFIND_DIR)):
        pages += [p.relative_to(site_dir).as_posix() for p in folder.rglob("*.html")]
    return sorted(page for page in pages if not _is_essay_list(page))


def _is_essay_list(page: str) -> bool:
    parts = page.split("/")
    return parts[0] == "essays" and (len(parts) == 2 or parts[1].startswith("page-"))


def _is_essay_page(page: str) -> bool:
    parts = page.split("/")
    return len(parts) == 3 and parts[0] == "essays" and parts[2] == "index.html" and not parts[1].startswith("page-")


def plan_bundles(pages: list[str], per_bundle: int = ESSAYS_PER_BUNDLE) -> list[Bundle]:
    """The bundles for these pages: the first one always, then the essays' by the hash of their path."""
    essays = [p for p in pages if _is_essay_page(p)]
    first = tuple(p for p in pages if not _is_essay_page(p))
    count = min(MAX_ESSAY_BUNDLES, len(essays) // per_bundle, MAX_BUNDLED_ESSAYS // max(1, len(essays)))
    if count < 2 or not first:  # pagefind/ is what search.js loads first: it must hold a page
        return [Bundle("", tuple(pages))]
    spread: list[list[str]] = [[] for _ in range(count)]
    for page in essays:
        spread[int.from_bytes(hashlib.sha256(page.encode()).digest()[:8], "big") % count].append(page)
    return [Bundle("", first)] + [Bundle(f"essays-{n + 1}", tuple(group), CHUNK_SIZE // count)
                                  for n, group in enumerate(spread) if group]


def indexed_part(html: bytes) -> bytes:
    """What Pagefind may read from a page: its article less the skipped elements, and the few
    things outside it that it looks at.

    An element to skip is cut from its opening tag to the first closing tag of its
    name: never beyond its end, at worst short of it (an element nested in one of the
    same name), which only keeps more. A page without the article is kept whole.
    """
    article = ARTICLE.search(html)
    if not article:
        return html
    text, kept, at = article.group(0), [], 0
    while skipped := SKIPPED_OPEN.search(text, at):
        kept.append(text[at:skipped.start()])
        end = -1 if skipped.group(0).endswith(b"/>") else text.find(b"</" + skipped.group(1) + b">", skipped.end())
        at = skipped.end() if end < 0 else end + len(skipped.group(1)) + 3
    kept.append(text[at:])
    return b"".join(kept) + b"\0" + b"\0".join(OUTSIDE.findall(html[:article.start()] + html[article.end():]))


def bundle_key(site_dir: Path, bundle: Bundle, version: str, parts_seen: PartsMemo) -> str:
    """The hash of what makes the bundle; ``parts_seen`` remembers each page's indexed part by the
    hash of its bytes, so that only a page not seen before is cut up (0.4 ms a page)."""
    parts: list[bytes | str] = [version, bundle.name, str(bundle.chunk_size)]
    for page in bundle.pages:
        data = (site_dir / page).read_bytes()
        parts += [page, parts_seen.part(data)]
    return digest(*parts)


@dataclass
class PartsMemo:
    """Page bytes' SHA-256 -> the SHA-256 of their ``indexed_part``: the last build's, and this one's."""

    known: dict[bytes, bytes]
    seen: dict[bytes, bytes] = field(default_factory=dict)

    def part(self, page: bytes) -> bytes:
        whole = hashlib.sha256(page).digest()
        found = self.known.get(whole) or self.seen.get(whole) or hashlib.sha256(indexed_part(page)).digest()
        self.seen[whole] = found
        return found


def indexing_version() -> str:
    """The code and the Pagefind that make a bundle: a new one of either re-indexes every bundle."""
    from importlib.metadata import version

    return digest(code_version(), version("pagefind-bin"), *pagefind_options())


def pagefind_options() -> list[str]:
    options = ["--root-selector", ROOT_SELECTOR, "--force-language", "en", "--quiet"]
    for selector in EXCLUDE_SELECTORS:
        options += ["--exclude-selectors", selector]
    return options


def _pagefind() -> str:
    from pagefind_bin import get_executable

    executable = get_executable()
    if executable is None:
        raise RuntimeError("Pagefind's program is missing (fix: pip install -r requirements.txt)")
    return str(executable)


# --- running ----------------------------------------------------------------------------------


@dataclass
class _Run:
    """One bundle being indexed: Pagefind reads hard links to its pages and writes into the site."""

    bundle: Bundle
    key: str
    output: Path
    process: subprocess.Popen
    log: IO[bytes]  # a file, not a pipe: nobody reads it until Pagefind ends, and a full pipe would stall it


@dataclass
class IndexRun:
    """The full-text index being written into ``site_dir/pagefind/`` while the build goes on."""

    site_dir: Path
    cache: Cache | None
    work: Path  # hidden, beside the site: hard links to each bundle's pages
    bundles: list[Bundle]
    runs: list[_Run] = field(default_factory=list)
    reused: int = 0

    def finish(self) -> None:
        """Wait for Pagefind, drop the UIs the site does not use and store the new bundles in the
        cache; raises ``RuntimeError`` with Pagefind's output if a run failed."""
        try:
            failures = [self._wait(run) for run in self.runs]
            if any(failures):
                raise RuntimeError("\n".join(f for f in failures if f))
            others = {BUNDLES_FILE, *(b.name for b in self.bundles[1:])}  # in pagefind/, beside the first bundle
            for run in self.runs:
                for name in UNUSED_FILES:
                    (run.output / name).unlink(missing_ok=True)
                if self.cache:
                    self.cache.put(CACHE_KIND, run.key, _read_bundle(run.output, others if not run.bundle.name else set()))
            if self.cache:
                self.cache.prune(CACHE_KIND)
                self.cache.prune(PARTS_KIND)
        finally:
            shutil.rmtree(self.work, ignore_errors=True)

    def _wait(self, run: _Run) -> str:
        run.process.wait()
        run.log.seek(0)
        output = run.log.read().decode("utf-8", "replace")
        run.log.close()
        if run.process.returncode == 0:
            return ""
        where = f"pagefind/{run.bundle.name}" if run.bundle.name else "pagefind"
        return f"Pagefind failed on {self.site_dir} ({where}):\n{output}"

    def stop(self) -> None:
        """End every Pagefind run now: a ``finish`` waiting on them raises ``RuntimeError``."""
        for run in self.runs:
            run.process.kill()

    def cancel(self) -> None:
        self.stop()
        for run in self.runs:
            run.process.wait()
            run.log.close()
        shutil.rmtree(self.work, ignore_errors=True)

    @property
    def summary(self) -> str:
        return f"{len(self.runs)} of {len(self.bundles)} bundles indexed, {self.reused} reused"


def index_site(site_dir: Path, cache: Cache | None = None) -> None:
    """Write ``site_dir/pagefind/``; raises ``RuntimeError`` with Pagefind's output if it fails."""
    start_index(site_dir, cache).finish()


def start_index(site_dir: Path, cache: Cache | None = None, last: LastSite | None = None) -> IndexRun:
    """Start Pagefind on the bundles that the cache does not hold, write the others, and return.

    A stored bundle's files are linked from ``last``, the site this one
    replaces, where it holds them unchanged (``kb.carryover``).

    Pagefind only reads the pages and writes into ``pagefind/``, which exists from
    now on, so work done beside it sees the site as it will be. ``mkdocs serve``
    serves each bundle as soon as Pagefind has written it, before ``finish``.
    """
    out = site_dir / PAGEFIND_DIR
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    bundles = plan_bundles(indexed_pages(site_dir), _essays_per_bundle())
    (out / BUNDLES_FILE).write_text(json.dumps([f"{b.name}/" for b in bundles[1:]]) + "\n", encoding="utf-8")
    version = indexing_version()
    memo = PartsMemo((cache.get(PARTS_KIND, version) if cache else None) or {})
    work = Path(tempfile.mkdtemp(prefix=".site-index-", dir=site_dir.parent))
    run = IndexRun(site_dir, cache, work, bundles)
    try:
        # Pagefind starts on a bundle as soon as its key is not stored: it takes longest, and the
        # other bundles' keys are made and their stored files written while it runs
        stored_bundles = []
        for bundle in bundles:
            key = bundle_key(site_dir, bundle, version, memo)
            stored = cache.get(CACHE_KIND, key) if cache else None
            if stored is None:
                run.runs.append(_start(site_dir, bundle, key, work))
            else:
                stored_bundles.append((bundle, stored))
        if cache:
            cache.put(PARTS_KIND, version, memo.seen)  # this build's pages only: it does not grow
        for bundle, stored in stored_bundles:
            _write_bundle(site_dir, f"{PAGEFIND_DIR}/{bundle.name}".rstrip("/"), stored, last)
        run.reused = len(stored_bundles)
    except BaseException:
        run.cancel()
        raise
    return run


def _essays_per_bundle() -> int:
    value = os.environ.get(PER_BUNDLE_VARIABLE, "")
    return int(value) if value.isdigit() and int(value) > 0 else ESSAYS_PER_BUNDLE


def _start(site_dir: Path, bundle: Bundle, key: str, work: Path) -> _Run:
    source, output = work / f"pages-{bundle.name or 'first'}", site_dir / PAGEFIND_DIR / bundle.name
    for page in bundle.pages:
        link = source / page
        link.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(site_dir / page, link)
        except OSError:  # a file system without hard links
            shutil.copyfile(site_dir / page, link)
    log = tempfile.TemporaryFile()
    command = [_pagefind(), "--site", str(source), "--output-path", str(output), *pagefind_options()]
    env = {**os.environ, CHUNK_SIZE_VARIABLE: str(bundle.chunk_size)}
    return _Run(bundle, key, output, subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env), log)


def _read_bundle(folder: Path, skip: set[str]) -> dict[str, bytes]:
    """A bundle's files by path, but those under the top-level names in ``skip``."""
    files = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name.split("/")[0] not in skip:
            files[name] = path.read_bytes()
    return files


def _write_bundle(site_dir: Path, folder: str, files: dict[str, bytes], last: LastSite | None) -> None:
    for name, data in files.items():
        write_file(site_dir / folder / name, data, last, f"{folder}/{name}")
