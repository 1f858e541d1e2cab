"""MkDocs' last loop, pages through the theme's templates, shared with the other core.

Once every page's HTML is known (``on_env``), MkDocs renders the pages
through Material's templates one after another: about 3 ms a page, the
largest serial part of a first build. ``SecondCore.start`` forks a child that
renders and writes every other page, exactly as MkDocs would (its own
``_build_page``), while MkDocs goes on with the rest. In MkDocs' loop a page
the child writes gets an empty template, so MkDocs writes nothing for it.

The child shares the build's memory, so nothing is sent to it. It sends back
what the build must still count: the warnings its pages logged (logged again
here, so ``--strict`` sees them), the cache entries it used and the pages it
took from the cache. Only for Pagefind builds, where no page adds entries to
Material's search index (their order there would change), and only where
``kb.parallel.in_background`` may fork. ``_build_page`` is private to MkDocs;
1.6.1 is MkDocs' last release, so it stays as it is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from jinja2 import ChoiceLoader, DictLoader, Environment
from mkdocs.commands.build import _build_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation

from .carryover import LastSite, SkippedPageNotice
from .parallel import Pending, in_background, may_fork

ELSEWHERE_TEMPLATE = "kb-written-by-the-other-core.html"
MIN_PAGES = 100  # fewer: the fork costs more than it saves


@dataclass
class ChildReport:
    records: list[tuple[str, int, str]] = field(default_factory=list)  # (logger, level, message) of warnings
    used: set[str] = field(default_factory=set)  # page-cache keys
    reused: int = 0  # finished pages taken from the cache
    pages: int = 0
    linked: int = 0  # pages linked from the last site (kb.carryover), not written


class _Relay(logging.Handler):
    """In the child: keep the warnings for the parent to log, print nothing itself."""

    def __init__(self, report: ChildReport) -> None:
        super().__init__(logging.WARNING)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        self.report.records.append((record.name, record.levelno, record.getMessage()))


class SecondCore:
    """The pages the child writes, and the child's report once collected."""

    def __init__(self, pages: set[str], pending: Pending[ChildReport]) -> None:
        self.pages = pages
        self.pending = pending
        self.notice = SkippedPageNotice(pages)
        logging.getLogger("mkdocs.commands.build").addFilter(self.notice)

    @classmethod
    def start(cls, config: MkDocsConfig, files: Files, nav: Navigation | None, env: Environment,
              page_cache: Any, last_site: LastSite | None) -> "SecondCore | None":
        """Called last in ``on_env``: fork the child, and give its pages an empty template here."""
        pages = files.documentation_pages(inclusion=InclusionLevel.is_included)
        # only in a child: _render_in_child takes MkDocs' log handlers away from the process it runs in
        if nav is None or len(pages) < MIN_PAGES or not may_fork():
            return None
        theirs = [file for number, file in enumerate(pages) if number % 2 == 1]
        pending = in_background(_render_in_child, config, pages, theirs, nav, env, page_cache, last_site)
        env.loader = ChoiceLoader([DictLoader({ELSEWHERE_TEMPLATE: ""}), env.loader])
        for file in theirs:
            file.page.meta["template"] = ELSEWHERE_TEMPLATE
        return cls({file.src_uri for file in theirs}, pending)

    def finish(self, page_cache: Any) -> ChildReport:
        """Wait for the child; log its warnings here and count what it used. Returns its report."""
        try:
            report = self.pending.result()
        finally:
            self.stop()
        for name, level, message in report.records:
            logging.getLogger(name).log(level, message)
        page_cache.count_child(report.used, report.reused)
        return report

    def stop(self) -> None:
        self.pending.stop()
        logging.getLogger("mkdocs.commands.build").removeFilter(self.notice)


def _render_in_child(config: MkDocsConfig, pages: list, theirs: list, nav: Navigation, env: Environment,
                     page_cache: Any, last_site: LastSite | None) -> ChildReport:
    report = ChildReport()
    mkdocs_log = logging.getLogger("mkdocs")
    for handler in list(mkdocs_log.handlers):
        mkdocs_log.removeHandler(handler)
    mkdocs_log.addHandler(_Relay(report))
    for file in theirs:
        _build_page(file.page, config, pages, nav, env, excluded=file.inclusion.is_excluded())
        report.pages += 1
    report.used, report.reused = page_cache.used_page_keys(), page_cache.hits["page"]
    report.linked = len(last_site.pages) if last_site else 0
    return report
