"""``harness demo``: the whole loop offline on the embedded default.

Today it runs the smallest real end-to-end path: instrumented LLM calls (manual API) under
product features land in the Parquet lake, and DuckDB reads back cost per feature.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    demo = subparsers.add_parser("demo", help="run the whole loop offline and print where everything went")
    demo.add_argument("--home", help="HARNESS_HOME (default ./.harness)")
    demo.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from harness._demo import run_demo

    return run_demo(home=args.home)
