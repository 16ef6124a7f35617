"""``harness demo``: the whole loop offline on the embedded default (see ``harness.demo``).

Starts the local model server, runs the reference support agent's eval suite on a baseline and a
regressed candidate, gates the candidate (it must be blocked), records four weeks of deployments,
changes, incidents and audits as telemetry, scores them and prints where everything went.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    demo = subparsers.add_parser("demo", help="run the whole loop offline and print where everything went")
    demo.add_argument("--home", help="HARNESS_HOME (default ./.harness); a rerun clears only the demo's own outputs")
    demo.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from harness.demo import run_demo

    return run_demo(home=args.home)
