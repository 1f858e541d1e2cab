"""Pages to disk. Only changed files are rewritten, stale ones removed.

Rewriting an unchanged file would wake ``mkdocs serve``'s watcher and loop
forever; removing stale pages keeps a deleted essay from lingering.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .sitedir import current_umask

# Everything the pipeline owns under docs/: whole folders, and single files.
GENERATED_DIRS = ("topics", "essays")
TEMPORARY_PREFIX = ".tmp-"  # a page being written, renamed into place when whole


def write_pages(docs_dir: Path, pages: dict[str, str]) -> list[str]:
    """Write ``pages`` (path under docs/ -> text); return the paths that changed."""
    changed = [rel for rel, text in sorted(pages.items()) if write_if_changed(docs_dir / rel, text)]
    stale = []
    for folder in GENERATED_DIRS:
        # os.walk and strings, not Path.rglob: it runs every build, over every essay (0.15-0.25 s less at 10,000)
        for parent, _, names in os.walk(docs_dir / folder):
            prefix = os.path.relpath(parent, docs_dir).replace(os.sep, "/")
            stale += [(f"{prefix}/{name}", os.path.join(parent, name)) for name in names if f"{prefix}/{name}" not in pages]
    for rel, path in sorted(stale):
        os.unlink(path)
        changed.append(rel)
    return changed


def write_if_changed(path: Path, text: str) -> bool:
    data = text.encode("utf-8")
    try:
        with open(path, "rb") as handle:
            if handle.read() == data:
                return False
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        pass  # written below (a folder in the way fails there, as it would have)
    path.parent.mkdir(parents=True, exist_ok=True)
    # write then rename: a reader (the dev server) never sees half a page
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMPORARY_PREFIX, suffix=path.suffix)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    # mkstemp makes 0600; a page is as readable as any file the user makes
    os.chmod(tmp, 0o666 & ~current_umask())
    os.replace(tmp, path)
    return True
