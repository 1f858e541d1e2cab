"""What `mkdocs serve` watches, and how it hears of a change.

Two changes to MkDocs' dev server, both made from the hook's ``on_serve``
(MkDocs 1.6.1 is the last release, so the dev server's internals used here
stay as they are; where they are not as expected, MkDocs' own watching stays):

- **docs/ without the generated pages**: each build writes its changed pages
  into docs/, which MkDocs watches; those writes would start a second, idle
  build (and a second search index). An editor's own change to docs/ still
  rebuilds.
- **The system's file events instead of polling**: MkDocs' server polls every
  watched folder twice a second, listing and stat-ing every file: 95 ms for
  seeds/ and 93 ms for docs/ at 10,000 essays. An idle dev server kept 74-92%
  of a core busy there, and during a build the polls took turns with it for
  Python's lock: a saved essay was shown after 42.5-44.4 s, against 24.9-25.7 s
  without polling (two runs each). A save was also noticed only at the next
  poll, up to half a second later. On Linux the server now hears of changes
  from inotify as they happen. ``KB_WATCH=poll`` keeps MkDocs' polling, for folders
  whose changes the system does not report (some network and container mounts).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Callable

WATCH_VARIABLE = "KB_WATCH"  # "poll": keep MkDocs' polling

log = logging.getLogger("mkdocs.plugins.kb")


def watch_docs_but_not_generated_pages(server: Any, docs_dir: Path, is_generated: Callable[[str], bool]) -> None:
    """Rebuild when an editor changes docs/, not when a build writes its pages there.

    ``is_generated`` gets a path relative to docs/, with "/".
    """
    condition, observer = getattr(server, "_rebuild_cond", None), getattr(server, "observer", None)
    path = str(docs_dir.resolve())
    if (condition is None or observer is None or not hasattr(server, "_watch_refs")
            or path not in getattr(server, "_watched_paths", {})):
        return
    from watchdog.events import FileSystemEvent, FileSystemEventHandler

    prefix = path + os.sep

    def generated(event_path: str) -> bool:
        # events name paths under the watched, resolved folder: no resolving for each of them,
        # since a build that writes every page sends a few events for each
        if not event_path.startswith(prefix):
            return False
        return is_generated(event_path[len(prefix):].replace(os.sep, "/"))

    def on_any_event(event: FileSystemEvent) -> None:
        paths = [os.fsdecode(event.src_path), os.fsdecode(getattr(event, "dest_path", "") or "")]
        if event.is_directory or all(generated(p) for p in paths if p):
            return
        with condition:
            server._want_rebuild = True
            condition.notify_all()

    server.unwatch(path)
    handler = FileSystemEventHandler()
    handler.on_any_event = on_any_event  # type: ignore[method-assign]
    # in the server's own books, so that it lists docs/ as watched and could unwatch it
    server._watch_refs[path] = observer.schedule(handler, path, recursive=True)
    server._watched_paths[path] = 1


def hear_changes_from_the_system(server: Any) -> bool:
    """Move every watch of the dev server from polling to the system's file events; True if done.

    Called last in ``on_serve``, before the server starts watching. The new
    observer starts here, so that a system refusing (too many watches, say)
    leaves MkDocs' polling in place instead of failing when the server starts.
    """
    if os.environ.get(WATCH_VARIABLE, "").strip().lower() == "poll":
        return False
    polling = getattr(server, "observer", None)
    handlers = getattr(polling, "_handlers", None)
    refs = getattr(server, "_watch_refs", None)
    if polling is None or handlers is None or refs is None or polling.is_alive():
        return False
    try:
        from watchdog.observers.inotify import InotifyObserver
    except Exception:  # noqa: BLE001 - not Linux: watchdog raises its own UnsupportedLibcError, or ImportError
        return False

    class StartedHere(InotifyObserver):
        def start(self) -> None:  # the server starts its observer again: it already runs
            if not self.is_alive():
                super().start()

    try:
        native = StartedHere()
    except OSError as error:
        log.info(f"Watching by polling: the system's file events are not available ({error})")
        return False
    from watchdog.events import (DirCreatedEvent, DirDeletedEvent, DirMovedEvent, FileCreatedEvent,
                                 FileDeletedEvent, FileModifiedEvent, FileMovedEvent)

    # changes only: inotify also reports files opened and closed unwritten, which every
    # build does to what it reads, and MkDocs' handler would rebuild for any event
    changes = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent,
               DirCreatedEvent, DirDeletedEvent, DirMovedEvent]
    try:
        moved = {}
        for path, watch in refs.items():
            for handler in handlers.get(watch, ()):
                moved[path] = native.schedule(handler, watch.path, recursive=watch.is_recursive, event_filter=changes)
        native.start()
    except OSError as error:
        native.stop()
        log.info(f"Watching by polling: the system's file events are not available ({error})")
        return False
    for watch in list(refs.values()):
        polling.unschedule(watch)
    server._watch_refs = moved
    server.observer = native
    log.info("Watching with the system's file events (inotify), not by polling")
    return True
