"""sandbox.server: any WSGI app on a free port in a thread, listening when the call returns."""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from sandbox.server import ServerHandle, serve_in_thread


def _hello(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [f"こんにちは {environ['PATH_INFO']}".encode()]


def test_serves_any_wsgi_app_on_a_free_port_until_stopped() -> None:
    with serve_in_thread(_hello) as server:
        assert isinstance(server, ServerHandle) and server.url.startswith("http://127.0.0.1:")
        # No waiting or retrying: the socket listens once serve_in_thread has returned.
        with urllib.request.urlopen(server.url + "/ping", timeout=5) as response:
            assert response.read().decode() == "こんにちは /ping"
    port = int(server.url.rsplit(":", 1)[1])
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5)
    server.stop()  # a second stop is harmless


def test_two_servers_get_different_ports() -> None:
    with serve_in_thread(_hello) as one, serve_in_thread(_hello, "127.0.0.1", 0) as two:
        assert one.url != two.url


def test_a_taken_port_is_an_oserror() -> None:
    with serve_in_thread(_hello) as server:
        port = int(server.url.rsplit(":", 1)[1])
        with pytest.raises(OSError):
            serve_in_thread(_hello, "127.0.0.1", port)
