"""``harness lake compact``: merge small segments, set bad ones aside, clean up; ``lake import``: Collector files."""

from __future__ import annotations

import argparse
from typing import Any

from instrumentation import load_settings


def register(subparsers: Any) -> None:
    lake = subparsers.add_parser("lake", help="maintain the Parquet lake")
    actions = lake.add_subparsers(dest="action", required=True, metavar="ACTION")
    compact = actions.add_parser("compact", help="merge small segments without losing or duplicating a span")
    compact.add_argument("--home", help="HARNESS_HOME (default ./.harness)")
    compact.add_argument("--small-mb", type=float, default=64.0, help="segments below this size are merged")
    compact.set_defaults(func=run_compact)
    register_import(actions)


def run_compact(args: argparse.Namespace) -> int:
    from instrumentation.lake import compact

    settings = load_settings({"home": args.home})
    result = compact(settings.lake_dir, small_bytes=int(args.small_mb * 1024 * 1024))
    print(
        f"compacted {result.segments_in} segments into {result.segments_out} "
        f"across {result.partitions} partitions ({result.rows} spans) in {settings.lake_dir}"
    )
    for name in result.skipped_locked:
        print(f"skipped {name}: another compaction holds its lock")
    for entry in result.quarantined:
        print(f"set aside {entry} (in {settings.lake_dir / 'quarantine'}, with a .reason file)")
    for name in result.deferred:
        print(f"deferred removing the merged inputs of {name}: readers held the lake; the next run finishes it")
    if result.temporaries_removed:
        print(f"removed {result.temporaries_removed} temporary file(s) left by writers that no longer run")
    return 0


def register_import(actions: Any) -> None:
    importer = actions.add_parser(
        "import",
        help="load OTLP files the OpenTelemetry Collector's file exporter wrote; importing twice adds nothing",
        description="Load OTLP JSON lines (or the exporter's length-prefixed proto/zstd framing; gzip or zstd "
        "compressed) into the lake. A ledger of content in HARNESS_HOME/lake/imports.jsonl makes it "
        "idempotent: a file imported before adds nothing, a file grown since adds its new records. "
        "See docs/collect.md.",
    )
    importer.add_argument("paths", nargs="+", metavar="PATH", help="files, or folders of files")
    importer.add_argument("--home", help="HARNESS_HOME (default ./.harness)")
    importer.set_defaults(func=run_import)


def run_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from harness.collect import import_files
    from harness.commands._checks import writable_lake
    from instrumentation.errors import HarnessError

    settings = load_settings({"home": args.home})
    writable_lake(settings.lake_dir)
    results = import_files(settings.lake_dir, [Path(p) for p in args.paths])
    for result in results:
        if result.error and not result.bad_record:
            continue  # the file could not be read at all: only the error says anything
        line = f"{result.path}: {result.spans} spans imported from {result.records - result.skipped} records"
        if result.skipped:
            line += f" ({result.skipped} imported before)"
        if result.rejected:
            line += "; rejected " + ", ".join(f"{n} ({why})" for why, n in sorted(result.rejected.items()))
        print(line)
    errors = [r.error for r in results if r.error]
    if errors:
        advice = " (the records before it are imported: fix or remove it and import again)"
        raise HarnessError("; ".join(errors) + (advice if any(r.bad_record for r in results) else ""))
    return 0
