"""The build cache: an incremental build gives the same bytes as a clean one.

A project (the real seeds plus some corpus essays, when ../shared has them)
is built once to fill the cache; then each test copies it, makes one kind of
editor's change at a random place (fixed seed, so a failure can be replayed),
builds again with the cache, and compares the whole site tree, file by file,
with a clean build of the same input. The unit tests below check the cache
itself: keys, atomic writes, pruning, damaged entries.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pytest

from conftest import SHARED
from kb.cache import Cache, Store, code_version, digest
from kb.clean import clean
from kb.errors import SeedError
from kb.fulltext import PER_BUNDLE_VARIABLE
from kb.pipeline import build_knowledge_base
from sitecheck import build, copy_project

CORPUS = SHARED / "corpus" / "wikinews-economy" / "articles"
CORPUS_ESSAYS = 24
SEED = 1011


def tree(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def assert_same_tree(incremental: Path, clean: Path) -> None:
    got, want = tree(incremental), tree(clean)
    assert sorted(got) == sorted(want), set(got) ^ set(want)
    differing = [path for path in want if got[path] != want[path]]
    assert not differing, f"{len(differing)} files differ from a clean build, e.g. {differing[:5]}"


def usable(path: Path) -> bool:
    try:
        clean(path.read_bytes(), path.name)
        return True
    except SeedError:
        return False  # title-only and empty articles are refused, by design


def corpus_essays() -> list[Path]:
    """Some corpus essays for the project, and one spare to add later."""
    if not CORPUS.is_dir():
        return []
    return [p for p in sorted(CORPUS.glob("*.txt"))[100:200] if usable(p)][:CORPUS_ESSAYS + 1]


@pytest.fixture(scope="module", autouse=True)
def search_index_in_bundles() -> Iterator[None]:
    """Every build here indexes its essays in bundles of 8 (about 3 bundles), as a large site does."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PER_BUNDLE_VARIABLE, "8")
        yield


