"""Build a copy of the project and read the HTML it makes: links, anchors, text.

Used by the integration tests; kept separate so the browser tests can reuse it.
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from conftest import _sitetools
from kb.sitedir import LOCK_NAME

# one definition of "the project's sources, nothing generated", shared with the scripts
copy_project = _sitetools().copy_project


def build(project: Path, site: str = "site") -> subprocess.CompletedProcess[str]:
    """``python -m kb build``, and then its clean-up: the old site goes after the build returns."""
    result = subprocess.run([sys.executable, "-m", "kb", "build", "-d", site], cwd=project, capture_output=True, text=True)
    wait_for_clean_up(project)
    return result


def wait_for_clean_up(project: Path) -> None:
    """Wait as the next build would: the process deleting the old site holds the lock until it is done."""
    lock = project / LOCK_NAME
    if lock.exists():
        with open(lock, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class Page:
    path: Path
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)  # href of <a>
    resources: list[str] = field(default_factory=list)  # src / stylesheet href
    text: list[str] = field(default_factory=list)  # visible text nodes


class _Reader(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.page.ids.add(a["id"] or "")
        if tag == "a" and a.get("href") is not None:
            self.page.links.append(a["href"] or "")
        if tag in ("script", "img", "iframe", "source") and a.get("src"):
            self.page.resources.append(a["src"] or "")
        if tag == "link" and a.get("rel") in ("stylesheet", "preload", "icon", "modulepreload") and a.get("href"):
            self.page.resources.append(a["href"] or "")
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.page.text.append(data)


def read_page(path: Path) -> Page:
    page = Page(path)
    _Reader(page).feed(path.read_text(encoding="utf-8"))
    return page


def read_site(site: Path) -> dict[Path, Page]:
    return {p: read_page(p) for p in sorted(site.rglob("*.html"))}


def resolve(site: Path, page: Path, href: str) -> tuple[Path | None, str]:
    """Where an internal link lands: (file, fragment); (None, '') for external links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("mailto:"):
        return None, ""
    if not parts.path:
        return page, unquote(parts.fragment)
    # the 404 page links from the site root, since it is served at any depth
    base = site if parts.path.startswith("/") else page.parent
    target = (base / unquote(parts.path).lstrip("/")).resolve()
    if target.is_dir() or parts.path.endswith("/"):
        target = target / "index.html"
    return target, unquote(parts.fragment)
