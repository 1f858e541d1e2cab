"""Writing pages: only changes touch the disk; stale generated pages go."""

from __future__ import annotations

from pathlib import Path

from kb.write import write_pages


def test_unchanged_pages_are_not_rewritten_and_stale_ones_removed(tmp_path: Path) -> None:
    pages = {"index.md": "home", "topics/a.md": "A", "essays/x.md": "X"}
    assert sorted(write_pages(tmp_path, pages)) == ["essays/x.md", "index.md", "topics/a.md"]
    mtime = (tmp_path / "topics/a.md").stat().st_mtime_ns
    assert write_pages(tmp_path, pages) == []
    assert (tmp_path / "topics/a.md").stat().st_mtime_ns == mtime

    (tmp_path / "about.md").write_text("hand-written")
    changed = write_pages(tmp_path, {"index.md": "home", "topics/a.md": "A2"})
    assert sorted(changed) == ["essays/x.md", "topics/a.md"]
    assert not (tmp_path / "essays/x.md").exists()
    assert (tmp_path / "about.md").read_text() == "hand-written"
    assert not list(tmp_path.rglob(".tmp-*"))