@pytest.fixture(scope="module")
def warm_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project with some corpus essays, built once: its cache is full."""
    project = copy_project(tmp_path_factory.mktemp("cache") / "project")
    for path in corpus_essays()[:-1]:
        shutil.copy2(path, project / "seeds" / path.name)
    result = build(project)
    assert result.returncode == 0, result.stderr
    return project


# --- the editor's changes -------------------------------------------------------------


def essays(project: Path) -> list[Path]:
    return sorted(p for p in (project / "seeds").glob("*.txt"))


def change_an_essay(project: Path, rng: random.Random) -> None:
    path = rng.choice(essays(project))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = rng.choice([i for i, line in enumerate(lines) if len(line.split()) > 8])
    lines[at] = lines[at].rstrip("\n") + " Small shops must grow quickly or risk being crushed by big sellers.\n"
    path.write_text("".join(lines), encoding="utf-8")


def add_an_essay(project: Path, rng: random.Random) -> None:
    spare = corpus_essays()[-1:] if CORPUS.is_dir() else []
    if spare:
        shutil.copy2(spare[0], project / "seeds" / spare[0].name)
    else:
        (project / "seeds" / "zz-new.txt").write_text(
            "A new essay\n\nLive streaming is growing fast. Small sellers should build a brand.\n", encoding="utf-8")


def remove_an_essay(project: Path, rng: random.Random) -> None:
    # the essays named in essays.yml (000, 001) must stay; any other may go
    candidates = [p for p in essays(project) if not p.name.startswith(("000_", "001_"))]
    if not candidates:
        pytest.skip("needs corpus essays to remove")
    rng.choice(candidates).unlink()


def edit_a_topic(project: Path, rng: random.Random) -> None:
    """Rename a topic and give it one more synonym."""
    path = project / "seeds" / "topics.yml"
    text = path.read_text(encoding="utf-8")
    title = rng.choice([t for t in re.findall(r"(?m)^    title: (.+)$", text) if t[0] not in "\"'"])
    start = text.index(f"    title: {title}\n")
    synonyms = text.index("    synonyms:\n", start) + len("    synonyms:\n")
    text = (text[:start] + f"    title: {title} (edited)\n" + text[start + len(f"    title: {title}\n"):synonyms]
            + "      - online shop\n" + text[synonyms:])
    path.write_text(text, encoding="utf-8")


def edit_the_glossary(project: Path, rng: random.Random) -> None:
    path = project / "seeds" / "glossary.yml"
    word = rng.choice(["shop", "seller", "platform", "brand"])
    path.write_text(path.read_text(encoding="utf-8") + f"\n  - term: {word}\n    definition: An editor's test entry.\n",
                    encoding="utf-8")


EDITS = [change_an_essay, add_an_essay, remove_an_essay, edit_a_topic, edit_the_glossary]


@pytest.mark.slow
@pytest.mark.parametrize("edit", EDITS, ids=[e.__name__ for e in EDITS])
def test_an_incremental_build_equals_a_clean_build(warm_project: Path, tmp_path: Path, edit) -> None:  # noqa: ANN001
    project = tmp_path / "project"
    shutil.copytree(warm_project, project, symlinks=True)
    edit(project, random.Random(SEED))
    result = build(project)  # replacing the warm build's site: its unchanged files are linked (kb.carryover)
    assert result.returncode == 0, result.stderr
    # a renamed topic is in the navigation, which every page shows: no finished page can be reused then,
    # and every page must be read again; otherwise most pages are not even read
    unread, finished = (r"0", r"\d+") if edit is edit_a_topic else (r"[1-9]\d*", r"[1-9]\d*")
    assert re.search(rf"Cache: {unread} pages not read again; \d+ pages' Markdown and {finished} finished pages reused",
                     result.stderr), result.stderr
    if edit is change_an_essay:  # the other bundles of the search index come from the cache
        assert re.search(r"Pagefind: [12] of [3-9] bundles indexed, [1-9] reused", result.stderr), result.stderr
    shutil.rmtree(project / ".cache")
    result = build(project, "site-clean")
    assert result.returncode == 0, result.stderr
    assert_same_tree(project / "site", project / "site-clean")


@pytest.mark.slow
def test_several_random_edits_in_a_row_stay_identical(warm_project: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(warm_project, project, symlinks=True)
    rng = random.Random(SEED + 1)
    for round_ in range(3):
        for edit in rng.sample([change_an_essay, change_an_essay, edit_the_glossary, edit_a_topic], 2):
            edit(project, rng)
        result = build(project)
        assert result.returncode == 0, result.stderr
    clean = tmp_path / "clean"
    # the sources only: not the cache, not the built sites (overrides/sitemap.xml is a source)
    built = lambda folder, names: [n for n in names if folder == str(project) and (n == ".cache" or n.startswith("site"))]  # noqa: E731
    shutil.copytree(project, clean, symlinks=True, ignore=built)
    result = build(clean, "site")
    assert result.returncode == 0, result.stderr
    assert_same_tree(project / "site", clean / "site")


def inodes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_files_the_last_site_holds_unchanged_are_linked_not_written_again(warm_project: Path, tmp_path: Path) -> None:
    """The new site shares the old site's file where the bytes are the same; a changed page is a new file."""
    project = tmp_path / "project"
    shutil.copytree(warm_project, project, symlinks=True)
    before, old_bytes = inodes(project / "site"), tree(project / "site")
    change_an_essay(project, random.Random(SEED))
    result = build(project)
    assert result.returncode == 0, result.stderr
    after, new_bytes = inodes(project / "site"), tree(project / "site")
    # inode numbers of files alive during the build cannot be given to new files: the same number is the same file
    linked = {path for path, number in after.items() if before.get(path) == number}
    unchanged = {path for path in new_bytes if old_bytes.get(path) == new_bytes[path]}
    pages = {path for path in new_bytes if path.endswith(".html")}
    assert linked <= unchanged, sorted(linked - unchanged)[:5]
    assert len(linked & pages) >= 0.8 * len(pages), (len(linked & pages), len(pages))
    assert any(path.startswith("pagefind/") for path in linked), "the reused bundles of the search index"
    changed_pages = pages - unchanged
    assert changed_pages and not changed_pages & linked
    assert re.search(r"Site: [1-9]\d* unchanged pages linked from the last site", result.stderr), result.stderr


