"""Command line: ``python -m kb build`` builds the site safely.

The site is built into a fresh folder and swapped in only when MkDocs
succeeds, so a failed build never replaces the last good site.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from . import sitedir
from .carryover import LAST_SITE_VARIABLE, LastSite
from .errors import SeedError, shown_path
from .finish import FINISHED_OUTSIDE


LOCAL_SITE_URL = "http://127.0.0.1:8000/"  # mkdocs.yml's default for site_url


def build(config: Path, site_dir: Path, strict: bool = True, publish: bool = False) -> int:
    problem = site_url_problem(os.environ.get("SITE_URL"))
    if problem and publish:
        print(f"kb: REFUSING TO BUILD FOR PUBLISHING: {problem}.\n"
              f"    Canonical links, og:url and the sitemap need the address the site is published at,\n"
              f"    for example: make publish SITE_URL=https://example.org/kb/", file=sys.stderr)
        return 2
    if problem:
        print(f"kb: WARNING: {problem}: canonical links, og:url and the sitemap point at "
              f"{os.environ.get('SITE_URL') or LOCAL_SITE_URL}.\n"
              f"    Fine to look at locally; do not publish this site (make publish checks the address).",
              file=sys.stderr)
    site_dir = site_dir.resolve()
    try:
        with sitedir.build_lock(site_dir) as lock:
            removed, stuck = sitedir.remove_debris(site_dir)
            for name in removed:
                print(f"kb: removed {name}, left by an earlier build that did not finish", file=sys.stderr)
            for name in stuck:
                print(f"kb: warning: cannot delete {name}, left by an earlier build (fix: delete it by hand)", file=sys.stderr)
            work = sitedir.new_work_dir(site_dir)
            command = [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", str(config), "-d", str(work)]
            if strict:
                command.append("--strict")
            returncode = _run_mkdocs_then_finish(command, work, config, site_dir)
            if returncode != 0:
                sitedir.remove_tree(work)
                kept = f"the previous site in {shown_path(site_dir)} is unchanged" if site_dir.exists() else "no site was written"
                print(f"kb: the build failed; {kept}", file=sys.stderr)
                return returncode
            if publish and not _add_policy_meta(work):
                sitedir.remove_tree(work)
                return 1
            sitedir.publish_modes(work)
            old = sitedir.swap_in(work, site_dir)
            if old:
                lock.remove_after_exit(old)
    except sitedir.SiteDirError as error:
        print(f"kb: {error}", file=sys.stderr)
        return 1
    return 0


def _run_mkdocs_then_finish(command: list[str], site: Path, config: Path, last_site: Path) -> int:
    """MkDocs writes the pages; then the site's last steps (kb.finish) run here, without MkDocs' memory.

    ``site`` is the new site's folder, ``last_site`` the site it replaces: both
    MkDocs and the last steps link the files it holds unchanged (kb.carryover).

    The hook says on a pipe when every page is written: the index and headers
    start then, while MkDocs only checks for warnings and exits. Its exit
    status still decides: a strict build that warned is not finished.
    """
    ready, pages_written = os.pipe()
    env = {**_build_env(), FINISHED_OUTSIDE: str(pages_written), LAST_SITE_VARIABLE: str(last_site)}
    try:
        process = subprocess.Popen(command, env=env, pass_fds=(pages_written,))
    finally:
        os.close(pages_written)
    from .finish import cache_for, start  # while MkDocs works
    from .headers import PolicyError

    last = LastSite.of(last_site, site)
    with os.fdopen(ready, "rb") as signal:
        written = signal.read(1) == b"1"  # b"" when MkDocs ends without writing the pages
    begin = time.perf_counter()
    done, problem = None, None
    try:
        done = start(site, cache_for(config), last) if written else None
    except PolicyError as error:
        problem = f"cannot write the site's headers: {error}"
    returncode = process.wait()
    if returncode != 0 or problem:
        if done and done.indexing:
            done.indexing.cancel()
        if problem:
            print(f"kb: {problem}", file=sys.stderr)
        return returncode or 1
    try:
        done = done or start(site, cache_for(config), last)
        if done.indexing:
            done.indexing.finish()
    except (PolicyError, RuntimeError) as error:
        print(f"kb: {error}", file=sys.stderr)
        return 1
    search = f"Pagefind: {done.indexing.summary}" if done.indexing else "no Pagefind"
    print(f"kb: search index and headers written {time.perf_counter() - begin:.2f}s after the pages "
          f"({search}; the policy allows {len(done.headers.scripts)} inline scripts by hash)", file=sys.stderr)
    return 0


def _add_policy_meta(site: Path) -> bool:
    # GitHub Pages, where the workflow publishes, sends no headers of the site's
    # choosing: the pages carry their Content-Security-Policy themselves.
    from .headers import PolicyError, add_policy_meta

    try:
        add_policy_meta(site)
    except PolicyError as error:
        print(f"kb: the build failed: {error}", file=sys.stderr)
        return False
    return True


def site_url_problem(url: str | None) -> str | None:
    """Why ``url`` cannot be the address a site is published at; None when it can be."""
    if not url:
        return "SITE_URL is not set"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"SITE_URL={url!r} is not an http(s) address"
    host = parts.hostname
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        local = host == "localhost" or host.endswith(".localhost")
    else:
        local = address.is_loopback or address.is_unspecified
    return f"SITE_URL={url!r} points at this machine" if local else None


def write_nginx_conf(site_dir: Path, output: Path) -> int:
    from .headers import PolicyError, header_rules, nginx_server_block, read_site

    if not (site_dir / "index.html").is_file():
        print(f"kb: {shown_path(site_dir)} holds no built site: run make build first", file=sys.stderr)
        return 1
    try:
        text = nginx_server_block(header_rules(read_site(site_dir)))
    except PolicyError as error:
        print(f"kb: {error}", file=sys.stderr)
        return 1
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"kb: wrote {shown_path(output)}")
    return 0


def _build_env() -> dict[str, str]:
    # The sitemap's dates come from SOURCE_DATE_EPOCH: fixed, so that two
    # builds of the same input are byte-identical.
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the site into a temporary folder, then replace the site folder")
    b.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"))
    b.add_argument("-d", "--site-dir", type=Path, default=Path("site"))
    b.add_argument("--no-strict", action="store_true")
    b.add_argument("--publish", action="store_true",
                   help="refuse to build unless SITE_URL is the address the site is published at")
    n = sub.add_parser("nginx-conf", help="write the nginx server block (security and cache headers) for a built site")
    n.add_argument("-d", "--site-dir", type=Path, default=Path("site"))
    n.add_argument("-o", "--output", type=Path, default=Path("deploy/nginx.conf"))
    r = sub.add_parser("report", help="print the curator's report: unmatched sentences, candidate topics, thin topics")
    r.add_argument("--seeds-dir", type=Path, default=Path("seeds"))
    args = parser.parse_args(argv)
    if args.command == "build":
        return build(args.config_file, args.site_dir, strict=not args.no_strict, publish=args.publish)
    if args.command == "nginx-conf":
        return write_nginx_conf(args.site_dir, args.output)
    return print_report(args.seeds_dir)


def print_report(seeds_dir: Path) -> int:
    from .pipeline import build_knowledge_base
    from .report import as_text, curator_report

    try:
        kb = build_knowledge_base(seeds_dir)
    except SeedError as error:
        print(f"kb: {error}", file=sys.stderr)
        return 1
    for warning in kb.warnings:
        print(f"kb: warning: {warning}", file=sys.stderr)
    print(as_text(curator_report(kb), kb), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
