"""The full-text index in bundles: which page goes where, what a bundle's key sees, and that
a bundle from the cache equals one Pagefind writes afresh; in the browser, a query finds
pages in every bundle."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from kb import finish, fulltext
from kb.cache import Cache
from kb.fulltext import Bundle, indexed_part, plan_bundles

ESSAY_PAGE = """<!doctype html><html lang="en"><head><title>{title} - Knowledge base</title></head><body>
<nav>Home Essays Topics</nav>
<article class="md-content__inner md-typeset">
<h1 id="t">{title}<a class="headerlink" href="#t">&para;</a></h1>
<div class="kb-not-indexed">
<h2 id="key-points">Key points</h2><ul><li>{title} in short</li></ul>
</div>
<h2 id="full-text">Full text</h2>
<p id="p1">{text}</p>
<div class="kb-not-indexed">
<h2 id="related-essays">Related essays</h2>
<ul><li><a href="../other/">Other</a>: similar wording ({similar}%)</li></ul>
</div>
</article>
<footer>Made with MkDocs</footer></body></html>
"""


def essay_page(title: str = "Shops", text: str = "Small shops sell online.", similar: int = 12) -> bytes:
    return ESSAY_PAGE.format(title=title, text=text, similar=similar).encode()


def essay_paths(count: int) -> list[str]:
    return [f"essays/id{n}/index.html" for n in range(count)]


# --- which page goes where ----------------------------------------------------------------


def test_a_small_site_is_one_bundle_as_pagefind_alone_would_make_it() -> None:
    pages = sorted(["about/index.html", "essays/index.html", *essay_paths(2 * fulltext.ESSAYS_PER_BUNDLE - 1)])
    assert plan_bundles(pages) == [Bundle("", tuple(pages))]


def test_a_large_site_keeps_its_other_pages_apart_and_spreads_its_essays() -> None:
    others = ["about/index.html", "glossary/index.html", "risks/index.html", "trends/index.html"]
    bundles = plan_bundles(sorted([*others, *essay_paths(1000)]), per_bundle=250)
    assert bundles[0] == Bundle("", tuple(others))
    assert [b.name for b in bundles[1:]] == ["essays-1", "essays-2", "essays-3", "essays-4"]
    assert {b.chunk_size for b in bundles[1:]} == {fulltext.CHUNK_SIZE // 4}
    spread = [page for b in bundles[1:] for page in b.pages]
    assert sorted(spread) == sorted(essay_paths(1000))  # each essay once
    assert all(180 <= len(b.pages) <= 320 for b in bundles[1:])  # a hash spreads them about evenly


def test_an_essay_stays_in_its_bundle_when_others_come_and_go() -> None:
    def where(count: int) -> dict[str, str]:
        return {page: b.name for b in plan_bundles(["about/index.html", *essay_paths(count)], per_bundle=250)
                for page in b.pages}

    before, after = where(600), where(740)  # both two bundles of essays
    assert set(before.values()) == {"", "essays-1", "essays-2"}
    assert all(after[page] == name for page, name in before.items())


def test_the_lists_of_essays_and_pages_of_topics_are_left_out(tmp_path: Path) -> None:
    site = make_site(tmp_path, 2)
    (site / "essays" / "page-2").mkdir()
    (site / "essays" / "page-2" / "index.html").write_bytes(essay_page(title="Essays, page 2"))
    (site / "about").mkdir()
    (site / "about" / "index.html").write_bytes(essay_page(title="About"))
    assert fulltext.indexed_pages(site) == ["about/index.html", "essays/id0/index.html", "essays/id1/index.html",
                                            "glossary/index.html"]


def test_without_other_pages_the_essays_stay_in_one_bundle() -> None:
    """search.js loads pagefind/ first, so it must hold a page."""
    assert plan_bundles(essay_paths(1000)) == [Bundle("", tuple(essay_paths(1000)))]


def test_the_number_of_bundles_is_capped_and_falls_on_large_sites() -> None:
    """A first query fetches every bundle's list of chunks, which grows with bundles x essays."""
    def count(essays: int) -> int:
        return len(plan_bundles(["about/index.html", *essay_paths(essays)])) - 1

    assert count(1000) == count(5000) == fulltext.MAX_ESSAY_BUNDLES
    assert count(10_000) == 4 and count(20_000) == 2
    assert count(50_000) == 0  # one index, as Pagefind alone makes it


# --- what a bundle's key sees --------------------------------------------------------------


def test_a_changed_list_of_similar_essays_leaves_the_indexed_part_alone() -> None:
    assert indexed_part(essay_page(similar=12)) == indexed_part(essay_page(similar=19))


def test_a_changed_sentence_or_title_changes_the_indexed_part() -> None:
    page = indexed_part(essay_page())
    assert indexed_part(essay_page(text="Small shops sell offline.")) != page
    assert indexed_part(essay_page(title="Stores")) != page


