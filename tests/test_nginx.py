"""The built site behind Debian's nginx with the shipped server block, browsed in Chromium.

nginx runs on 127.0.0.1 with ``deploy/nginx.conf`` (only its ``listen`` and
``root`` lines changed) and an unprivileged worker (``www-data`` when the tests
run as root), so a page the worker cannot read answers 403 here as it would
on a server. The browser walks every page type, searches, hovers a tooltip,
follows a quote and toggles the palette while every Content-Security-Policy
violation and console error is recorded.
"""

from __future__ import annotations

import gzip
import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import ROOT
from kb.headers import CACHE_FINGERPRINTED, CACHE_OTHER, header_rules, read_site
from test_browser import PAGE_TYPES, TIMEOUT_MS, _context, page_types, search, site_kb  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

NGINX = "/usr/sbin/nginx"
SERVER_BLOCK = ROOT / "deploy" / "nginx.conf"
WORKER_USER = "www-data"

# Records every CSP violation of a document, kept across the page's life; read before leaving it.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`));
"""


@dataclass
class Served:
    url: str
    site: Path
    worker_uids: list[int]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_block(site: Path, port: int) -> str:
    """The shipped block, listening on 127.0.0.1:port and serving ``site``: the two lines a maintainer edits."""
    text = SERVER_BLOCK.read_text(encoding="utf-8")
    for line, replacement in (("    listen 80;\n", f"    listen 127.0.0.1:{port};\n"), ("    listen [::]:80;\n", ""),
                              ("    root /var/www/kb;\n", f"    root {site};\n")):
        assert text.count(line) == 1, f"deploy/nginx.conf no longer has {line.strip()!r}"
        text = text.replace(line, replacement)
    return text


def _main_conf(scratch: Path, server: Path) -> str:
    user = f"user {WORKER_USER};\n" if os.geteuid() == 0 else ""  # only root can hand the workers to another user
    temp = "".join(f"    {kind}_temp_path {scratch / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"{user}worker_processes 1;\ndaemon off;\npid {scratch / 'nginx.pid'};\nerror_log {scratch / 'error.log'};\n"
            f"events {{ worker_connections 64; }}\nhttp {{\n    include /etc/nginx/mime.types;\n"
            f"    default_type application/octet-stream;\n    access_log {scratch / 'access.log'};\n{temp}"
            f"    include {server};\n}}\n")


def _workers(master: int) -> list[int]:
    """The uids of the master's child processes."""
    uids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if int(fields["PPid"]) == master:
            uids.append(int(fields["Uid"].split()[1]))  # effective uid
    return uids


@pytest.fixture(scope="module")
def served(browser_site: Path):
    if not Path(NGINX).exists():
        pytest.fail(f"{NGINX} is missing: install Debian's nginx package (.ci/run does)")
    # pytest's own temporary folders are private (0700): the worker could enter none of them
    scratch = Path(tempfile.mkdtemp(prefix="kb-nginx-"))
    scratch.chmod(0o755)
    site = scratch / "site"
    shutil.copytree(browser_site, site)  # with the modes the build gave its files
    port = _free_port()
    (scratch / "server.conf").write_text(_server_block(site, port), encoding="utf-8")
    (scratch / "nginx.conf").write_text(_main_conf(scratch, scratch / "server.conf"), encoding="utf-8")
    nginx = subprocess.Popen([NGINX, "-c", str(scratch / "nginx.conf"), "-p", str(scratch), "-e", str(scratch / "error.log")],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 10
        while not _workers(nginx.pid):
            if nginx.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nginx did not start: {nginx.stdout.read() if nginx.stdout else ''}"
                            f"{(scratch / 'error.log').read_text(errors='replace')}")
            time.sleep(0.05)
        # a worker is forked as root and then drops to its user: give it that moment before reading its uid
        settle = time.monotonic() + 5
        while 0 in _workers(nginx.pid) and time.monotonic() < settle:
            time.sleep(0.05)
        yield Served(url=f"http://127.0.0.1:{port}/", site=site, worker_uids=_workers(nginx.pid))
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        shutil.rmtree(scratch, ignore_errors=True)


