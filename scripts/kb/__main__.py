"""Command line: ``python -m kb build`` builds the site safely.

The site is built into a fresh folder and swapped in only when MkDocs
succeeds, so a failed build never replaces the last good site.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import SeedError, shown_path


def build(config: Path, site_dir: Path, strict: bool = True) -> int:
    site_dir = site_dir.resolve()
    work = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    command = [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", str(config), "-d", str(work)]
    if strict:
        command.append("--strict")
    result = subprocess.run(command, env=_build_env())
    if result.returncode != 0:
        shutil.rmtree(work, ignore_errors=True)
        kept = f"the previous site in {shown_path(site_dir)} is unchanged" if site_dir.exists() else "no site was written"
        print(f"kb: the build failed; {kept}", file=sys.stderr)
        return result.returncode
    old = site_dir.with_name(site_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(old)
    work.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)
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
    print(as_text(curator_report(kb), kb), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
