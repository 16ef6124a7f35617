"""Writing and finding segments: a segment appears whole (temporary name, then rename) or not at all."""

from __future__ import annotations

import os
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from instrumentation.lake._layout import traces_dir
from instrumentation.lake._schema import day_of, rows_to_table
from instrumentation.lake._temporaries import temporary_name

_SORT: list[tuple[str, Literal["ascending", "descending"]]] = [
    ("ServiceName", "ascending"),
    ("SpanName", "ascending"),
    ("Timestamp", "ascending"),
]


class SegmentWriter:
    """Writes rows as one zstd Parquet segment per day partition."""

    def __init__(self, lake_dir: Path, *, row_group_size: int = 128 * 1024) -> None:
        self.root = traces_dir(lake_dir)
        self.row_group_size = row_group_size

    def write_rows(self, rows: list[dict[str, Any]]) -> list[Path]:
        by_day: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_day[day_of(row["Timestamp"])].append(row)
        return [self.write_table(day, rows_to_table(day_rows)) for day, day_rows in sorted(by_day.items())]

    def write_table(self, day: str, table: pa.Table, *, name: str | None = None) -> Path:
        folder = self.root / f"dt={day}"
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / (name or f"part-{uuid.uuid4().hex}.parquet")
        temporary = folder / temporary_name(final.name)  # names its owner: a killed writer's is cleaned up
        try:
            pq.write_table(table.sort_by(_SORT), temporary, compression="zstd", row_group_size=self.row_group_size)
            os.replace(temporary, final)
        finally:
            temporary.unlink(missing_ok=True)
        return final
