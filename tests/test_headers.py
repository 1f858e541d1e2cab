"""The headers definition: the policy builder on made-up pages, and the real built site's headers."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from kb.headers import (
    CACHE_FINGERPRINTED,
    PolicyError,
    add_policy_meta,
    SiteContent,
    content_security_policy,
    header_rules,
    netlify_headers,
    nginx_server_block,
    read_site,
    source_hash,
)

NGINX_CONF = ROOT / "deploy" / "nginx.conf"
MATERIAL_SCRIPT = '__md_scope=new URL("..",location)'


def make_site(root: Path, pages: dict[str, str], files: tuple[str, ...] = ()) -> Path:
    for rel, body in {**pages, **dict.fromkeys(files, "")}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    return root


def page(head: str = "", body: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def directive(policy: str, name: str) -> list[str]:
    found = [d.split()[1:] for d in policy.split("; ") if d.split()[0] == name]
    assert len(found) == 1, policy
    return found[0]


# --- the policy builder ------------------------------------------------------------------


def test_a_hash_is_the_one_browsers_compute() -> None:
    # the example of the CSP Level 3 specification
    assert source_hash("alert('Hello, world.');") == "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"


def test_inline_scripts_are_allowed_by_their_hash_only(tmp_path: Path) -> None:
    site = make_site(tmp_path, {
        "index.html": page(f"<script>{MATERIAL_SCRIPT}</script>", '<script src="assets/app.js"></script>'),
        "a/index.html": page('<script id="__config" type="application/json">{"base": ".."}</script>',
                             "<script>var palette=1</script><script type=module>go()</script>"),
    })
    policy = content_security_policy(read_site(site))
    assert directive(policy, "script-src") == ["'self'", *sorted([
        source_hash(MATERIAL_SCRIPT), source_hash("var palette=1"), source_hash("go()")])]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directive(policy, "default-src") == ["'self'"]
    assert directive(policy, "object-src") == ["'none'"]
    assert not re.search(r"https?:|\*", policy), policy


def test_the_same_script_on_many_pages_is_one_hash(tmp_path: Path) -> None:
    site = make_site(tmp_path, {f"p{i}/index.html": page("<script>var palette=1</script>") for i in range(20)})
    assert read_site(site).scripts == {source_hash("var palette=1")}


def test_webassembly_is_allowed_only_when_the_site_has_pagefind(tmp_path: Path) -> None:
    without = make_site(tmp_path / "a", {"index.html": page()})
    with_pagefind = make_site(tmp_path / "b", {"index.html": page()}, files=("pagefind/pagefind.js",))
    assert "'wasm-unsafe-eval'" not in directive(content_security_policy(read_site(without)), "script-src")
    assert "'wasm-unsafe-eval'" in directive(content_security_policy(read_site(with_pagefind)), "script-src")


def test_styles_are_the_sites_own_files_unless_a_page_has_inline_style(tmp_path: Path) -> None:
    plain = make_site(tmp_path / "a", {"index.html": page('<link rel="stylesheet" href="x.css">')})
    assert directive(content_security_policy(read_site(plain)), "style-src") == ["'self'"]
    styled = make_site(tmp_path / "b", {"index.html": page("<style>p{color:red}</style>", '<td style="text-align: right;">')})
    assert directive(content_security_policy(read_site(styled)), "style-src") == [
        "'self'", source_hash("p{color:red}"), "'unsafe-hashes'", source_hash("text-align: right;")]


def test_an_inline_event_handler_stops_the_build_naming_the_page(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.html": page(), "essays/x/index.html": page(body='<img src=a onerror="go()">')})
    with pytest.raises(PolicyError, match=r"essays/x/index\.html: <img onerror=…>"):
        read_site(site)


def test_a_script_in_the_content_stops_the_build_instead_of_being_allowed(tmp_path: Path) -> None:
    """Content comes from essays and YAML: a script there is blocked by the policy, never hashed into it."""
    article = '<article class="md-content__inner">{}</article>'
    site = make_site(tmp_path / "a", {"index.html": page(body=article.format("<p>x</p><script>steal()</script>"))})
    with pytest.raises(PolicyError, match=r"index\.html: an inline <script> in the page's content"):
        read_site(site)
    shouting = make_site(tmp_path / "b", {"index.html": page(body=article.format('<IMG SRC=x ONERROR="go()">'))})
    with pytest.raises(PolicyError, match="onerror"):
        read_site(shouting)


def test_a_remembered_reading_is_used_only_for_the_same_bytes(tmp_path: Path) -> None:
    """Pages a build did not change are not parsed again; a changed page always is."""
    site = make_site(tmp_path, {"a/index.html": page("<script>var palette=1</script>"), "b/index.html": page()})
    memo: dict = {}
    first = read_site(site, memo)
    assert len(memo) == 2 and first.scripts == {source_hash("var palette=1")}
    # a reading remembered for other bytes would hide this script from the policy
    (site / "b" / "index.html").write_text(page("<script>var theme=2</script>"), encoding="utf-8")
    again = read_site(site, memo)
    assert again.scripts == {source_hash("var palette=1"), source_hash("var theme=2")}
    assert len(memo) == 2  # only this build's pages are kept: the memo stays the size of the site


def test_a_remembered_page_never_hides_a_new_event_handler(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.html": page(body="<p>fine</p>")})
    memo: dict = {}
    read_site(site, memo)
    (site / "index.html").write_text(page(body='<img src=a onerror="go()">'), encoding="utf-8")
    with pytest.raises(PolicyError, match="onerror"):
        read_site(site, memo)


def test_content_may_hold_data_blocks_styles_and_words_like_onion(tmp_path: Path) -> None:
    article = ('<article><p>style = taste; onions = cheap</p><script type="application/ld+json">{}</script>'
               '<svg><style>.a{fill:red}</style></svg></article>')
    site = make_site(tmp_path, {"index.html": page("<script>var palette=1</script>", article)})
    content = read_site(site)
    assert content.scripts == {source_hash("var palette=1")}
    assert content.styles == {source_hash(".a{fill:red}")} and content.style_attributes == frozenset()


def test_fingerprinted_files_are_cached_for_a_year_and_nothing_else_is(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.html": page()}, files=(
        "assets/javascripts/bundle.a5f9d56c.min.js", "assets/stylesheets/main.57a0d79d.min.css",
        "assets/javascripts/lunr/min/lunr.de.min.js", "assets/kb.css"))
    rules = header_rules(read_site(site))
    cached = {r.pattern for r in rules if ("Cache-Control", CACHE_FINGERPRINTED) in r.headers}
    assert cached == {"/assets/javascripts/bundle.a5f9d56c.min.js", "/assets/stylesheets/main.57a0d79d.min.css"}


def test_both_host_formats_carry_the_same_headers(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.html": page(f"<script>{MATERIAL_SCRIPT}</script>")},
                     files=("assets/javascripts/bundle.a5f9d56c.min.js",))
    rules = header_rules(read_site(site))
    headers_file, nginx = netlify_headers(rules), nginx_server_block(rules)
    for name, value in rules[0].headers:
        assert f"  {name}: {value}\n" in headers_file
        assert nginx.count(f'add_header {name} "{value}" always;') == 2  # in both locations
    assert headers_file.splitlines()[1] == "/*"
    assert f'add_header Cache-Control "{CACHE_FINGERPRINTED}" always;' in nginx


def test_a_published_page_carries_the_policy_in_a_meta_tag_for_hosts_without_headers(tmp_path: Path) -> None:
    """GitHub Pages sends no custom headers: the policy travels in each page, after its charset."""
    head = f'<meta charset="utf-8"><title>x</title><script>{MATERIAL_SCRIPT}</script>'
    site = make_site(tmp_path, {"index.html": page(head), "a/b/index.html": page(head)})
    add_policy_meta(site)
    policy = content_security_policy(read_site(site))
    meta_policy = policy.replace("; frame-ancestors 'none'", "")  # ignored in a meta tag, with a console error
    for rel in ("index.html", "a/b/index.html"):
        text = (site / rel).read_text(encoding="utf-8")
        assert text.count("Content-Security-Policy") == 1
        assert f'<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="{meta_policy}">' in text
    add_policy_meta(site)  # a second run changes nothing
    assert (site / "index.html").read_text(encoding="utf-8").count("Content-Security-Policy") == 1


def test_a_page_without_a_charset_tag_cannot_carry_the_policy(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.html": page("<title>x</title>")})
    with pytest.raises(PolicyError, match=r"index\.html: no <meta charset"):
        add_policy_meta(site)


def empty_content(**changes: object) -> SiteContent:
    fields = {"scripts": frozenset(), "styles": frozenset(), "style_attributes": frozenset(), "pagefind": False,
              "fingerprinted": ()}
    return SiteContent(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_value_nginx_cannot_quote_is_refused() -> None:
    rules = header_rules(empty_content(fingerprinted=('/a".min.js',)))
    rules[0] = type(rules[0])("/*", (("X-Test", 'say "hi"'),))
    with pytest.raises(ValueError, match="cannot quote"):
        nginx_server_block(rules)


# --- the built site ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(browser_site: Path) -> SiteContent:
    return read_site(browser_site)


@pytest.mark.slow
def test_the_built_site_needs_no_inline_style(built: SiteContent) -> None:
    """Tables align their cells with align="…", so style-src is the site's own stylesheets only."""
    assert built.style_attributes == frozenset() and built.styles == frozenset()
    assert directive(content_security_policy(built), "style-src") == ["'self'"]


