"""What a search costs a reader on a 1,000-essay site (Wikinews corpus, CC BY 2.5), within budget.

Builds the site once (about half a minute), then types reader queries in
headless Chromium with scripts/bench_search.py's ``measure``: the bytes of
the whole first query and per later query (on average, with a ceiling for any
one) must stay within the budgets that keep a phone reader's answers light at
10,000 essays (README, "Search").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SHARED
from sitecheck import build, copy_project

CORPUS = SHARED / "corpus" / "wikinews-economy" / "articles"
FIRST_QUERY_BUDGET = 250 * 1024
LATER_QUERY_BUDGET = 50 * 1024  # on average over the later queries
# a query of several words fetches one index chunk per word (about 28 KB each at
# 1,000 essays, 16-37 KB at 10,000): no single later query may pass this
LATER_QUERY_CEILING = 100 * 1024
ESSAYS = 1000

pytestmark = [pytest.mark.slow, pytest.mark.browser]

sys.path.insert(0, str(ROOT / "scripts"))
import bench_search  # noqa: E402


@pytest.fixture(scope="module")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CORPUS.is_dir():
        pytest.skip("needs ../shared/corpus")
    import bench_scale

    project = bench_scale.make_project(tmp_path_factory.mktemp("search-1000"), ESSAYS)
    result = build(project)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return project / "site"


def test_a_first_search_on_1000_essays_fetches_less_than_its_budget(large_site: Path, browser) -> None:  # noqa: ANN001
    result = bench_search.measure(large_site, browser=browser)
    shown = json.dumps(result, indent=1)
    print(f"search on {ESSAYS} essays: {shown}")  # in the test log, for the record
    assert result["engine"] == "pagefind"
    assert result["first_query_bytes"] <= FIRST_QUERY_BUDGET, shown
    assert result["later_query_bytes"] <= LATER_QUERY_BUDGET, shown
    assert result["later_query_bytes_max"] <= LATER_QUERY_CEILING, shown
    # every query got its answer; its time is reported, not judged here (CI's cores are shared)
    assert all(q["ms"] > 0 for q in result["per_query"]), shown


def test_the_measure_counts_an_index_loaded_with_the_page(tmp_path: Path, browser) -> None:  # noqa: ANN001
    """Material's lunr search fetches its whole index with the page: the measure charges it to the first query."""
    project = copy_project(tmp_path / "p")
    lunr = subprocess.run([sys.executable, "-m", "kb", "build", "-d", "site-lunr"], cwd=project, capture_output=True,
                          text=True, env={**os.environ, "KB_SEARCH": "lunr"})
    assert lunr.returncode == 0, lunr.stderr
    measured = bench_search.measure(project / "site-lunr", queries=("price war", "brands"), browser=browser)
    index = (project / "site-lunr" / "search" / "search_index.json").stat().st_size
    assert measured["engine"] == "lunr"
    assert measured["first_query_bytes"] > index / 10  # gzip makes it ~5x smaller on the wire
    assert measured["later_query_bytes"] == 0
    assert measured["index_bytes"] == index
