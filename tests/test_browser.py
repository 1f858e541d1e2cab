"""The built site as readers use it, in headless Chromium: search, links, menus, accessibility.

Fixtures (tests/conftest.py): ``browser_site`` builds a copy of the project
once per session, ``site_url`` serves it on a free port of 127.0.0.1 like a
static host (404.html for missing addresses), ``browser`` is Debian's
Chromium driven by Playwright.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import ROOT

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 740}
TIMEOUT_MS = 10_000
SETTLE_MS = 200  # search results count as final once the list has not changed for this long

# A reader's words -> the pages accepted among the first 3 results (any one of them).
# Most are words the essays never use (a test checks which); the topic synonyms
# in seeds/topics.yml and the readers' words in seeds/search.yml find them.
QUERIES: dict[str, tuple[str, ...]] = {
    # plain terms
    "live streaming": ("topics/live-streaming/",),
    "tiktok": ("topics/live-streaming/",),
    "price war": ("topics/price-crushing/",),
    "influencer": ("topics/we-media-content/",),
    "group buying": ("topics/community-commerce/",),
    "loyal customers": ("topics/build-fan-base/",),
    "monopoly": ("topics/oligopoly/",),
    "pyramid scheme": ("topics/wechat-business-collapse/",),
    "artificial intelligence": ("topics/big-data-iot-ai/",),
    "venture capital": ("topics/big-sellers-and-capital/",),
    "first mover advantage": ("topics/new-opportunities/",),
    "shopping mall": ("topics/ka-stores-and-malls/",),
    "expensive traffic": ("topics/platform-traffic-drying-up/",),
    "disruption": ("topics/model-obsolescence/",),
    "comfort zone": ("topics/complacency/",),
    "hiring staff": ("topics/optimise-talent/",),
    "personal brand": ("topics/build-brand/",),
    "omnichannel": ("topics/new-sales-channels/",),
    "exit strategy": ("topics/acquisition-target/",),
    "early adopter": ("topics/spot-trends-early/",),
    # plurals and verb forms
    "influencers": ("topics/we-media-content/",),
    "livestreams": ("topics/live-streaming/",),
    "brands": ("topics/build-brand/",),
    "competitors": ("topics/price-crushing/", "topics/squeeze-by-big-sellers/", "topics/oligopoly/"),
    "suppliers": ("topics/consolidate-supply-chain/",),
    "pricing": ("topics/price-crushing/",),
    "expanding too quickly": ("topics/blind-expansion/", "topics/scale-up-fast/"),
    "acquired": ("topics/acquisition-target/",),
    # typos
    "competiton": ("topics/price-crushing/", "topics/squeeze-by-big-sellers/", "topics/oligopoly/"),
    "influncer": ("topics/we-media-content/",),
    "livestreming": ("topics/live-streaming/",),
    "oligapoly": ("topics/oligopoly/",),
    "suply chain": ("topics/consolidate-supply-chain/",),
    # questions
    "too big too fast": ("topics/blind-expansion/",),
    "sell my business": ("topics/acquisition-target/",),
    "should I expand": ("topics/blind-expansion/",),
    "how do I get more followers": ("topics/build-fan-base/",),
    "how to compete with big sellers": ("topics/price-crushing/", "topics/squeeze-by-big-sellers/"),
    "what is private traffic": ("topics/build-fan-base/",),
    # words the essays never use
    "covid": ("topics/live-streaming/", "topics/new-sales-channels/"),
    "pandemic": ("topics/live-streaming/", "topics/new-sales-channels/"),
    "tiktok shop": ("topics/live-streaming/", "topics/new-sales-channels/"),
    "private traffic": ("topics/build-fan-base/",),
    "amazon": ("topics/oligopoly/", "topics/ride-on-big-players/"),
    "customer retention": ("topics/build-fan-base/",),
    # Chinese
    "小而美": ("topics/complacency/", "glossary/#small-and-beautiful"),
    "直播": ("topics/live-streaming/", "glossary/#live-broadcast"),
    "微商": ("topics/wechat-business-collapse/", "glossary/#wechat-business"),
    "私域流量": ("topics/build-fan-base/",),
    "抖音": ("topics/live-streaming/",),
    "割韭菜": ("topics/wechat-business-collapse/", "glossary/#leeks-are-cut"),
}

# The offline copy's (Material's lunr) search: resolves once its result list has been still for SETTLE_MS after
# showing a result count ("3 matching documents", "No matching documents"):
# each keystroke starts a search, so the last list to appear is the answer to
# the whole query. Returns each result's page (first link of each item).
READ_RESULTS = """([settle, timeout]) => new Promise((resolve, reject) => {
  const list = document.querySelector('.md-search-result__list');
  const meta = document.querySelector('.md-search-result__meta');
  const counted = () => /matching|no match/i.test(meta.textContent);
  let timer;
  const watch = new MutationObserver(() => settled());
  const stop = () => { watch.disconnect(); clearTimeout(timer); clearTimeout(limit); };
  const done = () => {
    if (!counted()) return settled();
    stop();
    resolve([...list.children].map(li => li.querySelector('a').href));
  };
  const settled = () => { clearTimeout(timer); timer = setTimeout(done, settle); };
  const limit = setTimeout(() => { stop(); reject(new Error('no search results: ' + meta.textContent.trim())); }, timeout);
  watch.observe(list, {childList: true, subtree: true, characterData: true});
  watch.observe(meta, {childList: true, subtree: true, characterData: true});
  settled();
})"""


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_kb(browser_site: Path) -> dict:
    return json.loads((browser_site / "kb.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def page_types(site_kb: dict) -> dict[str, str]:
    """One address (relative to the site root) per page type."""
    topic = next(t for t in site_kb["topics"] if t["category"] == "trend")
    essay = max(site_kb["essays"], key=lambda e: len(e["paragraphs"]))
    return {
        "home": "", "section": "trends/", "topic": topic["url"], "essay": essay["url"], "glossary": "glossary/",
        "tags": "tags/", "matrix": "matrix/", "map": "map/", "essays index": "essays/", "about": "about/",
        "export": "export/",
    }


PAGE_TYPES = ["home", "section", "topic", "essay", "glossary", "tags", "matrix", "map", "essays index", "about", "export"]
STATES = ["search results open", "search: not covered", "not found (404)", "phone, menu open", "phone, search results open"]


def _context(browser: Browser, site_url: str, **options) -> BrowserContext:
    context = browser.new_context(base_url=site_url, viewport=options.pop("viewport", DESKTOP), **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def page(browser: Browser, site_url: str):
    context = _context(browser, site_url)
    yield context.new_page()
    context.close()


@pytest.fixture
def mobile_page(browser: Browser, site_url: str):
    context = _context(browser, site_url, viewport=MOBILE, is_mobile=True, has_touch=True, device_scale_factor=2)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def search_page(browser: Browser, site_url: str):
    """The home page with its search ready, shared by the search queries."""
    context = _context(browser, site_url)
    page = context.new_page()
    page.goto("")
    expect(page.locator(".md-search-result__meta")).not_to_contain_text("Initializing")
    yield page
    context.close()


@dataclass
class Tour:
    """What a reader's browser did and met on a walk through every page type."""

    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    violations: dict[str, list[dict]] = field(default_factory=dict)  # axe-core's, by page type or state


