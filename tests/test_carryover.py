"""Files the last site holds unchanged are linked into the new site; the last site is never changed.

The whole-site behaviour (most pages linked after an edit, the changed page
written anew, the result equal to a clean build) is in test_cache.py.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest

from kb.carryover import LastSite, replace_file, set_aside, write_file
from kb.headers import CHARSET_TAG, add_policy_meta
from kb.sitedir import publish_modes

PAGE = f"<!doctype html><html><head>{CHARSET_TAG}<title>t</title></head><body><p>Same</p></body></html>".encode()


@pytest.fixture
def sites(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "site", tmp_path / ".site-new"
    (old / "essays" / "a").mkdir(parents=True)
    (old / "essays" / "a" / "index.html").write_bytes(PAGE)
    new.mkdir()
    return old, new


def test_a_file_with_the_same_bytes_is_linked(sites: tuple[Path, Path]) -> None:
    old, new = sites
    last = LastSite(old, new)
    assert last.carry("essays/a/index.html", PAGE)
    assert (new / "essays" / "a" / "index.html").stat().st_ino == (old / "essays" / "a" / "index.html").stat().st_ino


@pytest.mark.parametrize("data", [PAGE + b"\n", PAGE.replace(b"Same", b"Diff"), PAGE[:-1]],
                         ids=["longer", "same size, other bytes", "shorter"])
def test_a_file_with_other_bytes_is_not_linked(sites: tuple[Path, Path], data: bytes) -> None:
    old, new = sites
    last = LastSite(old, new)
    assert not last.carry("essays/a/index.html", data)
    assert not (new / "essays" / "a" / "index.html").exists()


def test_write_file_writes_what_cannot_be_linked_and_leaves_the_old_file(sites: tuple[Path, Path]) -> None:
    old, new = sites
    last = LastSite(old, new)
    write_file(new / "essays" / "a" / "index.html", PAGE + b"!", last, "essays/a/index.html")
    write_file(new / "essays" / "b" / "index.html", PAGE, last, "essays/b/index.html")  # not in the old site
    assert (new / "essays" / "a" / "index.html").read_bytes() == PAGE + b"!"
    assert (new / "essays" / "b" / "index.html").read_bytes() == PAGE
    assert (old / "essays" / "a" / "index.html").read_bytes() == PAGE
    assert (new / "essays" / "a" / "index.html").stat().st_ino != (old / "essays" / "a" / "index.html").stat().st_ino


def test_only_regular_files_inside_the_old_site_are_linked(sites: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = sites
    outside = tmp_path / "outside.html"
    outside.write_bytes(PAGE)
    (old / "link.html").symlink_to(outside)
    (old / "folder.html").mkdir()
    os.mkfifo(old / "fifo.html")
    last = LastSite(old, new)
    done = threading.Event()

    def carry_all() -> None:
        for path in ("link.html", "folder.html", "fifo.html", "../outside.html", str(outside), ""):
            assert not last.carry(path, PAGE), path
        done.set()

    worker = threading.Thread(target=carry_all, daemon=True)
    worker.start()
    worker.join(10)
    assert done.is_set(), "carry blocked on a FIFO or failed"
    assert sorted(p.name for p in new.rglob("*")) == []


def test_a_site_does_not_carry_from_itself_or_from_nothing(tmp_path: Path) -> None:
    assert LastSite.of(tmp_path / "missing", tmp_path) is None
    assert LastSite.of(tmp_path, tmp_path) is None


def test_the_policy_added_for_publishing_leaves_the_last_site_as_it_was(sites: tuple[Path, Path]) -> None:
    """add_policy_meta rewrites every page of the new site; a linked page must become a new file."""
    old, new = sites
    assert LastSite(old, new).carry("essays/a/index.html", PAGE)
    add_policy_meta(new)
    assert b"Content-Security-Policy" in (new / "essays" / "a" / "index.html").read_bytes()
    assert (old / "essays" / "a" / "index.html").read_bytes() == PAGE


def test_replace_file_makes_a_new_file(sites: tuple[Path, Path]) -> None:
    old, new = sites
    assert LastSite(old, new).carry("essays/a/index.html", PAGE)
    replace_file(new / "essays" / "a" / "index.html", b"new")
    assert (new / "essays" / "a" / "index.html").read_bytes() == b"new"
    assert (old / "essays" / "a" / "index.html").read_bytes() == PAGE


def test_a_served_site_is_set_aside_and_its_folder_left_empty(tmp_path: Path) -> None:
    site = tmp_path / "mkdocs_x"
    (site / "about").mkdir(parents=True)
    (site / "about" / "index.html").write_bytes(PAGE)
    site.chmod(0o700)
    aside = set_aside(site)
    assert aside is not None and aside.parent == tmp_path and aside.name.startswith("mkdocs_x-last-")
    assert (aside / "about" / "index.html").read_bytes() == PAGE
    assert site.is_dir() and list(site.iterdir()) == [] and (site.stat().st_mode & 0o777) == 0o700
    assert LastSite(aside, site).carry("about/index.html", PAGE)


def test_nothing_is_set_aside_from_an_empty_missing_or_linked_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "index.html").write_bytes(PAGE)
    (tmp_path / "link").symlink_to(tmp_path / "full")
    for name in ("empty", "missing", "link"):
        assert set_aside(tmp_path / name) is None, name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "full", "link"]


def test_setting_the_published_modes_leaves_linked_files_untouched(sites: tuple[Path, Path]) -> None:
    """The new site's modes are set after linking: a file shared with the last site already has its
    mode and is not touched (a chmod would stamp the old site's file too); any other file is set."""
    old, new = sites
    shared = old / "essays" / "a" / "index.html"
    shared.chmod(0o644)
    assert LastSite(old, new).carry("essays/a/index.html", PAGE)
    (new / "private.html").write_bytes(PAGE)
    (new / "private.html").chmod(0o600)
    (new / "to-outside.html").symlink_to(old / "essays" / "a")
    before = shared.stat().st_ctime_ns, shared.parent.stat().st_ctime_ns
    time.sleep(0.01)
    publish_modes(new, umask=0o022)
    assert (shared.stat().st_ctime_ns, shared.parent.stat().st_ctime_ns) == before  # nor followed the link
    assert stat.S_IMODE((new / "private.html").stat().st_mode) == 0o644
    assert stat.S_IMODE(new.stat().st_mode) == 0o755 and stat.S_IMODE((new / "essays").stat().st_mode) == 0o755
