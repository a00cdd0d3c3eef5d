"""``python -m sandbox.hr``: serve サンドボックス人事労務 in the foreground."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from sandbox.chaos import parse_chaos
from sandbox.hr import create_app
from sandbox.server import serve_forever


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.hr", description="サンドボックス人事労務を起動します。"
    )
    parser.add_argument("--db", type=Path, default=Path("var/sandbox/hr.sqlite3"), help="SQLite file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8720)
    parser.add_argument("--username", default="demo@example.jp")
    parser.add_argument("--password", default="kuroko-demo")
    parser.add_argument("--api-token", default="sandbox-token")
    parser.add_argument(
        "--totp-seed-env",
        metavar="NAME",
        help="environment variable holding a base32 TOTP seed: the login then asks for a 確認コード",
    )
    parser.add_argument("--chaos", default="", help="chaos switches, e.g. latency_ms=200,ui_version=2")
    args = parser.parse_args(argv)
    try:
        chaos = parse_chaos(args.chaos)
    except ValueError as exc:
        parser.error(str(exc))
    totp_seed = None
    if args.totp_seed_env:
        totp_seed = os.environ.get(args.totp_seed_env)
        if not totp_seed:
            parser.error(f"environment variable {args.totp_seed_env} is not set")
    try:
        app = create_app(
            args.db,
            username=args.username,
            password=args.password,
            api_token=args.api_token,
            totp_seed=totp_seed,
            chaos=chaos,
        )
    except ValueError as exc:
        parser.error(str(exc))
    url = f"http://{args.host}:{args.port}/employees"
    print(f"サンドボックス人事労務: {url}  (login {args.username}; db {args.db})")
    serve_forever(app, args.host, args.port)


if __name__ == "__main__":
    main()
