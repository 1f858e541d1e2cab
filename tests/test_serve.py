"""`mkdocs serve` as an editor uses it: save a file, see the page change, once.

The pipeline writes its pages into docs/, which MkDocs' dev server watches;
those writes must not count as an editor's change (each save would otherwise
build twice), while an editor's own change to docs/ still rebuilds.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from kb.fulltext import PER_BUNDLE_VARIABLE
from kb.load import essay_stem
from kb.pipeline import slugify
from sitecheck import copy_project

pytestmark = pytest.mark.slow


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


def wait_until(condition, timeout: float = 120) -> float:  # noqa: ANN001 - a callable returning bool
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s")


@contextmanager
def serving(tmp_path: Path, **env: str):
    """`mkdocs serve` on a copy of the project: (project, url, log), once the first build is served."""
    project = copy_project(tmp_path / "project")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = open(tmp_path / "serve.log", "w+", encoding="utf-8")
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project, stdout=log, stderr=subprocess.STDOUT,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env})
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until(lambda: "</html>" in fetch(url))
        wait_until(lambda: "Watching paths for changes" in (tmp_path / "serve.log").read_text(encoding="utf-8"))
        yield project, url, tmp_path / "serve.log"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture()
def served(tmp_path: Path):
    with serving(tmp_path) as running:
        yield running


def builds(log: Path) -> int:
    return log.read_text(encoding="utf-8").count("Building documentation")


def test_a_saved_essay_is_shown_after_one_build_and_then_searchable(served) -> None:  # noqa: ANN001
    project, url, log = served
    essay = sorted((project / "seeds").glob("*.txt"))[0]
    entry = url + "pagefind/pagefind-entry.json"
    wait_until(lambda: '"languages"' in fetch(entry))  # the first build's index, written in the background
    entry_before = fetch(entry)
    marker = f"An editor saved this sentence at {time.time_ns()}."
    with open(essay, "a", encoding="utf-8") as handle:
        handle.write(" " + marker + "\n")
    page = f"{url}essays/{slugify(essay_stem(essay.name))}/"
    wait_until(lambda: marker in fetch(page))
    # the search index follows in the background: a new entry file names a new index
    wait_until(lambda: (e := fetch(entry)) != entry_before and '"languages"' in e)
    assert "Content-Security-Policy" in fetch(url + "_headers")  # written beside the index
    time.sleep(2)  # a second build, if one were coming, would have started by now
    assert builds(log) == 2, log.read_text(encoding="utf-8")  # the first, and the one for the save


def test_a_search_index_in_bundles_is_served_as_each_bundle_is_written(tmp_path: Path) -> None:
    """Each bundle appears when its Pagefind run ends, not when the next save's build collects it."""
    with serving(tmp_path, **{PER_BUNDLE_VARIABLE: "1"}) as (project, url, log):
        wait_until(lambda: fetch(url + "pagefind/bundles.json") != "")  # written on a thread, after the pages
        assert json.loads(fetch(url + "pagefind/bundles.json")) == ["essays-1/"]
        entry = url + "pagefind/essays-1/pagefind-entry.json"
        wait_until(lambda: '"languages"' in fetch(entry), timeout=60)
        entry_before = fetch(entry)
        essay = sorted((project / "seeds").glob("*.txt"))[0]
        with open(essay, "a", encoding="utf-8") as handle:
            handle.write(f" An editor saved this sentence at {time.time_ns()}.\n")
        wait_until(lambda: (e := fetch(entry)) != entry_before and '"languages"' in e, timeout=60)
        assert builds(log) == 2, log.read_text(encoding="utf-8")


