"""The scale benchmark at 1,000 essays against the budgets (Wikinews corpus, CC BY 2.5).

Runs scripts/bench_scale.py as a maintainer would (with ``--serve``), reads its
JSON and checks it: a one-essay change rebuilds within the editor's budget,
``mkdocs serve`` shows it within the editor's budget, a clean build within its
regression budget, memory and page size bounded, and the incremental site
byte-identical to a clean build of the same input.

The build budgets are in CPU seconds (all the build's processes together):
on a machine shared with other work the wall time stretches with the load,
the work does not. The dev server's budget is in wall seconds, since that is
what an editor waits for; it is twice the editors' target (4 s), for shared CI
machines. On a slower machine set KB_BENCH_SLACK (say 1.5) to scale the time budgets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SHARED

CORPUS = SHARED / "corpus" / "wikinews-economy" / "articles"
ESSAYS = 1000
SLACK = float(os.environ.get("KB_BENCH_SLACK", "1"))
BUDGET = {
    # one essay changed, `make build`: the editors' target is 4 s of wall time. Measured
    # 4.8-5.9 s wall, 5.3-6.9 s CPU on this machine (Pagefind re-indexes every page:
    # 1.6 s of it): a regression guard with room for load, not the target
    "incremental_cpu_seconds": 10.0 * SLACK,
    # the next essay changed: its added words shift the "similar wording" shown on many
    # related essays, whose pages are made again (measured 8.6-10.1 s CPU)
    "next_edit_cpu_seconds": 14.0 * SLACK,
    "clean_cpu_seconds": 45.0 * SLACK,  # regression guard (measured 28-31 s CPU with Pagefind)
    "serve_shown_seconds": 8.0 * SLACK,  # wall; measured 3.5 s (target 4)
    "serve_searchable_seconds": 20.0 * SLACK,  # wall; measured 5.7 s: the index follows the page
    "peak_mb": 1024,  # 2 GB at 10,000; a tenth of the essays must stay well under
    "html_largest_kb": 150,
}

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")]


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("bench")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_scale.py"), "--essays", str(ESSAYS),
                             "--keep", str(work / "project"), "--json", str(work / "bench.json"), "--serve"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped:" not in result.stdout  # quiet: one line about refused articles, not hundreds
    return json.loads((work / "bench.json").read_text())


def test_the_incremental_site_is_byte_identical_to_a_clean_build(bench: dict) -> None:
    assert bench["incremental_equals_clean"] is True


def test_one_changed_essay_rebuilds_within_budget(bench: dict) -> None:
    assert bench["incremental"]["cpu_seconds"] <= BUDGET["incremental_cpu_seconds"], bench
    assert bench["incremental_again"]["cpu_seconds"] <= BUDGET["next_edit_cpu_seconds"], bench


def test_a_clean_build_is_within_budget(bench: dict) -> None:
    assert bench["clean"]["cpu_seconds"] <= BUDGET["clean_cpu_seconds"], bench
    assert max(bench["clean"]["peak_mb"], bench["incremental"]["peak_mb"]) <= BUDGET["peak_mb"], bench


def test_pages_stay_small(bench: dict) -> None:
    assert bench["site"]["html_pages"] > ESSAYS
    assert bench["site"]["html_largest_kb"] <= BUDGET["html_largest_kb"], bench["site"]


def test_mkdocs_serve_shows_a_saved_essay_within_budget(bench: dict) -> None:
    assert bench["serve"]["change_shown_seconds"] <= BUDGET["serve_shown_seconds"], bench["serve"]
    assert bench["serve"]["search_ready_seconds"] <= BUDGET["serve_searchable_seconds"], bench["serve"]
