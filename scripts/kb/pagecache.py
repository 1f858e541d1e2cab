"""Reuse MkDocs' work on pages that did not change: Markdown -> HTML, and the finished page.

MkDocs renders every page on every build; with a thousand essays that is
most of a build. Two cached steps, each keyed by the hash of all it reads:

1. **Markdown -> HTML** (``page.render``): keyed by the page's source bytes,
   its front matter and final Markdown, its address, the site's static files
   and settings (mkdocs.yml, the environment variables it reads, the served
   address, theme overrides, MkDocs, Material and our own code). Links are
   resolved against the site's pages, so a render records every page it
   looked up and what it found; an entry counts only if each lookup still
   finds the same (adding an essay re-renders only the pages that link
   differently). A hit restores what ``render`` sets: HTML, table of
   contents, title and the anchors used to check links.
2. **The finished page** (template + search entries): keyed by step 1's key,
   the HTML after every plugin's ``on_page_content`` and ``on_env`` (the tags
   listing is filled in there), the front matter, and the navigation as
   rendered (titles and addresses). A hit swaps the page's template for one
   that prints the stored HTML, and adds the stored search entries to the
   search index in the page's place, so the index keeps its order.

3. **The page not read at all**: keyed by the page's source bytes, address and
   the site's settings and static files. It holds what the rest of the build
   needs of a page MkDocs does not read or render again (front matter,
   title, anchors, links to other pages' anchors) and the key of the
   finished page it became under a given navigation. Reading, parsing and
   restoring a fully cached page took MkDocs 0.27-0.50 ms at 1,000 essays; a
   page not read, 0.16-0.25 ms (a file read, one small entry, and the
   plugins' events, which still run). Only a page whose HTML
   no plugin changed after rendering is kept so (the tags listing is filled in
   from other pages). If the navigation or the front matter as the plugins
   leave it differs from what the entry says, or its finished page is gone,
   the page is read and rendered after all, before any page is written.

A page whose rendering logged a warning (a broken link, say) is not stored:
it must warn again next time, not come silently from the cache. Entries are
written as pages are done, so memory does not grow with the collection; the
unused ones are pruned only after a build without warnings.
"""

from __future__ import annotations

import copy
import logging
import os
import re
import shutil
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemBytecodeCache
from markupsafe import Markup
from mkdocs.commands.build import _populate_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page

from .cache import Cache, code_version, digest
from .prerender import WarningCounter, page_input, prerender

