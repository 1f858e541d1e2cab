"""Page sizes stay bounded as the collection grows (Wikinews corpus, CC BY 2.5).

Renders the knowledge base for 60 and for 600 corpus articles and compares
the largest generated pages: topic, section and index pages list a capped
number of items, so ten times the essays must not make any page much larger.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SEEDS, SHARED
from kb.clean import clean
from kb.errors import SeedError
from kb.pipeline import build_knowledge_base
from kb.render import SiteInfo, render_site

CORPUS = SHARED / "corpus" / "wikinews-economy" / "articles"
MAX_MARKDOWN = 100 * 1024  # the theme adds about 20 KB of HTML around it; pages must stay under 150 KB

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")


def seeds_with(tmp_path: Path, n: int) -> Path:
    seeds = tmp_path / f"seeds-{n}"
    seeds.mkdir()
    for name in ("topics.yml", "glossary.yml", "cues.yml"):
        shutil.copy2(SEEDS / name, seeds / name)
    taken = 0
    for path in sorted(CORPUS.glob("*.txt")):
        try:
            clean(path.read_bytes(), path.name)
        except SeedError:
            continue  # title-only and empty articles are refused, by design
        shutil.copy2(path, seeds / path.name)
        taken += 1
        if taken == n:
            break
    return seeds


def test_pages_do_not_grow_with_the_number_of_essays(tmp_path: Path) -> None:
    small = render_site(build_knowledge_base(seeds_with(tmp_path, 60)), SiteInfo("kb", "d"))
    large = render_site(build_knowledge_base(seeds_with(tmp_path, 600)), SiteInfo("kb", "d"))
    size = {name: {p: len(t.encode()) for p, t in pages.items()} for name, pages in (("small", small), ("large", large))}
    assert max(size["large"].values()) < MAX_MARKDOWN, max(size["large"].items(), key=lambda x: x[1])
    assert "essays/page-6.md" in large  # the essay index is paged, 100 a page
    for page in ("index.md", "trends.md", "strategies.md", "risks.md", "matrix.md", "map.md", "curator-report.md"):
        assert size["large"][page] < 2 * size["small"][page] + 4096, page
    topic_pages = [p for p in size["large"] if p.startswith("topics/")]
    assert max(size["large"][p] for p in topic_pages) < 3 * max(size["small"][p] for p in topic_pages)
