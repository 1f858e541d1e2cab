"""Publishing: the workflow is valid and least-privileged, and a publishing build needs the real address."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from kb.__main__ import site_url_problem
from kb.headers import meta_policy, read_site

WORKFLOWS = ROOT / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"
BIN = Path(sys.executable).parent


# --- the address a publishing build is made for -------------------------------------------


@pytest.mark.parametrize("url", [None, "", "http://127.0.0.1:8000/", "http://localhost:8000/", "http://[::1]/",
                                 "http://0.0.0.0/", "https://kb.localhost/", "example.org/kb/", "ftp://example.org/"])
def test_an_address_that_is_not_a_published_one_is_refused(url: str | None) -> None:
    assert site_url_problem(url)


@pytest.mark.parametrize("url", ["https://example.org/", "https://someone.github.io/kb", "http://kb.example.org/x/"])
def test_a_public_address_is_accepted(url: str) -> None:
    assert site_url_problem(url) is None


def _publish(project: Path, site_url: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    if site_url is not None:
        env["SITE_URL"] = site_url
    return subprocess.run([sys.executable, "-m", "kb", "build", "--publish", "-d", "site"], cwd=project, env=env,
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose publishing build was refused twice, then made for a real address."""
    from sitecheck import copy_project

    project = copy_project(tmp_path_factory.mktemp("publish") / "project")
    for url in (None, "http://127.0.0.1:8000/"):
        result = _publish(project, url)
        assert result.returncode == 2 and "REFUSING TO BUILD FOR PUBLISHING" in result.stderr, result.stderr
        assert not (project / "site").exists()
    result = _publish(project, "https://someone.github.io/kb")
    assert result.returncode == 0, result.stderr
    assert "kb: WARNING" not in result.stderr
    return project / "site"


@pytest.mark.slow
def test_make_publish_refuses_a_wrong_address_and_builds_for_a_real_one(published: Path) -> None:
    sitemap = (published / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://someone.github.io/kb/</loc>" in sitemap and "127.0.0.1" not in sitemap
    home = (published / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://someone.github.io/kb/">' in home


@pytest.mark.slow
def test_published_pages_carry_the_policy_for_hosts_without_headers(published: Path) -> None:
    policy = meta_policy(read_site(published))
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    pages = sorted(published.rglob("*.html"))
    assert [p for p in pages if tag not in p.read_text(encoding="utf-8")] == []
    assert "'unsafe-inline'" not in policy and "frame-ancestors" not in policy


@pytest.mark.browser
def test_a_published_site_works_under_its_meta_policy_alone(published: Path, browser) -> None:  # noqa: ANN001
    """Served like GitHub Pages, with no policy header: the pages' own policy blocks nothing the site needs."""
    import sitetools
    from test_browser import _context, search

    violations: list[str] = []
    with sitetools.SiteServer(published) as server:
        context = _context(browser, server.url)
        page = context.new_page()
        page.on("console", lambda m: m.type in ("error", "warning") and violations.append(f"{page.url}: {m.text}"))
        try:
            for url in ("", "topics/price-crushing/", "matrix/", "essays/"):
                page.goto(url)
            results = search(page, "live streaming")
        finally:
            context.close()
    assert server.url + "topics/live-streaming/" in results[:3], results[:5]
    assert violations == []


def test_a_local_build_warns_that_it_is_not_for_publishing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    # no mkdocs.yml here, so MkDocs fails at once; the warning comes first
    result = subprocess.run([sys.executable, "-m", "kb", "build"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert "kb: WARNING: SITE_URL is not set" in result.stderr and "do not publish" in result.stderr


# --- the publish workflow ----------------------------------------------------------------


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is missing: make setup installs it (requirements-dev.txt)")
    return str(path)


def test_the_workflows_match_githubs_schema() -> None:
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    result = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_in_the_workflows() -> None:
    """Least permissions, no template injection, no persisted credentials, pinned actions (zizmor's audits)."""
    result = subprocess.run([_tool("zizmor"), "--offline", "--no-progress", str(ROOT / ".github")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(PUBLISH.read_text(encoding="utf-8"))


def test_the_workflow_tests_builds_and_deploys_on_a_push_to_main(workflow: dict) -> None:
    assert workflow[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads the key `on` as True
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = [s.get("run", "") for s in build["steps"]]
    uses = [s.get("uses", "").split("@")[0] for s in build["steps"] + deploy["steps"]]
    assert any("bash .ci/run" in r for r in runs)  # the tests, as CI runs them
    assert any("make publish" in r for r in runs)  # the README's build, refusing a wrong address
    assert [u for u in uses if u] == ["actions/checkout", "actions/configure-pages", "actions/upload-pages-artifact",
                                      "actions/deploy-pages"]
    assert runs.index(next(r for r in runs if "bash .ci/run" in r)) < runs.index(next(r for r in runs if "make publish" in r))
    publish = next(s for s in build["steps"] if "make publish" in s.get("run", ""))
    configure = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/configure-pages@"))
    assert publish["env"]["SITE_URL"] == "${{ steps.%s.outputs.base_url }}" % configure["id"]
    assert deploy["needs"] == "build"


def test_the_workflow_asks_for_the_least_it_needs(workflow: dict) -> None:
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    checkout = next(s for s in workflow["jobs"]["build"]["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False


# --- what search engines are told ---------------------------------------------------------


@pytest.mark.slow
def test_the_curators_report_is_for_editors_not_search_engines(browser_site: Path) -> None:
    import json
    import re

    sitemap = (browser_site / "sitemap.xml").read_text(encoding="utf-8")
    listed = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    assert not [u for u in listed if "curator-report" in u]
    noindex = '<meta name="robots" content="noindex">'
    assert noindex in (browser_site / "curator-report" / "index.html").read_text(encoding="utf-8")
    # every other page is listed, and none is hidden from search engines
    kb = json.loads((browser_site / "kb.json").read_text(encoding="utf-8"))
    for item in kb["essays"] + kb["topics"]:
        assert any(u.endswith("/" + item["url"]) for u in listed), item["url"]
    hidden = [p for p in browser_site.rglob("*.html") if noindex in p.read_text(encoding="utf-8")]
    assert [p.relative_to(browser_site).as_posix() for p in hidden] == ["curator-report/index.html"]
