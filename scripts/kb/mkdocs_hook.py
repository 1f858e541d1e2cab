"""MkDocs glue: run the pipeline before every build, watch seeds/ when serving.

Listed under ``hooks:`` in mkdocs.yml. All the work is in ``kb.pipeline``,
``kb.render``, ``kb.write`` and ``kb.pagecache``; this file only connects
them to MkDocs events.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from kb import carryover, finish, fulltext, search, watch
from kb.cache import Cache
from kb.carryover import LastSite
from kb.errors import SeedError
from kb.export import to_json
from kb.headers import PolicyError
from kb.load import SEARCH_FILE, load_search_words
from kb.models import KnowledgeBase
from kb.navigation import with_topics
from kb.pagecache import PageCache
from kb.pageloop import SecondCore
from kb.parallel import in_background
from kb.pipeline import build_knowledge_base
from kb.render import SiteInfo, render_site
from kb.sitedir import remove_tree
from kb.write import GENERATED_DIRS, TEMPORARY_PREFIX, write_pages

log = logging.getLogger("mkdocs.plugins.kb")

# The current build's cache: MkDocs hooks are a module, so state between one
# build's events has to live here; on_pre_build replaces it every build.
_build: tuple[Cache, PageCache] | None = None
# `mkdocs serve` does not wait for the headers and the search index: the changed
# page is shown as soon as it is written, and they follow on a thread (a second
# or two at 1,000 essays) before the next rebuild starts. A published build waits.
_serving = False
_server_pid: int | None = None  # the dev server's process: only it turns SIGTERM into Ctrl-C
_last_steps: finish.OnAThread | None = None
_generated: set[str] = set()  # the paths under docs/ the last build wrote: not an editor's change
_second_core: SecondCore | None = None  # this build's child writing every other page, if any
_last_site: LastSite | None = None  # the site this build replaces: pages it holds unchanged are linked
_set_aside: Path | None = None  # under `mkdocs serve`, the served site moved aside for this build to link from
_dirty = False  # `mkdocs serve --dirty`: MkDocs keeps the served files, so none are set aside


def on_startup(command: str, dirty: bool) -> None:
    global _serving, _server_pid, _dirty
    _serving, _dirty = command == "serve", dirty
    if _serving and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        # MkDocs cleans up after Ctrl-C only: its served copy of the site and our
        # Pagefind work folder stayed in /tmp whenever a process manager stopped it
        _server_pid = os.getpid()
        signal.signal(signal.SIGTERM, _stop_serving)
        os.register_at_fork(after_in_child=_end_by_default_on_sigterm)


def _stop_serving(signum: int, frame: object) -> None:
    if os.getpid() == _server_pid:
        raise KeyboardInterrupt  # what MkDocs' dev server stops on, cleaning up (and calling on_shutdown)
    # a SIGTERM that reached a forked child before _end_by_default_on_sigterm ran: end as by default
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _end_by_default_on_sigterm() -> None:
    """In a process the server forks (a pool's worker, which its pool stops with SIGTERM): no Python handler.

    A Python handler runs only when the process next runs Python code; a worker
    blocked on its pool's lock never does, and the pool waits for it for ever
    (a first `mkdocs serve` at 10,000 essays hung so).
    """
    if signal.getsignal(signal.SIGTERM) is _stop_serving:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def on_shutdown() -> None:
    if _last_steps:
        _last_steps.stop()
    _remove_set_aside()


def _wait_for_last_steps() -> None:
    """The previous serve build's headers and search index, finished before anything touches the site folder again."""
    global _last_steps
    if _last_steps is None:
        return
    steps, _last_steps = _last_steps, None
    for error in steps.wait():
        log.error(error)


def _seeds_dir(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).parent / config.extra.get("seeds_dir", "seeds")


def on_pre_build(config: MkDocsConfig) -> None:
    global _build
    _wait_for_last_steps()
    _replace_last_site(_site_to_link_from(Path(config.site_dir)))
    start = time.perf_counter()
    cache = finish.cache_for(Path(config.config_file_path))
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
    templates = cache.folder / "jinja-pages"  # not "page-…": pagecache owns those folder names
    try:
        templates.mkdir(parents=True, exist_ok=True)
    except OSError:
        templates = None  # no folder to keep them in: compiled every build, as without the cache
    with in_background(_kb_json, kb, cache) as kb_json:  # on the other core, while the pages are made
        pages = render_site(kb, site, store=cache.store("essay-pages"), compiled_templates=templates)
        pages["kb.json"], used = kb_json.result()
    cache.mark_used("json", used)
    pages[search.VOCABULARY] = search.vocabulary_json(kb, words)
    _generated.clear()
    _generated.update(pages)
    try:
        changed = write_pages(Path(config.docs_dir), pages)
    except OSError as error:
        raise PluginError(f"Cannot write the generated pages: {error.filename}: {error.strerror} "
                          f"(fix: make {config.docs_dir} writable)") from error
    timings = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in kb.timings)
    log.info(f"Knowledge base: {len(kb.essays)} essays, {len(kb.topics)} topics, {len(changed)} pages changed "
             f"in {time.perf_counter() - start:.2f}s ({timings}, then render and write)")


def _site_to_link_from(site_dir: Path) -> LastSite | None:
    """`python -m kb build` names the site it replaces; under `mkdocs serve` it is the one served so far,
    which MkDocs would otherwise delete file by file before writing every page again."""
    global _set_aside
    if not _serving:
        return LastSite.from_environment(site_dir)
    _remove_set_aside()
    # (a build that fails leaves the folder empty or half written: MkDocs' dev server then holds
    # every request until a build succeeds, so what the folder holds meanwhile is never served)
    _set_aside = None if _dirty else carryover.set_aside(site_dir)
    return LastSite.of(_set_aside, site_dir) if _set_aside else None


