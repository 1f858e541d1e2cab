"""Scale benchmark: clean and incremental builds of thousands of essays.

Seeds a scratch copy of the project with N articles of the Wikinews economy
corpus in ../shared (CC BY 2.5; replicated past its 2,327 articles), then:

1. builds the site from scratch (``python -m kb build``, empty cache);
2. changes one essay (one sentence added) and builds again, with the cache;
   then changes another, as an editor's next save, and builds again;
3. builds the same input from scratch once more and compares the two sites
   byte for byte (``--no-verify`` skips this);

and reports wall times, the peak memory of the build (all its processes
together, sampled from /proc every 50 ms), page sizes and, when
scripts/bench_search.py exists, the search numbers. ``--json`` writes the
result for tests/test_bench.py, which compares it with the budgets.
``--stages`` also times the pipeline stage by stage, in this process.
The corpus never enters the project's own seeds.

    .venv/bin/python scripts/bench_scale.py --essays 1000 --json bench-1000.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "wikinews-economy" / "articles"
PARTS = ("mkdocs.yml", "docs", "overrides", "scripts")
GENERATED = ("topics", "essays", "index.md", "trends.md", "strategies.md", "risks.md", "glossary.md", "matrix.md",
             "map.md", "curator-report.md", "kb.json")
EDIT = " Small shops must grow quickly or risk being crushed by big sellers.\n"


def make_project(target: Path, essays: int, quiet: bool = True) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise SystemExit(f"{target} is not empty: give --keep a new or empty folder")
    for part in PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__", *GENERATED))
        else:
            shutil.copy2(source, target / part)
    seeds = target / "seeds"
    seeds.mkdir()
    # every curated file but essays.yml, which describes the project's own two essays
    for curated in sorted((ROOT / "seeds").glob("*.yml")):
        if curated.name != "essays.yml":
            shutil.copy2(curated, seeds / curated.name)
    for source, name in corpus_essays(essays, quiet):
        shutil.copy2(source, seeds / name)
    return target


def corpus_essays(essays: int, quiet: bool = True) -> list[tuple[Path, str]]:
    """The first ``essays`` usable articles and their file names; past the corpus, copies named ``<id>-r<n>.txt``."""
    articles = usable_articles(quiet)
    chosen = []
    for i in range(essays):
        source = articles[i % len(articles)]
        copy = i // len(articles)
        chosen.append((source, source.name if copy == 0 else f"{source.stem}-r{copy}.txt"))
    return chosen


def usable_articles(quiet: bool) -> list[Path]:
    """Corpus articles the pipeline accepts: a few are empty once markup is gone, and are refused."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from kb.clean import clean
    from kb.errors import SeedError

    usable, skipped = [], 0
    for path in sorted(CORPUS.glob("*.txt")):
        try:
            clean(path.read_bytes(), path.name)
            usable.append(path)
        except SeedError as error:
            skipped += 1
            if not quiet:
                print(f"  skipped: {error}")
    print(f"  corpus: {len(usable)} usable articles, {skipped} refused (empty once markup is gone)")
    return usable


# --- measuring a build ------------------------------------------------------------------------


def _tree_usage(root: int) -> dict[int, tuple[int, float]]:
    """Resident bytes and CPU seconds so far of ``root`` and each of its descendants, by process id."""
    page, tick = os.sysconf("SC_PAGE_SIZE"), os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    usage: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            usage[int(entry)] = (int(fields[21]) * page, (int(fields[11]) + int(fields[12])) / tick)
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        tree.update(children)
        frontier += children
    return {pid: usage[pid] for pid in tree if pid in usage}


