"""``harness model-server``: run the local OpenAI- and Anthropic-compatible model server in the foreground."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    server = subparsers.add_parser(
        "model-server",
        help="run the local OpenAI- and Anthropic-compatible model server (deterministic, streaming, faults)",
    )
    server.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    server.add_argument("--port", type=int, default=8765, help="port to bind (default 8765; 0 picks a free one)")
    server.add_argument("--scenario", help="scenario YAML file (default: the shipped support-desk scenario)")
    server.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from harness.model_server import run_forever

    def announce(base: str) -> None:
        print(
            f"model server on {base}: OpenAI base_url {base}/v1, Anthropic base_url {base} (Ctrl-C stops)", flush=True
        )

    try:
        run_forever(args.host, args.port, args.scenario, announce)
    except KeyboardInterrupt:
        pass
    return 0
