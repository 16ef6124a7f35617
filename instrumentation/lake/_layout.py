"""Where things are in a lake: the spans' table and its day partitions, the health records, the quarantine.

Paths only, so that a reader that merely lists the lake (a warm scorecard) imports no pyarrow.
"""

from __future__ import annotations

from pathlib import Path

TRACES_TABLE = "otel_traces"
HEALTH_TABLE = "export_health"
QUARANTINE_DIR = "quarantine"


def traces_dir(lake_dir: Path) -> Path:
    return lake_dir / TRACES_TABLE


def traces_glob(lake_dir: Path) -> str:
    """Every Parquet file of the table, as a glob; readers that must count each span once use ``segments()``."""
    return str(traces_dir(lake_dir) / "dt=*" / "*.parquet")


def partition_dirs(lake_dir: Path) -> list[Path]:
    root = traces_dir(lake_dir)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith("dt="))


def health_dir(lake_dir: Path) -> Path:
    return lake_dir / HEALTH_TABLE


def health_glob(lake_dir: Path) -> str:
    """The glob DuckDB reads with ``read_parquet(..., hive_partitioning = true)`` (it has files only once
    some writer lost spans)."""
    return str(health_dir(lake_dir) / "dt=*" / "*.parquet")


def health_files(lake_dir: Path) -> list[Path]:
    """The health record files, in name order (none until some writer lost spans or shut down after writing)."""
    return sorted(health_dir(lake_dir).glob("dt=*/part-*.parquet"))


def quarantine_dir(lake_dir: Path) -> Path:
    return Path(lake_dir) / QUARANTINE_DIR
