"""The site's last steps, once MkDocs has written every page: the search index and the headers.

Pagefind (its own process, using the other core) and the headers step read
the finished pages side by side; neither writes anything the other reads.
``python -m kb build`` runs these in its own process once MkDocs has written
the pages, while MkDocs exits, so that Pagefind (1.7 GB at 10,000 essays) does
not hold its memory beside MkDocs' (about 0.5 GB then); a build run by MkDocs
alone (``mkdocs serve``) runs them from the hook.

A site uses Pagefind when its ``pagefind/`` folder exists: the hook makes it
empty, and the headers allow WebAssembly only then.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import Cache, code_version

if TYPE_CHECKING:  # imported when used: `python -m kb build` starts MkDocs before it needs them
    from .headers import SiteContent
    from .fulltext import IndexRun

# Set by `python -m kb build` for the MkDocs it runs: leave the last steps to it, and
# say when every page is written by writing to this file descriptor (a pipe).
FINISHED_OUTSIDE = "KB_PAGES_WRITTEN_FD"


@dataclass
class Finishing:
    headers: SiteContent
    indexing: IndexRun | None  # still running: ``finish()`` waits for it


def start(site_dir: Path, cache: Cache | None) -> Finishing:
    """Start Pagefind if the site uses it, and write ``_headers`` meanwhile.

    Raises ``headers.PolicyError`` (Pagefind stopped) for a page the policy cannot allow.
    """
    from . import fulltext

    uses_pagefind = (site_dir / fulltext.PAGEFIND_DIR).is_dir()
    indexing = fulltext.start_index(site_dir, cache) if uses_pagefind else None
    try:
        headers = write_headers(site_dir, cache)
    except BaseException:
        if indexing:
            indexing.cancel()
        raise
    return Finishing(headers, indexing)


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
