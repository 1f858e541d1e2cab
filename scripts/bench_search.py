"""Search cost for a reader: bytes fetched and time to results, in headless Chromium.

    python scripts/bench_search.py SITE [SITE ...] [--delay-ms 120]

Serves each built site on 127.0.0.1 (gzip, like a static host), opens its home
page and types reader queries into the search box key by key, as a reader
does. For each site it reports:

- bytes before the first result shown: what the search fetched from opening
  the page until the first query's first results appeared (the vocabulary
  answers before Pagefind; lunr shows nothing before its whole index is in);
- bytes for the whole first query: everything until its results are complete
  (index, vocabulary, scripts, full-text chunks and excerpts);
- bytes per later query: the mean of what each following query fetched;
- ms from the last key to the first results shown and to the complete results;
- the search index's size on disk.

It works on a site built with either engine (``extra.kb_search``): Pagefind
(the published site) or Material's lunr search (``KB_SEARCH=lunr``, as make
offline uses). ``measure`` is what scripts/bench_scale.py and the budget test
(tests/test_search_budget.py) call. The side-by-side table in the README comes
from: build a 10,000-essay site with ``scripts/bench_scale.py --keep DIR``,
build it again with ``KB_SEARCH=lunr python -m kb build -d site-lunr`` in DIR,
then ``python scripts/bench_search.py DIR/site DIR/site-lunr``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sitetools import CHROMIUM, CHROMIUM_ARGS, SiteServer  # noqa: E402

# one of each kind a reader types: plural, topic words, a word the essays never
# use, a typo, a question, a Chinese term
QUERIES = ("influencers", "price war", "covid", "competiton", "sell my business", "直播")
SEARCH_FILES = ("pagefind/", "search/", "search-words.json", "assets/search.js", "assets/javascripts/workers/search")
TIMEOUT_MS = 120_000  # lunr at 10,000 essays loads a 44 MB index before its first answer

# Records, in the page, the time of the last key pressed and of the last change
# to the results; the search box's own "done" state (Pagefind) or a quiet
# period after a result count (lunr) says the answer is complete.
WATCH = """() => {
  performance.setResourceTimingBufferSize(100000);
  window.__kb = { lastKey: 0, lastChange: 0, firstResult: 0 };
  const key = () => { window.__kb.lastKey = performance.now(); window.__kb.firstResult = 0; };
  document.addEventListener('keydown', key, true);
  document.addEventListener('input', key, true);  // Chinese typed as text comes without key events
  const list = document.querySelector('.md-search-result__list');
  const note = () => {
    const now = performance.now();
    window.__kb.lastChange = now;
    if (!window.__kb.firstResult && window.__kb.lastKey && list.children.length) window.__kb.firstResult = now;
  };
  const observer = new MutationObserver(note);
  for (const el of document.querySelectorAll('.md-search-result__list, .md-search-result__meta, .kb-search-notice'))
    observer.observe(el, { childList: true, subtree: true, characterData: true });
}"""
# bytes of the search's own files that finished arriving in a time window (Resource Timing, same clock)
ARRIVED = """([files, since, until]) => performance.getEntriesByType('resource')
  .filter(e => files.some(f => new URL(e.name).pathname.includes('/' + f)) && e.responseEnd > since && e.responseEnd <= until)
  .reduce((sum, e) => sum + e.transferSize, 0)"""
DONE_PAGEFIND = """q => { const r = document.querySelector('[data-kb-search]');
  return r && r.dataset.state === 'done' && r.dataset.query === q; }"""
# lunr: a result count is shown and nothing has changed for 500 ms
DONE_LUNR = """() => /matching|no match/i.test(document.querySelector('.md-search-result__meta').textContent)
  && window.__kb.lastChange > window.__kb.lastKey && performance.now() - window.__kb.lastChange > 500"""


def engine(site_dir: Path) -> str:
    return "pagefind" if (site_dir / "pagefind").is_dir() else "lunr"


def index_bytes(site_dir: Path) -> int:
    if engine(site_dir) == "pagefind":
        files = [p for p in (site_dir / "pagefind").rglob("*") if p.is_file()] + [site_dir / "search-words.json"]
    else:
        files = [site_dir / "search" / "search_index.json"]
    return sum(p.stat().st_size for p in files if p.is_file())


def measure(site_dir: Path, queries=QUERIES, delay_ms: int = 120, browser=None) -> dict:  # noqa: ANN001
    """Bytes and milliseconds of search on ``site_dir``, typed as a reader types (``delay_ms`` between keys).

    ``browser``: a Playwright Chromium already running (the tests'); without it, Debian's Chromium is launched.
    """
    if browser is not None:
        return _measure(browser, Path(site_dir), queries, delay_ms)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return _measure(chromium, Path(site_dir), queries, delay_ms)
        finally:
            chromium.close()


def _measure(browser, site_dir: Path, queries, delay_ms: int) -> dict:  # noqa: ANN001 - Playwright's Browser
    kind = engine(site_dir)
    with SiteServer(site_dir) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        try:
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            wire = _WireBytes(page, server.url)
            page.goto(server.url)
            page.evaluate(WATCH)
            box = page.locator("input.md-search__input")
            box.click()
            fetched, first_bytes, times, first_times = [], [], [], []
            for query in queries:
                before = wire.total()
                box.press("Control+a")
                box.press("Backspace")
                page.wait_for_timeout(300)  # the empty box settles before the next query
                started = page.evaluate("() => performance.now()")
                box.press_sequentially(query, delay=delay_ms)
                if any("\u3400" <= c <= "\u9fff" for c in query):
                    box.dispatch_event("keyup")
                if kind == "pagefind":
                    page.wait_for_function(DONE_PAGEFIND, arg=query, timeout=TIMEOUT_MS)
                else:
                    page.wait_for_function(DONE_LUNR, timeout=TIMEOUT_MS)
                page.wait_for_timeout(200)  # let the last responses finish arriving before counting
                clock = page.evaluate("() => window.__kb")
                times.append(max(0.0, clock["lastChange"] - clock["lastKey"]))
                first_times.append(max(0.0, (clock["firstResult"] or clock["lastChange"]) - clock["lastKey"]))
                fetched.append(wire.total() - before)
                since = 0 if not first_bytes else started  # the first query owns what loaded with the page
                first_bytes.append(page.evaluate(ARRIVED, [list(SEARCH_FILES), since,
                                                          clock["firstResult"] or clock["lastChange"]]))
            # what loaded with the page (lunr's whole index, the search script) belongs to the first query
            fetched[0] = sum(fetched[:1]) + (wire.total() - sum(fetched))
            if kind == "lunr":
                first_bytes = fetched[:]  # lunr shows nothing before its whole index is in
        finally:
            context.close()
    later = fetched[1:] or [0]
    return {
        "engine": kind,
        "queries": len(queries),
        "first_result_bytes": first_bytes[0],
        "first_result_ms": round(first_times[0]),
        "later_first_result_ms": round(statistics.median(first_times[1:] or [0])),
        "first_query_bytes": fetched[0],
        "later_query_bytes": round(statistics.mean(later)),
        "later_query_bytes_max": max(later),
        "first_ms": round(times[0]),
        "later_ms": round(statistics.median(times[1:] or [0])),
        "later_ms_max": round(max(times[1:] or [0])),
        "index_bytes": index_bytes(site_dir),
        "per_query": [{"query": q, "bytes": b, "bytes_to_first_result": fb, "ms": round(t), "ms_to_first_result": round(ft)}
                      for q, b, fb, t, ft in zip(queries, fetched, first_bytes, times, first_times)],
    }


class _WireBytes:
    """Bytes received for the search's own files, as Chromium counts them on the wire (headers included)."""

    def __init__(self, page, origin: str) -> None:  # noqa: ANN001 - Playwright's Page
        self.origin = origin
        self.urls: dict[str, str] = {}
        self.bytes: dict[str, int] = {}
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"]))
        cdp.on("Network.loadingFinished", self._finished)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})

    def _finished(self, event: dict) -> None:
        url = self.urls.get(event["requestId"], "")
        if url.startswith(self.origin) and url[len(self.origin):].startswith(SEARCH_FILES):
            self.bytes[event["requestId"]] = int(event["encodedDataLength"])

    def total(self) -> int:
        return sum(self.bytes.values())


