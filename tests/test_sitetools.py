"""The tests' own web server (scripts/sitetools.py): quiet when a browser drops a request."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from conftest import _sitetools


def test_a_request_the_browser_drops_prints_no_traceback(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """Chromium cancels requests when a test navigates on; the server printed a traceback each time."""
    (tmp_path / "big.bin").write_bytes(b"x" * 20_000_000)  # more than the socket buffers hold
    with _sitetools().SiteServer(tmp_path) as server:
        client = socket.create_connection(("127.0.0.1", server.port))
        client.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
        client.recv(1024)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # reset on close
        client.close()
        time.sleep(1)
    assert "Traceback" not in capfd.readouterr().err