def test_an_editors_change_to_a_page_in_docs_still_rebuilds(served) -> None:  # noqa: ANN001
    project, url, log = served
    about = project / "docs" / "about.md"
    marker = f"Editors changed the about page at {time.time_ns()}."
    about.write_text(about.read_text(encoding="utf-8") + "\n" + marker + "\n", encoding="utf-8")
    wait_until(lambda: marker in fetch(url + "about/"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_the_dev_server_hears_of_a_save_from_the_system_not_by_polling(served) -> None:  # noqa: ANN001
    """MkDocs polls every watched folder twice a second (95 ms a poll for seeds/ at 10,000 essays)."""
    project, url, log = served
    assert "Watching with the system's file events (inotify), not by polling" in log.read_text(encoding="utf-8")
    essay = sorted((project / "seeds").glob("*.txt"))[0]
    marker = f"An editor saved this sentence at {time.time_ns()}."
    with open(essay, "a", encoding="utf-8") as handle:
        handle.write(" " + marker + "\n")
    wait_until(lambda: marker in fetch(f"{url}essays/{slugify(essay_stem(essay.name))}/"))
    time.sleep(2)
    assert builds(log) == 2, log.read_text(encoding="utf-8")  # the generated pages' writes started no build


def test_polling_stays_when_the_editor_asks_for_it(tmp_path: Path) -> None:
    """KB_WATCH=poll: for folders whose changes the system does not report (some network mounts)."""
    with serving(tmp_path, KB_WATCH="poll") as (project, url, log):
        assert "not by polling" not in log.read_text(encoding="utf-8")
        about = project / "docs" / "about.md"
        marker = f"Editors changed the about page at {time.time_ns()}."
        about.write_text(about.read_text(encoding="utf-8") + "\n" + marker + "\n", encoding="utf-8")
        wait_until(lambda: marker in fetch(url + "about/"))


def test_a_dev_server_stopped_by_sigterm_leaves_nothing_in_the_temporary_folder(tmp_path: Path) -> None:
    """Process managers and tests stop a dev server with SIGTERM, not Ctrl-C: it must clean up all the same.

    Before, each such stop left MkDocs' served copy of the site (and any
    Pagefind work folder) in /tmp: 196 of them had piled up here.
    """
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    with serving(tmp_path, TMPDIR=str(temporary)) as (_, url, log):
        wait_until(lambda: fetch(url + "pagefind/bundles.json") != "")
        assert any(temporary.iterdir())  # the served copy of the site lives there
    assert sorted(p.name for p in temporary.iterdir()) == [], log.read_text(encoding="utf-8")[-2000:]
    assert "Shutting down" in log.read_text(encoding="utf-8")


def test_processes_forked_by_a_dev_server_do_not_keep_its_sigterm_handler(tmp_path: Path) -> None:
    """A Python signal handler runs only when the process next runs Python code.

    A pool's worker blocked on its pool's lock never does: a first `mkdocs serve`
    at 10,000 essays hung while its pool stopped a worker that had inherited the
    server's handler. A forked child must end on SIGTERM at once, as by default.
    """
    done = _under_the_dev_servers_handler(
        tmp_path,
        "def report(queue):\n"
        "    queue.put(signal.getsignal(signal.SIGTERM) == signal.SIG_DFL)\n",
        "assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL\n"
        "context = multiprocessing.get_context('fork')\n"
        "queue = context.Queue()\n"
        "child = context.Process(target=report, args=(queue,))\n"
        "child.start()\n"
        "print(queue.get(timeout=60))\n"
        "child.join()\n",
    )
    assert (done.returncode, done.stdout.strip()) == (0, "True"), done.stderr


def _under_the_dev_servers_handler(tmp_path: Path, functions: str, main: str) -> subprocess.CompletedProcess[str]:
    """Run ``main`` (a script's lines) in a process that installed the hook's SIGTERM handler as `mkdocs serve` does."""
    script = tmp_path / "fork.py"
    body = "".join("    " + line + "\n" for line in main.splitlines())
    script.write_text("import multiprocessing, signal, time\nfrom kb import mkdocs_hook\n" + functions
                      + "if __name__ == '__main__':\n    mkdocs_hook.on_startup(command='serve', dirty=False)\n" + body,
                      encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "scripts")}
    return subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)


def test_a_save_links_the_pages_it_left_unchanged_from_the_site_served_before(tmp_path: Path) -> None:
    """MkDocs empties the served folder before each build; the pages a save left as they were are linked instead."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    with serving(tmp_path, TMPDIR=str(temporary)) as (project, url, log):
        entry = url + "pagefind/pagefind-entry.json"
        wait_until(lambda: '"languages"' in fetch(entry))
        entry_before = fetch(entry)
        essay = sorted((project / "seeds").glob("*.txt"))[0]
        marker = f"An editor saved this sentence at {time.time_ns()}."
        with open(essay, "a", encoding="utf-8") as handle:
            handle.write(" " + marker + "\n")
        wait_until(lambda: marker in fetch(f"{url}essays/{slugify(essay_stem(essay.name))}/"))
        text = log.read_text(encoding="utf-8")
        linked = re.findall(r"Site: (\d+) unchanged pages linked from the last site", text)
        assert linked and int(linked[-1]) > 20, text[-3000:]
        assert "About" in fetch(url + "about/")  # a linked page is served as before
        # once the search index is written, the folder set aside is gone
        wait_until(lambda: (e := fetch(entry)) != entry_before and '"languages"' in e)
        wait_until(lambda: len(list(temporary.iterdir())) == 1, timeout=30)
        # a save stopped by SIGTERM while its last steps run leaves nothing either
        with open(essay, "a", encoding="utf-8") as handle:
            handle.write(" And one more.\n")
        wait_until(lambda: "And one more." in fetch(f"{url}essays/{slugify(essay_stem(essay.name))}/"))
    assert sorted(p.name for p in temporary.iterdir()) == [], log.read_text(encoding="utf-8")[-2000:]


def test_processes_forked_by_a_dev_server_end_quietly_on_sigterm(tmp_path: Path) -> None:
    """The dev server turns SIGTERM into Ctrl-C; the processes it forks must not.

    A pool stops its workers with SIGTERM. Workers forked by the dev server
    inherited its handler, so one that was stopped while taking a task printed
    a KeyboardInterrupt traceback into the editor's terminal (seen on a first
    `make serve`) and ended with status 1 instead of by the signal.
    """
    done = _under_the_dev_servers_handler(
        tmp_path, "",
        "child = multiprocessing.get_context('fork').Process(target=time.sleep, args=(60,))\n"
        "child.start()\n"
        "time.sleep(0.5)\n"
        "child.terminate()  # SIGTERM, as a pool stops its workers\n"
        "child.join()\n"
        "print(child.exitcode)\n",
    )
    assert (done.returncode, done.stdout.strip()) == (0, str(-signal.SIGTERM)), done.stderr
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr, done.stderr


def test_without_inotify_the_dev_server_keeps_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a system without inotify (macOS), watchdog's module raises its own error on import."""
    import builtins

    from kb import watch

    class UnsupportedLibcError(Exception):
        pass

    real_import = builtins.__import__

    def no_inotify(name, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003 - __import__'s own signature
        if name == "watchdog.observers.inotify":
            raise UnsupportedLibcError("no inotify here")
        return real_import(name, *args, **kwargs)

    class Server:
        observer = type("Polling", (), {"_handlers": {}, "is_alive": lambda self: False})()
        _watch_refs: dict = {}

    monkeypatch.setattr(builtins, "__import__", no_inotify)
    server = Server()
    polling = server.observer
    assert watch.hear_changes_from_the_system(server) is False
    assert server.observer is polling
