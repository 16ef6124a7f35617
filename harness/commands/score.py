"""``harness score``: the maturity scorecard from the lake, as a table, JSON (DESIGN.md shape) or Markdown.

``harness sql "SELECT ..."``: one read-only query over the scoring views in the same scope, which is how
every criterion's evidence is printed (runnable as printed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from instrumentation.errors import HarnessError
from scoring import FORMATS, KINDS

SQL_FORMATS = ("table", "csv", "json")  # harness sql prints rows, not a scorecard


class OutputError(HarnessError):
    """The output file cannot be written where it was asked for."""


def scope_arguments(parser: argparse.ArgumentParser, *, both_kinds: bool = False) -> None:
    """The flags that choose what is scored; ``harness sql`` takes the same, so evidence reproduces a scorecard.

    ``both_kinds`` (``harness report``): without ``--kind``, LLM and classical systems side by side.
    """
    parser.add_argument("--home", help="HARNESS_HOME (default ./.harness)")
    parser.add_argument("--system", action="append", help="score only this system (repeatable)")
    if both_kinds:
        parser.add_argument("--kind", choices=KINDS, help="only one kind of system (default: both, side by side)")
    else:
        parser.add_argument("--kind", default="llm", choices=KINDS)
    parser.add_argument("--since", help="ISO 8601 window start (default: 90 days before --until)")
    parser.add_argument("--until", help="ISO 8601 window end, exclusive (default: now)")
    parser.add_argument("--env", default="production", help="deployment environment scored (default production)")
    parser.add_argument("--systems-file", help="systems catalogue YAML (default HARNESS_HOME/systems.yaml)")
    parser.add_argument("--no-cache", action="store_true", help="do not keep HARNESS_HOME/harness.duckdb")


def engine_arguments(parser: argparse.ArgumentParser) -> None:
    """``--engine`` and ``--dsn``: ``harness sql`` takes them too, so a ClickHouse scorecard's evidence runs there."""
    parser.add_argument(
        "--engine",
        default="duckdb",
        choices=("duckdb", "clickhouse"),
        help="duckdb (default; the lake cached in HARNESS_HOME/harness.duckdb) or clickhouse (the same SQL translated)",
    )
    parser.add_argument(
        "--dsn",
        help="ClickHouse server, e.g. clickhouse://default@localhost:8123/default (reads its otel_traces table; "
        "the password from HARNESS_CLICKHOUSE_PASSWORD when the DSN has none; with --engine clickhouse and no "
        "--dsn, chDB scores the lake in-process)",
    )


def register(subparsers: Any) -> None:
    score = subparsers.add_parser("score", help="print the maturity scorecard computed from the lake")
    scope_arguments(score)
    score.add_argument("--format", default="table", choices=FORMATS)
    score.add_argument("--attestations", help="attestations YAML (default HARNESS_HOME/attestations.yaml)")
    engine_arguments(score)
    score.add_argument("--output", "-o", help="write to this file instead of stdout (its folder must exist)")
    score.set_defaults(func=run)

    sql = subparsers.add_parser(
        "sql", help="run one SELECT over the scoring views (a criterion's evidence) in a scorecard's scope"
    )
    sql.add_argument("query", help='one SELECT, e.g. "SELECT * FROM int_window_deploys WHERE NOT gate_passed"')
    scope_arguments(sql)
    engine_arguments(sql)
    sql.add_argument("--format", default="table", choices=SQL_FORMATS)
    sql.set_defaults(func=run_sql)


def _scope(args: argparse.Namespace) -> Any:
    import scoring

    return scoring.Scope.of(args.since, args.until, kind=args.kind, system=args.system, env=args.env)


def check_output(output: str, flag: str = "--output") -> Path:
    """The file ``flag`` names, refused when its folder is missing or it is a folder."""
    path = Path(output)
    if not path.parent.is_dir():
        raise OutputError(f"{flag} {output}: the folder {path.parent} does not exist (create it first)")
    if path.is_dir():
        raise OutputError(f"{flag} {output} is a folder: name a file")
    return path


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"harness: warning: {warning}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    output = check_output(args.output) if args.output else None
    import scoring

    card = scoring.scorecard(
        args.home,
        _scope(args),
        systems_file=args.systems_file,
        attestations_file=args.attestations,
        cache=not args.no_cache,
        engine=args.engine,
        dsn=args.dsn,
    )
    _warn(card.warnings)
    text = scoring.render(card, args.format)
    if output is not None:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        print(f"wrote {output}")
    else:
        print(text)
    return 0


def run_sql(args: argparse.Namespace) -> int:
    import polars as pl

    import scoring

    frame = scoring.query(
        args.query,
        args.home,
        _scope(args),
        systems_file=args.systems_file,
        cache=not args.no_cache,
        engine=args.engine,
        dsn=args.dsn,
    )
    if args.format == "csv":
        sys.stdout.write(frame.write_csv())
    elif args.format == "json":
        sys.stdout.write(frame.write_json() + "\n")
    else:
        with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=80, tbl_width_chars=200):
            print(frame)
    return 0
