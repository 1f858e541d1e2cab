"""Scale benchmark: the pipeline and the site build on thousands of essays.

Seeds a scratch copy of the project with N articles of the Wikinews economy
corpus in ../shared (CC BY 2.5; replicated past its 2,327 articles), runs the
pipeline stage by stage, then optionally the whole MkDocs build, and reports
times and page sizes. The corpus never enters the project's own seeds.

    python scripts/bench_scale.py --essays 2327 --mkdocs
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "wikinews-economy" / "articles"
PARTS = ("mkdocs.yml", "docs", "overrides", "scripts")
GENERATED = ("topics", "essays", "index.md", "trends.md", "strategies.md", "risks.md", "glossary.md", "matrix.md",
             "map.md", "curator-report.md", "kb.json")


def make_project(target: Path, essays: int) -> Path:
    for part in PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__", *GENERATED))
        else:
            shutil.copy2(source, target / part)
    seeds = target / "seeds"
    seeds.mkdir()
    for name in ("topics.yml", "glossary.yml", "cues.yml", "search.yml"):
        shutil.copy2(ROOT / "seeds" / name, seeds / name)
    articles = usable_articles()
    for i in range(essays):
        source = articles[i % len(articles)]
        copy = i // len(articles)
        shutil.copy2(source, seeds / (source.name if copy == 0 else f"{source.stem}-r{copy}.txt"))
    return target


def usable_articles() -> list[Path]:
    """Corpus articles the pipeline accepts: a few are empty once markup is gone, and are refused."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from kb.clean import clean
    from kb.errors import SeedError

    usable = []
    for path in sorted(CORPUS.glob("*.txt")):
        try:
            clean(path.read_bytes(), path.name)
            usable.append(path)
        except SeedError as error:
            print(f"  skipped: {error}")
    return usable


def run_pipeline(project: Path) -> dict[str, float]:
    sys.path.insert(0, str(project / "scripts"))
    from kb.export import to_json
    from kb.pipeline import build_knowledge_base
    from kb.render import SiteInfo, render_site

    start = time.perf_counter()
    kb = build_knowledge_base(project / "seeds")
    times = dict(kb.timings)
    t = time.perf_counter()
    pages = render_site(kb, SiteInfo("bench", "bench"))
    times["render"] = time.perf_counter() - t
    t = time.perf_counter()
    to_json(kb)
    times["export"] = time.perf_counter() - t
    times["pipeline total"] = time.perf_counter() - start
    sizes = sorted(len(text.encode()) for text in pages.values())
    print(f"  {len(kb.essays)} essays, {sum(len(r.essay.sentences) for r in kb.essays)} sentences, {len(pages)} pages")
    print(f"  generated Markdown: median {statistics.median(sizes) / 1024:.1f} KB, largest {sizes[-1] / 1024:.1f} KB")
    return times


def run_mkdocs(project: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "kb", "build"], cwd=project, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        print(result.stderr[-3000:])
        raise SystemExit("the MkDocs build failed")
    return elapsed


def report_site(site: Path) -> None:
    pages = sorted(site.rglob("*.html"), key=lambda p: p.stat().st_size)
    sizes = [p.stat().st_size for p in pages]
    index = site / "search" / "search_index.json"
    print(f"  {len(pages)} HTML pages: median {statistics.median(sizes) / 1024:.1f} KB, "
          f"largest {sizes[-1] / 1024:.1f} KB ({pages[-1].relative_to(site)})")
    if index.exists():
        print(f"  search index: {index.stat().st_size / 1024 / 1024:.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--essays", type=int, default=2327)
    parser.add_argument("--mkdocs", action="store_true", help="also run the whole MkDocs build")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        raise SystemExit(f"no corpus at {CORPUS}")
    work = args.keep or Path(tempfile.mkdtemp(prefix="kb-bench-"))
    try:
        project = make_project(work, args.essays)
        print(f"Wikinews economy corpus (CC BY 2.5), {args.essays} essays:")
        times = run_pipeline(project)
        for name, seconds in times.items():
            print(f"  {name:<15} {seconds:7.2f} s")
        if args.mkdocs:
            elapsed = run_mkdocs(project)
            print(f"  python -m kb build (pipeline + MkDocs): {elapsed:.1f} s")
            report_site(project / "site")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