@pytest.fixture(scope="module")
def tour(browser: Browser, site_url: str, page_types: dict[str, str]) -> Tour:
    """One walk through the site that records every request and runs axe-core on every page type.

    Every page type on a desktop, a topic page with a tooltip and search results
    open, the 404 page, then an essay on a phone with the menu open. Requests to
    any other origin are recorded and aborted, so nothing leaves the machine.
    """
    origin = site_url.rstrip("/")
    seen = Tour()
    context = _context(browser, site_url)
    context.on("request", lambda r: seen.requests.append(r.url))
    context.on("requestfailed", lambda r: seen.failures.append(f"{r.url}: {r.failure}"))
    context.on("response", lambda r: r.status >= 400 and "/no/such/" not in r.url
               and seen.failures.append(f"{r.url}: HTTP {r.status}"))
    context.route(lambda url: not url.startswith(origin + "/"), lambda route: route.abort())
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and "/no/such/" not in m.location.get("url", "")
            and seen.errors.append(f"{page.url}: {m.text}"))
    page.on("pageerror", lambda e: seen.errors.append(f"{page.url}: {e}"))

    def visit(url: str) -> None:
        page.goto(url)
        # the search index is the last thing a page fetches
        expect(page.locator(".md-search-result__meta")).not_to_contain_text("Initializing")

    try:
        for name, url in page_types.items():
            visit(url)
            seen.violations[name] = AXE.run(page).response["violations"]
        visit(page_types["topic"])
        page.locator("article abbr[title]").first.hover()
        assert search(page, "price war")
        seen.violations["search results open"] = AXE.run(page).response["violations"]
        search(page, "cash flow")
        seen.violations["search: not covered"] = AXE.run(page).response["violations"]
        page.keyboard.press("Escape")
        visit("no/such/page/")
        seen.violations["not found (404)"] = AXE.run(page).response["violations"]
        page.set_viewport_size(MOBILE)
        visit(page_types["essay"])
        page.locator("label.md-header__button[for='__drawer']").click()
        expect(page.locator("#__drawer")).to_be_checked()
        page.wait_for_load_state("networkidle")
        seen.violations["phone, menu open"] = AXE.run(page).response["violations"]
        visit(page_types["topic"])
        assert search(page, "小而美")
        seen.violations["phone, search results open"] = AXE.run(page).response["violations"]
    finally:
        context.close()
    return seen


