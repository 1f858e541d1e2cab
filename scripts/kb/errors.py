"""The one error type the pipeline raises for bad input."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class SeedError(Exception):
    """Bad input that a person can fix: names the file, where in it, and what to do.

    Raised by loading and validation; the MkDocs hook turns it into a
    ``PluginError`` and ``python -m kb`` prints it and exits non-zero.
    """

    path: Path | str
    message: str
    line: int | None = None
    fix: str | None = None

    def __str__(self) -> str:
        name = shown_path(self.path)
        where = name if self.line is None else f"{name}, line {self.line}"
        text = f"{where}: {self.message}"
        if self.fix:
            text += f" (fix: {self.fix})"
        return text


def shown_path(path: Path | str) -> str:
    """The path as a person typed it: relative to the current folder when inside it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError):
        return str(path)