def fetch(url: str, gzip_ok: bool = False) -> tuple[int, dict[str, str], bytes]:
    """(status, headers with lower-case names, body as sent) without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            return None

    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


@pytest.fixture(scope="module")
def expected_headers(served: Served) -> dict[str, str]:
    """The security headers the one definition gives this site."""
    return {name.lower(): value for name, value in header_rules(read_site(served.site))[0].headers}


# --- the server --------------------------------------------------------------------------


def test_the_worker_that_serves_the_pages_is_unprivileged(served: Served) -> None:
    assert served.worker_uids and 0 not in served.worker_uids
    if os.geteuid() == 0:
        assert set(served.worker_uids) == {pwd.getpwnam(WORKER_USER).pw_uid}


def test_every_file_of_the_site_is_readable_by_everyone(browser_site: Path) -> None:
    """Directories 0755 and files 0644: what a web server's worker, another user, needs."""
    wrong = []
    for path in [browser_site, *sorted(browser_site.rglob("*"))]:
        mode = stat.S_IMODE(path.stat().st_mode)
        needed = 0o755 if path.is_dir() else 0o644
        if mode != needed:
            wrong.append(f"{path.relative_to(browser_site.parent)}: {oct(mode)}")
    assert wrong == []


def test_every_page_type_answers_200_with_the_headers(served: Served, page_types: dict[str, str],
                                                      expected_headers: dict[str, str]) -> None:
    for name, url in page_types.items():
        status, headers, _ = fetch(served.url + url)
        assert status == 200, f"{name} ({url}): HTTP {status}"
        assert {k: headers.get(k) for k in expected_headers} == expected_headers, name
        assert headers["cache-control"] == CACHE_OTHER, name
        assert headers["content-type"] == "text/html; charset=utf-8", name


def test_an_unknown_address_gets_the_sites_404_page_with_status_404(served: Served,
                                                                   expected_headers: dict[str, str]) -> None:
    for url in ("no/such/page/", "topics/no-such-topic/", "assets/javascripts/bundle.00000000.min.js"):
        status, headers, body = fetch(served.url + url)
        assert status == 404, url
        assert b"Page not found" in body, url
        assert {k: headers.get(k) for k in expected_headers} == expected_headers, url


def test_a_folder_without_its_slash_is_redirected_within_the_site(served: Served) -> None:
    status, headers, _ = fetch(served.url + "about")
    assert status == 301 and headers["location"] in ("/about/", served.url + "about/"), headers


def test_text_is_sent_compressed(served: Served) -> None:
    bundle = next(p for p in read_site(served.site).fingerprinted if p.endswith(".js"))
    # search-words.json: the search's vocabulary (Material's lunr index is empty with Pagefind, too small to compress)
    for url in ("", "trends/", "kb.json", "search-words.json", "sitemap.xml", bundle.lstrip("/"),
                "assets/kb.css"):
        status, headers, body = fetch(served.url + url, gzip_ok=True)
        assert status == 200, url
        assert headers.get("content-encoding") == "gzip" and "Accept-Encoding" in headers.get("vary", ""), url
        assert gzip.decompress(body), url


def test_fingerprinted_files_are_cached_for_a_year_and_others_revalidate(served: Served,
                                                                         expected_headers: dict[str, str]) -> None:
    fingerprinted = read_site(served.site).fingerprinted
    assert fingerprinted
    for path in fingerprinted:
        status, headers, _ = fetch(served.url + path.lstrip("/"))
        assert (status, headers["cache-control"]) == (200, CACHE_FINGERPRINTED), path
        assert {k: headers.get(k) for k in expected_headers} == expected_headers, path
    for path in ("assets/kb.css", "kb.json", "search/search_index.json"):
        status, headers, _ = fetch(served.url + path)
        assert (status, headers["cache-control"]) == (200, CACHE_OTHER), path


def test_data_for_programs_has_its_type(served: Served) -> None:
    for path in ("kb.json", "kb.schema.json", "search/search_index.json"):
        status, headers, _ = fetch(served.url + path)
        assert (status, headers["content-type"]) == (200, "application/json"), path


# --- a reader's browser, with the policy enforced ------------------------------------------


