"""The built site, as a whole: every link and anchor resolves, text stays text.

Builds a copy of the project with ``python -m kb build`` (MkDocs --strict)
and reads every HTML page it makes.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT
from kb.export import FORMAT_VERSION
from sitecheck import build, copy_project, read_site, resolve

pytestmark = pytest.mark.slow

MAX_PAGE_BYTES = 150 * 1024
DEBRIS = re.compile(r"<\s*/?\s*[pP]\s*>")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("project"))
    result = build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    return project / "site"


@pytest.fixture(scope="module")
def pages(site: Path):
    return read_site(site)


@pytest.fixture(scope="module")
def kb(site: Path) -> dict:
    return json.loads((site / "kb.json").read_text(encoding="utf-8"))


def test_every_internal_link_and_anchor_resolves(site: Path, pages) -> None:
    broken = []
    for path, page in pages.items():
        for href in page.links:
            target, fragment = resolve(site, path, href)
            if target is None:
                continue
            if not target.exists():
                broken.append(f"{path.relative_to(site)} -> {href}: no such page")
            elif fragment and target.suffix == ".html" and fragment not in pages[target].ids:
                broken.append(f"{path.relative_to(site)} -> {href}: no such anchor")
    assert broken == []


def test_nothing_is_loaded_from_outside_the_site(site: Path, pages) -> None:
    foreign = [(p.relative_to(site), r) for p, page in pages.items() for r in page.resources if re.match(r"^(https?:)?//", r)]
    assert foreign == []
    css = "".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*.css"))
    assert "fonts.googleapis" not in css and "fonts.gstatic" not in css


def test_no_tag_debris_or_markup_survives_as_text(site: Path, pages) -> None:
    offenders = [p.relative_to(site) for p, page in pages.items() if DEBRIS.search(" ".join(page.text))]
    assert offenders == []


def test_no_page_shows_its_front_matter_as_text(site: Path, pages) -> None:
    # MkDocs shows a front matter block it cannot parse as text, silently
    shown = [p.relative_to(site) for p, page in pages.items()
             if any(re.match(r"\s*(title|description|tags|search):", t) for t in page.text)]
    assert shown == []


def test_no_page_is_over_150_kb(site: Path) -> None:
    sizes = {p.relative_to(site): p.stat().st_size for p in site.rglob("*.html")}
    assert max(sizes.values()) < MAX_PAGE_BYTES, max(sizes.items(), key=lambda x: x[1])



def test_pages_outside_the_topics_list_no_topic_in_their_menu(site: Path, kb: dict) -> None:
    # Material renders the menu into every page and its script walks it on load: a home page
    # whose menu listed every topic cost phones ~40 ms of script (Lighthouse TBT) and 14 KB.
    # navigation.prune keeps only the open section's pages; a topic page still lists its own.
    def menu(page: Path) -> str:
        html = page.read_text(encoding="utf-8")
        return html[html.index("md-sidebar--primary"):html.index("md-sidebar--secondary")]

    essay = kb["essays"][0]["url"]
    for page in (site / "index.html", site / "glossary" / "index.html", site / essay / "index.html"):
        assert "topics/" not in menu(page), page.relative_to(site)
    topic = next(t for t in kb["topics"] if t["category"] == "risk")
    assert menu(site / topic["url"] / "index.html").count("href=") >= len(kb["topics"])

def test_kb_json_matches_its_schema_and_points_at_real_places(site: Path, pages, kb: dict) -> None:
    # the schema is published beside kb.json, and kb.json links to it
    schema = json.loads((site / kb["$schema"]).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(kb, schema)
    assert kb["format"] == FORMAT_VERSION == schema["properties"]["format"]["const"]
    sentences = {s["id"] for e in kb["essays"] for p in e["paragraphs"] for s in p["sentences"]}
    for essay in kb["essays"]:
        page = site / essay["url"] / "index.html"
        assert page.exists(), essay["url"]
        assert {p["anchor"] for p in essay["paragraphs"]} <= pages[page].ids
    for topic in kb["topics"]:
        assert (site / topic["url"] / "index.html").exists(), topic["url"]
        assert set(topic["evidence"]) <= sentences
        assert set(topic["related"]) <= {t["id"] for t in kb["topics"]}


def test_topic_counts_and_evidence_links(site: Path, pages, kb: dict) -> None:
    categories = [t["category"] for t in kb["topics"]]
    for category in ("trend", "strategy", "risk"):
        assert categories.count(category) >= 6, category
    for topic in kb["topics"]:
        assert len(topic["evidence"]) >= 2, topic["id"]
        path = site / topic["url"] / "index.html"
        evidence_links = 0
        for href in pages[path].links:
            target, fragment = resolve(site, path, href)
            if target and "/essays/" in target.as_posix() and re.fullmatch(r"p\d+", fragment):
                assert fragment in pages[target].ids
                evidence_links += 1
        assert evidence_links >= 2, topic["id"]


def test_each_essay_page_links_at_least_five_topics(site: Path, pages, kb: dict) -> None:
    for essay in kb["essays"]:
        path = site / essay["url"] / "index.html"
        topics = {resolve(site, path, h)[0] for h in pages[path].links if "/topics/" in h or h.startswith("../../topics/")}
        assert len(topics) >= 5, essay["id"]


def test_essay_001_lists_its_six_trends(site: Path, kb: dict) -> None:
    essay = next(e for e in kb["essays"] if e["id"].startswith("001"))
    html = (site / essay["url"] / "index.html").read_text(encoding="utf-8")
    section = html.split('id="the-6-trends-it-announces"', 1)[1].split("<h2", 1)[0]
    assert "The 6 trends it announces" in html
    assert section.count("<li>") == 6


def test_search_knows_every_topic_by_its_title_synonyms_and_readers_words(site: Path, kb: dict) -> None:
    vocabulary = json.loads((site / "search-words.json").read_text(encoding="utf-8"))
    by_url = {e["url"]: e for e in vocabulary["entries"]}
    for topic in kb["topics"]:
        entry = by_url[topic["url"]]
        assert entry["title"] == topic["title"] and entry["kind"] == topic["category"]
        assert {s.lower() for s in topic["synonyms"]} <= {w.lower() for w in entry["words"]}, topic["id"]
    assert "covid" in by_url["topics/live-streaming/"]["words"]
    assert "小而美" in by_url["glossary/#small-and-beautiful"]["words"]  # from the definition's Chinese
    assert "how" in vocabulary["ignore"]


def test_the_full_text_index_covers_content_pages_only(site: Path) -> None:
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    left_out = {"curator-report", "topics", "tags", "matrix", "map", "export"}
    lists = lambda parts: parts[0] == "essays" and (len(parts) == 2 or parts[1].startswith("page-"))  # noqa: E731
    pages = sum(1 for p in site.rglob("*/index.html")
                if not left_out & set(p.relative_to(site).parts) and not lists(p.relative_to(site).parts))
    assert entry["languages"]["en"]["page_count"] == pages
    assert (site / "pagefind" / "pagefind.js").is_file() and not (site / "pagefind" / "pagefind-ui.js").exists()
    # Material's lunr index is left empty, not written for nobody (44 MB at 10,000 essays)
    assert json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"] == []


def test_glossary_terms_explain_themselves_on_hover(site: Path, kb: dict) -> None:
    essay = next(e for e in kb["essays"] if e["id"].startswith("001"))
    html = (site / essay["url"] / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<abbr title="5G \(the essay writes “5g”\)[^"]*">5g</abbr>', html)


def _hashes(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(site.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(project: Path, site: Path) -> None:
    result = build(project, "site-again")
    assert result.returncode == 0, result.stderr
    first, second = _hashes(site), _hashes(project / "site-again")
    assert first == second


def test_a_failed_build_keeps_the_last_good_site(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    assert build(project).returncode == 0
    before = _hashes(project / "site")
    topics = project / "seeds" / "topics.yml"
    topics.write_text(topics.read_text(encoding="utf-8").replace("category: risk", "category: riks", 1), encoding="utf-8")
    result = build(project)
    assert result.returncode != 0
    assert "topics.yml, line" in result.stderr and "'riks' is not one of" in result.stderr
    assert _hashes(project / "site") == before
    assert not list(project.glob(".site-*"))


def test_an_undecodable_seed_stops_the_build_naming_the_file(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    (project / "seeds" / "broken.txt").write_bytes(b"\x00\x01\x02\xff\xfe binary \x00 junk" * 20)
    result = build(project)
    assert result.returncode != 0
    assert "broken.txt" in result.stderr
    assert not (project / "site").exists()


HOSTILE = """A hostile essay about e-commerce sellers

Sellers should <script>alert('owned')</script> build a brand and [click here](http://evil.example/) to win.

Live broadcast is becoming more and more popular, and <img src=x onerror=alert(1)> small sellers may be crushed on price.
"""


def test_new_essays_are_woven_in_and_their_text_stays_text(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    (project / "seeds" / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    result = build(project)
    assert result.returncode == 0, result.stderr
    kb = json.loads((project / "site" / "kb.json").read_text(encoding="utf-8"))
    essay = next(e for e in kb["essays"] if e["id"] == "hostile")
    assert essay["title"] == "A hostile essay about e-commerce sellers"
    assert essay["summary"]
    labels = {s["label"] for p in essay["paragraphs"] for s in p["sentences"]}
    assert {"strategy", "trend"} <= labels or {"strategy", "risk"} <= labels
    assert essay["topics"]
    html = (project / "site" / essay["url"] / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert('owned')&lt;/script&gt;" in html or "&lt;script&gt;alert(&#39;owned&#39;)" in html
    assert 'href="http://evil.example/"' not in html
    assert "[click here](http://evil.example/)" in html