# --- helpers -----------------------------------------------------------------------------

AXE = Axe()  # axe-core 4.x as bundled by axe-playwright-python; all rules it runs by default


def open_search(page: Page):
    """The search box, opened as a reader opens it (on a phone it hides behind the magnifier button)."""
    box = page.locator("input.md-search__input")
    if not page.locator("#__search").is_checked():
        opener = page.locator("label.md-header__button[for='__search']")
        if opener.is_visible():
            opener.click()
        else:
            box.click()
    expect(box).to_be_focused()
    return box


def type_query(page: Page, query: str) -> None:
    """Select what is in the open box and type ``query`` over it, key by key."""
    box = open_search(page)
    box.press("Control+a")
    box.press_sequentially(query)
    if re.search(r"[\u3400-\u9fff]", query):
        box.dispatch_event("keyup")  # characters typed this way come without key events
    page.wait_for_function(
        "q => { const r = document.querySelector('[data-kb-search]'); return r.dataset.state === 'done' && r.dataset.query === q; }",
        arg=query, timeout=TIMEOUT_MS)


def search(page: Page, query: str) -> list[str]:
    """Type ``query`` into the site's search box like a person; the result pages (with any #anchor), best first."""
    type_query(page, query)
    results = page.eval_on_selector_all(".md-search-result__list .md-search-result__link", "as => as.map(a => a.href)")
    return [urlsplit(r)._replace(query="").geturl() for r in results]


def search_lunr(page: Page, query: str) -> list[str]:
    """The same with Material's own search (the offline copy): its result pages, best first."""
    box = page.locator("input.md-search__input")
    if not page.locator("#__search").is_checked():
        box.click()
    expect(box).to_be_focused()
    box.press("Control+a")
    box.press_sequentially(query)
    results = page.evaluate(READ_RESULTS, [SETTLE_MS, TIMEOUT_MS])
    return [urlsplit(r)._replace(query="", fragment="").geturl() for r in results]


def visible_text(text: str) -> str:
    return " ".join(text.replace("“", "").replace("”", "").split()).strip(" .;…").lower()


def described(violations: list[dict]) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]} - {v['help']}" for v in violations]


# --- search ------------------------------------------------------------------------------


@pytest.mark.parametrize("query", QUERIES)
def test_search_finds_an_accepted_page_for_a_readers_words(search_page: Page, site_url: str, query: str) -> None:
    results = [r.removeprefix(site_url) for r in search(search_page, query)]
    accepted = QUERIES[query]
    # a glossary answer may be the term's own entry or the glossary page
    top = [r if r in accepted else r.split("#")[0] for r in results[:3]]
    assert set(top) & set(accepted), f"{query!r}: none of {accepted} in the first 3 of {results[:5]}"


