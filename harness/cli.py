"""The ``harness`` command line. Each command lives in ``harness/commands/<name>.py`` with a ``register``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from instrumentation.errors import HarnessError

# One module per top-level command; each defines register(subparsers) and sets args.func.
COMMAND_MODULES = ("demo", "lake", "record", "score", "model_server", "eval", "collect")

EXIT_USAGE = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harness",
        description="Instrument LLM apps, gate releases on evals, and score AI-operations maturity from telemetry.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"harness.commands.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors; DESIGN.md reserves 3 for usage
        return EXIT_USAGE if exc.code not in (0, None) else 0
    try:
        return int(args.func(args) or 0)
    except HarnessError as exc:
        print(f"harness: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
