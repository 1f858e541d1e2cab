"""Hostile and careless input: nothing outside seeds/ is read, values stay text, time and memory stay bounded.

Cases that are a file's content live in ``tests/hostile/cases.yml`` (add a
case there: a line and, if needed, a fixture file). Special files, file
modes, file names and whole-site checks are the tests below.
"""

from __future__ import annotations

import os
import re
import socket
import stat
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SEEDS
from kb import load
from kb.errors import SeedError
from kb.pipeline import build_knowledge_base
from sitecheck import build, copy_project, wait_for_clean_up

HOSTILE = Path(__file__).parent / "hostile"
CASES = yaml.safe_load((HOSTILE / "cases.yml").read_text(encoding="utf-8"))["cases"]
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069\u200e\u200f]")


# --- cases from tests/hostile/cases.yml ----------------------------------------------------


def _write_case(seeds: Path, files: dict) -> None:
    for name, source in files.items():
        target = seeds / name
        if isinstance(source, dict):
            target.write_text(source["text"], encoding="utf-8")
        else:
            target.write_bytes((HOSTILE / source).read_bytes())


def _check_chinese_is_read(kb) -> None:
    essay = next(r.essay for r in kb.essays if r.essay.source == "chinese.txt")
    text = " ".join(s.text for s in essay.sentences)
    assert "小而美" in text and "直播带货" in text, text[:200]


def _check_no_invisible_characters(kb) -> None:
    essay = next(r.essay for r in kb.essays if r.essay.source == "hidden.txt")
    assert not INVISIBLE.search(" ".join(s.text for s in essay.sentences))


def _check_live_streaming_matched(kb) -> None:
    essay = next(r for r in kb.essays if r.essay.source == "hidden.txt")
    assert {"live-streaming", "blind-expansion"} <= {t for t, _ in essay.topics}


CHECKS = {name[len("_check_"):]: f for name, f in globals().items() if name.startswith("_check_")}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_hostile_case(case: dict, seeds_copy: Path) -> None:
    _write_case(seeds_copy, case["files"])
    limit = case.get("seconds", 5)
    start = time.perf_counter()
    if "error" in case:
        with pytest.raises(SeedError) as raised:
            build_knowledge_base(seeds_copy)
        message = str(raised.value)
        for fragment in case["error"]:
            assert fragment.lower() in message.lower(), message
    else:
        kb = build_knowledge_base(seeds_copy)
        for check in case.get("checks", []):
            CHECKS[check](kb)
    assert time.perf_counter() - start < limit


def test_every_fixture_file_is_used_by_a_case() -> None:
    used = {v for c in CASES for v in c["files"].values() if isinstance(v, str)}
    fixtures = {p.name for p in HOSTILE.iterdir() if p.name != "cases.yml"}
    assert fixtures == used


# --- only regular files inside seeds/ are read --------------------------------------------


def test_a_symlinked_essay_is_refused_naming_it(seeds_copy: Path) -> None:
    (seeds_copy / "passwd.txt").symlink_to("/etc/passwd")
    with pytest.raises(SeedError, match=r"passwd\.txt.*symbolic link"):
        build_knowledge_base(seeds_copy)


def test_a_symlink_to_another_essay_in_seeds_is_refused_too(seeds_copy: Path) -> None:
    (seeds_copy / "copy.txt").symlink_to(seeds_copy / "000_b324af7ecf30e8c5.txt")
    with pytest.raises(SeedError, match=r"copy\.txt.*symbolic link"):
        build_knowledge_base(seeds_copy)


@pytest.mark.parametrize("name", ["topics.yml", "glossary.yml", "cues.yml", "essays.yml"])
def test_a_symlinked_yaml_file_is_refused(seeds_copy: Path, name: str) -> None:
    target = seeds_copy / name
    target.rename(seeds_copy / "elsewhere.yaml")
    target.symlink_to(seeds_copy / "elsewhere.yaml")
    with pytest.raises(SeedError, match=rf"{re.escape(name)}.*symbolic link"):
        build_knowledge_base(seeds_copy)


