"""MkDocs glue: run the pipeline before every build, watch seeds/ when serving.

Listed under ``hooks:`` in mkdocs.yml. All the work is in ``kb.pipeline``,
``kb.render``, ``kb.write`` and ``kb.pagecache``; this file only connects
them to MkDocs events.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from kb import search
from kb.cache import Cache, code_version
from kb.errors import SeedError
from kb.export import to_json
from kb.headers import PolicyError, SiteContent, write_headers_file
from kb.load import SEARCH_FILE, load_search_words
from kb.navigation import with_topics
from kb.pagecache import PageCache
from kb.pipeline import build_knowledge_base
from kb.render import SiteInfo, render_site
from kb.write import write_pages

log = logging.getLogger("mkdocs.plugins.kb")

# The current build's cache: MkDocs hooks are a module, so state between one
# build's events has to live here; on_pre_build replaces it every build.
_build: tuple[Cache, PageCache] | None = None


def _seeds_dir(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).parent / config.extra.get("seeds_dir", "seeds")


def _cache_dir(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).parent / ".cache" / "kb"


def on_pre_build(config: MkDocsConfig) -> None:
    global _build
    start = time.perf_counter()
    cache = Cache(_cache_dir(config))
    if _build is not None:
        _build[1].abandon()
    _build = (cache, PageCache(cache, config))
    try:
        kb = build_knowledge_base(_seeds_dir(config), cache=cache)
        words = load_search_words(_seeds_dir(config) / SEARCH_FILE, {t.topic.id for t in kb.topics})
    except SeedError as error:
        raise PluginError(f"Cannot build the knowledge base: {error}") from error
    for warning in kb.warnings:
        log.warning(warning)  # under --strict, MkDocs stops the build after this
    site = SiteInfo(name=config.site_name, description=config.site_description or "",
                    directory_urls=config.use_directory_urls, site_url=config.site_url or "http://127.0.0.1:8000/")
    if config.nav:
        config.nav = with_topics(config.nav, kb)
    pages = render_site(kb, site, store=cache.store("essay-pages"))
    pages["kb.json"] = to_json(kb, store=cache.store("json"))
    pages[search.VOCABULARY] = search.vocabulary_json(kb, words)
    try:
        changed = write_pages(Path(config.docs_dir), pages)
    except OSError as error:
        raise PluginError(f"Cannot write the generated pages: {error.filename}: {error.strerror} "
                          f"(fix: make {config.docs_dir} writable)") from error
    timings = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in kb.timings)
    log.info(f"Knowledge base: {len(kb.essays)} essays, {len(kb.topics)} topics, {len(changed)} pages changed "
             f"in {time.perf_counter() - start:.2f}s ({timings}, then render and write)")


def _uses_pagefind(config: MkDocsConfig) -> bool:
    return config.extra.get("kb_search", "pagefind") == "pagefind"


def on_files(files: Files, config: MkDocsConfig) -> None:
    if _build:
        _build[1].on_files(files)


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> None:
    if _build:
        _build[1].nav = nav
        _build[1].prerender_if_cold(config, files)


@event_priority(-100)  # last: the Markdown every other plugin left
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> None:
    if _build:
        _build[1].before_render(page, markdown, files)


@event_priority(100)  # first: the HTML as Markdown made it, before other plugins change it
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> None:
    if _build:
        _build[1].after_render(page)
    # With Pagefind, Material's search plugin stays on only so that the header
    # keeps its search box; each page opts out of its lunr index, which would
    # otherwise be written (44 MB at 10,000 essays) and never read.
    if _uses_pagefind(config):
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}


@event_priority(-100)  # after the tags plugin has filled in its listings
def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    if _build:
        return _build[1].on_env(env, config, files)
    return env


@event_priority(100)
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> None:
    if _build:
        _build[1].after_page(page, output)


def on_post_build(config: MkDocsConfig) -> None:
    if _build:
        cache, pages = _build
        pages.finish()
        if not pages.warnings.count:
            cache.prune("essays")
            cache.prune("essay-pages")
            cache.prune("json")
        log.info(f"Cache: {pages.hits['render']} pages' Markdown and {pages.hits['page']} finished pages reused")
    site_dir = Path(config.site_dir)
    start = time.perf_counter()
    # Pagefind (a separate process, on the other core) and the headers read the
    # finished pages side by side; neither writes anything the other reads.
    indexing = search.start_index(site_dir) if _uses_pagefind(config) else None
    try:
        content = _write_headers(site_dir, _build[0] if _build else None)
    except BaseException:
        if indexing:
            indexing.cancel()
        raise
    log.info(f"Headers: _headers written in {time.perf_counter() - start:.2f}s; "
             f"the policy allows {len(content.scripts)} inline scripts by hash")
    if indexing:
        try:
            indexing.finish()
        except RuntimeError as error:
            raise PluginError(str(error)) from error
        log.info(f"Search index (Pagefind) written in {time.perf_counter() - start:.2f}s")


def _write_headers(site_dir: Path, cache: Cache | None) -> SiteContent:
    """``site/_headers``, reading only the pages an earlier build did not read (kept in the cache)."""
    key = code_version()
    memo = (cache.get("site-code", key) if cache else None) or {}
    try:
        content = write_headers_file(site_dir, memo)
    except PolicyError as error:
        raise PluginError(f"Cannot write the site's headers: {error}") from error
    if cache:
        cache.put("site-code", key, memo)
        cache.prune("site-code")  # an older code version's memo
    return content


def on_build_error(error: Exception) -> None:
    if _build:
        _build[1].abandon()


def on_serve(server, config: MkDocsConfig, builder):  # noqa: ANN001 - MkDocs' own types
    server.watch(str(_seeds_dir(config)))
    return server