def pagefind_records(site: Path) -> dict[str, str]:
    """URL -> the text Pagefind indexed for it, read from its fragment files."""
    import gzip

    records = {}
    for fragment in (site / "pagefind").glob("**/fragment/*.pf_fragment"):  # every bundle
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        record = json.loads(data)
        records[record["url"]] = record["content"]
    return records


def test_the_full_text_index_holds_each_sentence_of_an_essay_once(browser_site: Path, site_kb: dict) -> None:
    """Key points and the automatic summary quote the essay; related essays name others: not indexed again."""
    records = pagefind_records(browser_site)
    for essay in site_kb["essays"]:
        content = records["/" + essay["url"].lstrip("/")]
        labelled = [s["text"].split() for p in essay["paragraphs"] for s in p["sentences"] if s["label"] != "context"]
        # from the second word: the page may capitalise the first
        middles = [" ".join(words[1:9]) for words in labelled if len(words) >= 10]
        assert middles and all(content.count(middle) == 1 for middle in middles), essay["title"]
        assert "Related essays" not in content and "Key points" not in content
        assert "Full text" in content


def test_the_lists_of_essays_are_not_in_the_full_text_index(browser_site: Path) -> None:
    """A list repeats each essay's title and first sentence: a query would find the list beside the essay."""
    urls = set(pagefind_records(browser_site))
    assert "/essays/000-b324af7ecf30e8c5/" in urls
    assert not {url for url in urls if url == "/essays/" or url.startswith("/essays/page-")}


def test_there_are_forty_reader_queries_of_every_kind() -> None:
    assert len(QUERIES) >= 40
    assert sum(bool(re.search(r"[\u3400-\u9fff]", q)) for q in QUERIES) >= 5


def test_most_search_words_are_ones_the_essays_never_use(site_kb: dict) -> None:
    text = " ".join(s["text"] for e in site_kb["essays"] for p in e["paragraphs"] for s in p["sentences"]).lower()
    unused = [q for q in QUERIES if q.lower() not in text]
    assert {"live streaming", "price war", "influencer", "covid", "pandemic", "private traffic"} <= set(unused)
    assert len(unused) >= 30, unused


def test_a_topic_page_ranks_first_for_its_own_title(search_page: Page, site_url: str, site_kb: dict) -> None:
    for topic in site_kb["topics"][::4]:
        results = search(search_page, topic["title"])
        assert results and results[0] == site_url + topic["url"], (topic["title"], results[:3])


def test_results_name_the_page_kind_and_mark_the_words(search_page: Page) -> None:
    type_query(search_page, "influencers")
    first = search_page.locator(".md-search-result__item").first
    expect(first.locator(".kb-search-kind")).to_have_text("Trend")
    expect(first.locator("h1")).to_have_text("We media and content-driven selling")
    type_query(search_page, "live streaming")
    kinds = search_page.eval_on_selector_all(".kb-search-kind", "cs => cs.map(c => c.textContent)")
    assert kinds[0] == "Trend" and {"Essay", "Glossary"} <= set(kinds), kinds
    marks = search_page.eval_on_selector_all(".md-search-result__list mark", "ms => ms.map(m => m.textContent.toLowerCase())")
    assert marks and all("live" in m or "stream" in m for m in marks), marks


def test_a_typo_finds_its_topic_and_offers_the_right_spelling(search_page: Page, site_url: str) -> None:
    results = search(search_page, "competiton")
    assert site_url + "topics/price-crushing/" in results[:3]
    suggestion = search_page.locator(".kb-search-notice .kb-search-suggestion")
    expect(suggestion).to_have_text("competition")
    suggestion.click()
    expect(search_page.locator("input.md-search__input")).to_have_value("competition")
    expect(search_page.locator(".kb-search-notice")).to_be_hidden()