def test_a_symlinked_search_vocabulary_is_refused(seeds_copy: Path) -> None:
    target = seeds_copy / load.SEARCH_FILE
    target.rename(seeds_copy / "elsewhere.yaml")
    target.symlink_to(seeds_copy / "elsewhere.yaml")
    with pytest.raises(SeedError, match=r"search\.yml.*symbolic link"):
        load.load_search_words(target, {"live-streaming"})


def test_a_yaml_file_linked_to_dev_urandom_is_refused_at_once(seeds_copy: Path) -> None:
    (seeds_copy / "cues.yml").unlink()
    (seeds_copy / "cues.yml").symlink_to("/dev/urandom")
    start = time.perf_counter()
    with pytest.raises(SeedError, match=r"cues\.yml"):
        build_knowledge_base(seeds_copy)
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize("name", ["essay.txt", "topics.yml", "glossary.yml"])
def test_a_fifo_is_refused_without_hanging(seeds_copy: Path, name: str) -> None:
    path = seeds_copy / name
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    start = time.perf_counter()
    with pytest.raises(SeedError, match=rf"{re.escape(name)}.*not a regular file"):
        build_knowledge_base(seeds_copy)
    assert time.perf_counter() - start < 2


def test_a_socket_named_like_an_essay_is_refused(seeds_copy: Path) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(seeds_copy / "sock.txt"))
        with pytest.raises(SeedError, match=r"sock\.txt.*not a regular file"):
            build_knowledge_base(seeds_copy)


def test_a_device_named_cues_yml_is_refused(seeds_copy: Path) -> None:
    (seeds_copy / "cues.yml").unlink()
    try:
        os.mknod(seeds_copy / "cues.yml", stat.S_IFCHR | 0o644, os.makedev(1, 9))  # /dev/urandom's numbers
    except PermissionError:
        pytest.skip("this machine does not allow making device files")
    with pytest.raises(SeedError, match=r"cues\.yml.*not a regular file"):
        build_knowledge_base(seeds_copy)


def test_a_folder_named_like_an_essay_is_refused(seeds_copy: Path) -> None:
    (seeds_copy / "chapter.txt").mkdir()
    with pytest.raises(SeedError, match=r"chapter\.txt.*not a regular file"):
        build_knowledge_base(seeds_copy)


def test_a_symlinked_seeds_folder_is_refused(tmp_path: Path, seeds_copy: Path) -> None:
    link = tmp_path / "linked-seeds"
    link.symlink_to(seeds_copy)
    with pytest.raises(SeedError, match=r"symbolic link"):
        build_knowledge_base(link)


