"""The scale benchmark at 1,000 essays against the budgets (Wikinews corpus, CC BY 2.5).

Runs scripts/bench_scale.py as a maintainer would, reads its JSON and checks
it: a one-essay change rebuilds within the editor's budget, a clean build
within its regression budget, memory and page size bounded, and the
incremental site byte-identical to a clean build of the same input.

The time budgets are in CPU seconds (all the build's processes together):
on a machine shared with other work the wall time stretches with the load,
the work does not. The one-essay budget is above the editors' target (4 s), see BUDGET; the
clean-build budget guards against regressions (measured: about 21 s of CPU
at 1,000 essays before Pagefind, 29.5-31.6 s with it; the 45 s target for 3,000 is not met yet). On a slower
machine set KB_BENCH_SLACK (say 1.5) to scale the time budgets.
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
    # one essay changed: the editors' target is 4 s. Measured 3.8-4.1 s before
    # the build wrote _headers (it reads every page: about 1.2 s at 1,000
    # essays), 5.9 s since, 11.2 s once Pagefind indexes the whole site on
    # every build: a regression guard until those two steps are incremental
    # CPU time still moves with the machine's load (cache misses, two cores
    # contended): the budgets leave room for that, so only a real regression fails
    "incremental_cpu_seconds": 18.0 * SLACK,
    "clean_cpu_seconds": 45.0 * SLACK,  # regression guard, see above
    "peak_mb": 1024,  # 2 GB at 10,000; a tenth of the essays must stay well under
    "html_largest_kb": 150,
}

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")]


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("bench")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_scale.py"), "--essays", str(ESSAYS),
                             "--keep", str(work / "project"), "--json", str(work / "bench.json")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped:" not in result.stdout  # quiet: one line about refused articles, not hundreds
    return json.loads((work / "bench.json").read_text())


def test_the_incremental_site_is_byte_identical_to_a_clean_build(bench: dict) -> None:
    assert bench["incremental_equals_clean"] is True


def test_one_changed_essay_rebuilds_within_budget(bench: dict) -> None:
    assert bench["incremental"]["cpu_seconds"] <= BUDGET["incremental_cpu_seconds"], bench


def test_a_clean_build_is_within_budget(bench: dict) -> None:
    assert bench["clean"]["cpu_seconds"] <= BUDGET["clean_cpu_seconds"], bench
    assert max(bench["clean"]["peak_mb"], bench["incremental"]["peak_mb"]) <= BUDGET["peak_mb"], bench


def test_pages_stay_small(bench: dict) -> None:
    assert bench["site"]["html_pages"] > ESSAYS
    assert bench["site"]["html_largest_kb"] <= BUDGET["html_largest_kb"], bench["site"]
