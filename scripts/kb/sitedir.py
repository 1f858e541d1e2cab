"""The site folder's life: build beside it, then swap it in; never leave debris.

``python -m kb build`` builds into a fresh hidden folder next to ``site/``
and swaps it in only when MkDocs succeeds, so a failed build leaves the last
good site. This module owns the folders that dance involves:

- one build at a time per folder (a lock file), so that every ``.site-*``
  folder found while holding the lock is debris of a killed build;
- modes a web server can read: folders 0755 and files 0644 under the usual
  umask (``mkdtemp`` makes 0700, which nginx's worker user cannot enter);
- an old ``site/`` that a build cannot delete (read-only folders) is made
  writable first, and if it still cannot go, it is moved aside with a warning
  instead of blocking every later build.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

WORK_PREFIX = ".site-"  # a build in progress, or the debris of a killed one
LOCK_NAME = ".site.lock"


class SiteDirError(Exception):
    """The site folder cannot be prepared or replaced; the message says what to do."""


def current_umask() -> int:
    """The process umask, read without changing it where the system allows."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def publish_modes(root: Path, umask: int | None = None) -> None:
    """Folders 0777 and files 0666, less the umask: what a web server's user can read."""
    mask = current_umask() if umask is None else umask
    dir_mode, file_mode = 0o777 & ~mask, 0o666 & ~mask
    os.chmod(root, dir_mode)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            os.chmod(os.path.join(folder, name), dir_mode, follow_symlinks=False)
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, file_mode)


@contextmanager
def build_lock(site_dir: Path) -> Iterator[None]:
    """Hold the lock of ``site_dir``'s folder for one build (waits for another build to end)."""
    lock_path = site_dir.parent / LOCK_NAME
    try:
        handle = open(lock_path, "a+b")
    except OSError as error:
        raise SiteDirError(f"cannot create {lock_path}: {error.strerror} (fix: make {site_dir.parent} writable)") from error
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_debris(site_dir: Path) -> list[str]:
    """Remove what killed builds left beside ``site_dir`` (call with the lock held); return the names."""
    removed = []
    mine = os.geteuid()
    for path in sorted(site_dir.parent.iterdir()):
        is_work = path.name.startswith(WORK_PREFIX) and path.name != LOCK_NAME
        is_old = path.name == site_dir.name + ".old"
        if not (is_work or is_old) or path.is_symlink() or not path.is_dir():
            continue
        if path.stat().st_uid != mine:
            continue  # not ours to remove
        if remove_tree(path):
            removed.append(path.name)
    return removed


def new_work_dir(site_dir: Path) -> Path:
    try:
        return Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=site_dir.parent))
    except OSError as error:
        raise SiteDirError(f"cannot create a build folder in {site_dir.parent}: {error.strerror} "
                           f"(fix: make that folder writable)") from error


def swap_in(work: Path, site_dir: Path) -> str | None:
    """Make ``work`` the site; return a warning if the old site could not be removed."""
    old = site_dir.with_name(site_dir.name + ".old")
    if old.exists():
        remove_tree(old) or _move_aside(old)
    if site_dir.exists() or site_dir.is_symlink():
        try:
            site_dir.rename(old)
        except OSError as error:
            raise SiteDirError(f"cannot move the old {site_dir.name}/ aside: {error.strerror} "
                               f"(fix: check the permissions of {site_dir} and {site_dir.parent})") from error
    work.rename(site_dir)
    if old.exists() and not remove_tree(old):
        aside = _move_aside(old)
        return f"the previous site could not be deleted and was left in {aside.name} (fix: delete it by hand)"
    return None


def remove_tree(path: Path) -> bool:
    """Delete a folder we own, making read-only folders inside it writable first."""
    def make_writable_and_retry(function, target, excinfo) -> None:  # noqa: ANN001 - shutil's signature
        error = excinfo[1] if isinstance(excinfo, tuple) else excinfo
        if not isinstance(error, PermissionError) and getattr(error, "errno", None) not in (errno.EACCES, errno.EPERM):
            raise error
        parent = os.path.dirname(target)
        os.chmod(parent, stat.S_IMODE(os.lstat(parent).st_mode) | stat.S_IRWXU)
        if os.path.isdir(target) and not os.path.islink(target):
            os.chmod(target, stat.S_IMODE(os.lstat(target).st_mode) | stat.S_IRWXU)
        function(target)

    try:
        if sys.version_info >= (3, 12):
            shutil.rmtree(path, onexc=make_writable_and_retry)
        else:
            shutil.rmtree(path, onerror=make_writable_and_retry)
    except OSError:
        return False
    return True


def _move_aside(path: Path) -> Path:
    aside = Path(tempfile.mkdtemp(prefix=WORK_PREFIX + "old-", dir=path.parent))
    target = aside / path.name
    path.rename(target)
    return aside