def test_an_essay_over_the_size_limit_is_refused_naming_the_limit(seeds_copy: Path) -> None:
    (seeds_copy / "huge.txt").write_bytes(b"word " * (load.MAX_ESSAY_BYTES // 5 + 1))
    with pytest.raises(SeedError, match=r"huge\.txt.*MB"):
        build_knowledge_base(seeds_copy)


def test_a_yaml_file_over_the_size_limit_is_refused(seeds_copy: Path) -> None:
    (seeds_copy / "glossary.yml").write_bytes(b"# " + b"x" * load.MAX_YAML_BYTES + b"\nterms: []\n")
    with pytest.raises(SeedError, match=r"glossary\.yml.*MB"):
        build_knowledge_base(seeds_copy)


def _without_privileges(command: list[str]) -> list[str]:
    """Root reads anything: drop every capability so file modes count (the brief's measured fact)."""
    if os.geteuid() != 0:
        return command
    return ["setpriv", "--inh-caps=-all", "--bounding-set=-all", *command]


def test_an_unreadable_yaml_file_gets_a_named_error_not_a_traceback(seeds_copy: Path) -> None:
    (seeds_copy / "topics.yml").chmod(0)
    result = subprocess.run(_without_privileges([sys.executable, "-m", "kb", "report", "--seeds-dir", str(seeds_copy)]),
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    assert "topics.yml" in result.stderr and "permission" in result.stderr.lower() and "Traceback" not in result.stderr


# --- what YAML says is read as written ------------------------------------------------------


def test_essay_keys_are_read_as_written_not_as_numbers(seeds_copy: Path) -> None:
    (seeds_copy / "010.txt").write_text("Small sellers must build a brand.\n", encoding="utf-8")
    (seeds_copy / "1_000.txt").write_text("Big sellers crush small ones on price.\n", encoding="utf-8")
    meta = (seeds_copy / "essays.yml").read_text(encoding="utf-8")
    (seeds_copy / "essays.yml").write_text(meta + "  010:\n    title: Octal ten\n  1_000:\n    title: A thousand\n", encoding="utf-8")
    kb = build_knowledge_base(seeds_copy)
    titles = {r.essay.source: r.essay.title for r in kb.essays}
    assert titles["010.txt"] == "Octal ten" and titles["1_000.txt"] == "A thousand"


# --- names become unique, readable page addresses ----------------------------------------------


def test_non_ascii_file_names_get_distinct_addresses(seeds_copy: Path) -> None:
    (seeds_copy / "中文.txt").write_text("小而美的团队也要扩大规模。\n", encoding="utf-8")
    (seeds_copy / "日本語.txt").write_text("Small sellers must build a brand.\n", encoding="utf-8")
    kb = build_knowledge_base(seeds_copy)
    ids = [r.essay.id for r in kb.essays]
    assert len(set(ids)) == len(ids) and "essay" not in ids
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids), ids


def test_glossary_anchors_are_never_empty_or_repeated() -> None:
    from kb.models import GlossaryTerm
    from kb.render import glossary_anchors

    terms = (GlossaryTerm("直播", "Live streaming."), GlossaryTerm("小而美", "Small and beautiful."),
             GlossaryTerm("KA store", "A chain."), GlossaryTerm("KA-store", "The same, written apart."))
    anchors = glossary_anchors(terms)
    assert all(anchors.values()) and len(set(anchors.values())) == len(terms), anchors
    assert anchors["KA store"] == "ka-store"


# --- output stays proportional to input -------------------------------------------------------


def test_a_title_from_one_enormous_word_is_shortened(seeds_copy: Path) -> None:
    (seeds_copy / "word.txt").write_text("x" * 100_000 + " is a price war.\n", encoding="utf-8")
    kb = build_knowledge_base(seeds_copy)
    essay = next(r.essay for r in kb.essays if r.essay.source == "word.txt")
    assert len(essay.title) <= 100 and len(essay.summary) <= 1000


# --- the whole site, built from hostile values everywhere ----------------------------------------

HOSTILE_NAME = "x` <img src=x onerror=alert(1)> `\u202e.txt"  # a bidi override in a file name too
HOSTILE_ESSAY = (
    "Big sellers <script>alert(11)</script> crush small ones on price, and small sellers must build a brand. "
    "Live streaming grows; see [this](javascript:alert(12)) and <img src=x onerror=alert(13)>. "
    "The small and beautiful teams try live\u200bstreaming \u202eof course\u202c.\n\n"
    "Sellers who fear blind expansion should learn from 直播带货 masters. < / P > < p > "
    "Tag debris like that makes the essay page name its file.\n"
)
LONG_SENTENCE_WORDS = 60_000  # one sentence of ~400 KB that mentions several topics


def _hostile_project(root: Path) -> Path:
    project = copy_project(root)
    seeds = project / "seeds"
    (seeds / HOSTILE_NAME).write_text(HOSTILE_ESSAY, encoding="utf-8")
    (seeds / "中文.txt").write_text("小而美的团队要建立品牌。直播带货是新的渠道。\n", encoding="utf-8")
    (seeds / "日本語.txt").write_text("Small sellers must build a brand, and price war is a risk.\n", encoding="utf-8")
    long = "Live streaming and price war and blind expansion and build a brand " + "word " * LONG_SENTENCE_WORDS + "end.\n"
    (seeds / "long.txt").write_text(long, encoding="utf-8")
    stem = HOSTILE_NAME[: -len(".txt")]
    essays = (seeds / "essays.yml").read_text(encoding="utf-8")
    essays += "  " + yaml.safe_dump({stem: {
        "title": '"><img src=x onerror=alert(2)> Title',
        "date": "<script>alert(3)</script>",
        "source": "[click](javascript:alert(4)) <a href=javascript:alert(4)>x</a>",
        "summary": "<svg onload=alert(5)> `code` **bold** [link](javascript:alert(5))",
        "updated": "2026-11-30",
    }}, allow_unicode=True, width=10_000).replace("\n", "\n  ").rstrip() + "\n"
    (seeds / "essays.yml").write_text(essays, encoding="utf-8")
    glossary = (seeds / "glossary.yml").read_text(encoding="utf-8")
    glossary += (
        "  - term: small and beautiful teams\n"
        "    definition: 'see [the entry](onmouseover=alert(document.domain)//) and \"quotes\" <b onmouseover=alert(6)>'\n"
        "  - term: 直播带货\n"
        "    definition: 'Live-stream selling; see [Wikipedia](https://en.wikipedia.org/wiki/Live_commerce).'\n"
    )
    (seeds / "glossary.yml").write_text(glossary, encoding="utf-8")
    topics = (seeds / "topics.yml").read_text(encoding="utf-8")
    topics = topics.replace("title: Live streaming and short video",
                            "title: 'Live streaming <img src=x onerror=alert(8)> and short video'", 1)
    (seeds / "topics.yml").write_text(topics, encoding="utf-8")
    return project


class _ActiveContent(HTMLParser):
    """Collects everything in a page that could run: event handlers, script URLs, embedded objects."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if value and re.match(r"\s*(javascript|data|vbscript):", value, re.I) and name in ("href", "src", "action", "formaction", "xlink:href"):
                self.found.append(f"<{tag} {name}={value[:40]}>")
            if value and "alert(" in value and name not in ("title", "content", "alt", "aria-label", "data-md-component"):
                self.found.append(f"<{tag} {name}={value[:60]}>")
        if tag == "meta" and any(name == "http-equiv" for name, _ in attrs):
            self.found.append("<meta http-equiv>")
        if tag in ("img", "iframe", "object", "embed", "base"):
            self.found.append(f"<{tag}>")
        self.in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and "alert(" in data:
            self.found.append("<script>alert(...)</script>")


def _hostile_essay_page(site: Path) -> Path:
    """The page of the essay with the hostile file name (its address starts "x-img-src")."""
    pages = sorted(site.glob("essays/x-img-src*/index.html"))
    assert len(pages) == 1, pages
    return pages[0]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = _hostile_project(tmp_path_factory.mktemp("hostile"))
    result = build(project)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return project / "site"


@pytest.mark.slow
def test_hostile_values_never_become_active_html(hostile_site: Path) -> None:
    found = {}
    for page in sorted(hostile_site.rglob("*.html")):
        parser = _ActiveContent()
        parser.feed(page.read_text(encoding="utf-8"))
        if parser.found:
            found[str(page.relative_to(hostile_site))] = parser.found
    assert found == {}


@pytest.mark.slow
def test_hostile_values_are_shown_as_text(hostile_site: Path) -> None:
    html = _hostile_essay_page(hostile_site).read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the file name, as text
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html  # the date, as text
    glossary = (hostile_site / "glossary" / "index.html").read_text(encoding="utf-8")
    assert "onmouseover=alert(document.domain)//" in glossary and "<a href=\"onmouseover" not in glossary
    assert '<a href="https://en.wikipedia.org/wiki/Live_commerce"' in glossary  # an honest link stays a link there


@pytest.mark.slow
def test_no_invisible_control_characters_are_published(hostile_site: Path) -> None:
    offenders = [str(p.relative_to(hostile_site)) for p in hostile_site.rglob("*.html") if INVISIBLE.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.slow
def test_ids_are_unique_and_never_empty_on_every_page(hostile_site: Path) -> None:
    bad = {}
    for page in hostile_site.rglob("*.html"):
        ids = re.findall(r'\sid="([^"]*)"', page.read_text(encoding="utf-8"))
        repeated = sorted({i for i in ids if ids.count(i) > 1 or not i})
        if repeated or "" in ids:
            bad[str(page.relative_to(hostile_site))] = repeated
    assert bad == {}


def _site_bytes(site: Path) -> int:
    return sum(p.stat().st_size for p in site.rglob("*") if p.is_file() and not p.name.endswith(".gz"))


@pytest.mark.slow
def test_one_enormous_sentence_gives_a_proportionate_site(hostile_site: Path, tmp_path: Path) -> None:
    sentence_bytes = len("word ") * LONG_SENTENCE_WORDS
    topic = (hostile_site / "topics" / "price-crushing" / "index.html").stat().st_size
    assert topic < 100_000
    project = _hostile_project(tmp_path)
    (project / "seeds" / "long.txt").unlink()
    result = build(project)
    assert result.returncode == 0, result.stderr[-2000:]
    growth = _site_bytes(hostile_site) - _site_bytes(project / "site")
    # the essay page, kb.json and the search index hold it once each; no page repeats it
    assert growth < 4 * sentence_bytes, f"{growth:,} more bytes from a {sentence_bytes:,}-byte sentence"


@pytest.mark.browser
@pytest.mark.slow
def test_hostile_pages_run_no_script_in_chromium(hostile_site: Path, browser) -> None:
    import sys as _sys

    sys_path = str(ROOT / "scripts")
    if sys_path not in _sys.path:
        _sys.path.insert(0, sys_path)
    import sitetools

    dialogs: list[str] = []
    with sitetools.SiteServer(hostile_site) as server:
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        essay = _hostile_essay_page(hostile_site)
        paths = [str(essay.parent.relative_to(hostile_site)) + "/", "glossary/", "topics/live-streaming/", "matrix/", "map/", ""]
        for path in paths:
            page.goto(server.url + path)
            for abbr in page.locator("abbr").all()[:40]:
                if abbr.is_visible():
                    abbr.hover()
            page.wait_for_timeout(100)
        page.close()
    assert dialogs == []


# --- the site folder: modes, leftovers, recovery ------------------------------------------------


@pytest.fixture(scope="module")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("modes"))
    (project / ".site-stale1").mkdir()
    (project / ".site-stale1" / "junk.html").write_text("old", encoding="utf-8")
    (project / "site.old").mkdir()
    (project / "site.old" / "junk.html").write_text("old", encoding="utf-8")
    old_umask = os.umask(0o022)
    try:
        result = build(project)
    finally:
        os.umask(old_umask)
    assert result.returncode == 0, result.stderr[-3000:]
    return project


@pytest.mark.slow
def test_a_web_server_user_can_read_the_site(built_project: Path) -> None:
    site = built_project / "site"
    wrong = [f"{p.relative_to(built_project)} {oct(p.stat().st_mode & 0o777)}"
             for p in [site, *site.rglob("*")]
             if (p.stat().st_mode & 0o777) != (0o755 if p.is_dir() else 0o644)]
    docs = built_project / "docs"
    wrong += [f"{p.relative_to(built_project)} {oct(p.stat().st_mode & 0o777)}" for p in docs.rglob("*.md") if p.stat().st_mode & 0o777 != 0o644]
    assert wrong == []


@pytest.mark.slow
def test_a_build_removes_the_leftovers_of_killed_builds(built_project: Path) -> None:
    leftovers = sorted(p.name for p in built_project.iterdir() if p.name.startswith(".site-") or p.name == "site.old")
    assert leftovers == []


@pytest.mark.slow
def test_a_read_only_site_is_replaced_and_later_builds_still_work(built_project: Path) -> None:
    site = built_project / "site"
    for path in [site, *site.rglob("*")]:
        if path.is_dir():
            path.chmod(0o555)
    command = _without_privileges([sys.executable, "-m", "kb", "build"])
    first = subprocess.run(command, cwd=built_project, capture_output=True, text=True)
    second = subprocess.run(command, cwd=built_project, capture_output=True, text=True)
    wait_for_clean_up(built_project)
    assert first.returncode == 0, first.stderr[-2000:]
    assert second.returncode == 0, second.stderr[-2000:]
    assert (site / "index.html").exists()
    debris = [p.name for p in built_project.iterdir() if (p.name.startswith(".site") or p.name.startswith("site.")) and p.name != ".site.lock"]
    assert debris == []


def test_the_old_site_goes_after_the_build_returns_and_the_next_build_waits_for_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl
    import select

    from kb import sitedir

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old", encoding="utf-8")
    work = sitedir.new_work_dir(site)
    (work / "index.html").write_text("new", encoding="utf-8")
    go = tmp_path / "go"  # a file, not a pipe: the detached process keeps none of our open files
    remove_tree = sitedir.remove_tree

    def remove_when_told(path: Path) -> bool:  # runs in the detached process, which the fork gives this patch
        deadline = time.monotonic() + 60
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return remove_tree(path)

    monkeypatch.setattr(sitedir, "remove_tree", remove_when_told)
    output_read, output_write = os.pipe()  # as the build's output is for whoever runs it
    with sitedir.build_lock(site) as lock:
        old = sitedir.swap_in(work, site)
        assert old is not None and old.name.startswith(sitedir.WORK_PREFIX)
        lock.remove_after_exit(old)
    os.close(output_write)
    try:
        # the detached process kept no end of it: a reader of the build's output is not kept waiting
        assert select.select([output_read], [], [], 5)[0] and os.read(output_read, 1) == b""
        assert (site / "index.html").read_text(encoding="utf-8") == "new"
        assert (old / "index.html").read_text(encoding="utf-8") == "old"  # the build is done, the old site not yet
        with open(tmp_path / sitedir.LOCK_NAME, "a+b") as next_build:
            with pytest.raises(BlockingIOError):
                fcntl.flock(next_build, fcntl.LOCK_EX | fcntl.LOCK_NB)
            go.touch()
            fcntl.flock(next_build, fcntl.LOCK_EX)  # a next build waits here for the deletion to end
            assert not old.exists()
    finally:
        go.touch()  # never leave the detached process waiting
    assert sorted(p.name for p in tmp_path.iterdir()) == [sitedir.LOCK_NAME, "go", "site"]


def test_two_topics_with_one_title_get_a_warning(seeds_copy: Path) -> None:
    topics = (seeds_copy / "topics.yml").read_text(encoding="utf-8")
    titles = re.findall(r"^    title: (.+)$", topics, re.MULTILINE)
    topics = topics.replace(f"    title: {titles[1]}\n", f"    title: {titles[0]}\n", 1)
    (seeds_copy / "topics.yml").write_text(topics, encoding="utf-8")
    kb = build_knowledge_base(seeds_copy)
    assert any("same title" in w and "topics.yml" in w for w in kb.warnings), kb.warnings


@pytest.mark.slow
def test_hostile_values_stay_text_in_the_feed_and_the_data_export(hostile_site: Path) -> None:
    import json
    import xml.etree.ElementTree as ET

    feed = ET.parse(hostile_site / "feed.xml").getroot()
    tags = {element.tag.split("}")[-1] for element in feed.iter()}
    assert any("onerror=alert(2)" in (e.text or "") for e in feed.iter() if e.tag.endswith("title"))
    assert tags <= {"feed", "title", "subtitle", "link", "id", "updated", "author", "name", "entry", "summary", "content", "generator", "published", "category", "rights"}, tags
    data = json.loads((hostile_site / "kb.json").read_text(encoding="utf-8"))
    titles = [e["title"] for e in data["essays"]]
    assert '"><img src=x onerror=alert(2)> Title' in titles
    raw = (hostile_site / "kb.json").read_text(encoding="utf-8")
    assert "<img" not in raw and "</script" not in raw.lower()  # escaped as \u003c: safe to embed