@pytest.mark.slow
def test_the_built_site_writes_its_headers_file(browser_site: Path, built: SiteContent) -> None:
    assert (browser_site / "_headers").read_text(encoding="utf-8") == netlify_headers(header_rules(built))
    # Material's scripts: one per folder depth (its base URL) and a few shared ones, not one per page
    assert 3 <= len(built.scripts) <= 10, sorted(built.scripts)
    assert any("/bundle." in path for path in built.fingerprinted)


@pytest.mark.slow
def test_the_shipped_nginx_conf_matches_the_built_site(built: SiteContent) -> None:
    assert NGINX_CONF.read_text(encoding="utf-8") == nginx_server_block(header_rules(built)), (
        "deploy/nginx.conf is out of date with the site (a theme upgrade changes its inline scripts): run make nginx-conf")


def test_nginx_accepts_the_shipped_server_block(tmp_path: Path) -> None:
    nginx = "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is missing: install Debian's nginx package (.ci/run does)")
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{\n include /etc/nginx/mime.types;\n"
                    f" include {NGINX_CONF};\n}}\n", encoding="utf-8")
    result = subprocess.run([nginx, "-t", "-q", "-c", str(main), "-p", str(tmp_path), "-e", str(tmp_path / "error.log")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_command_writes_the_nginx_conf(browser_site: Path, tmp_path: Path) -> None:
    target = tmp_path / "nginx.conf"
    subprocess.run([sys.executable, "-m", "kb", "nginx-conf", "-d", str(browser_site), "-o", str(target)], check=True,
                   cwd=ROOT)
    assert target.read_text(encoding="utf-8") == nginx_server_block(header_rules(read_site(browser_site)))
