"""The ``harness`` command line. Each command lives in ``harness/commands/<name>.py`` with a ``register``.

Errors are one line on stderr, never a traceback: usage and input errors exit 3 (as DESIGN.md reserves),
with the usage of the command that was mistyped; a reader that closes the pipe early (``| head``) ends
the output quietly (exit 141, as a process killed by SIGPIPE).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import os
import sys
from collections.abc import Sequence

from instrumentation.errors import HarnessError

# One module per top-level command; each defines register(subparsers) and sets args.func.
COMMAND_MODULES = (
    "demo",
    "lake",
    "record",
    "score",
    "report",
    "model_server",
    "eval",
    "collect",
    "canary",
    "imports",
)

DISTRIBUTION = "llm-harness"  # the name pyproject.toml installs the package under
EXIT_USAGE = 3
EXIT_BROKEN_PIPE = 141


def _mark_commands(parser: argparse.ArgumentParser) -> None:
    """Let each leaf command's arguments name their parser, so its own usage reports an unknown argument."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                child.set_defaults(command_parser=child)
                _mark_commands(child)


def _version() -> str:
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harness",
        description="Instrument LLM apps, gate releases on evals, and score AI-operations maturity from telemetry.",
    )
    parser.add_argument("--version", action="version", version=f"harness {_version()}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"harness.commands.{name}").register(subparsers)
    _mark_commands(parser)
    return parser


def _quiet_stdout() -> None:
    """After a broken pipe: send what is left to /dev/null so the interpreter's final flush does not fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args, extras = parser.parse_known_args(argv)
        if extras:  # reported by the command that was given them, with its usage
            getattr(args, "command_parser", parser).error(f"unrecognized arguments: {' '.join(extras)}")
    except SystemExit as exc:  # argparse exits 2 on usage errors; DESIGN.md reserves 3 for usage
        return EXIT_USAGE if exc.code not in (0, None) else 0
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()
        return code
    except HarnessError as exc:
        print(f"harness: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())
