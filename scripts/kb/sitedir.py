"""The site folder's life: build beside it, then swap it in; never leave debris.

``python -m kb build`` builds into a fresh hidden folder next to ``site/``
and swaps it in only when MkDocs succeeds, so a failed build leaves the last
good site. This module owns the folders that dance involves:

- one build at a time per folder (a lock file), so that every ``.site-*``
  folder found while holding the lock is debris of a killed build;
- modes a web server can read: folders 0755 and files 0644 under the usual
  umask (``mkdtemp`` makes 0700, which nginx's worker user cannot enter);
- the old ``site/`` is moved aside and deleted after the build returns, by a
  detached process that holds the lock until it is done (``BuildLock``), so the
  next build waits for it; read-only folders in it are made writable first, and
  what still cannot go is left as a ``.site-*`` folder that later builds retry
  and warn about instead of blocking.
"""

from __future__ import annotations

import errno
import fcntl
import os
import secrets
import shutil
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

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
            _set_mode(os.path.join(folder, name), dir_mode)
        for name in files:
            _set_mode(os.path.join(folder, name), file_mode)


def _set_mode(path: str, mode: int) -> None:
    """Only where it differs: a file linked from the last site (kb.carryover) has its mode already,
    and a chmod would stamp the last site's file too (chmod-ing every name took 0.3 s of a
    one-essay build at 10,000 essays)."""
    info = os.lstat(path)
    if not stat.S_ISLNK(info.st_mode) and stat.S_IMODE(info.st_mode) != mode:
        os.chmod(path, mode)


class BuildLock:
    """The lock of a site's folder, held by this build and, after it, by the removal of the old site."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.handed_over = False

    def remove_after_exit(self, old: Path) -> None:
        """Delete ``old`` in a detached process that holds this lock until it is done.

        A site that has been on disk a while takes long to delete: 0.65 s for
        1,000 essays' pages here, 1.3 s for 3,000, 9.3 s for 10,000; 1.4 s at 10,000 once
        its unchanged files were links shared with the new site (kb.carryover). The build returns as soon as
        the new site is in place; the next build waits for the lock, so it
        never finds the old site half deleted.
        """
        try:
            child = os.fork()
        except (AttributeError, OSError):  # no fork here, or no process to spare: delete it now
            remove_tree(old)
            return
        if child == 0:  # a grandchild does the work, so that no one has to wait for it
            try:
                if os.fork() == 0:
                    _quietly_remove(old, keep=self.handle.fileno())
            finally:
                os._exit(0)
        os.waitpid(child, 0)
        self.handed_over = True


def _quietly_remove(old: Path, keep: int) -> None:
    """In the detached process: no terminal and none of the caller's files but the lock ``keep``, then delete.

    Whoever reads the build's output (a pipe) must not wait for this process.
    """
    try:
        os.setsid()
        quiet = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(quiet, fd)
        os.closerange(3, keep)
        os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))  # only reached where fork is, so on POSIX
        remove_tree(old)  # what it cannot delete stays a .site-* folder: the next build tries again
    finally:
        os._exit(0)


@contextmanager
def build_lock(site_dir: Path) -> Iterator[BuildLock]:
    """Hold the lock of ``site_dir``'s folder for one build (waits for another build and its clean-up to end)."""
    lock_path = site_dir.parent / LOCK_NAME
    try:
        handle = open(lock_path, "a+b")
    except OSError as error:
        raise SiteDirError(f"cannot create {lock_path}: {error.strerror} (fix: make {site_dir.parent} writable)") from error
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        lock = BuildLock(handle)
        try:
            yield lock
        finally:
            # a flock belongs to the open file, which the detached process shares: unlocking
            # here would unlock it there too, while closing our copy leaves it held
            if not lock.handed_over:
                fcntl.flock(handle, fcntl.LOCK_UN)


def remove_debris(site_dir: Path) -> tuple[list[str], list[str]]:
    """Remove what killed builds left beside ``site_dir`` (call with the lock held).

    Returns the names removed, and those that could not be.
    """
    removed, stuck = [], []
    mine = os.geteuid()
    for path in sorted(site_dir.parent.iterdir()):
        is_work = path.name.startswith(WORK_PREFIX) and path.name != LOCK_NAME
        is_old = path.name == site_dir.name + ".old"
        if not (is_work or is_old) or path.is_symlink() or not path.is_dir():
            continue
        if path.stat().st_uid != mine:
            continue  # not ours to remove
        (removed if remove_tree(path) else stuck).append(path.name)
    return removed, stuck


def new_work_dir(site_dir: Path) -> Path:
    try:
        return Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=site_dir.parent))
    except OSError as error:
        raise SiteDirError(f"cannot create a build folder in {site_dir.parent}: {error.strerror} "
                           f"(fix: make that folder writable)") from error


def swap_in(work: Path, site_dir: Path) -> Path | None:
    """Make ``work`` the site; return where the old site now is, for the caller to delete.

    The old site is moved to a fresh ``.site-*`` name, which a later build
    removes as debris if its deletion never ends.
    """
    old = None
    if site_dir.exists() or site_dir.is_symlink():
        # a name beside it: moving a folder into another folder needs write access to it,
        # which a read-only site/ does not give
        old = site_dir.with_name(f"{WORK_PREFIX}old-{secrets.token_hex(6)}")
        try:
            site_dir.rename(old)
        except OSError as error:
            raise SiteDirError(f"cannot move the old {site_dir.name}/ aside: {error.strerror} "
                               f"(fix: check the permissions of {site_dir} and {site_dir.parent})") from error
    work.rename(site_dir)
    return old


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
