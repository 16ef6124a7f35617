"""``harness lake compact``: merge small segments of the lake; set bad ones aside; clean dead writers' leftovers."""

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
