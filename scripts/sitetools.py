"""Shared by make audit, make offline, make screenshots and the browser tests.

- ``SiteServer``: serves a built site on 127.0.0.1 like a static host does
  (index.html for folders, 404.html with status 404 for anything missing,
  gzip for text), on a free port, in a background thread.
- ``build_copy``: builds a copy of the project in a scratch folder, so these
  tools never write generated pages into the working tree.
- ``CHROMIUM`` and ``CHROMIUM_ARGS``: how Debian's Chromium is launched
  (Playwright's own browser download does not work here).
"""

from __future__ import annotations

import gzip
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("mkdocs.yml", "docs", "overrides", "seeds", "scripts")
# generated pages and tool output that a copy must not take along
SKIP = ("__pycache__", "topics", "essays", "index.md", "trends.md", "strategies.md", "risks.md", "glossary.md",
        "matrix.md", "map.md", "curator-report.md", "kb.json", "feed.xml", "search-words.json")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")


def copy_project(target: Path, root: Path = ROOT) -> Path:
    """The project's sources, without anything generated, in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = root / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns(*SKIP))
        else:
            shutil.copy2(source, target / part)
    return target


def build(project: Path, site: Path, config: str = "mkdocs.yml", env: dict[str, str] | None = None) -> None:
    """``python -m kb build`` (MkDocs --strict) in ``project``; raises with MkDocs' output on failure."""
    result = subprocess.run([sys.executable, "-m", "kb", "build", "-f", config, "-d", str(site)], cwd=project,
                            capture_output=True, text=True, env={**os.environ, **(env or {})})
    if result.returncode != 0:
        raise RuntimeError(f"the site build failed:\n{result.stdout}\n{result.stderr}")


def build_copy(scratch: Path, site: Path, env: dict[str, str] | None = None) -> Path:
    """Copy the project into ``scratch`` and build it into ``site``."""
    project = copy_project(scratch)
    build(project, site, env=env)
    return site


class _Handler(http.server.SimpleHTTPRequestHandler):
    site: Path

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - http.server's own signature
        super().__init__(*args, directory=str(self.site), **kwargs)

    def log_message(self, format: str, *args) -> None:  # noqa: A002, ANN002 - quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = unquote(urlsplit(self.path).path)
        target = (self.site / path.lstrip("/")).resolve()
        if target.is_dir():
            if not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
                return
            target = target / "index.html"
        if self.site.resolve() not in target.parents or not target.is_file():
            self._send(self.site / "404.html", 404)
            return
        self._send(target, 200)

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def _send(self, file: Path, status: int) -> None:
        body = file.read_bytes() if file.is_file() else b"Not found"
        ctype = self.guess_type(str(file))
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json", "image/svg+xml"):
            ctype += "; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        # a static host's usual headers: revalidate HTML, cache assets with hashed names
        hashed = "/assets/" in file.as_posix() and file.suffix in (".js", ".css")
        self.send_header("Cache-Control", "public, max-age=31536000, immutable" if hashed else "no-cache")
        if file.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, mtime=0)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except ConnectionError:
                pass  # the browser dropped the request (it navigated on): nothing to report


class SiteServer:
    """``with SiteServer(site) as server: server.url`` - the site on a free port of 127.0.0.1."""

    def __init__(self, site: Path, port: int = 0) -> None:
        handler = type("Handler", (_Handler,), {"site": Path(site)})
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="site-server", daemon=True)

    def start(self) -> SiteServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