CACHED_TEMPLATE = "kb-cached-page.html"
SETTINGS_KEPT = 3  # page caches kept for this many settings (make build, mkdocs serve, one more)
MIN_PAGES_TO_PRERENDER = 200  # below this, starting the workers costs more than it saves
_ENV_VARIABLE = re.compile(r"!ENV\s*\[?\s*([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class RenderedMarkdown:
    """What ``Page.render`` sets, for one page."""

    content: str
    toc: Any
    title: str | None
    anchors: set[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None  # target file's src_uri -> anchor -> link
    lookups: dict[str, tuple | None]  # every path the links looked up -> what was found there

    @classmethod
    def of(cls, page: Page, lookups: dict[str, tuple | None]) -> "RenderedMarkdown":
        """What ``page.render`` just set, copied: the tags plugin later fills its listing into a toc in place."""
        return cls(
            content=page.content or "", toc=copy.deepcopy(page.toc), title=page._title_from_render,
            anchors=None if page.present_anchor_ids is None else set(page.present_anchor_ids),
            links_to_anchors=_anchor_links_by_path(page), lookups=lookups,
        )


def _found(file: Any) -> tuple | None:
    return None if file is None else (file.src_uri, file.dest_uri, file.url, str(file.inclusion))


class _RecordingFiles:
    """The site's files as ``Page.render`` sees them, remembering which paths it looked up."""

    def __init__(self, files: Files) -> None:
        self._files = files
        self.lookups: dict[str, tuple | None] = {}

    def get_file_from_path(self, path: str) -> Any:
        file = self._files.get_file_from_path(path)
        self.lookups[path] = _found(file)
        return file

    def __getattr__(self, name: str) -> Any:
        return getattr(self._files, name)


@dataclass(frozen=True)
class FinishedPage:
    html: str
    search_entries: list[dict]


@dataclass(frozen=True)
class KnownPage:
    """A page as a build finished it, for the next build that finds its source unchanged (step 3)."""

    nav: str  # the navigation's hash it was finished under
    meta: dict[str, Any]  # its front matter as the plugins left it
    finished: str  # the key of its FinishedPage
    render: str  # the key of its RenderedMarkdown, kept while the page is known: needed if it must be read after all
    title: str | None
    anchors: set[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None  # as in RenderedMarkdown
    lookups: dict[str, tuple | None]


def settings_hash(config: MkDocsConfig) -> str:
    """Everything besides a page's own source that its HTML can depend on, site-wide."""
    config_file = Path(config.config_file_path)
    text = config_file.read_text(encoding="utf-8")
    parts: list[str | bytes] = [code_version(), version("mkdocs"), version("mkdocs-material"), text,
                                str(config.site_url), str(config.use_directory_urls)]
    for name in sorted(set(_ENV_VARIABLE.findall(text))):
        parts += [name, repr(os.environ.get(name))]
    custom_dir = config.theme.custom_dir
    if custom_dir and Path(custom_dir).is_dir():
        for path in sorted(Path(custom_dir).rglob("*")):
            if path.is_file():
                parts += [path.relative_to(custom_dir).as_posix(), path.read_bytes()]
    return digest(*parts)


def static_files_hash(files: Files) -> str:
    """The site's files other than pages: pages are tracked one lookup at a time."""
    return digest(*sorted(f"{f.src_uri}\0{f.dest_uri}\0{f.url}" for f in files if not f.is_documentation_page()))


def nav_hash(nav: Navigation) -> str:
    def walk(items: list) -> list[str]:
        out = []
        for item in items:
            if isinstance(item, Section):
                out += ["section", str(item.title), *walk(item.children), "end"]
            elif isinstance(item, Link):
                out += ["link", str(item.title), str(item.url)]
            else:
                out += ["page", str(item.title), str(item.url)]
        return out
    return digest(*walk(nav.items))


class PageCache:
    """One build's use of the cache; create one per build in ``on_pre_build``."""

    def __init__(self, cache: Cache, config: MkDocsConfig) -> None:
        self.cache = cache
        self.settings = settings_hash(config)
        # one folder per settings: `mkdocs serve` (another address) and `make build` keep their own
        self.render_kind = f"render-{self.settings[:16]}"
        self.page_kind = f"page-{self.settings[:16]}"
        self.known_kind = f"known-{self.settings[:16]}"
        self.files = ""
        self.nav: Navigation | None = None
        self.render_keys: dict[str, str] = {}
        self.recorders: dict[str, _RecordingFiles] = {}
        self.prerendered = 0  # pages the workers of kb.prerender stored
        self.page_keys: dict[str, str] = {}
        self.finished: dict[str, str] = {}  # src_uri -> key of its stored finished page
        self.current: tuple[str, FinishedPage] | None = None
        self.warned: set[str] = set()  # pages whose rendering logged a warning: never stored
        self.count_before: dict[str, int] = {}
        self.search_entries: dict[str, list[dict]] = {}
        self.found: dict[str, tuple | None] = {}  # link target path -> the file there (the files are fixed by now)
        self.elsewhere: set[str] = set()  # pages another process writes (kb.pageloop): nothing to do here
        self.warnings = WarningCounter()
        logging.getLogger("mkdocs").addHandler(self.warnings)
        self.hits = {"render": 0, "page": 0, "unread": 0}
        self.source_keys: dict[str, str] = {}  # src_uri -> key of its KnownPage
        self.known: dict[str, KnownPage] = {}  # pages not read this build, as their KnownPage says
        self.read_anyway: set[str] = set()  # pages that were to be skipped, read after all
        self.lookups: dict[str, dict[str, tuple | None]] = {}
        self.rendered: dict[str, str] = {}  # src_uri -> its HTML as rendered, to see whether a plugin changed it
        self.knowable: dict[str, dict[str, Any]] = {}  # pages no plugin changed: their front matter at on_env
        self.site_nav = ""

    def on_files(self, files: Files) -> None:
        self.files = static_files_hash(files)

    def prerender_if_cold(self, config: MkDocsConfig, files: Files) -> None:
        """With an empty cache for these settings, render every page on every core first."""
        pages = [f.src_uri for f in files.documentation_pages()]
        stored = self.cache.folder / self.render_kind
        if len(pages) < MIN_PAGES_TO_PRERENDER or (stored.is_dir() and any(stored.iterdir())):
            return
        overrides = {"site_url": config.site_url, "use_directory_urls": config.use_directory_urls,
                     "docs_dir": config.docs_dir, "site_dir": config.site_dir}
        self.prerendered = prerender(config.config_file_path, overrides, pages)

    def render_key(self, page: Page, source: str) -> str:
        """The key of a page's rendered Markdown; ``source`` is its ``page_input``."""
        return digest(self.settings, self.files, page.file.src_uri, page.file.dest_uri, page.url,
                      str(page.file.inclusion), source)

    def before_read(self, page: Page, files: Files) -> None:
        """Called by ``on_pre_page``: a page known from an earlier build with this exact source is not read."""
        file = page.file
        key = digest(self.settings, self.files, file.src_uri, file.dest_uri, page.url, str(file.inclusion), file.content_bytes)
        self.source_keys[file.src_uri] = key
        self.cache.mark_used(self.known_kind, {key})  # whichever process stores it, this build uses it
        if file.src_uri in self.read_anyway:
            return
        known = self.cache.get(self.known_kind, key)
        if not isinstance(known, KnownPage) or not all(
            self._look_up(files, path) == found for path, found in known.lookups.items()
        ):
            return
        self.known[file.src_uri] = known
        page.read_source = lambda config: _restore_source(page, known)  # type: ignore[method-assign]
        page.render = lambda config, files: _restore_known(page, known, files)  # type: ignore[method-assign]

    def before_render(self, page: Page, markdown: str, files: Files) -> None:
        """Called last among ``on_page_markdown``: reuse the HTML if this exact input was rendered before."""
        if page.file.src_uri in self.known:
            return
        key = self.render_key(page, page_input(page, markdown))
        self.render_keys[page.file.src_uri] = key
        stored = self.cache.get(self.render_kind, key)
        # MkDocs calls page.render next: this page's own render either restores, or renders and records
        if isinstance(stored, RenderedMarkdown) and all(
            self._look_up(files, path) == found for path, found in stored.lookups.items()
        ):
            self.hits["render"] += 1
            self.lookups[page.file.src_uri] = stored.lookups
            page.render = lambda config, files: _restore(page, stored, files)  # type: ignore[method-assign]
        else:
            render, recorder = page.render, _RecordingFiles(files)
            self.recorders[page.file.src_uri] = recorder
            self.count_before[page.file.src_uri] = self.warnings.count
            page.render = lambda config, files: render(config, recorder)  # type: ignore[method-assign]

    def _look_up(self, files: Files, path: str) -> tuple | None:
        """What a link to ``path`` finds, once per path and build: essay pages link to the same topics."""
        if path not in self.found:
            self.found[path] = _found(files.get_file_from_path(path))
        return self.found[path]

    def after_render(self, page: Page) -> None:
        """Called first among ``on_page_content``: remember what ``render`` produced."""
        src = page.file.src_uri
        page.__dict__.pop("render", None)
        if src in self.known:
            page.__dict__.pop("read_source", None)
            return
        self.rendered[src] = page.content
        recorder = self.recorders.pop(src, None)
        if recorder is None:  # restored from the cache, nothing new to store
            return
        self.lookups[src] = recorder.lookups
        value = RenderedMarkdown.of(page, recorder.lookups)
        if self.warnings.count > self.count_before.pop(src):
            self.warned.add(src)
            return
        self.cache.put(self.render_kind, self.render_keys[src], value)

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        """After every page's HTML is final: choose the pages whose finished HTML can be reused."""
        if self.nav is None:
            return env
        site_nav = nav_hash(self.nav)  # now, when every page's title is known
        self._read_unfit_known_pages(site_nav, config, files)
        for file in files.documentation_pages():
            page = file.page
            if page is not None and file.src_uri in self.known:
                self.page_keys[file.src_uri] = self.finished[file.src_uri] = self.known[file.src_uri].finished
                self.cache.mark_used(self.render_kind, {self.known[file.src_uri].render})
                self.hits["unread"] += 1
                page.meta["template"] = CACHED_TEMPLATE
                continue
            if page is None or file.src_uri not in self.render_keys:
                continue
            key = digest(self.render_keys[file.src_uri], site_nav, page.content or "", repr(page.meta))
            self.page_keys[file.src_uri] = key
            if page.content is self.rendered.pop(file.src_uri, None) and "template" not in page.meta:
                self.knowable[file.src_uri] = copy.deepcopy(page.meta)  # no plugin changed its HTML since rendering
            # only looked for now; read one at a time as pages are written, so memory stays flat
            if "template" not in page.meta and self.cache.has(self.page_kind, key):
                self.finished[file.src_uri] = key
                page.meta["template"] = CACHED_TEMPLATE
        self.site_nav = site_nav
        self.rendered.clear()
        env.loader = ChoiceLoader([DictLoader({CACHED_TEMPLATE: "{{ kb_cached_html(page) }}"}), env.loader])
        # the theme's templates compiled once, not every build (Jinja checks each one's source checksum)
        jinja = self.cache.folder / "jinja"
        try:
            jinja.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = FileSystemBytecodeCache(str(jinja))
        except OSError:
            pass  # no folder to keep them in: templates are compiled every build, as without the cache
        env.globals["kb_cached_html"] = lambda page: Markup(self._finished(page).html)
        self._wrap_search(config)
        return env

    def _read_unfit_known_pages(self, site_nav: str, config: MkDocsConfig, files: Files) -> None:
        """Read and render, as MkDocs would have, each unread page whose finished page cannot be used."""
        for src, known in list(self.known.items()):
            page = files.get_file_from_path(src).page
            if known.nav == site_nav and repr(page.meta) == repr(known.meta) and self.cache.has(self.page_kind, known.finished):
                continue
            del self.known[src]
            self.read_anyway.add(src)
            page.markdown = page.content = None
            page.meta, page.toc, page._title_from_render = {}, [], None
            page.present_anchor_ids = page.links_to_anchors = None
            # MkDocs' own step for one page, private: 1.6.1 is its last release, so it stays as it is
            _populate_page(page, config, files)

    def _wrap_search(self, config: MkDocsConfig) -> None:
        search = config.plugins.get("material/search") or config.plugins.get("search")
        index = getattr(search, "search_index", None)
        if index is None:
            return
        # the plugin's own method, even if an earlier build in this process wrapped it already
        original = index.__dict__.get("kb_original_add_entry") or index.add_entry_from_context
        index.kb_original_add_entry = original

        def add_entry_from_context(page: Page) -> None:
            if page.file.src_uri in self.elsewhere:
                return  # written by another process (kb.pageloop), only in Pagefind builds: no entries here
            if page.file.src_uri in self.finished:
                index.entries.extend(self._finished(page).search_entries)
                return
            before = len(index.entries)
            original(page)
            self.search_entries[page.file.src_uri] = index.entries[before:]

        index.add_entry_from_context = add_entry_from_context

    def _finished(self, page: Page) -> FinishedPage:
        src = page.file.src_uri
        if self.current is None or self.current[0] != src:
            stored = self.cache.get(self.page_kind, self.finished[src])
            if not isinstance(stored, FinishedPage):  # removed or damaged since on_env looked
                raise RuntimeError(f"the build cache lost the page {src}: run the build again")
            self.current = (src, stored)
        return self.current[1]

    def before_context(self, page: Page) -> None:
        """Called first among ``on_page_context``: a page printed from the cache needs no content.

        Its HTML is the stored page; other plugins would only scan the content
        again (Material's search plugin runs a regex over every page's).
        """
        if page.file.src_uri in self.finished or page.file.src_uri in self.elsewhere:
            page.content = ""

    def after_page(self, page: Page, html: str) -> None:
        """Called first among ``on_post_page``: remember the finished page."""
        src = page.file.src_uri
        if src in self.elsewhere:
            return
        if src in self.finished:
            del page.meta["template"]
            self.current = None
            self.hits["page"] += 1
        elif src in self.page_keys and src not in self.warned:
            entries = self.search_entries.pop(src, [])
            self.cache.put(self.page_kind, self.page_keys[src], FinishedPage(html, entries))
        else:
            return
        if src in self.knowable and src in self.lookups and src not in self.warned:
            self._remember(page)

    def _remember(self, page: Page) -> None:
        """Keep what the next build needs to leave this page unread while its source stays the same."""
        src = page.file.src_uri
        self.cache.put(self.known_kind, self.source_keys[src], KnownPage(
            nav=self.site_nav, meta=self.knowable.pop(src), finished=self.page_keys[src], render=self.render_keys[src],
            title=page._title_from_render, anchors=None if page.present_anchor_ids is None else set(page.present_anchor_ids),
            links_to_anchors=_anchor_links_by_path(page), lookups=self.lookups.pop(src),
        ))

    def used_page_keys(self) -> set[str]:
        return self.cache.used_keys(self.page_kind)

    def count_child(self, used: set[str], reused: int) -> None:
        """What a child process that wrote some of the pages used (kb.pageloop)."""
        self.cache.mark_used(self.page_kind, used)
        self.hits["page"] += reused

    def finish(self) -> None:
        """After a build: unless anything warned, drop the entries this build did not use."""
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.warnings.count:
            return
        self.cache.prune(self.render_kind)
        self.cache.prune(self.page_kind)
        self.cache.prune(self.known_kind)
        self._drop_old_settings()

    def _drop_old_settings(self) -> None:
        """Keep the folders of the few settings used last (`make build`, `mkdocs serve`); older code's go."""
        for kind in (self.render_kind, self.page_kind, self.known_kind):
            marker = self.cache.folder / kind / ".last-used"
            try:
                marker.parent.mkdir(parents=True, exist_ok=True)
                marker.touch()
            except OSError:
                return
        for prefix in ("render-", "page-", "known-"):
            folders = [f for f in self.cache.folder.glob(prefix + "*") if f.is_dir()]
            folders.sort(key=lambda f: (f / ".last-used").stat().st_mtime if (f / ".last-used").exists() else 0,
                         reverse=True)
            for old in folders[SETTINGS_KEPT:]:
                shutil.rmtree(old, ignore_errors=True)

    def abandon(self) -> None:
        logging.getLogger("mkdocs").removeHandler(self.warnings)


def _restore(page: Page, stored: RenderedMarkdown, files: Files) -> None:
    page.content = stored.content
    page.toc = stored.toc  # a fresh copy: read from the cache, or made in a worker, for this page alone
    page._title_from_render = stored.title
    page.present_anchor_ids = stored.anchors
    page.links_to_anchors = _anchor_links_by_file(stored.links_to_anchors, files)


def _restore_source(page: Page, known: KnownPage) -> None:
    """What ``read_source`` sets, for a page not read: its front matter, and no Markdown to render."""
    page.markdown = ""
    page.meta = copy.deepcopy(known.meta)


def _restore_known(page: Page, known: KnownPage, files: Files) -> None:
    """What ``render`` sets that other pages and MkDocs' anchor checks read; the HTML itself comes finished."""
    page.content = ""
    page._title_from_render = known.title
    page.present_anchor_ids = None if known.anchors is None else set(known.anchors)
    page.links_to_anchors = _anchor_links_by_file(known.links_to_anchors, files)


def _anchor_links_by_path(page: Page) -> dict[str, dict[str, str]] | None:
    """A page's links to other pages' anchors, keyed by the target's path: what can be stored."""
    links = page.links_to_anchors
    return None if links is None else {f.src_uri: dict(a) for f, a in links.items()}


def _anchor_links_by_file(links: dict[str, dict[str, str]] | None, files: Files) -> dict | None:
    """Stored links to anchors as MkDocs keeps them, keyed by this build's file objects."""
    return None if links is None else {files.get_file_from_path(src): dict(a) for src, a in links.items()}