def test_words_the_essays_do_not_cover_are_said_to_be_not_covered(search_page: Page, site_url: str) -> None:
    assert search(search_page, "tax") == []
    notice = search_page.locator(".kb-search-notice")
    expect(notice).to_contain_text("The essays don't cover “tax”")
    expect(notice.get_by_role("link", name="risks")).to_have_attribute("href", site_url + "risks/")
    # two words, each known alone, are not a topic: said so, with the closest topics linked
    type_query(search_page, "cash flow")
    expect(notice).to_contain_text("No topic covers “cash flow”")
    assert notice.locator("a").count() >= 1
    # a covered query shows no notice
    type_query(search_page, "covid")
    expect(notice).to_be_hidden()


def test_search_is_used_with_the_keyboard_alone(page: Page, site_url: str) -> None:
    page.goto("about/")
    page.locator("body").press("/")
    box = page.locator("input.md-search__input")
    expect(box).to_be_focused()
    box.press_sequentially("private traffic")
    page.wait_for_function("() => document.querySelector('[data-kb-search]').dataset.query === 'private traffic'"
                           " && document.querySelector('[data-kb-search]').dataset.state === 'done'")
    box.press("ArrowDown")
    first = page.locator(".md-search-result__link").first
    expect(first).to_be_focused()
    box_again = page.locator(".md-search-result__link").nth(1)
    page.keyboard.press("ArrowDown")
    expect(box_again).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(box).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#__search")).not_to_be_checked()
    page.locator("body").press("/")
    expect(box).to_be_focused()
    box.press("Enter")
    page.wait_for_url(site_url + "topics/build-fan-base/")


def test_search_fetches_its_index_only_when_a_reader_searches(browser: Browser, site_url: str) -> None:
    context = _context(browser, site_url)
    fetched: list[str] = []
    context.on("request", lambda r: fetched.append(r.url.removeprefix(site_url)))
    try:
        page = context.new_page()
        page.goto("")
        page.wait_for_load_state("networkidle")
        assert not [u for u in fetched if u.startswith(("pagefind/", "search"))], fetched
        search(page, "brands")
        assert "search-words.json" in fetched
        assert any(u.startswith("pagefind/index/") for u in fetched), fetched
        assert "pagefind/pagefind-worker.js" not in fetched  # no worker: nothing more for the CSP to allow
    finally:
        context.close()


# What the search needs from a Content-Security-Policy, beyond Material's own needs
# (its inline scripts get hashes from the publish step; 'unsafe-inline' stands in for them here).
SEARCH_CSP = "script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'"
MATERIAL_CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; worker-src 'none'"


def _search_under_policy(browser: Browser, site_url: str, script_src: str) -> tuple[list[str], list[str]]:
    context = _context(browser, site_url)
    policy = f"{MATERIAL_CSP}; script-src 'self' 'unsafe-inline' {script_src}; connect-src 'self'"
    def with_policy(route) -> None:  # noqa: ANN001 - Playwright's Route
        response = route.fetch()
        headers = {**response.headers}
        if response.headers.get("content-type", "").startswith("text/html"):
            headers["content-security-policy"] = policy
        route.fulfill(response=response, headers=headers)
    context.route("**/*", with_policy)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda m: m.type in ("error", "warning") and errors.append(m.text))
        page.goto("")
        return search(page, "live streaming"), errors
    finally:
        context.close()


def test_search_works_under_a_strict_content_security_policy(browser: Browser, site_url: str) -> None:
    results, errors = _search_under_policy(browser, site_url, "'wasm-unsafe-eval'")
    assert results[0] == site_url + "topics/live-streaming/"
    assert any("/essays/" in r for r in results), results  # the full-text results came too
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_without_wasm_unsafe_eval_the_full_text_search_is_refused(browser: Browser, site_url: str) -> None:
    """Why the policy must name 'wasm-unsafe-eval': Pagefind's index is read by WebAssembly."""
    results, errors = _search_under_policy(browser, site_url, "")
    assert results[:1] == [site_url + "topics/live-streaming/"]  # the vocabulary still answers
    assert all("/topics/" in r or "#" in r for r in results), results  # the vocabulary's only
    assert [e for e in errors if "WebAssembly" in e or "unsafe-eval" in e], errors


