"""``harness audit bundle`` and ``harness audit verify``: the evidence pack of a system and period, and its check.

``harness audit record`` (a request for evidence) lives with the other recorders in ``record.py``; this
module adds the two actions that make and check the pack (``harness.audit``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scoring import KINDS

EXIT_TAMPERED = 1
TIME_HELP = "ISO 8601, e.g. 2026-01-01T00:00:00Z"


def register_actions(actions: Any) -> None:
    made = actions.add_parser("bundle", help="write the evidence pack of a system and period (from telemetry alone)")
    made.add_argument("--system", required=True)
    made.add_argument("--since", required=True, help=TIME_HELP)
    made.add_argument("--until", required=True, help=f"exclusive; {TIME_HELP}")
    made.add_argument("--out", required=True, metavar="DIR", help="a new or empty folder")
    made.add_argument("--request", metavar="REQUEST_ID", help="the recorded audit request this bundle answers")
    made.add_argument("--kind", choices=KINDS, help="llm or classical (default: the system's own kind)")
    made.add_argument("--home", help="HARNESS_HOME (default ./.harness)")
    made.add_argument("--systems-file", help="the systems catalogue (default HARNESS_HOME/systems.yaml)")
    made.set_defaults(func=run_bundle)
    check = actions.add_parser("verify", help="check a bundle's files against its manifest (exit 1 when changed)")
    check.add_argument("folder", metavar="DIR")
    check.set_defaults(func=run_verify)


def run_bundle(args: argparse.Namespace) -> int:
    from harness import audit

    made = audit.bundle(
        args.system, args.since, args.until, args.out,
        home=args.home, kind=args.kind, request=args.request, systems_file=args.systems_file,
    )  # fmt: skip
    counted = ", ".join(f"{key} {n}" for key, n in made.counts.items() if n)
    print(f"wrote the audit bundle of {args.system} to {made.folder} ({counted or 'no rows'})")
    print(f"  {made.folder / 'bundle.md'}, {made.folder / 'bundle.html'}, data/*.json")
    print(f"  manifest {made.manifest} sha256 {made.manifest_sha256}")
    print(f"recorded audit request {made.request_id} as fulfilled")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from harness import audit

    problems = audit.verify(args.folder)
    for problem in problems:
        print(f"harness: {problem}", file=sys.stderr)
    if problems:
        print(f"{args.folder}: NOT intact ({len(problems)} problem(s))", file=sys.stderr)
        return EXIT_TAMPERED
    print(f"{args.folder}: intact (every file matches manifest.json)")
    return 0
