"""``python -m sandbox.webhook``: serve the webhook receiver in the foreground."""

from __future__ import annotations

import argparse
from pathlib import Path

from sandbox.server import serve_forever
from sandbox.webhook import create_app


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.webhook", description="Webhook の受信口 (通知の確認用) を起動します。"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument(
        "--log",
        type=Path,
        default=None,
        help="JSON-lines file to append each request to (default: memory only)",
    )
    args = parser.parse_args(argv)
    app = create_app(args.log)
    print(
        f"Webhook 受信口: POST http://{args.host}:{args.port}/  一覧 GET http://{args.host}:{args.port}/received"
    )
    serve_forever(app, args.host, args.port)


if __name__ == "__main__":
    main()
