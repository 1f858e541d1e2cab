"""Markdown -> HTML for many pages on every core, before MkDocs asks for them one at a time.

MkDocs renders pages one after another. When the page cache is cold (a first
build, new code or settings), ``prerender`` renders the pages in worker
processes, each with its own MkDocs configuration loaded from the same
mkdocs.yml. MkDocs then renders each page as usual, except that
``kb.pagecache`` takes the worker's result when it was made from exactly the
same input: the same source bytes, front matter and final Markdown (checked
by hash in the main process) and the same answers to every link lookup. A
page whose rendering logged a warning in a worker is rendered again by MkDocs,
so the warning is logged where ``--strict`` counts it.
"""

from __future__ import annotations

import logging
from typing import Any

from .cache import digest
from .parallel import MIN_ITEMS_FOR_POOL, map_in_order, workers


def page_input(page: Any, markdown: str) -> str:
    """The hash of what a page's rendering reads from the page itself."""
    return digest(page.file.content_bytes, repr(page.meta), markdown)


def prerender(config_file: str, overrides: dict[str, Any], src_uris: list[str]) -> dict[str, tuple[str, Any]]:
    """src_uri -> (page_input, RenderedMarkdown) for each page rendered without a warning.

    Only ever in worker processes: loading the site again in this process would
    run this build's own hooks a second time.
    """
    if workers() < 2 or len(src_uris) < MIN_ITEMS_FOR_POOL:
        return {}
    # fresh processes: a forked worker would load the site with this build's hook state and prerender again
    results = map_in_order(_render_page, src_uris, _load_site, (config_file, overrides), fresh_processes=True)
    return {src: result for src, result in zip(src_uris, results) if result is not None}


class WarningCounter(logging.Handler):
    """Counts the warnings logged while it is attached: a page rendered with one is never reused."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _load_site(config_file: str, overrides: dict[str, Any]) -> tuple[Any, Any, WarningCounter]:
    """In a worker: the configuration, plugins and files, as ``mkdocs build`` sets them up."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files
    from mkdocs.structure.nav import get_navigation
    from mkdocs.structure.pages import Page

    config = load_config(config_file, **overrides)
    config.plugins.on_startup(command="build", dirty=False)
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    config.plugins.on_nav(get_navigation(files, config), config=config, files=files)
    for file in files.documentation_pages():
        if file.page is None:
            Page(None, file, config)
    counter = WarningCounter()
    logging.getLogger("mkdocs").addHandler(counter)
    return config, files, counter


def _render_page(site: tuple[Any, Any, WarningCounter], src_uri: str) -> tuple[str, Any] | None:
    from .pagecache import RenderedMarkdown, _RecordingFiles

    config, files, counter = site
    page = files.get_file_from_path(src_uri).page
    before = counter.count
    page.read_source(config)
    markdown = page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
    recorder = _RecordingFiles(files)
    page.render(config, recorder)
    if counter.count > before:
        return None
    rendered = RenderedMarkdown.of(page, recorder.lookups)
    result = (page_input(page, markdown), rendered)
    page.content = page.markdown = None  # the worker keeps its pages: free what is no longer needed
    return result
