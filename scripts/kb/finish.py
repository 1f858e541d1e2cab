"""The site's last steps, once MkDocs has written every page: the search index and the headers.

Pagefind (its own process, using the other core) and the headers step read
the finished pages side by side; neither writes anything the other reads.
``python -m kb build`` runs these in its own process once MkDocs has written
the pages, while MkDocs exits, so that Pagefind (1.7 GB at 10,000 essays) does
not hold its memory beside MkDocs' (about 0.5 GB then); a build run by MkDocs
alone runs them from the hook; ``mkdocs serve`` runs them on a thread
(``OnAThread``), so that the changed page is shown without waiting for them.

A site uses Pagefind when its ``pagefind/`` folder exists: the hook makes it
empty, and the headers allow WebAssembly only then.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import Cache, code_version
from .sitedir import remove_tree

if TYPE_CHECKING:  # imported when used: `python -m kb build` starts MkDocs before it needs them
    from .carryover import LastSite
    from .headers import SiteContent
    from .fulltext import IndexRun

# Set by `python -m kb build` for the MkDocs it runs: leave the last steps to it, and
# say when every page is written by writing to this file descriptor (a pipe).
FINISHED_OUTSIDE = "KB_PAGES_WRITTEN_FD"


@dataclass
class Finishing:
    headers: SiteContent
    indexing: IndexRun | None  # still running: ``finish()`` waits for it


def start(site_dir: Path, cache: Cache | None, last: LastSite | None = None) -> Finishing:
    """Start Pagefind if the site uses it, and write ``_headers`` meanwhile.

    ``last`` is the site this one replaces, if any: files it holds unchanged are linked from it.

    Raises ``headers.PolicyError`` (Pagefind stopped) for a page the policy cannot allow.
    """
    from . import fulltext

    uses_pagefind = (site_dir / fulltext.PAGEFIND_DIR).is_dir()
    indexing = fulltext.start_index(site_dir, cache, last) if uses_pagefind else None
    try:
        headers = write_headers(site_dir, cache)
    except BaseException:
        if indexing:
            indexing.cancel()
        raise
    return Finishing(headers, indexing)


class OnAThread:
    """``start`` and the search index's ``finish``, on a thread: for ``mkdocs serve``.

    The dev server shows the rebuilt pages as soon as the build returns; the
    headers and search index follow a second or two later. The next build
    calls ``wait`` before it touches the site folder.
    """

    def __init__(self, site_dir: Path, cache: Cache | None, last: LastSite | None = None,
                 remove_after: Path | None = None) -> None:
        """``last``: the site this one replaces; ``remove_after``: a folder to delete once done (it may be ``last``'s)."""
        self.errors: list[str] = []
        self._indexing: IndexRun | None = None
        self._stopping = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, args=(site_dir, cache, last, remove_after),
                                        name="kb-last-steps", daemon=True)
        self._thread.start()

    def _run(self, site_dir: Path, cache: Cache | None, last: LastSite | None, remove_after: Path | None) -> None:
        try:
            self._finish(site_dir, cache, last)
        finally:
            if remove_after:
                remove_tree(remove_after)

    def _finish(self, site_dir: Path, cache: Cache | None, last: LastSite | None) -> None:
        from .headers import PolicyError

        try:
            done = start(site_dir, cache, last)
            with self._lock:
                self._indexing, stopping = done.indexing, self._stopping
            if done.indexing and stopping:
                done.indexing.cancel()
            elif done.indexing:
                done.indexing.finish()
        except PolicyError as error:
            self.errors.append(f"Cannot write the site's headers: {error}")
        except RuntimeError as error:  # Pagefind failed (or was stopped)
            if not self._stopping:
                self.errors.append(str(error))

    def wait(self) -> list[str]:
        """Wait for the thread; the errors it met, each a sentence for the log."""
        self._thread.join()
        return self.errors

    def stop(self) -> None:
        """Stop Pagefind, if it runs, and wait for the thread."""
        with self._lock:
            self._stopping = True
            indexing = self._indexing
        if indexing:
            indexing.stop()
        self._thread.join()


def write_headers(site_dir: Path, cache: Cache | None) -> SiteContent:
    """``site/_headers``, parsing only the pages an earlier build did not (their readings are kept in the cache)."""
    from .headers import write_headers_file

    key = code_version()
    memo = (cache.get("site-code", key) if cache else None) or {}
    content = write_headers_file(site_dir, memo)
    if cache:
        cache.put("site-code", key, memo)
        cache.prune("site-code")  # an older code version's memo
    return content


def cache_for(config_file: Path) -> Cache:
    """The build cache beside mkdocs.yml (the hook's, too)."""
    return Cache(config_file.resolve().parent / ".cache" / "kb")