# --- the analysis cache ------------------------------------------------------------------


def test_analysis_from_the_cache_equals_a_fresh_analysis(seeds_copy: Path, tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    fresh = build_knowledge_base(seeds_copy)
    first = build_knowledge_base(seeds_copy, cache=cache)
    assert len(list((tmp_path / "cache" / "essays").glob("*/*"))) == len(fresh.essays)
    again = build_knowledge_base(seeds_copy, cache=Cache(tmp_path / "cache"))
    assert fresh == first == again


def test_an_edited_essay_is_analysed_again(seeds_copy: Path, tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    build_knowledge_base(seeds_copy, cache=cache)
    essay = seeds_copy / "000_b324af7ecf30e8c5.txt"
    essay.write_bytes(essay.read_bytes().replace(b"small", b"tiny", 1))
    cached = build_knowledge_base(seeds_copy, cache=Cache(tmp_path / "cache"))
    assert cached == build_knowledge_base(seeds_copy)
    assert "tiny" in " ".join(s.text for s in cached.essays[0].essay.sentences)


def test_a_changed_cue_invalidates_every_analysis(seeds_copy: Path, tmp_path: Path) -> None:
    build_knowledge_base(seeds_copy, cache=Cache(tmp_path / "cache"))
    cues = seeds_copy / "cues.yml"
    text = cues.read_text(encoding="utf-8")
    cues.write_text(text.replace("threshold: 1.0", "threshold: 2.5", 1), encoding="utf-8")
    cache = Cache(tmp_path / "cache")
    assert build_knowledge_base(seeds_copy, cache=cache) == build_knowledge_base(seeds_copy)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
def test_analysis_on_two_cores_keeps_order_and_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("topics.yml", "glossary.yml", "cues.yml"):
        shutil.copy2(Path(__file__).resolve().parent.parent / "seeds" / name, seeds / name)
    for path in [p for p in sorted(CORPUS.glob("*.txt"))[:90] if usable(p)]:
        shutil.copy2(path, seeds / path.name)
    monkeypatch.setenv("KB_WORKERS", "1")
    one = build_knowledge_base(seeds)
    monkeypatch.setenv("KB_WORKERS", "2")
    two = build_knowledge_base(seeds)
    assert len(one.essays) >= 64  # enough for the pool to start
    assert one == two
    assert [r.essay.id for r in one.essays] == [r.essay.id for r in two.essays]


# --- the cache itself ------------------------------------------------------------------------


def test_keys_separate_their_parts() -> None:
    assert digest("ab", "c") != digest("a", "bc")
    assert digest(b"x") == digest("x")


def test_entries_round_trip_and_damaged_ones_count_as_missing(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.put("kind", "ab" + "0" * 62, {"value": (1, 2)})
    assert Cache(tmp_path).get("kind", "ab" + "0" * 62) == {"value": (1, 2)}
    (tmp_path / "kind" / "ab" / ("ab" + "0" * 62)).write_bytes(b"\x80\x05garbage")
    assert Cache(tmp_path).get("kind", "ab" + "0" * 62) is None
    assert not list(tmp_path.rglob(".tmp-*"))  # writes leave no temporary files behind


@pytest.mark.parametrize("collecting", [True, False])
def test_many_entries_read_at_once_are_those_read_one_by_one(tmp_path: Path, collecting: bool) -> None:
    import gc

    cache = Cache(tmp_path)
    keys = [digest(str(i)) for i in range(20)]
    for key in keys[::2]:
        cache.put("kind", key, {"key": key, "list": [key]})
    reader = Cache(tmp_path)
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        assert reader.get_many("kind", keys) == [Cache(tmp_path).get("kind", key) for key in keys]
        assert gc.isenabled() == collecting  # the collector is paused while reading, then as it was
        assert gc.get_freeze_count() == 0  # and nothing is left out of its collections for good
    finally:
        (gc.enable if was else gc.disable)()
    assert reader.used_keys("kind") == set(keys)


def test_prune_keeps_only_what_this_build_used(tmp_path: Path) -> None:
    old = Cache(tmp_path)
    old.put("kind", "aa" + "1" * 62, 1)
    old.put("kind", "bb" + "2" * 62, 2)
    new = Cache(tmp_path)
    assert new.get("kind", "aa" + "1" * 62) == 1
    assert new.prune("kind") == 1
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["aa" + "1" * 62]


def test_any_code_change_changes_the_code_version(tmp_path: Path) -> None:
    package = tmp_path / "kb"
    (package / "templates").mkdir(parents=True)
    (package / "a.py").write_text("x = 1\n")
    (package / "templates" / "t.md.j2").write_text("{{ x }}\n")
    before = code_version(package)
    (package / "templates" / "t.md.j2").write_text("{{ x }}!\n")
    assert code_version(package) != before


@pytest.mark.slow
def test_a_page_whose_link_warned_warns_again_next_build(warm_project: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(warm_project, project, symlinks=True)
    about = project / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nSee [the missing page](missing.md).\n", encoding="utf-8")
    for _ in range(2):  # strict: the warning fails the build each time, never hidden by the cache
        result = build(project, "site-broken")
        assert result.returncode != 0
        assert "missing.md" in result.stderr


def test_a_page_left_unread_still_has_its_links_to_anchors_checked(warm_project: Path, tmp_path: Path) -> None:
    """export.md is not read again while its source stays the same; its link into about.md must still be checked."""
    project = tmp_path / "project"
    shutil.copytree(warm_project, project, symlinks=True)
    export, about = project / "docs" / "export.md", project / "docs" / "about.md"
    export.write_text(export.read_text(encoding="utf-8") + "\nHow the essays are read: [the essays](about.md#the-essays).\n",
                      encoding="utf-8")
    for site in ("site-1", "site-2"):  # the second build leaves export.md unread
        result = build(project, site)
        assert result.returncode == 0, result.stderr
    assert re.search(r"Cache: [1-9]\d* pages not read again", result.stderr), result.stderr
    about.write_text(about.read_text(encoding="utf-8").replace("## The essays\n", "## Where the essays come from\n"),
                     encoding="utf-8")
    result = build(project, "site-3")
    assert result.returncode != 0
    assert "export.md' contains a link 'about.md#the-essays'" in result.stderr, result.stderr


@pytest.mark.slow
def test_pages_whose_finished_html_is_gone_from_the_cache_are_read_again(warm_project: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(warm_project, project, symlinks=True)
    for folder in (project / ".cache" / "kb").glob("page-*"):
        shutil.rmtree(folder)
    result = build(project, "site-incremental")
    assert result.returncode == 0, result.stderr
    assert "Cache: 0 pages not read again" in result.stderr, result.stderr
    shutil.rmtree(project / ".cache")
    result = build(project, "site-clean")
    assert result.returncode == 0, result.stderr
    assert_same_tree(project / "site-incremental", project / "site-clean")


def test_a_page_left_unread_still_offers_its_anchors_to_other_pages(warm_project: Path, tmp_path: Path) -> None:
    """about.md is not read again; a new link to an anchor it does not have must still warn."""
    project = tmp_path / "project"
    shutil.copytree(warm_project, project, symlinks=True)
    result = build(project, "site-1")
    assert result.returncode == 0, result.stderr
    export = project / "docs" / "export.md"
    text = export.read_text(encoding="utf-8")
    export.write_text(text + "\nSee [the essays](about.md#the-essays).\n", encoding="utf-8")
    result = build(project, "site-2")  # about.md unread: its anchors come from what the last build kept
    assert result.returncode == 0, result.stderr
    export.write_text(text + "\nSee [nothing](about.md#no-such-heading).\n", encoding="utf-8")
    result = build(project, "site-3")
    assert result.returncode != 0
    assert "does not contain an anchor '#no-such-heading'" in result.stderr, result.stderr


def test_essay_pages_from_the_store_equal_fresh_ones(seeds_copy: Path, tmp_path: Path) -> None:
    from kb.render import SiteInfo, render_site

    kb = build_knowledge_base(seeds_copy)
    site = SiteInfo("kb", "d")
    fresh = render_site(kb, site)
    assert render_site(kb, site, Cache(tmp_path).store("essay-pages")) == fresh
    class Counting(Store):
        made: list[str] = []

        def put(self, key: str, value: object) -> None:
            self.made.append(key)
            super().put(key, value)

    assert render_site(kb, site, Counting(Cache(tmp_path), "essay-pages")) == fresh
    assert not Counting.made  # the second time every essay page came from the store


def test_lists_of_essays_come_from_the_store_unless_an_essay_on_them_changed(seeds_copy: Path, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from kb.render import ESSAYS_PER_PAGE, SiteInfo, render_site

    monkeypatch.setenv("KB_WORKERS", "1")  # pages made here: the counting store below is not sent to workers
    kb = build_knowledge_base(seeds_copy)
    model = kb.essays[0]
    def collection(changed: int | None) -> tuple:  # the real essays first: topics and the matrix quote them
        return kb.essays + tuple(replace(model, related=(), essay=replace(
            model.essay, id=f"essay-{i:03}", title=f"Essay {i}" + (" (edited)" if i == changed else ""),
            analysed_from=f"hash-{i}" + ("-edited" if i == changed else ""))) for i in range(2 * ESSAYS_PER_PAGE + 10))
    site = SiteInfo("kb", "d")

    class Counting(Store):
        made: list[str] = []

        def put(self, key: str, value: object) -> None:
            self.made.append(str(value))
            super().put(key, value)

    store = Counting(Cache(tmp_path), "essay-pages")
    render_site(replace(kb, essays=collection(None)), site, store)
    Counting.made.clear()
    edited = replace(kb, essays=collection(ESSAYS_PER_PAGE + 5))
    assert render_site(edited, site, store) == render_site(edited, site)
    assert len(Counting.made) == 2, [text[:80] for text in Counting.made]  # its essay page, and its list of essays
    assert any("Essay 105 (edited)" in text and "Essay 197" in text for text in Counting.made)


def test_a_build_keeps_every_part_it_used_in_the_cache(warm_project: Path) -> None:
    """kb.json's parts and the analyses are made beside other work; the prune after the build must still count them used."""
    result = build(warm_project, "site-again")
    assert result.returncode == 0, result.stderr
    from kb.render import ESSAYS_PER_PAGE

    essays_built = len(essays(warm_project))
    lists = -(-essays_built // ESSAYS_PER_PAGE)  # the lists of essays are kept with the essay pages
    for kind, count in (("json", essays_built), ("essays", essays_built), ("essay-pages", essays_built + lists)):
        kept = list((warm_project / ".cache" / "kb" / kind).glob("*/*"))
        assert len(kept) == count, (kind, len(kept), count)


def test_an_essay_page_is_not_made_again_when_only_hidden_scores_changed(seeds_copy: Path, tmp_path: Path) -> None:
    """Editing one essay shifts the similarity scores of many others; their pages show only titles and reasons.

    At 1,000 essays one added sentence used to send about 40 unchanged essay pages back to the renderer.
    """
    from dataclasses import replace

    from kb.render import SiteInfo, essay_page_inputs

    kb = build_knowledge_base(seeds_copy)
    site = SiteInfo("kb", "d")
    report = next(r for r in kb.essays if r.related)
    rescored = replace(report, related=tuple(replace(r, weight=r.weight + 0.01) for r in report.related))
    key_of = essay_page_inputs(kb, site)
    assert key_of(rescored) == key_of(report)
    reworded = replace(report, related=tuple(replace(r, reason=r.reason + " (new)") for r in report.related))
    assert key_of(reworded) != key_of(report)


def test_an_essay_page_key_follows_the_analysis_hash_when_the_essay_has_one(seeds_copy: Path, tmp_path: Path) -> None:
    """A cached essay carries the hash of all its analysis read: the page key uses it instead of the essay's repr."""
    from dataclasses import replace

    from kb.render import SiteInfo, essay_page_inputs

    kb = build_knowledge_base(seeds_copy, cache=Cache(tmp_path))
    report = kb.essays[0]
    assert report.essay.analysed_from
    key_of = essay_page_inputs(kb, SiteInfo("kb", "d"))
    reanalysed = replace(report, essay=replace(report.essay, analysed_from="0" * 64))
    assert key_of(reanalysed) != key_of(report)
    assert key_of(replace(report, announced=("live-streaming",))) != key_of(report)
    # without the hash (an essay made by hand) the whole report is the key, as before
    bare = replace(report, essay=replace(report.essay, analysed_from=None))
    assert key_of(replace(bare, essay=replace(bare.essay, title="Another title"))) != key_of(bare)


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
def test_pages_rendered_ahead_on_two_cores_equal_a_one_core_build(tmp_path: Path) -> None:
    """A cold cache with enough pages: workers render the Markdown first (kb/prerender.py)."""
    project = copy_project(tmp_path / "project")
    for path in [p for p in sorted(CORPUS.glob("*.txt"))[300:700] if usable(p)][:200]:
        shutil.copy2(path, project / "seeds" / path.name)
    one = subprocess.run([sys.executable, "-m", "kb", "build", "-d", "site-one"], cwd=project, capture_output=True,
                         text=True, env={**os.environ, "KB_WORKERS": "1"})
    assert one.returncode == 0, one.stderr
    shutil.rmtree(project / ".cache")
    two = subprocess.run([sys.executable, "-m", "kb", "build", "-d", "site-two"], cwd=project, capture_output=True,
                         text=True, env={**os.environ, "KB_WORKERS": "2"})
    assert two.returncode == 0, two.stderr
    assert re.search(r"Cache: 0 pages not read again; [1-9]\d\d+ pages' Markdown", two.stderr), two.stderr  # from the workers
    assert re.search(r"Pages: [1-9]\d+ of \d+ written by a second process", two.stderr), two.stderr  # kb/pageloop.py
    assert "second process" not in one.stderr
    assert_same_tree(project / "site-two", project / "site-one")
    change_an_essay(project, random.Random(SEED))
    three = build(project, "site-three")
    assert three.returncode == 0, three.stderr
    written, pages = map(int, re.search(r"Pages: (\d+) of (\d+) written by a second process", three.stderr).groups())
    assert abs(2 * written - pages) <= 1, three.stderr  # every other page, those not read again included


def test_kb_json_from_stored_parts_equals_a_fresh_dump(seeds_copy: Path, tmp_path: Path) -> None:
    from kb.export import to_json

    kb = build_knowledge_base(seeds_copy)
    fresh = to_json(kb)
    assert to_json(kb, Cache(tmp_path).store("json")) == fresh
    assert to_json(kb, Cache(tmp_path).store("json")) == fresh  # the second time from the store
    assert len(list((tmp_path / "json").glob("*/*"))) == len(kb.essays)
    # essays from the analysis cache carry their analysis hash, which keys their parts
    cached = build_knowledge_base(seeds_copy, cache=Cache(tmp_path / "analysis"))
    assert all(r.essay.analysed_from for r in cached.essays) and to_json(cached) == fresh
    assert to_json(cached, Cache(tmp_path / "analysed").store("json")) == fresh
    assert to_json(cached, Cache(tmp_path / "analysed").store("json")) == fresh
    # what comes from the other essays is in the key too
    from dataclasses import replace

    from kb.models import Relation

    first = cached.essays[0]
    renamed = replace(first, related=tuple(replace(r, reason=r.reason + " (new)") for r in first.related) or
                      (Relation("x", "new reason"),))
    changed = replace(cached, essays=(renamed, *cached.essays[1:]))
    assert to_json(changed, Cache(tmp_path / "analysed").store("json")) == to_json(changed)


def test_a_cache_folder_that_cannot_be_written_means_no_caching_not_a_failure(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    cache = Cache(blocked / "kb")
    cache.put("kind", "ab" + "0" * 62, 1)  # no error
    assert cache.get("kind", "ab" + "0" * 62) is None
    assert cache.store("kind")("cd" + "0" * 62, lambda: 2) == 2
