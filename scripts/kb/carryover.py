"""Files the last good site already holds, byte for byte: linked into the new site, not written again.

``python -m kb build`` builds a whole new site beside the old one and swaps it
in (``kb.sitedir``), so every build wrote every file again, though an edit
changes few of them: 2,452 files at 1,000 essays (47 MB), of which 1,049
pages and 1,373 files of the search index. Writing a page file took MkDocs
0.13 ms to 1 ms on this machine's disk, depending on the hour, and deleting
the old site after a build at 10,000 essays took 9.3 s. A file whose bytes
equal the old site's file at the same place is now a hard link to that file:
no data is written, and deleting the old site mostly removes names (1.4 s at
10,000 essays).

``mkdocs serve`` builds into one folder, which MkDocs empties before every
build, deleting every file, and then writes every page again. The hook first
moves what it served aside (``set_aside``), links from it, and deletes it
once the search index has taken its unchanged bundles from it.

The bytes are compared, not assumed: a file is linked only if the old one
is a regular file with exactly these bytes, so a site edited by hand or
damaged is simply written again. Nothing may then change a linked file in
place, since the old site shares it until the swap: steps that rewrite a
file of the new site replace it instead (``replace_file``). Unchanged files
also keep their modification time, so a web server's ETag and Last-Modified
for them stay the same and readers' browsers keep their copies.
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from pathlib import Path, PurePosixPath

LAST_SITE_VARIABLE = "KB_LAST_SITE"  # set by `python -m kb build` for MkDocs: the site being replaced


class LastSite:
    """The site a build replaces (``old``) and the one it writes (``new``)."""

    def __init__(self, old: Path, new: Path) -> None:
        self.old = old
        self.new = new
        self.pages: set[str] = set()  # MkDocs pages linked, by source path
        self.notice = SkippedPageNotice(self.pages)

    @classmethod
    def from_environment(cls, new: Path) -> "LastSite | None":
        """The last site MkDocs' build replaces, as ``python -m kb build`` names it; None without one."""
        value = os.environ.get(LAST_SITE_VARIABLE, "")
        return cls.of(Path(value), new) if value else None

    @classmethod
    def of(cls, old: Path, new: Path) -> "LastSite | None":
        return cls(old, new) if old.is_dir() and old.resolve() != new.resolve() else None

    def carry(self, path: str, data: bytes) -> bool:
        """Link ``path`` (relative, with "/") from the old site if it holds exactly ``data`` there.

        Returns False, having done nothing, when the file must be written.
        """
        parts = PurePosixPath(path).parts
        if not parts or ".." in parts or PurePosixPath(path).is_absolute():
            return False
        old = self.old.joinpath(*parts)
        if not _holds(old, data):
            return False
        new = self.new.joinpath(*parts)
        try:
            new.parent.mkdir(parents=True, exist_ok=True)
            os.link(old, new, follow_symlinks=False)
        except OSError:  # another file system, no hard links there, or not ours to link: write it
            return False
        return True

    def carry_page(self, src_uri: str, dest_uri: str, output: str) -> bool:
        """Link a page MkDocs is about to write (``output``, as its ``on_post_page`` leaves it), if unchanged."""
        if not output.strip():
            return False  # MkDocs writes nothing for it
        if not self.carry(dest_uri, output.encode("utf-8", errors="xmlcharrefreplace")):  # MkDocs' own encoding
            return False
        self.pages.add(src_uri)
        return True


def _holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a regular file (not a link to one) with exactly ``data``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # a FIFO must not block the build
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        with os.fdopen(os.dup(fd), "rb") as file:
            return file.read(len(data) + 1) == data
    except OSError:
        return False
    finally:
        os.close(fd)


def set_aside(site_dir: Path) -> Path | None:
    """Move the site ``mkdocs serve`` served to a fresh folder beside it, leaving ``site_dir`` empty.

    MkDocs empties the served folder before every build; what it held is then
    the last site to link from. Returns the folder, for the caller to delete;
    None if there was nothing to set aside or it cannot be moved.
    """
    try:
        if not site_dir.is_dir() or site_dir.is_symlink() or not any(site_dir.iterdir()):
            return None
        mode = stat.S_IMODE(site_dir.stat().st_mode)
        aside = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}-last-", dir=site_dir.parent))
        os.rename(site_dir, aside)  # onto the empty folder just made: a name no one else has
    except OSError:
        return None
    try:
        site_dir.mkdir(mode=mode)
    except OSError:  # the server must have its folder back, whatever it held
        os.rename(aside, site_dir)
        return None
    return aside


def write_file(path: Path, data: bytes, last: LastSite | None, relative: str) -> None:
    """Write ``data`` at ``path`` in the new site, or link it from the last site if it holds the same."""
    if last is not None and last.carry(relative, data):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def replace_file(path: Path, data: bytes) -> None:
    """Rewrite a file of the new site as a new file: it may be linked to the old site's, which must stay as it is."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    path.write_bytes(data)


class SkippedPageNotice(logging.Filter):
    """MkDocs says "Page skipped ... Generated empty output" for a page written some other way: not news."""

    def __init__(self, pages: set[str]) -> None:
        super().__init__()
        self.pages = pages

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith("Page skipped: '") and message.split("'", 2)[1] in self.pages)