@dataclass
class Walk:
    """What the browser met on a walk through the site served by nginx."""

    statuses: dict[str, int] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    search_results: list[str] = field(default_factory=list)
    tooltip: str = ""
    quote_landed: bool = False
    palette: tuple[str, str, str] | None = None  # colour scheme before, after the toggle, after a reload


def _leave(page: Page, walk: Walk) -> None:
    walk.violations += [f"{page.url}: {v}" for v in page.evaluate("window.__violations || []")]


@pytest.fixture(scope="module")
def walk(browser: Browser, served: Served, page_types: dict[str, str], site_kb: dict) -> Walk:
    origin = served.url.rstrip("/")
    seen = Walk()
    context = _context(browser, served.url)
    context.add_init_script(RECORD_VIOLATIONS)
    context.route(lambda url: not url.startswith(origin + "/"),
                  lambda route: (seen.foreign.append(route.request.url), route.abort()))
    page = context.new_page()
    page.on("console", lambda m: m.type in ("error", "warning") and "/no/such/" not in m.location.get("url", "")
            and seen.errors.append(f"{page.url}: {m.type}: {m.text}"))
    page.on("pageerror", lambda e: seen.errors.append(f"{page.url}: {e}"))

    def visit(url: str) -> None:
        response = page.goto(url)
        seen.statuses[url] = response.status if response else 0
        expect(page.locator(".md-search-result__meta")).not_to_contain_text("Initializing", timeout=TIMEOUT_MS)

    try:
        for url in page_types.values():
            visit(url)
            _leave(page, seen)
        # a tooltip on a glossary term
        visit(page_types["topic"])
        page.locator("article abbr[title]").first.hover()
        tooltip = page.locator(".md-tooltip2--active")
        expect(tooltip).to_be_visible(timeout=TIMEOUT_MS)
        seen.tooltip = tooltip.inner_text()
        # search, then open the first result
        seen.search_results = search(page, "price war")
        page.locator(".md-search-result__list a").first.click()
        page.wait_for_url(seen.search_results[0] + "**")
        _leave(page, seen)
        # a quote's link lands on its paragraph
        visit(next(t for t in site_kb["topics"] if t["category"] == "risk")["url"])
        page.locator("article li:has(q.kb-quote) a[href*='/essays/'][href*='#p']").first.click()
        page.wait_for_url(re.compile(r"/essays/[^/]+/#p\d+$"))
        seen.quote_landed = page.evaluate("document.querySelector(':target')?.classList.contains('essay-paragraph')")
        _leave(page, seen)
        # the palette toggle, when the site has one: the choice survives a reload (Material's inline script)
        toggle = page.locator("form[data-md-component=palette] label.md-header__button:visible").first
        if toggle.count():
            scheme = "document.body.getAttribute('data-md-color-scheme')"
            before = page.evaluate(scheme)
            toggle.click()
            after = page.evaluate(scheme)
            _leave(page, seen)
            page.reload()
            seen.palette = (before, after, page.evaluate(scheme))
        _leave(page, seen)
        visit("no/such/page/")
        _leave(page, seen)
    finally:
        context.close()
    return seen


def test_no_csp_violation_while_browsing_and_searching(walk: Walk) -> None:
    assert walk.violations == []
    assert [e for e in walk.errors if "Content Security Policy" in e or "Content-Security-Policy" in e] == []


def test_no_console_error_and_nothing_from_outside(walk: Walk) -> None:
    assert walk.errors == []
    assert walk.foreign == []


def test_every_page_type_loads_in_the_browser(walk: Walk, page_types: dict[str, str]) -> None:
    assert {url: walk.statuses[url] for url in page_types.values()} == dict.fromkeys(page_types.values(), 200)
    assert walk.statuses["no/such/page/"] == 404


def test_search_tooltips_and_quote_links_work_under_the_policy(walk: Walk, served: Served) -> None:
    assert served.url + "topics/price-crushing/" in walk.search_results[:3], walk.search_results[:5]
    assert walk.tooltip.strip()
    assert walk.quote_landed


def test_the_palette_toggle_works_under_the_policy(walk: Walk) -> None:
    if walk.palette is None:
        # Material's palette script still runs on every page, inside the no-violation walk
        pytest.skip("this site has one palette and no toggle")
    before, after, reloaded = walk.palette
    assert before != after and reloaded == after, walk.palette