def test_what_is_outside_the_article_counts_only_where_pagefind_reads_it() -> None:
    page = essay_page().decode()
    assert indexed_part(page.replace("Made with MkDocs", "Made by us").encode()) == indexed_part(page.encode())
    assert indexed_part(page.replace('lang="en"', 'lang="fr"').encode()) != indexed_part(page.encode())
    marked = page.replace("<footer>", '<footer data-pagefind-meta="author:Li">')
    assert indexed_part(marked.encode()) != indexed_part(page.encode())


def test_a_skipped_element_is_never_cut_beyond_its_end() -> None:
    """Nested in one of its own kind, it is cut short: more is kept, never less."""
    nested = essay_page().replace(b'<div class="kb-not-indexed">\n<h2 id="key-points">',
                                  b'<div class="kb-not-indexed"><div>inner</div> tail text\n<h2 id="key-points">')
    kept = indexed_part(nested)
    assert b"tail text" in kept and b"Small shops sell online." in kept
    void = essay_page().replace(b"<p id=\"p1\">", b'<br class="headerlink"/><p id="p1">')
    assert b"Small shops sell online." in indexed_part(void)
    # a <p> ends where a <div> starts: its first </p> may lie beyond it, so it is not cut at all
    open_p = essay_page().replace(b"<h2 id=\"full-text\">", b'<p class="kb-not-indexed">note<h2 id="full-text">')
    assert b"note" in indexed_part(open_p) and b"Small shops sell online." in indexed_part(open_p)


def test_a_remembered_part_gives_the_key_a_fresh_one_gives(tmp_path: Path) -> None:
    site = make_site(tmp_path, 4)
    bundle = plan_bundles(fulltext.indexed_pages(site))[0]
    fresh = fulltext.PartsMemo({})
    key = fulltext.bundle_key(site, bundle, "v", fresh)
    assert len(fresh.seen) == len(bundle.pages)
    assert fulltext.bundle_key(site, bundle, "v", fulltext.PartsMemo(fresh.seen)) == key
    page = site / bundle.pages[1]
    page.write_bytes(page.read_bytes().replace(b"kinds of goods", b"kinds of services"))
    assert fulltext.bundle_key(site, bundle, "v", fulltext.PartsMemo(fresh.seen)) != key


def test_a_page_without_the_article_counts_whole() -> None:
    page = b"<html><body><p>Odd page</p></body></html>"
    assert indexed_part(page) == page


# --- bundles from the cache ----------------------------------------------------------------


def make_site(root: Path, essays: int) -> Path:
    site = root / "site"
    for n, page in enumerate(essay_paths(essays)):
        path = site / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(essay_page(title=f"Essay {n}", text=f"Shops sell {n} kinds of goods online, word{n}."))
    (site / "essays" / "index.html").write_bytes(essay_page(title="Essays", text="Every essay."))
    (site / "glossary").mkdir()
    (site / "glossary" / "index.html").write_bytes(essay_page(title="Glossary", text="Words and their meaning."))
    (site / "topics").mkdir()
    (site / "topics" / "x.html").write_bytes(essay_page(title="Not indexed"))
    return site


def files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def bundled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fulltext.PER_BUNDLE_VARIABLE, "3")


@pytest.mark.usefixtures("bundled")
def test_bundles_from_the_cache_equal_fresh_ones_and_only_a_changed_one_is_indexed_again(tmp_path: Path) -> None:
    site, cache = make_site(tmp_path / "a", 9), Cache(tmp_path / "cache")
    first = fulltext.start_index(site, cache)
    assert len(first.bundles) == 4 and len(first.runs) == 4
    first.finish()
    names = json.loads((site / "pagefind" / fulltext.BUNDLES_FILE).read_text())
    assert names == ["essays-1/", "essays-2/", "essays-3/"]
    assert all((site / "pagefind" / name / "pagefind-entry.json").is_file() for name in names)
    assert not (site / "pagefind" / "pagefind-ui.js").exists()
    assert not list(tmp_path.joinpath("a").glob(".site-index-*"))  # the work folder is gone

    again = fulltext.start_index(site, cache)
    assert again.runs == [] and again.reused == 4
    again.finish()

    page = site / "essays" / "id4" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"similar wording (12%)", b"similar wording (30%)"))
    hidden = fulltext.start_index(site, cache)
    assert hidden.runs == []  # Pagefind skips that list
    hidden.finish()

    page.write_bytes(page.read_bytes().replace(b"kinds of goods", b"kinds of services"))
    changed = fulltext.start_index(site, cache)
    assert [run.bundle.name for run in changed.runs] == [b.name for b in changed.bundles if "essays/id4/index.html"
                                                        in b.pages]
    changed.finish()

    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns("pagefind"))
    fulltext.index_site(fresh)  # no cache: Pagefind writes every bundle
    assert files(site / "pagefind") == files(fresh / "pagefind")


