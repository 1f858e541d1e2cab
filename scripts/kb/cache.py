"""A content-addressed cache: values stored under the hash of everything they depend on.

A key is the SHA-256 of the inputs a value is computed from (the essay's
bytes, the curated YAML it depends on, the version of the code that computes
it), so a stale entry is never found: an edit changes the key. Entries are
written atomically (temporary file, then rename), so a build that is killed
leaves whole entries or none. After a successful build, ``prune`` removes
the entries that build did not use, so the folder stays the size of the
collection.

The folder is local build state (``.cache/kb`` beside mkdocs.yml, git-ignored):
it is written only by this module and read only by the machine that wrote it.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any, Callable

PACKAGE = Path(__file__).resolve().parent
CACHE_FORMAT = b"kb-cache-1"


def digest(*parts: bytes | str) -> str:
    """The hex SHA-256 of ``parts``, each length-prefixed so that ("ab", "c") and ("a", "bc") differ."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def code_version(package: Path = PACKAGE) -> str:
    """A hash of every file of the ``kb`` package (code and templates): any code change empties the cache."""
    parts: list[bytes | str] = [CACHE_FORMAT]
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    return digest(*parts)


class Cache:
    """Pickled values in ``folder/<kind>/<key[:2]>/<key>``; remembers which keys a build used."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: dict[str, set[str]] = {}

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / key[:2] / key

    def get(self, kind: str, key: str) -> Any | None:
        """The value stored under ``key``, or None; a damaged entry counts as missing."""
        self.used.setdefault(kind, set()).add(key)
        try:
            with open(self._path(kind, key), "rb") as handle:
                return pickle.load(handle)
        except FileNotFoundError:
            return None
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError):
            return None

    def get_many(self, kind: str, keys: list[str]) -> list[Any | None]:
        """``get`` for each key, without the garbage collector walking what is read.

        Reading entries back makes no garbage cycles, but every object made
        counts toward a collection, and each collection walks the objects read
        so far: at 10,000 analysed essays the analysis step took 1.9-2.6 s with
        the collector on, 0.9-1.2 s with it off. Merely paused while reading,
        the collector still walked them three times once it resumed (1.75-2.25
        s). ``freeze`` then ``unfreeze`` moves them straight to the oldest
        generation instead, where only a full collection looks at them, and
        leaves nothing frozen (``kb.parallel`` freezes only around a fork, so
        nothing else is frozen then either): 0.94-1.01 s.
        """
        collecting = gc.isenabled()
        gc.disable()
        try:
            return [self.get(kind, key) for key in keys]
        finally:
            gc.freeze()
            gc.unfreeze()
            if collecting:
                gc.enable()

    def has(self, kind: str, key: str) -> bool:
        self.used.setdefault(kind, set()).add(key)
        return self._path(kind, key).is_file()

    def put(self, kind: str, key: str, value: Any) -> None:
        """Store ``value``; a folder that cannot be written (read-only, full) only means no caching."""
        self.used.setdefault(kind, set()).add(key)
        path = self._path(kind, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def used_keys(self, kind: str) -> set[str]:
        return set(self.used.get(kind, ()))

    def mark_used(self, kind: str, keys: set[str]) -> None:
        """Count ``keys`` as used by this build: they were read or written in another process."""
        self.used.setdefault(kind, set()).update(keys)

    def store(self, kind: str) -> "Store":
        """The values of one kind: ``get``/``put`` by key, or call ``(key, make)`` for the stored value or ``make()``'s."""
        return Store(self, kind)

    def prune(self, kind: str) -> int:
        """Remove the entries of ``kind`` this build did not use; return how many."""
        used = self.used.get(kind, set())
        removed = 0
        root = self.folder / kind
        if not root.is_dir():
            return 0
        for path in root.glob("*/*"):
            if path.name not in used:
                try:
                    path.unlink(missing_ok=True)
                    removed += 1
                except OSError:
                    pass
        return removed


class Store:
    """One kind of value in a ``Cache``."""

    def __init__(self, cache: Cache, kind: str) -> None:
        self.cache, self.kind = cache, kind

    def get(self, key: str) -> Any | None:
        return self.cache.get(self.kind, key)

    def put(self, key: str, value: Any) -> None:
        self.cache.put(self.kind, key, value)

    def __call__(self, key: str, make: Callable[[], Any]) -> Any:
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value
