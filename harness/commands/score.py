"""``harness score``: the maturity scorecard from the lake, as a table, JSON (DESIGN.md shape) or Markdown."""

from __future__ import annotations

import argparse
from typing import Any

from instrumentation.errors import HarnessError

FORMATS = ("table", "json", "markdown")


class EngineNotImplementedError(HarnessError):
    """The requested query engine is not available yet."""


def register(subparsers: Any) -> None:
    score = subparsers.add_parser("score", help="print the maturity scorecard computed from the lake")
    score.add_argument("--home", help="HARNESS_HOME (default ./.harness)")
    score.add_argument("--format", default="table", choices=FORMATS)
    score.add_argument("--system", action="append", help="score only this system (repeatable)")
    score.add_argument("--kind", default="llm", choices=("llm", "classical"))
    score.add_argument("--since", help="ISO 8601 window start (default: 90 days before --until)")
    score.add_argument("--until", help="ISO 8601 window end, exclusive (default: now)")
    score.add_argument("--env", default="production", help="deployment environment scored (default production)")
    score.add_argument("--systems-file", help="systems catalogue YAML (default HARNESS_HOME/systems.yaml)")
    score.add_argument("--attestations", help="attestations YAML (default HARNESS_HOME/attestations.yaml)")
    score.add_argument("--engine", default="duckdb", choices=("duckdb", "clickhouse"))
    score.add_argument("--dsn", help="ClickHouse DSN (with --engine clickhouse)")
    score.add_argument("--no-cache", action="store_true", help="do not keep HARNESS_HOME/harness.duckdb")
    score.add_argument("--output", "-o", help="write to this file instead of stdout")
    score.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.engine == "clickhouse":
        raise EngineNotImplementedError(
            "--engine clickhouse is not implemented yet: score the Parquet lake with --engine duckdb "
            "(the SQL in scoring/sql is kept portable for the ClickHouse port)"
        )
    import scoring

    card = scoring.scorecard(
        args.home,
        since=args.since,
        until=args.until,
        kind=args.kind,
        system=args.system,
        env=args.env,
        systems_file=args.systems_file,
        attestations_file=args.attestations,
        cache=not args.no_cache,
    )
    text = scoring.render(card, args.format)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text if text.endswith("\n") else text + "\n")
        print(f"wrote {args.output}")
    else:
        print(text)
    return 0
