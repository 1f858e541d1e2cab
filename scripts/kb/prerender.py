"""Markdown -> HTML for many pages on every core, before MkDocs asks for them one at a time.

MkDocs renders pages one after another. When the page cache is cold (a first
build, new code or settings), ``prerender`` renders the pages in worker
processes, each with its own MkDocs configuration loaded from the same
mkdocs.yml, and each worker stores its pages in the build cache under the key
``kb.pagecache`` computes for them: the same settings, source bytes, front
matter and final Markdown. MkDocs then renders each page as usual, and
``kb.pagecache`` finds it stored, checking every link lookup again as for any
stored page. A page whose rendering logged a warning in a worker is not
stored, so MkDocs renders it again and logs the warning where ``--strict``
counts it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from .cache import digest
from .parallel import MIN_ITEMS_FOR_POOL, map_in_order, workers


def page_input(page: Any, markdown: str) -> str:
    """The hash of what a page's rendering reads from the page itself."""
    return digest(page.file.content_bytes, repr(page.meta), markdown)


def prerender(config_file: str, overrides: dict[str, Any], src_uris: list[str]) -> int:
    """Render and store each page in worker processes; the number stored.

    Only ever in worker processes: loading the site again in this process would
    run this build's own hooks a second time.
    """
    if workers() < 2 or len(src_uris) < MIN_ITEMS_FOR_POOL:
        return 0
    # fresh processes: a forked worker would load the site with this build's hook state and prerender again
    return sum(map_in_order(_render_page, src_uris, _load_site, (config_file, overrides), fresh_processes=True))


class WarningCounter(logging.Handler):
    """Counts the warnings logged while it is attached: a page rendered with one is never reused."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _load_site(config_file: str, overrides: dict[str, Any]) -> tuple[Any, Any, Any]:
    """In a worker: the configuration, plugins and files, as ``mkdocs build`` sets them up, and the page cache."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files, set_exclusions
    from mkdocs.structure.nav import get_navigation
    from mkdocs.structure.pages import Page

    from .finish import cache_for
    from .pagecache import PageCache

    config = load_config(config_file, **overrides)
    config.plugins.on_startup(command="build", dirty=False)
    config = config.plugins.on_config(config)
    files = get_files(config)
    files.add_files_from_theme(config.theme.get_env(), config)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    config.plugins.on_nav(get_navigation(files, config), config=config, files=files)
    for file in files.documentation_pages():
        if file.page is None:
            Page(None, file, config)
    pages = PageCache(cache_for(Path(config_file)), config)
    pages.on_files(files)  # the site's files, as the build's own PageCache hashes them
    return config, files, pages


def _render_page(site: tuple[Any, Any, Any], src_uri: str) -> bool:
    """Render one page and store it for the build; False when its rendering logged a warning."""
    from .pagecache import RenderedMarkdown, _RecordingFiles

    config, files, pages = site
    page = files.get_file_from_path(src_uri).page
    before = pages.warnings.count
    page.read_source(config)
    markdown = page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
    recorder = _RecordingFiles(files)
    page.render(config, recorder)
    clean = pages.warnings.count == before
    if clean:
        pages.cache.put(pages.render_kind, pages.render_key(page, page_input(page, markdown)),
                        RenderedMarkdown.of(page, recorder.lookups))
    page.content = page.markdown = None  # the worker keeps its pages: free what is no longer needed
    return clean
