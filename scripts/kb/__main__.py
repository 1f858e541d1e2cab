"""Command line: ``python -m kb build`` builds the site safely.

The site is built into a fresh folder and swapped in only when MkDocs
succeeds, so a failed build never replaces the last good site.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from . import sitedir
from .errors import SeedError, shown_path


def build(config: Path, site_dir: Path, strict: bool = True) -> int:
    site_dir = site_dir.resolve()
    try:
        with sitedir.build_lock(site_dir):
            for name in sitedir.remove_debris(site_dir):
                print(f"kb: removed {name}, left by an earlier build that did not finish", file=sys.stderr)
            work = sitedir.new_work_dir(site_dir)
            command = [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", str(config), "-d", str(work)]
            if strict:
                command.append("--strict")
            result = subprocess.run(command, env=_build_env())
            if result.returncode != 0:
                sitedir.remove_tree(work)
                kept = f"the previous site in {shown_path(site_dir)} is unchanged" if site_dir.exists() else "no site was written"
                print(f"kb: the build failed; {kept}", file=sys.stderr)
                return result.returncode
            sitedir.publish_modes(work)
            warning = sitedir.swap_in(work, site_dir)
    except sitedir.SiteDirError as error:
        print(f"kb: {error}", file=sys.stderr)
        return 1
    if warning:
        print(f"kb: warning: {warning}", file=sys.stderr)
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
    r = sub.add_parser("report", help="print the curator's report: unmatched sentences, candidate topics, thin topics")
    r.add_argument("--seeds-dir", type=Path, default=Path("seeds"))
    args = parser.parse_args(argv)
    if args.command == "build":
        return build(args.config_file, args.site_dir, strict=not args.no_strict)
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
