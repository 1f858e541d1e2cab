"""Security and cache headers: one definition, written out for each kind of host.

A static site can tell the browser exactly what it may run and load. What it
runs is only known once MkDocs has written the pages (Material puts small
inline scripts in every page), so the policy is computed from the built site:

- ``read_site``: what the built pages contain that a policy has to allow
  (the theme's inline scripts, inline styles, style attributes, a Pagefind
  folder) and which files carry a content hash in their name. An inline
  script or event handler in a page's content stops the build instead.
- ``content_security_policy``: the Content-Security-Policy for that content.
- ``header_rules``: the one definition: which headers go with which files.
- ``netlify_headers`` and ``nginx_server_block``: those rules as a
  ``_headers`` file (Netlify, Cloudflare Pages) and as an nginx server block
  (``deploy/nginx.conf``).

The MkDocs hook writes ``site/_headers`` after every build; ``python -m kb
nginx-conf`` writes ``deploy/nginx.conf``, and a test fails when the committed
file no longer matches the site. A publishing build (``make publish``) also
puts the policy into each page as a ``<meta>`` tag (``add_policy_meta``), for
hosts that send no headers of their own choosing, such as GitHub Pages.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .carryover import replace_file

# Material names its bundles with the first 8 hex digits of their content
# (bundle.a5f9d56c.min.js); such a file never changes, so it may be cached for a year.
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.min\.(?:css|js)$")

# <script type="..."> values that browsers execute; any other type is a data block (Material's __config JSON)
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}

CACHE_FINGERPRINTED = "public, max-age=31536000, immutable"
CACHE_OTHER = "no-cache"  # revalidate: a page or an unhashed file may change with any build

# Features the site never uses, denied so that nothing injected could ask for them.
PERMISSIONS_POLICY = ("accelerometer=(), browsing-topics=(), camera=(), display-capture=(), geolocation=(), "
                      "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()")


class PolicyError(ValueError):
    """The built site contains something a strict policy cannot allow; names the page."""


@dataclass(frozen=True)
class SiteContent:
    """What the built site contains that the headers depend on."""

    scripts: frozenset[str]  # 'sha256-…' of each executable inline <script>
    styles: frozenset[str]  # 'sha256-…' of each inline <style>
    style_attributes: frozenset[str]  # 'sha256-…' of each style="…" value
    pagefind: bool  # Pagefind's search: WebAssembly, compiled in the page
    fingerprinted: tuple[str, ...]  # URL paths of files whose name carries a content hash, sorted


@dataclass(frozen=True)
class HeaderRule:
    """Headers for the files a pattern matches: ``/*`` (every file) or one URL path."""

    pattern: str
    headers: tuple[tuple[str, str], ...]


def source_hash(text: str) -> str:
    """The CSP source for an inline script, style or style attribute: 'sha256-<base64>'."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


# Where a page's content (Markdown made from essays and YAML) sits in Material's page;
# everything before and after it is the theme's shell.
CONTENT_START, CONTENT_END = "<article", "</article>"
# Raw-text elements end at the first </script> or </style>, as a browser's tokenizer ends them.
RAW_TEXT = re.compile(r"<(script|style)\b([^>]*)>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
# What makes a piece of a page worth parsing whole: an attribute (or, in content, an element)
# the policy cares about. Matched against the lower-cased piece: faster than IGNORECASE.
ATTRIBUTE_CODE = re.compile(r"\s(?:style|on[a-z]+)\s*=")
CONTENT_CODE = re.compile(r"<script|<style|\s(?:style|on[a-z]+)\s*=")


class _InlineReader(HTMLParser):
    """Collects style attributes (and, in content, inline styles); refuses event handlers.

    In a page's content an inline script stops the build too: content comes
    from essays and YAML, and a script there is either a template's mistake or
    an injection, which the policy must block rather than allow by its hash.
    """

    def __init__(self, page: str, content: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.content = content
        self.styles: set[str] = set()
        self.style_attributes: set[str] = set()
        self._style: list[str] | None = None  # the text of an open <style> in content

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                raise PolicyError(f"{self.page}: <{tag} {name}=…> is an inline event handler, which the "
                                  "Content-Security-Policy blocks (fix: attach the handler from a script file)")
            if name == "style" and value is not None:
                self.style_attributes.add(value)
        if not self.content:
            return
        if tag == "script" and _executable(dict(attrs)):
            raise PolicyError(f"{self.page}: an inline <script> in the page's content, which the "
                              "Content-Security-Policy blocks (fix: move it to a file in docs/assets/ and "
                              "list it under extra_javascript in mkdocs.yml)")
        if tag == "style":
            self._style = []

    def handle_data(self, data: str) -> None:
        if self._style is not None:
            self._style.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style" and self._style is not None:
            self.styles.add("".join(self._style))
            self._style = None


class _StartTag(HTMLParser):
    """The attributes of one start tag."""

    def __init__(self, tag: str) -> None:
        super().__init__(convert_charrefs=True)
        self.attributes: dict[str, str | None] = {}
        self.feed(tag)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes = dict(attrs)


def _executable(attributes: dict[str, str | None]) -> bool:
    """An inline script the browser runs: no src, and a JavaScript type (not a JSON data block)."""
    return attributes.get("src") is None and (attributes.get("type") or "").strip().lower() in SCRIPT_TYPES


@dataclass
class _PageCode:
    scripts: set[str]
    styles: set[str]
    style_attributes: set[str]


def _read_page(text: str, page: str) -> _PageCode:
    """The inline code of one page.

    The theme's shell always has inline scripts, found as a browser's
    tokenizer finds them; a piece of the page is parsed whole only when it
    may hold an attribute (or, in the content, an element) that matters, which
    keeps reading a large site fast.
    """
    start, end = text.find(CONTENT_START), text.rfind(CONTENT_END)
    if start < 0 or end < start:
        start = end = len(text)
    shell, content = text[:start] + text[end:], text[start:end]
    code = _PageCode(set(), set(), set())
    for match in RAW_TEXT.finditer(shell):
        tag, body = match.group(1).lower(), match.group(3)
        if tag == "style":
            code.styles.add(body)
        elif _executable(_StartTag(f"<script{match.group(2)}>").attributes):
            code.scripts.add(body)
    for piece, is_content, worth_reading in ((shell, False, ATTRIBUTE_CODE), (content, True, CONTENT_CODE)):
        if worth_reading.search(piece.lower()):
            reader = _InlineReader(page, content=is_content)
            reader.feed(piece)
            reader.close()
            code.styles |= reader.styles
            code.style_attributes |= reader.style_attributes
    return code


# A page's bytes (their SHA-256) -> its inline code: ``read_site`` parses only pages it has not seen
PageMemo = dict[str, "_PageCode"]


def read_site(site: Path, memo: PageMemo | None = None) -> SiteContent:
    """Every page of the built site read once; ``PolicyError`` names a page the policy cannot allow.

    With a ``memo`` from an earlier build, a page whose bytes it knows is not
    parsed again (a one-essay change parses one page, not thousands); the memo
    is left holding this site's pages only. A page that fails is never remembered.
    """
    scripts: set[str] = set()
    styles: set[str] = set()
    attributes: set[str] = set()
    seen: PageMemo = {}
    files = _site_files(site)
    for path in (p for p in files if p.suffix == ".html"):
        data = path.read_bytes()
        key = hashlib.sha256(data).hexdigest()
        reader = (memo or {}).get(key) or seen.get(key) or _read_page(data.decode("utf-8"), path.relative_to(site).as_posix())
        seen[key] = reader
        scripts |= reader.scripts
        styles |= reader.styles
        attributes |= reader.style_attributes
    if memo is not None:
        memo.clear()
        memo.update(seen)
    fingerprinted = sorted("/" + p.relative_to(site).as_posix() for p in files if FINGERPRINTED.search(p.name))
    return SiteContent(
        scripts=frozenset(map(source_hash, scripts)),
        styles=frozenset(map(source_hash, styles)),
        style_attributes=frozenset(map(source_hash, attributes)),
        pagefind=(site / "pagefind").is_dir(),
        fingerprinted=tuple(fingerprinted),
    )


def _site_files(site: Path) -> list[Path]:
    """The site's files, sorted, without pagefind/: it holds no page and no fingerprinted
    name, and the build may run Pagefind while this reads (see mkdocs_hook)."""
    found = []
    for folder, dirs, files in os.walk(site):
        if Path(folder) == site and "pagefind" in dirs:
            dirs.remove("pagefind")
        found += [Path(folder, name) for name in files]
    return sorted(found)


def content_security_policy(content: SiteContent) -> str:
    """Exactly what the site uses, all from its own origin; no 'unsafe-inline', nothing external."""
    script_src = ["'self'", *sorted(content.scripts)]
    if content.pagefind:
        # Pagefind compiles its WebAssembly search in the page; this allows that and no eval().
        script_src.append("'wasm-unsafe-eval'")
    style_src = ["'self'", *sorted(content.styles)]
    if content.style_attributes:
        # only the style="…" values the pages contain, each by its hash
        style_src += ["'unsafe-hashes'", *sorted(content.style_attributes)]
    directives = [
        ("default-src", ["'self'"]),
        ("script-src", script_src),
        ("style-src", style_src),
        # Material's stylesheet draws its icons from data: SVG URLs (mask-image)
        ("img-src", ["'self'", "data:"]),
        ("font-src", ["'self'"]),
        ("connect-src", ["'self'"]),  # the search index, kb.json
        ("worker-src", ["'self'"]),  # the search worker
        ("object-src", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("form-action", ["'self'"]),
        ("frame-ancestors", ["'none'"]),
    ]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives)


def security_headers(content: SiteContent) -> tuple[tuple[str, str], ...]:
    """The headers every response carries, the 404 page included."""
    return (
        ("Content-Security-Policy", content_security_policy(content)),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("X-Frame-Options", "DENY"),  # frame-ancestors for browsers that predate it
        ("Cross-Origin-Opener-Policy", "same-origin"),
    )


def header_rules(content: SiteContent) -> list[HeaderRule]:
    """The one definition: security headers on every file, a year's cache for fingerprinted ones.

    Other files get ``CACHE_OTHER``; ``_headers`` leaves that to the host, because
    Netlify and Cloudflare Pages join the values of every matching rule, and
    both already make browsers revalidate files they were given no lifetime for.
    """
    rules = [HeaderRule("/*", security_headers(content))]
    rules += [HeaderRule(path, (("Cache-Control", CACHE_FINGERPRINTED),)) for path in content.fingerprinted]
    return rules


def netlify_headers(rules: list[HeaderRule]) -> str:
    """``_headers`` for Netlify and Cloudflare Pages."""
    blocks = ["# Security and cache headers for Netlify and Cloudflare Pages; written by the build (scripts/kb/headers.py)."]
    for rule in rules:
        blocks.append("\n".join([rule.pattern, *(f"  {name}: {value}" for name, value in rule.headers)]))
    return "\n".join(blocks) + "\n"


NGINX_HEAD = """\
# nginx server block for the built site; written by `make nginx-conf` from
# scripts/kb/headers.py, and checked against the site by the tests.
# To use it: copy site/ to the `root` below (directories 0755, files 0644, so
# that nginx's unprivileged worker can read them), include this file in the
# http block of nginx.conf (Debian: /etc/nginx/sites-enabled/), and put TLS in
# front or add `listen 443 ssl` with your certificate.
server {
    listen 80;
    listen [::]:80;
    server_name _;
    root /var/www/kb;

    index index.html;
    charset utf-8;
    server_tokens off;
    absolute_redirect off;

    # compress text; images and the gzipped sitemap are compressed already
    gzip on;
    gzip_vary on;
    gzip_comp_level 6;
    gzip_min_length 256;
    gzip_types text/css text/plain text/xml application/javascript application/json application/xml
               application/atom+xml application/rss+xml image/svg+xml;

    # the site's own page for any missing address, with status 404
    error_page 404 /404.html;
"""


def nginx_server_block(rules: list[HeaderRule]) -> str:
    """``deploy/nginx.conf``: the same headers as ``_headers``, for nginx.

    nginx drops every server-level ``add_header`` in a location that has its
    own, so each location repeats the security headers; ``always`` puts them
    on 404 responses too.
    """
    security = rules[0].headers
    fingerprinted = FINGERPRINTED.pattern.replace("(?:", "(")

    def location(match: str, cache: str, extra: str = "") -> str:
        lines = [f"    location {match} {{"]
        if extra:
            lines.append(f"        {extra}")
        lines += [f"        add_header {name} {_nginx_quoted(value)} always;" for name, value in security]
        lines.append(f"        add_header Cache-Control {_nginx_quoted(cache)} always;")
        lines.append("    }")
        return "\n".join(lines)

    return "\n".join([
        NGINX_HEAD,
        location("/", CACHE_OTHER, "try_files $uri $uri/ =404;"),
        "",
        "    # files with a content hash in their name never change",
        location(f'~ "{fingerprinted}"', CACHE_FINGERPRINTED),
        "}",
        "",
    ])


def _nginx_quoted(value: str) -> str:
    if '"' in value or "\\" in value:
        raise ValueError(f"cannot quote {value!r} for nginx")
    return f'"{value}"'


# The first tag of every Material page's head; the policy's meta tag goes right after it.
CHARSET_TAG = '<meta charset="utf-8">'
# Directives a <meta> policy may not carry: browsers ignore them there and Chromium logs an error.
HEADER_ONLY = ("frame-ancestors",)


def meta_policy(content: SiteContent) -> str:
    """The policy as a page's <meta http-equiv> can carry it."""
    directives = content_security_policy(content).split("; ")
    return "; ".join(d for d in directives if d.split()[0] not in HEADER_ONLY)


def add_policy_meta(site: Path) -> SiteContent:
    """Put the policy into every page, right after its charset, for hosts that send no headers (GitHub Pages).

    The tag changes no inline script, so the hashes stay true. It covers all
    that follows it: every script but none of the charset, and all content.
    """
    content = read_site(site)
    policy = meta_policy(content)
    if any(char in policy for char in '"<>&'):
        raise ValueError(f"cannot put {policy!r} in an HTML attribute")
    tagged = f'{CHARSET_TAG}<meta http-equiv="Content-Security-Policy" content="{policy}">'
    for path in sorted(site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if tagged in text:
            continue
        if CHARSET_TAG not in text:
            raise PolicyError(f"{path.relative_to(site).as_posix()}: no {CHARSET_TAG} to put the "
                              "Content-Security-Policy after (fix: keep Material's site_meta block)")
        # a new file: the page may be a link to the last site's, which must stay as it is (kb.carryover)
        replace_file(path, text.replace(CHARSET_TAG, tagged, 1).encode("utf-8"))
    return content


def write_headers_file(site: Path, memo: PageMemo | None = None) -> SiteContent:
    """Read the built site (see ``read_site`` for ``memo``) and write its ``_headers``; returns what was read."""
    content = read_site(site, memo)
    (site / "_headers").write_text(netlify_headers(header_rules(content)), encoding="utf-8")
    return content