def timed_build(project: Path, site: str) -> dict[str, float]:
    """``python -m kb build`` in ``project``: wall and CPU seconds, peak memory of all its processes together.

    CPU seconds (user + system, all processes) tell how much work the build
    did when other programs share the cores and stretch the wall time.
    """
    load = os.getloadavg()[0]
    start = time.perf_counter()
    # the project's own copy of the code, not the checkout's: editing the checkout mid-run changes nothing
    env = {**os.environ, "PYTHONPATH": str(project / "scripts")}
    process = subprocess.Popen([sys.executable, "-m", "kb", "build", "-d", site], cwd=project, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeSampler(process.pid) as sampled:
        out, err = process.communicate()
        elapsed = time.perf_counter() - start
    if process.returncode != 0:
        print(err[-3000:])
        raise SystemExit("the build failed")
    return {"seconds": round(elapsed, 2), "cpu_seconds": round(sum(sampled.cpu.values()), 2),
            "peak_mb": round(sampled.peak / 2**20, 1), "load_before": round(load, 2)}


class TreeSampler:
    """While in use: the peak resident bytes of a process tree (summed) and each process's last CPU seconds.

    Sampled from /proc every 50 ms on a thread, so the last 50 ms of each process are missed.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self.cpu: dict[int, float] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.is_set():
            usage = _tree_usage(self.pid)
            self.peak = max(self.peak, sum(rss for rss, _ in usage.values()))
            self.cpu.update({pid: seconds for pid, (_, seconds) in usage.items()})
            self._done.wait(0.05)

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def change_one_essay(project: Path, which: int = 0, edit: str = EDIT) -> str:
    essays = sorted((project / "seeds").glob("*.txt"))
    essay = essays[(len(essays) // 2 + which) % len(essays)]
    with open(essay, "a", encoding="utf-8") as handle:
        handle.write(edit)
    return essay.name


def serve_delay(project: Path, timeout: float = 600) -> dict[str, float]:
    """``mkdocs serve``: seconds from saving an essay to the dev server serving the changed page.

    The browser's live reload fires when the rebuild ends, so polling the page
    every 50 ms measures what an editor waits for.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(project / "scripts")}
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        start = time.perf_counter()
        wait_for(f"http://127.0.0.1:{port}/", "</html>", timeout)
        first = time.perf_counter() - start
        time.sleep(2)  # let the watcher settle after the first build
        index = f"http://127.0.0.1:{port}/pagefind/"
        index_before = wait_for_index(index, timeout)
        # new in every run: a page that shows an earlier run's sentence has not changed yet
        marker = f"Editors measure the dev server with sentence {time.time_ns()}."
        name = change_one_essay(project, which=1, edit=" " + marker + "\n")
        sys.path.insert(0, str(project / "scripts"))
        from kb.load import essay_stem
        from kb.pipeline import slugify

        start = time.perf_counter()
        wait_for(f"http://127.0.0.1:{port}/essays/{slugify(essay_stem(name))}/", marker, timeout)
        shown = time.perf_counter() - start
        # the dev server writes the search index after showing the page: each bundle's entry file
        # names its index by a hash of its content, so a new entry means the edit is searchable
        wait_for_index(index, timeout, unlike=index_before)
        return {"first_build_seconds": round(first, 2), "change_shown_seconds": round(shown, 2),
                "search_ready_seconds": round(time.perf_counter() - start, 2)}
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for(url: str, text: str, timeout: float, unlike: str | None = None) -> str:
    """Poll ``url`` every 50 ms until its body contains ``text`` (and differs from ``unlike``); return the body."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body = response.read().decode("utf-8", "replace")
                if text in body and body != unlike:
                    return body
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    raise SystemExit(f"{url} did not show {text!r} within {timeout:.0f} s")


def wait_for_index(index: str, timeout: float, unlike: str | None = None) -> str:
    """Poll the entry files of every bundle of the search index (``pagefind/bundles.json``) until
    all are written (and together differ from ``unlike``); return them together."""
    deadline = time.monotonic() + timeout
    while True:
        bundles = json.loads(wait_for(index + "bundles.json", "[", max(1.0, deadline - time.monotonic())))
        entries = [wait_for(f"{index}{bundle}pagefind-entry.json", '"languages"', max(1.0, deadline - time.monotonic()))
                   for bundle in ["", *bundles]]
        together = "\n".join(entries)
        if together != unlike:
            return together
        if time.monotonic() > deadline:
            raise SystemExit(f"{index} did not change within {timeout:.0f} s")
        time.sleep(0.05)


def site_hashes(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def site_sizes(site: Path) -> dict[str, float]:
    pages = sorted(site.rglob("*.html"), key=lambda p: p.stat().st_size)
    sizes = [p.stat().st_size for p in pages]
    index = site / "search" / "search_index.json"
    return {
        "html_pages": len(pages),
        "html_median_kb": round(statistics.median(sizes) / 1024, 1),
        "html_largest_kb": round(sizes[-1] / 1024, 1),
        "html_largest_page": pages[-1].relative_to(site).as_posix(),
        "search_index_mb": round(index.stat().st_size / 2**20, 2) if index.exists() else None,
    }


def search_numbers(site: Path) -> dict | None:
    """The search issue's measurements (scripts/bench_search.py), once that branch is merged."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from bench_search import measure  # type: ignore[import-not-found]
    except ImportError:
        return None
    return measure(site)