def _remove_set_aside() -> None:
    global _set_aside
    if _set_aside:
        remove_tree(_set_aside)
        _set_aside = None


def _replace_last_site(last: LastSite | None) -> None:
    global _last_site
    build_log = logging.getLogger("mkdocs.commands.build")
    if _last_site:
        build_log.removeFilter(_last_site.notice)
    _last_site = last
    if last:
        build_log.addFilter(last.notice)


def _kb_json(kb: KnowledgeBase, cache: Cache) -> tuple[str, set[str]]:
    """kb.json, and the cache entries it used: made in a child, they must still count as used here."""
    return to_json(kb, store=cache.store("json")), cache.used_keys("json")


def _uses_pagefind(config: MkDocsConfig) -> bool:
    return config.extra.get("kb_search", "pagefind") == "pagefind"


def on_files(files: Files, config: MkDocsConfig) -> None:
    if _build:
        _build[1].on_files(files)


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> None:
    if _build:
        _build[1].nav = nav
        _build[1].prerender_if_cold(config, files)


@event_priority(100)  # first: before any plugin reads the page's source
def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> None:
    if _build:
        _build[1].before_read(page, files)


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
    global _second_core
    if not _build:
        return env
    env = _build[1].on_env(env, config, files)
    if _uses_pagefind(config):
        _second_core = SecondCore.start(config, files, _build[1].nav, env, _build[1], _last_site)
        _build[1].elsewhere = _second_core.pages if _second_core else set()
    return env


@event_priority(100)  # first: before the search plugin reads the content
def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> None:
    if _build:
        _build[1].before_context(page)


@event_priority(100)  # first: the page as the cache can give it again, before other plugins' changes
def _remember_finished_page(output: str, page: Page, config: MkDocsConfig) -> None:
    if _build:
        _build[1].after_page(page, output)


@event_priority(-100)  # last: the page exactly as MkDocs is about to write it
def _link_unchanged_page(output: str, page: Page, config: MkDocsConfig) -> str | None:
    if _last_site and _last_site.carry_page(page.file.src_uri, page.file.dest_uri, output):
        return ""  # linked: MkDocs writes nothing for an empty page (and its notice is filtered)
    return None


on_post_page = CombinedEvent(_remember_finished_page, _link_unchanged_page)


def on_post_build(config: MkDocsConfig) -> None:
    global _last_steps, _second_core, _set_aside
    report = None
    if _build and _second_core:
        second, _second_core = _second_core, None
        report = second.finish(_build[1])
        log.info(f"Pages: {report.pages} of {len(_build[1].page_keys)} written by a second process, on the other core")
    if _last_site:
        linked = len(_last_site.pages) + (report.linked if report else 0)
        log.info(f"Site: {linked} unchanged pages linked from the last site, not written again")
    site_dir = Path(config.site_dir)
    if _uses_pagefind(config):
        (site_dir / fulltext.PAGEFIND_DIR).mkdir(exist_ok=True)  # the site uses Pagefind: see kb.finish
    handed_over = _hand_over_last_steps()
    if _build:  # once the pages are handed over: pruning is not on the way to the finished site
        cache, pages = _build
        pages.finish()
        if not pages.warnings.count:
            cache.prune("essays")
            cache.prune("essay-pages")
            cache.prune("json")
        log.info(f"Cache: {pages.hits['unread']} pages not read again; {pages.hits['render']} pages' Markdown "
                 f"and {pages.hits['page']} finished pages reused")
    if handed_over:
        return
    if _serving:
        # the folder set aside goes once the search index has linked its unchanged bundles from it
        _last_steps = finish.OnAThread(site_dir, _build[0] if _build else None, _last_site, remove_after=_set_aside)
        _set_aside = None
        log.info("Headers and search index: being written in the background; the pages are ready")
        return
    start = time.perf_counter()
    try:
        done = finish.start(site_dir, _build[0] if _build else None)
    except PolicyError as error:
        raise PluginError(f"Cannot write the site's headers: {error}") from error
    log.info(f"Headers: _headers written in {time.perf_counter() - start:.2f}s; "
             f"the policy allows {len(done.headers.scripts)} inline scripts by hash")
    if done.indexing:
        try:
            done.indexing.finish()
        except RuntimeError as error:
            raise PluginError(str(error)) from error
        log.info(f"Search index (Pagefind: {done.indexing.summary}) written in {time.perf_counter() - start:.2f}s")


def _hand_over_last_steps() -> bool:
    """Under `python -m kb build`, which indexes the site and writes its headers in its own process:
    tell it every page is written (on the pipe's end it passed), and leave those steps to it."""
    if not os.environ.get(finish.FINISHED_OUTSIDE, "").isdigit():
        return False
    try:
        os.write(int(os.environ[finish.FINISHED_OUTSIDE]), b"1")
    except OSError:
        pass  # it then starts once MkDocs has exited
    return True


def on_build_error(error: Exception) -> None:
    global _second_core
    _remove_set_aside()
    if _second_core:
        _second_core.stop()
        _second_core = None
    if _build:
        _build[1].abandon()


def on_serve(server, config: MkDocsConfig, builder):  # noqa: ANN001 - MkDocs' own types
    server.watch(str(_seeds_dir(config)))
    watch.watch_docs_but_not_generated_pages(server, Path(config.docs_dir), _is_generated)
    watch.hear_changes_from_the_system(server)
    return server


def _is_generated(path: str) -> bool:
    """Whether ``path`` (in docs/, with "/") is a page a build writes, not an editor's."""
    parts = path.split("/")
    return bool(path) and (parts[0] in GENERATED_DIRS or path in _generated or parts[-1].startswith(TEMPORARY_PREFIX))
