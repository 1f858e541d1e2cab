"""make audit: Lighthouse scores for the home page, a topic page and an essay page, on a phone and a desktop.

    python scripts/audit.py [--runs 3] [--keep DIR]

Builds a copy of the project with SITE_URL set to the address it is served
at (so canonical links and Open Graph URLs are the real ones), serves it on
127.0.0.1 like a static host (gzip, 404.html), and runs Lighthouse (pinned in
package.json; `npm ci` installs it into node_modules/) with Debian's Chromium.
Prints the four category scores per page and form factor, the audits that cost
points, and fails when a score misses its target: accessibility, best practices
and SEO 100 everywhere, performance 95 or more (mobile is the harder one).
With --runs N each page is measured N times and the median run is kept,
since the performance score moves by a few points from run to run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sitetools import CHROMIUM, CHROMIUM_ARGS, ROOT, SiteServer, build_copy  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
FORM_FACTORS = ("mobile", "desktop")


def pages(site: Path) -> dict[str, str]:
    kb = json.loads((site / "kb.json").read_text(encoding="utf-8"))
    topic = next(t for t in kb["topics"] if t["category"] == "trend")
    essay = max(kb["essays"], key=lambda e: len(e["paragraphs"]))
    return {"home": "", "topic": topic["url"], "essay": essay["url"]}


def lighthouse(url: str, form_factor: str, out: Path) -> dict:
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output=html", f"--output-path={out}",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={' '.join(CHROMIUM_ARGS)}"]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    result = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True,
                            timeout=300)
    if result.returncode != 0:
        raise SystemExit(f"audit: lighthouse failed on {url} ({form_factor}):\n{result.stderr[-3000:]}")
    report = json.loads(out.with_suffix(".report.json").read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        raise SystemExit(f"audit: lighthouse could not load {url}: {report['runtimeError']}")
    return report


def scores(report: dict) -> dict[str, int]:
    return {c: round((report["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}


def lost_points(report: dict, category: str) -> list[str]:
    """The audits of ``category`` that did not pass, with what Lighthouse measured."""
    lost = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            shown = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            lost.append(f"{audit['id']}: {audit['score']:.2f}{shown}")
    return lost


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="measure each page N times and keep the median run")
    parser.add_argument("--keep", type=Path, default=ROOT / ".audit", help="where the Lighthouse reports go")
    parser.add_argument("--no-fail", action="store_true", help="print the table but exit 0 when a target is missed")
    parser.add_argument("--form-factor", choices=FORM_FACTORS, action="append", help="only this one (repeatable)")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        raise SystemExit("audit: Lighthouse is missing; run `npm ci` first (package.json pins it)")
    args.keep.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="kb-audit-") as scratch:
        site = Path(scratch) / "site"
        with SiteServer(site) as server:
            build_copy(Path(scratch) / "project", site, env={"SITE_URL": server.url})
            rows = []
            for name, path in pages(site).items():
                for form_factor in args.form_factor or FORM_FACTORS:
                    runs = []
                    for run in range(args.runs):
                        out = args.keep / f"{name}-{form_factor}-{run + 1}"
                        runs.append(lighthouse(server.url + path, form_factor, out))
                    runs.sort(key=lambda r: scores(r)["performance"])
                    report = runs[len(runs) // 2]
                    performance = [scores(r)["performance"] for r in runs]
                    rows.append((name, path or "/", form_factor, scores(report), report, performance))
                    print(f"audit: {name} ({form_factor}) done", file=sys.stderr)

    header = f"{'page':<7} {'form':<8} {'perf':>5} {'a11y':>5} {'b.p.':>5} {'seo':>5}  address"
    print(header)
    print("-" * len(header))
    missed = []
    for name, path, form_factor, score, report, performance in rows:
        runs = f"  (perf runs: {', '.join(map(str, performance))})" if len(performance) > 1 else ""
        print(f"{name:<7} {form_factor:<8} {score['performance']:>5} {score['accessibility']:>5} "
              f"{score['best-practices']:>5} {score['seo']:>5}  {path}{runs}")
        for category in CATEGORIES:
            if score[category] < TARGETS[category]:
                missed.append(f"{name} ({form_factor}) {category} {score[category]} < {TARGETS[category]}: "
                              + "; ".join(lost_points(report, category)))
    metrics = {r[0] + " " + r[2]: r[4]["audits"] for r in rows}
    print()
    print("mobile metrics: " + "; ".join(
        f"{k.split()[0]} FCP {a['first-contentful-paint']['displayValue']}, LCP {a['largest-contentful-paint']['displayValue']}, "
        f"TBT {a['total-blocking-time']['displayValue']}, CLS {a['cumulative-layout-shift']['displayValue']}"
        for k, a in metrics.items() if k.endswith("mobile")))
    print(f"targets: accessibility, best practices, SEO 100; performance >= {TARGETS['performance']}. "
          f"Reports: {args.keep}/")
    if missed:
        print("\nmissed:\n  " + "\n  ".join(missed))
        return 0 if args.no_fail else 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