@pytest.mark.usefixtures("bundled")
def test_a_stored_bundle_that_cannot_be_read_is_indexed_again(tmp_path: Path) -> None:
    site, cache = make_site(tmp_path / "a", 9), Cache(tmp_path / "cache")
    fulltext.start_index(site, cache).finish()
    for entry in (tmp_path / "cache" / fulltext.CACHE_KIND).glob("*/*"):
        entry.write_bytes(b"not a pickle")  # damaged: still there, so has() finds it
    again = fulltext.start_index(site, cache)
    assert len(again.runs) == 4 and again.reused == 0
    again.finish()
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns("pagefind"))
    fulltext.index_site(fresh)
    assert files(site / "pagefind") == files(fresh / "pagefind")


def test_each_essay_bundle_gets_smaller_index_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A query fetches a chunk from every bundle: smaller chunks keep its bytes near one index's.
    Fails if the pinned Pagefind stops reading the chunk size variable."""
    monkeypatch.setenv(fulltext.PER_BUNDLE_VARIABLE, "3")
    site = make_site(tmp_path, 6)
    # 3 essays a bundle, 2,500 different words each: 2 chunks at Pagefind's default size, 3 at half of it
    # (measured with Pagefind 1.5.2)
    for n, page in enumerate(essay_paths(6)):
        (site / page).write_bytes(essay_page(title=f"Essay {n}", text=" ".join(f"w{n}x{k}" for k in range(2500))))
    run = fulltext.start_index(site, None)
    assert [b.chunk_size for b in run.bundles] == [fulltext.CHUNK_SIZE, fulltext.CHUNK_SIZE // 2, fulltext.CHUNK_SIZE // 2]
    run.finish()
    for bundle in run.bundles[1:]:
        assert len(list((site / "pagefind" / bundle.name / "index").glob("*.pf_index"))) == 3, bundle
    assert len(list((site / "pagefind" / "index").glob("*.pf_index"))) == 1


@pytest.mark.usefixtures("bundled")
def test_a_failing_bundle_fails_the_index_and_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(tmp_path, 6)
    monkeypatch.setattr(fulltext, "pagefind_options", lambda: ["--no-such-option"])
    run = fulltext.start_index(site, None)
    with pytest.raises(RuntimeError, match=r"Pagefind failed on .* \(pagefind\)"):
        run.finish()
    assert not list(tmp_path.glob(".site-index-*"))


def test_on_a_thread_the_headers_and_index_are_written_and_a_failure_is_reported(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """``mkdocs serve``'s last steps: written after the build returns, errors told by ``wait``."""
    site = make_site(tmp_path / "a", 3)
    (site / "pagefind").mkdir()
    assert finish.OnAThread(site, None).wait() == []
    assert (site / "_headers").is_file() and (site / "pagefind" / "pagefind-entry.json").is_file()

    failing = make_site(tmp_path / "b", 3)
    (failing / "pagefind").mkdir()
    monkeypatch.setattr(fulltext, "pagefind_options", lambda: ["--no-such-option"])
    errors = finish.OnAThread(failing, None).wait()
    assert len(errors) == 1 and "Pagefind failed on" in errors[0]
    assert not list((tmp_path / "b").glob(".site-index-*"))


@pytest.mark.usefixtures("bundled")
def test_stopping_the_thread_ends_pagefind_and_leaves_no_work_folder(tmp_path: Path) -> None:
    site = make_site(tmp_path, 30)
    (site / "pagefind").mkdir()
    steps = finish.OnAThread(site, None)
    steps.stop()
    assert steps.errors == []  # a stop is not a failure
    assert not list(tmp_path.glob(".site-index-*"))


# --- in the browser ------------------------------------------------------------------------


@pytest.mark.browser
def test_a_query_finds_essays_that_only_a_merged_bundle_holds(browser_site: Path, browser, tmp_path: Path,  # noqa: ANN001
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from sitetools import SiteServer
    from test_browser import search

    site = tmp_path / "site"
    shutil.copytree(browser_site, site)
    monkeypatch.setenv(fulltext.PER_BUNDLE_VARIABLE, "1")
    run = fulltext.start_index(site, None)
    run.finish()
    assert len(run.bundles) == 2 and not any(p.startswith("essays/0") for p in run.bundles[0].pages)
    with SiteServer(site) as server:
        page = browser.new_page()
        try:
            page.goto(server.url)
            # words of one seed essay each, in no topic or glossary entry
            assert any("/essays/000-" in url for url in search(page, "optimistic"))
            assert any("/essays/001-" in url for url in search(page, "secondly"))
        finally:
            page.close()
