"""The built site as a returning reader meets it: quotes once and verbatim, names not codes, a feed, dark mode.

Builds one copy of the project (as tests/test_site.py does) and reads the
HTML; the browser checks (overflow at phone and desktop widths, the palette
that follows the system) use the session's Chromium from tests/conftest.py.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import SEEDS

pytestmark = pytest.mark.slow

DEBRIS = re.compile(r"<\s*/?\s*p\s*>", re.I)
ESSAY_CODE = re.compile(r"\bessays?\s+0\d\d\b", re.I)


def normalised(text: str) -> str:
    """Compare quotes modulo typographic quotes, case and spacing."""
    text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    return " ".join(text.lower().split())


class _Quotes(HTMLParser):
    """Text inside every <q> of a page, and the <link>s of its head."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.quotes: list[str] = []
        self.links: list[dict[str, str | None]] = []
        self.depth = 0
        self.current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "q":
            if self.depth == 0:
                self.current = []
            self.depth += 1
        if tag == "link":
            self.links.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "q" and self.depth:
            self.depth -= 1
            if self.depth == 0:
                self.quotes.append("".join(self.current))

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.current.append(data)


def read(path: Path) -> _Quotes:
    parser = _Quotes()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site(browser_site: Path) -> Path:
    """The session's built site (conftest): these tests only read it."""
    return browser_site


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[Path, _Quotes]:
    return {p: read(p) for p in sorted(site.rglob("*.html"))}


@pytest.fixture(scope="module")
def essay_text() -> str:
    """Every essay's words as one normalised text, tag debris turned into spaces."""
    return " ".join(normalised(DEBRIS.sub(" ", p.read_text(encoding="utf-8"))) for p in sorted(SEEDS.glob("*.txt")))


def test_topic_and_matrix_pages_quote_the_essays(site: Path, pages) -> None:
    quoted = [p for p in pages if pages[p].quotes]
    assert site / "matrix" / "index.html" in quoted
    assert sum(1 for p in quoted if "topics" in p.parts) >= 20


def test_no_quote_appears_twice_on_a_page(site: Path, pages) -> None:
    repeats = {str(p.relative_to(site)): sorted({q for q in page.quotes if page.quotes.count(q) > 1})
               for p, page in pages.items()}
    assert {p: q for p, q in repeats.items() if q} == {}


def test_quoted_text_is_the_essays_own_words(site: Path, pages, essay_text: str) -> None:
    changed = sorted({(str(p.relative_to(site)), q) for p, page in pages.items() for q in page.quotes
                      if normalised(q) not in essay_text})
    assert changed == []


def test_no_page_calls_an_essay_by_its_file_number(site: Path) -> None:
    found = {}
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".xml", ".json") and path.name != "kb.json":
            hits = ESSAY_CODE.findall(path.read_text(encoding="utf-8"))
            if hits:
                found[str(path.relative_to(site))] = hits
    assert found == {}


def test_every_page_links_the_feed_in_its_head(site: Path, pages) -> None:
    missing = [str(p.relative_to(site)) for p, page in pages.items()
               if not any(link.get("rel") == "alternate" and link.get("type") == "application/atom+xml"
                          and link.get("href") for link in page.links)]
    assert missing == []


def test_the_feed_lists_every_essay_with_a_date(site: Path) -> None:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(site / "feed.xml").getroot()
    entries = feed.findall("a:entry", ns)
    assert len(entries) == len(list(SEEDS.glob("*.txt")))
    for entry in entries:
        assert re.match(r"\d{4}-\d\d-\d\dT", entry.findtext("a:updated", "", ns))
        assert entry.findtext("a:title", "", ns).strip()
        assert entry.find("a:link", ns).get("href", "").startswith("http")


def test_reader_pages_show_no_cue_lists(site: Path) -> None:
    """Matching cues ("Strategy: have to, want to") belong in the curator's report."""
    offenders = [str(p.relative_to(site)) for p in (site / "topics").rglob("*.html")
                 if re.search(r">(Trend|Strategy|Risk|Context): ", p.read_text(encoding="utf-8"))]
    assert offenders == []


# --- in the browser ------------------------------------------------------------------------

WIDTHS = [{"width": 390, "height": 844}, {"width": 1280, "height": 800}]

# Anything wider than its box: the page itself, or a table scrolling inside its wrapper.
OVERFLOWING = """() => [document.documentElement, ...document.querySelectorAll('article *')]
  .filter(el => el.scrollWidth > el.clientWidth + 1 && !['hidden', 'clip'].includes(getComputedStyle(el).overflowX)
                && (el === document.documentElement || el.clientWidth > 0))
  .map(el => el.tagName + (el.className ? '.' + String(el.className).split(' ')[0] : '') + ' ' + el.scrollWidth + '>' + el.clientWidth)"""


@pytest.mark.browser
@pytest.mark.parametrize("viewport", WIDTHS, ids=["phone", "desktop"])
@pytest.mark.parametrize("address", ["", "matrix/"], ids=["home", "matrix"])
def test_no_horizontal_scrolling(browser, site_url: str, viewport: dict, address: str) -> None:
    context = browser.new_context(base_url=site_url, viewport=viewport)
    page = context.new_page()
    page.goto(address)
    assert page.evaluate(OVERFLOWING) == []
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize(("system", "scheme"), [("light", "default"), ("dark", "slate")])
def test_the_palette_follows_the_system_and_can_be_toggled(browser, site_url: str, system: str, scheme: str) -> None:
    context = browser.new_context(base_url=site_url, color_scheme=system)
    page = context.new_page()
    page.goto("")
    assert page.evaluate("document.body.dataset.mdColorScheme") == scheme
    page.locator("form[data-md-component=palette] label:visible").first.click()
    assert page.evaluate("document.body.dataset.mdColorScheme") != scheme
    context.close()