def run_stages(project: Path) -> dict[str, float]:
    """The pipeline stage by stage, in this process, without the cache."""
    sys.path.insert(0, str(project / "scripts"))
    from kb.export import to_json
    from kb.pipeline import build_knowledge_base
    from kb.render import SiteInfo, render_site

    start = time.perf_counter()
    kb = build_knowledge_base(project / "seeds")
    times = dict(kb.timings)
    t = time.perf_counter()
    render_site(kb, SiteInfo("bench", "bench"))
    times["render"] = time.perf_counter() - t
    t = time.perf_counter()
    to_json(kb)
    times["export"] = time.perf_counter() - t
    times["pipeline total"] = time.perf_counter() - start
    return {name: round(seconds, 2) for name, seconds in times.items()}


# --- the run ------------------------------------------------------------------------------------


def benchmark(project: Path, essays: int, verify: bool, stages: bool, serve: bool) -> dict:
    result: dict = {"essays": essays, "cores": len(os.sched_getaffinity(0))}
    if stages:
        result["stages"] = run_stages(project)
        print("  pipeline stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in result["stages"].items()))
    result["clean"] = timed_build(project, "site")
    print(f"  clean build:       {_line(result['clean'])}")
    result["changed_essay"] = change_one_essay(project)
    result["incremental"] = timed_build(project, "site")
    print(f"  one essay changed: {_line(result['incremental'])} ({result['changed_essay']})")
    # an editor's next save: the first build after a clean one still finds some caches cold
    result["changed_again"] = change_one_essay(project, which=1)
    result["incremental_again"] = timed_build(project, "site")
    print(f"  another essay:     {_line(result['incremental_again'])} ({result['changed_again']})")
    result["site"] = site_sizes(project / "site")
    print(f"  {result['site']['html_pages']} HTML pages: median {result['site']['html_median_kb']} KB, largest "
          f"{result['site']['html_largest_kb']} KB ({result['site']['html_largest_page']}); "
          f"search index {result['site']['search_index_mb']} MB")
    search = search_numbers(project / "site")
    if search is not None:
        result["search"] = search
        print(f"  search: {json.dumps(search)[:300]}")
    if verify:
        shutil.rmtree(project / ".cache", ignore_errors=True)
        result["clean_again"] = timed_build(project, "site-clean")
        same = site_hashes(project / "site") == site_hashes(project / "site-clean")
        result["incremental_equals_clean"] = same
        print(f"  clean build of the changed input: {_line(result['clean_again'])}")
        print(f"  the incremental site is {'byte-identical to' if same else 'DIFFERENT from'} it")
    if serve:  # last: it edits another essay
        result["serve"] = serve_delay(project)
        print(f"  mkdocs serve: first build {result['serve']['first_build_seconds']:.1f} s; one essay saved -> "
              f"changed page served in {result['serve']['change_shown_seconds']:.1f} s, "
              f"searchable in {result['serve']['search_ready_seconds']:.1f} s")
    return result


def _line(build: dict) -> str:
    return (f"{build['seconds']:6.1f} s wall, {build['cpu_seconds']:6.1f} s CPU, peak {build['peak_mb']:.0f} MB "
            f"(load average {build['load_before']:.1f} before)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--essays", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="build in this folder (created; must be new or empty) and keep it")
    parser.add_argument("--json", type=Path, help="write the result here")
    parser.add_argument("--no-verify", dest="verify", action="store_false",
                        help="skip the second clean build and the byte-for-byte comparison")
    parser.add_argument("--stages", action="store_true", help="also time the pipeline stage by stage")
    parser.add_argument("--serve", action="store_true",
                        help="also time mkdocs serve: one essay saved until the dev server shows the change")
    parser.add_argument("--verbose", action="store_true", help="list every corpus article refused")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        raise SystemExit(f"no corpus at {CORPUS}")
    work = args.keep or Path(tempfile.mkdtemp(prefix="kb-bench-"))
    try:
        print(f"Wikinews economy corpus (CC BY 2.5), {args.essays} essays:")
        project = make_project(work, args.essays, quiet=not args.verbose)
        result = benchmark(project, args.essays, args.verify, args.stages, args.serve)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if result.get("incremental_equals_clean", True) else 1


if __name__ == "__main__":
    sys.exit(main())
