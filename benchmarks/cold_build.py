"""Where a cold DuckDB build's time goes, over the scoring benchmark's lake (10M spans by default).

Each figure is measured in a fresh process, one after the other in one run:

- ``build``: the whole cold build (``scoring._engine.Engine`` into a new database file: staging, prices,
  roll-ups), without the scorecard's views;
- ``load``: the staging load alone (``load_spans.sql``) into a new database file, committed;
- ``memory``: the same load into an in-memory database;
- ``select``: the load's ``SELECT`` evaluated (every column hashed) and nothing written;
- ``write``: the same staged rows, computed first into a temporary table (not timed), inserted into the
  database file's ``spans`` and checkpointed: what materialising one row per span costs, whatever the SQL
  that computes it;
- ``typed``: the same staged rows written as typed Parquet (not timed), then scanned (every column hashed):
  what reading the spans would cost were their attributes typed columns instead of maps.

The peak RSS of ``write`` and ``typed`` includes the temporary table (several GiB at 10M spans).

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

from benchmarks import scoring as bench
from benchmarks._timing import in_fresh_process

PARTS = ("build", "load", "memory", "select", "write", "typed")


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
        select = load[load.index("SELECT") :]
        started = time.perf_counter()
        if name == "build":
            Engine(home / "lake", database).close()
            seconds = time.perf_counter() - started
        else:
            engine = Engine(empty, None if name in ("memory", "select") else database)
            conn = engine.conn
            if name in ("write", "typed"):  # the staged rows first, untimed
                conn.execute(f"CREATE TEMP TABLE staged AS {select}", parameters)
            if name == "typed":
                typed = scratch / "typed.parquet"
                conn.execute(f"COPY staged TO '{typed}' (FORMAT parquet, COMPRESSION zstd)")
            started = time.perf_counter()
            if name == "select":
                conn.execute(f"SELECT count(*), sum(hash(COLUMNS(*))) FROM ({select})", parameters)
            elif name in ("load", "memory"):
                conn.execute("BEGIN")
                conn.execute(load, parameters)
                conn.execute("COMMIT")
                conn.execute("CHECKPOINT")
            elif name == "write":
                conn.execute("INSERT INTO spans BY NAME SELECT * FROM staged")
                conn.execute("CHECKPOINT")
            else:
                conn.execute("SELECT count(*), sum(hash(COLUMNS(*))) FROM read_parquet(?)", [str(typed)])
            seconds = time.perf_counter() - started
            engine.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))


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
