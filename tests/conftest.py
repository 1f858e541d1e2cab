"""Shared fixtures: paths, and small seed folders made per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the real seeds folder."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


# --- browser tests (tests/test_browser.py) ---------------------------------------------
# One built copy of the site per session, served on a free port of 127.0.0.1,
# and one headless Debian Chromium driven by Playwright.


def _sitetools():
    import sys

    scripts = str(ROOT / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    import sitetools

    return sitetools


@pytest.fixture(scope="session")
def browser_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once per session from a copy of the project."""
    from sitecheck import build, copy_project

    project = copy_project(tmp_path_factory.mktemp("browser-project"))
    result = build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


@pytest.fixture(scope="session")
def site_url(browser_site: Path):
    """The built site served like a static host: index.html for folders, 404.html for the rest."""
    with _sitetools().SiteServer(browser_site) as server:
        yield server.url


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium (Playwright's own browser download does not work here)."""
    from playwright.sync_api import sync_playwright

    tools = _sitetools()
    if not Path(tools.CHROMIUM).exists():
        pytest.fail(f"{tools.CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=tools.CHROMIUM, args=tools.CHROMIUM_ARGS, timeout=30_000)
        yield chromium
        chromium.close()
