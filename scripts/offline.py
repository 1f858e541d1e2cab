"""make offline: a copy of the site that works opened from the file system, search included.

    python scripts/offline.py [--out site-offline] [--zip site-offline.zip]

Material's ``offline`` plugin (switched on here with KB_OFFLINE=true, off in
every other build) turns off directory URLs and inlines the search index. For
search it also needs the ``iframe-worker`` shim, since browsers refuse web
workers from file:// pages; left alone, the plugin would load that shim from
https://unpkg.com. Instead the shim comes from the npm package pinned in
package.json (``npm ci`` puts it in node_modules/), is copied into the build
copy's docs/assets/vendor/, and ``extra.polyfills`` points at it, so the
offline site loads nothing from outside.

The build runs in a scratch copy of the project, so the working tree's
docs/ is left as it is.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sitetools import ROOT, build, copy_project  # noqa: E402

SHIM = Path("node_modules/iframe-worker/shim/index.js")
VENDORED = "assets/vendor/iframe-worker/shim.js"
OFFLINE_CONFIG = f"""# Written by scripts/offline.py for the offline build only.
INHERIT: mkdocs.yml
extra:
  kb_search: lunr   # Pagefind cannot fetch its index from file://; Material's lunr search inlines it
  polyfills:
    - {VENDORED}
"""
FOREIGN = re.compile(r"""(?:src|href)=["']?(?:https?:)?//""")


def shim_source(root: Path = ROOT) -> Path:
    shim = root / SHIM
    if not shim.is_file():
        raise SystemExit(f"offline: {SHIM} is missing; run `npm ci` in {root} first (package.json pins iframe-worker)")
    return shim


def build_offline(out: Path, root: Path = ROOT) -> Path:
    """Build the offline site into ``out`` (replaced only when the build succeeds)."""
    shim = shim_source(root)
    out = out.resolve()
    with tempfile.TemporaryDirectory(prefix="kb-offline-") as scratch:
        project = copy_project(Path(scratch) / "project", root)
        vendored = project / "docs" / VENDORED
        vendored.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(shim, vendored)
        shutil.copy2(root / "node_modules/iframe-worker/LICENSE", vendored.parent / "LICENSE")
        (project / "mkdocs.offline.yml").write_text(OFFLINE_CONFIG, encoding="utf-8")
        build(project, out, config="mkdocs.offline.yml", env={"KB_OFFLINE": "true"})
    check(out)
    return out


def check(site: Path) -> None:
    """Fail if any page of the offline site would load something from outside it."""
    offenders = []
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        # what a browser fetches: src= of scripts, images, frames; <link> stylesheets, icons, preloads
        # (not <a href=>, nor rel="canonical", which are addresses, not loads)
        for tag in re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*>", html):
            if FOREIGN.search(tag) and not re.search(r"""rel=["']?(?:canonical|alternate)""", tag):
                offenders.append(f"{page.relative_to(site)}: {tag}")
    if offenders:
        raise SystemExit("offline: the offline site loads from outside:\n  " + "\n  ".join(offenders))
    if not (site / "search" / "search_index.js").is_file():
        raise SystemExit("offline: search/search_index.js is missing: was the offline plugin enabled?")


def make_zip(site: Path, archive: Path) -> Path:
    """``archive`` holding ``site`` under one top folder; byte-identical for identical input."""
    tmp = archive.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(site.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(f"{site.name}/{path.relative_to(site).as_posix()}", date_time=(2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, path.read_bytes())
    tmp.replace(archive)
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "site-offline")
    parser.add_argument("--zip", type=Path, default=ROOT / "site-offline.zip")
    args = parser.parse_args(argv)
    site = build_offline(args.out)
    archive = make_zip(site, args.zip)
    pages = sum(1 for _ in site.rglob("*.html"))
    print(f"offline: {pages} pages in {site}; open {site / 'index.html'} in a browser")
    print(f"offline: {archive} ({archive.stat().st_size // 1024} KB) to hand on")
    return 0


if __name__ == "__main__":
    sys.exit(main())