def table(results: list[dict]) -> str:
    rows = [("", *[r["engine"] for r in results]),
            ("bytes before the first result shown", *[_kb(r["first_result_bytes"]) for r in results]),
            ("bytes for the whole first query (full text included)", *[_kb(r["first_query_bytes"]) for r in results]),
            ("bytes per later query (mean / max)",
             *[f"{_kb(r['later_query_bytes'])} / {_kb(r['later_query_bytes_max'])}" for r in results]),
            ("ms from the last key to the first results shown: first query / later (median)",
             *[f"{r['first_result_ms']} / {r['later_first_result_ms']} ms" for r in results]),
            ("ms from the last key to the complete results: first query / later (median, max)",
             *[f"{r['first_ms']} / {r['later_ms']}, {r['later_ms_max']} ms" for r in results]),
            ("index size on disk", *[_kb(r["index_bytes"]) for r in results])]
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + "---|" * len(rows[0]))
    return "\n".join(lines)


def _kb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sites", type=Path, nargs="+", help="built sites (Pagefind or lunr)")
    parser.add_argument("--delay-ms", type=int, default=120, help="pause between keys, as a reader types")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    results = [measure(site, delay_ms=args.delay_ms) for site in args.sites]
    for site, result in zip(args.sites, results):
        print(f"{site}: {json.dumps(result)}")
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