# --- links from quotes to paragraphs -----------------------------------------------------


@pytest.mark.parametrize("category", ["trend", "strategy", "risk"])
def test_an_evidence_quote_lands_on_the_quoted_paragraph_highlighted(page: Page, site_kb: dict, category: str) -> None:
    topic = next(t for t in site_kb["topics"] if t["category"] == category)
    page.goto(topic["url"])
    # each quote's citation ("Six trends for small firms, ¶4") links to its paragraph
    link = page.locator("article li a[href*='/essays/'][href*='#p']").first
    quote = link.evaluate("a => a.closest('li').querySelector('q.kb-quote').innerText")
    link.click()
    page.wait_for_url(re.compile(r"/essays/[^/]+/#p\d+$"))
    anchor = urlsplit(page.url).fragment
    target = page.locator(f"[id='{anchor}']")
    expect(target).to_have_class(re.compile(r"\bessay-paragraph\b"))
    assert visible_text(quote)[:80] in visible_text(target.inner_text()), (quote, target.inner_text())
    # scrolled into view, below the sticky header
    expect(target).to_be_in_viewport()
    header = page.locator("header.md-header").bounding_box()
    box = target.bounding_box()
    assert header and box and box["y"] >= header["y"] + header["height"] - 1, (header, box)
    # highlighted by .essay-paragraph:target, unlike the other paragraphs
    style = "el => { const s = getComputedStyle(el); return [s.backgroundColor, s.outlineStyle, s.outlineColor]; }"
    assert target.evaluate("el => el.matches(':target')")
    other = page.locator(".essay-paragraph:not(:target)").first
    highlighted, plain = target.evaluate(style), other.evaluate(style)
    assert highlighted[0] != plain[0] and highlighted[1] != "none", (highlighted, plain)


# --- lists of topics ---------------------------------------------------------------------


@pytest.mark.parametrize(("section", "category"), [("trends/", "trend"), ("strategies/", "strategy"), ("risks/", "risk")])
def test_a_section_page_lists_every_topic_of_its_kind(page: Page, site_url: str, site_kb: dict, section: str,
                                                       category: str) -> None:
    page.goto(section)
    linked = set(page.eval_on_selector_all("article a[href]", "as => as.map(a => a.href.split('#')[0])"))
    headings = set(page.eval_on_selector_all("article h2 a:not(.headerlink)", "as => as.map(a => a.href)"))
    expected = {site_url + t["url"] for t in site_kb["topics"] if t["category"] == category}
    assert expected <= linked, sorted(expected - linked)
    assert headings == expected, (sorted(headings - expected), sorted(expected - headings))


