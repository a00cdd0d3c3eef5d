"""``python -m sandbox.accounting``: serve サンドボックス会計 in the foreground."""

from __future__ import annotations

import argparse
from pathlib import Path

from sandbox.accounting import create_app
from sandbox.chaos import parse_chaos
from sandbox.server import serve_forever


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.accounting", description="サンドボックス会計を起動します。"
    )
    parser.add_argument("--db", type=Path, default=Path("var/sandbox/accounting.sqlite3"), help="SQLite file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8710)
    parser.add_argument("--username", default="demo@example.jp")
    parser.add_argument("--password", default="kuroko-demo")
    parser.add_argument("--api-token", default="sandbox-token")
    parser.add_argument("--chaos", default="", help="chaos switches, e.g. latency_ms=200,ui_version=2")
    args = parser.parse_args(argv)
    try:
        chaos = parse_chaos(args.chaos)
    except ValueError as exc:
        parser.error(str(exc))
    app = create_app(
        args.db, username=args.username, password=args.password, api_token=args.api_token, chaos=chaos
    )
    print(f"サンドボックス会計: http://{args.host}:{args.port}/deals  (login {args.username}; db {args.db})")
    serve_forever(app, args.host, args.port)


if __name__ == "__main__":
    main()
