"""The anchors benchmark compares like with like (Wikinews corpus, CC BY 2.5).

scripts/bench_anchors.py times other tools on the same bare pages: each
tool's scratch project must hold the very same Markdown, and each tool must
put every page at the same address. The builds run only where Zensical and
Hugo are installed (``make bench-anchors`` puts them in .venv-anchors/).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import ROOT, SHARED

sys.path.insert(0, str(ROOT / "scripts"))
import bench_anchors  # noqa: E402

CORPUS = SHARED / "corpus" / "wikinews-economy" / "articles"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return bench_anchors.bare_pages(5)


def test_every_tool_gets_the_same_markdown(tmp_path: Path, pages: dict[str, str]) -> None:
    available = bench_anchors.tools(bench_anchors.ANCHORS_VENV)
    for tool in (available[name] for name in bench_anchors.ANCHORS):
        if isinstance(tool, str):
            continue  # not installed: its writer is shared with another tool or tested below
        project = tool.make(tmp_path / tool.name, pages)
        written = {name: path.read_text(encoding="utf-8") for name, path in bench_anchors.page_sources(project).items()}
        assert written == pages, tool.name
    hugo = bench_anchors.write_hugo_project(tmp_path / "hugo-always", pages)
    assert {n: p.read_text(encoding="utf-8") for n, p in bench_anchors.page_sources(hugo).items()} == pages


def test_bare_pages_are_the_articles_as_written(pages: dict[str, str]) -> None:
    assert len(pages) == 6 and bench_anchors.INDEX in pages
    first = pages["part-01/id100046.md"]
    assert first.startswith("# Joop den Uyl biography reveals Northrop bribe of Prince Bernhard\n\n")
    assert "Prince Bernhard of the Netherlands was in the 1970s" in first
    assert "&quot;" not in first and "<text" not in first  # the corpus markup is gone
    assert "(part-01/id100046.md)" in pages[bench_anchors.INDEX]


def test_copies_past_the_corpus_are_pages_of_their_own(monkeypatch: pytest.MonkeyPatch) -> None:
    # bench_scale.py's -r<n> copies past the corpus, here a corpus of three articles
    import bench_scale

    three = sorted(CORPUS.glob("*.txt"))[:3]
    monkeypatch.setattr(bench_scale, "usable_articles", lambda quiet: three)
    monkeypatch.setattr(bench_anchors, "SECTION", 2)
    pages = bench_anchors.bare_pages(7)
    assert list(pages) == ["index.md", "part-01/id100046.md", "part-01/id100397.md", "part-02/id100418.md",
                           "part-02/id100046-r1.md", "part-03/id100397-r1.md", "part-03/id100418-r1.md",
                           "part-04/id100046-r2.md"]
    assert pages["part-02/id100046-r1.md"] == pages["part-01/id100046.md"]


@pytest.mark.slow
@pytest.mark.skipif(not (bench_anchors.ANCHORS_VENV / "bin" / "zensical").exists(),
                    reason="anchor tools not installed (make bench-anchors)")
def test_every_tool_builds_every_page_at_the_same_address(tmp_path: Path, pages: dict[str, str]) -> None:
    available = bench_anchors.tools(bench_anchors.ANCHORS_VENV)
    for tool in (available[name] for name in bench_anchors.ANCHORS):
        assert not isinstance(tool, str), tool
        result = bench_anchors.measure(tool, pages, tmp_path)
        project = tmp_path / tool.name
        for name, markdown in pages.items():
            html = bench_anchors.html_of(project, tool, name).read_text(encoding="utf-8")
            assert bench_anchors._title(markdown).split(" ")[0] in html, (tool.name, name)
        assert result["change_shown"], tool.name