def test_the_tags_page_lists_every_topic_under_its_kind(page: Page, site_url: str, site_kb: dict) -> None:
    page.goto("tags/")
    listed = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('article h2[id^="tag:"]')].map(h => {
        let list = h.nextElementSibling; while (list && list.tagName !== 'UL') list = list.nextElementSibling;
        return [h.id.slice(4), list ? [...list.querySelectorAll('a')].map(a => a.href) : []];
    }))""")
    expected: dict[str, set[str]] = {}
    for t in site_kb["topics"]:
        expected.setdefault(t["category"], set()).add(site_url + t["url"])
    assert {tag: set(urls) for tag, urls in listed.items()} == expected


# --- phone, 404 --------------------------------------------------------------------------


def test_the_menu_opens_and_navigates_on_a_phone(mobile_page: Page, site_url: str, page_types: dict[str, str]) -> None:
    page = mobile_page
    page.goto(page_types["topic"])
    menu = page.locator("label.md-header__button[for='__drawer']")
    expect(menu).to_be_visible()
    drawer = page.locator("nav.md-nav--primary")
    expect(drawer).not_to_be_in_viewport()
    menu.tap()
    expect(page.locator("#__drawer")).to_be_checked()
    # the menu opens at the topic's own section, its overview first
    trends = drawer.get_by_role("link", name="All trends", exact=True)
    expect(trends).to_be_in_viewport()
    trends.tap()
    page.wait_for_url(site_url + "trends/")
    expect(page.locator("article h1")).to_have_text(re.compile(r"^\s*Trends"))
    # search works from a phone too
    assert site_url + "topics/live-streaming/" in search(page, "live streaming")[:3]


def test_a_missing_address_gets_the_404_page_with_a_way_home(page: Page, site_url: str) -> None:
    response = page.goto("no/such/page/")
    assert response is not None and response.status == 404
    expect(page.locator("article h1")).to_contain_text("not found", ignore_case=True)
    home = page.locator("article").get_by_role("link", name=re.compile("home page", re.I))
    home.click()
    page.wait_for_url(site_url)
    expect(page.locator("article h1")).to_have_text(re.compile("Knowledge Base"))


# --- accessibility ---------------------------------------------------------------------


@pytest.mark.parametrize("page_type", PAGE_TYPES + STATES)
def test_no_axe_violations(tour: Tour, page_type: str) -> None:
    assert described(tour.violations[page_type]) == []


@pytest.fixture(scope="module")
def dark_violations(browser: Browser, site_url: str, page_types: dict[str, str]) -> dict[str, list[dict]]:
    """axe-core on every page type with the system set to dark, so the site shows its dark palette."""
    context = _context(browser, site_url, color_scheme="dark")
    page = context.new_page()
    found = {}
    try:
        for name, url in page_types.items():
            page.goto(url)
            expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
            found[name] = AXE.run(page).response["violations"]
    finally:
        context.close()
    return found


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_no_axe_violations_in_the_dark_palette(dark_violations: dict[str, list[dict]], page_type: str) -> None:
    assert described(dark_violations[page_type]) == []


# --- nothing from outside ----------------------------------------------------------------


def test_reading_every_page_type_requests_nothing_from_outside(tour: Tour, site_url: str) -> None:
    """Every request while reading every page type, searching and opening the menu stays on the site's origin."""
    origin = site_url.rstrip("/") + "/"
    foreign = sorted({r for r in tour.requests if not r.startswith((origin, "data:", "blob:"))})
    assert foreign == []
    assert tour.failures == []
    assert tour.errors == []
    assert len(tour.requests) > len(PAGE_TYPES)


# --- the offline copy --------------------------------------------------------------------


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``make offline``'s build, into a scratch folder."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import offline

    try:
        return offline.build_offline(tmp_path_factory.mktemp("offline") / "site-offline")
    except SystemExit as error:  # the script's own message: npm ci missing, a foreign load, ...
        pytest.fail(str(error))


def test_the_offline_site_searches_from_the_file_system(browser: Browser, offline_site: Path) -> None:
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    context.route(lambda url: not url.startswith("file:"), lambda route: route.abort())
    try:
        page = context.new_page()
        page.goto(offline_site.joinpath("topics", "price-crushing.html").as_uri())
        results = search_lunr(page, "live streaming")
        expected = offline_site.joinpath("topics", "live-streaming.html").as_uri()
        assert expected in results[:3], results[:5]
        page.locator(f".md-search-result__list a[href^='{expected}']").first.click()
        page.wait_for_url(re.compile(re.escape(expected)))
        expect(page.locator("article h1")).to_contain_text("Live streaming")
        # a link between pages works from the file system too
        page.locator("article li a[href*='/essays/'][href*='#p']").first.click()
        page.wait_for_url(re.compile(r"/essays/[^/]+\.html#p\d+$"))
    finally:
        context.close()
    assert [r for r in requests if not r.startswith("file:")] == []


def test_the_offline_zip_holds_the_whole_offline_site(offline_site: Path, tmp_path: Path) -> None:
    import offline

    archive = offline.make_zip(offline_site, tmp_path / "site-offline.zip")
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
    files = {f"site-offline/{p.relative_to(offline_site).as_posix()}" for p in offline_site.rglob("*") if p.is_file()}
    assert names == files
    assert {"site-offline/index.html", "site-offline/search/search_index.js",
            "site-offline/assets/vendor/iframe-worker/shim.js"} <= names
