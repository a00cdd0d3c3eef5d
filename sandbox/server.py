"""Serving a sandbox app (any WSGI app) with Werkzeug: in a background thread for tests and robots, or in the
foreground for the CLI."""

from __future__ import annotations

import socket
import threading
from types import TracebackType

from werkzeug.serving import (
    BaseWSGIServer,
    WSGIRequestHandler,
    get_sockaddr,
    make_server,
    select_address_family,
)

__all__ = ["ServerHandle", "serve_forever", "serve_in_thread"]


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request (a background sandbox would drown the robot's own log)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def _make_server(app: object, host: str, port: int, *, quiet: bool = False) -> BaseWSGIServer:
    """A threaded Werkzeug server on a socket that is already listening.

    The socket is bound here rather than by Werkzeug, which prints and calls ``sys.exit`` when the port is
    taken; here that is an OSError for the caller to report.
    """
    family = select_address_family(host, port)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(get_sockaddr(host, port, family))
        sock.listen(128)
        handler = _QuietHandler if quiet else None
        return make_server(
            host,
            port,
            app,
            threaded=True,
            fd=sock.fileno(),
            request_handler=handler,  # type: ignore[arg-type]
        )
    finally:
        sock.close()  # the server holds its own duplicate of the descriptor


def _url(server: BaseWSGIServer) -> str:
    host, port = server.server_address[:2]
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in str(host):
        host = f"[{host}]"
    return f"http://{host}:{port}"


class ServerHandle:
    """A running server: its base URL, and `stop` (or leave the ``with`` block) to shut it down."""

    def __init__(self, server: BaseWSGIServer, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        self.url = _url(server)

    def stop(self) -> None:
        """Stop accepting requests, close the socket and wait for the serving thread; safe to call twice."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<ServerHandle {self.url}>"


def serve_in_thread(
    app: object, host: str = "127.0.0.1", port: int = 0, *, quiet: bool = True
) -> ServerHandle:
    """Serve `app` from a daemon thread (one thread per request); port 0 takes a free port.

    Returns once the socket listens, so the URL can be used at once. Raises OSError when the port is taken.
    Access lines are not logged unless ``quiet=False``.
    """
    server = _make_server(app, host, port, quiet=quiet)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.1},
        name=f"sandbox-server-{server.port}",
        daemon=True,
    )
    thread.start()
    return ServerHandle(server, thread)


def serve_forever(app: object, host: str, port: int) -> None:
    """Serve `app` in the foreground until Ctrl-C; OSError when the port is taken."""
    server = _make_server(app, host, port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
