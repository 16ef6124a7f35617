"""Where a cold DuckDB build's time goes, over the scoring benchmark's lake (10M spans by default).

Each figure is measured in a fresh process, one after the other in one run:

- ``build``: the whole cold build (``scoring._engine.Engine`` into a new database file: staging, prices,
  roll-ups), without the scorecard's views;
- ``load``: the staging load alone (``load_spans.sql``) into a new database file, committed;
- ``memory``: the same load into an in-memory database;
- ``select``: the load's ``SELECT`` evaluated (every column hashed) and nothing written;
- ``floor``: DuckDB persisting a synthetic table as long as the lake with the staging table's column types (a
  string column of a few values in two rows of three, a number in every other row, the segment and trace id
  columns as the lake's), from a temporary table: what writing one row per span costs whatever the SQL.

    .venv/bin/python -m benchmarks.cold_build                   # over $HARNESS_BENCH_DIR/scoring-10000000
    .venv/bin/python -m benchmarks.cold_build --spans 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks import scoring as bench
from benchmarks._timing import in_fresh_process

PARTS = ("build", "load", "memory", "select", "floor")


def _segments(home: Path) -> list[str]:
    return sorted(str(p) for p in (home / "lake" / "otel_traces").rglob("*.parquet"))


def _part(name: str, home: Path) -> None:
    """In a fresh process: one part, timed; prints seconds and peak RSS as JSON."""
    from scoring import _sql
    from scoring._engine import Engine

    scratch = Path(tempfile.mkdtemp(prefix="cold-build-"))
    try:
        empty = scratch / "empty"
        (empty / "otel_traces").mkdir(parents=True)
        database = scratch / "harness.duckdb"
        parameters = {"segments": _segments(home), "feature_attribute": None}
        load = _sql.read("load_spans")
        started = time.perf_counter()
        timed: float | None = None  # the floor times its insert only
        if name == "build":
            Engine(home / "lake", database).close()
        else:
            engine = Engine(empty, None if name in ("memory", "select") else database)
            conn = engine.conn
            started = time.perf_counter()
            if name == "select":
                conn.execute(
                    f"SELECT count(*), sum(hash(COLUMNS(*))) FROM ({load[load.index('SELECT') :]})", parameters
                )
            elif name in ("load", "memory"):
                conn.execute("BEGIN")
                conn.execute(load, parameters)
                conn.execute("COMMIT")
                conn.execute("CHECKPOINT")
            else:
                rows = conn.execute("SELECT sum(num_rows) FROM parquet_file_metadata(?)", [parameters["segments"]])
                timed = _floor(conn, int(rows.fetchone()[0]))  # type: ignore[index]
            engine.close()
        seconds = time.perf_counter() - started if timed is None else timed
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))


def _floor(conn: duckdb.DuckDBPyConnection, rows: int) -> float:
    """Persist a synthetic ``rows``-row table of the staging table's column types; the temporary source is built
    first and not timed."""
    types = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'spans' "
        "ORDER BY ordinal_position"
    ).fetchall()
    columns = []
    for k, (column, data_type) in enumerate(types):
        if column == "segment":  # one lake path per segment of the benchmark's size
            value = "'/tmp/harness-bench/lake/otel_traces/dt=2026-01-01/part-' || (i // 111110) || '.parquet'"
        elif column == "trace_id":
            value = "md5(CAST(i // 10 AS VARCHAR))"
        elif data_type.startswith("ENUM"):  # the span class
            value = f"enum_range(CAST(NULL AS {data_type}))[1 + i % 5]"
        elif data_type == "VARCHAR":
            value = f"CASE WHEN i % 3 = 0 THEN NULL ELSE 'value-' || (i % {3 + k}) END"
        elif data_type == "BOOLEAN":
            value = "CASE WHEN i % 2 = 0 THEN i % 3 = 0 END"
        elif data_type == "TIMESTAMP":
            value = "TIMESTAMP '2026-01-01' + to_microseconds(i * 777)"
        elif data_type == "SMALLINT":  # the bins
            value = f"CASE WHEN i % 2 = 0 THEN i % {100 + k} END"
        else:
            value = f"CASE WHEN i % 2 = 0 THEN i * {k + 1} END"
        columns.append(f"CAST({value} AS {data_type}) AS {column}")
    conn.execute(f"CREATE TEMP TABLE source AS SELECT {', '.join(columns)} FROM range({rows}) AS t(i)")
    started = time.perf_counter()
    conn.execute("INSERT INTO spans SELECT * FROM source")
    conn.execute("CHECKPOINT")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spans", type=int, default=10_000_000, help="the scoring benchmark's lake of this size")
    parser.add_argument("--part", choices=PARTS, help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        _part(args.part, Path(args.home))
        return
    home = Path(os.environ.get("HARNESS_BENCH_DIR", "/tmp/harness-bench")) / f"scoring-{args.spans}"
    bench.generate(home, args.spans)
    print(f"cold DuckDB build over {home} ({args.spans:,} spans), load average {os.getloadavg()[0]:.1f}")
    for name in PARTS:
        result = in_fresh_process("benchmarks.cold_build", "--part", name, "--home", str(home))
        print(f"  {name:>7}: {result['seconds']:6.2f} s  {result['peak_mb']:6.0f} MiB", flush=True)


if __name__ == "__main__":
    main()
