"""The embedded default store: Parquet segments in the OTel Collector ClickHouse ``otel_traces`` layout.

Readers list segments with ``segments()`` or read through ``read_segments()``: one rule, so that no
reader counts a span twice while a compaction runs, and a bad segment is set aside (``quarantine/``)
instead of failing every read. Reading its names needs pyarrow; ``import instrumentation`` does not.
Its names load on first use (``instrumentation._exports``): a reader of the listing does not import the
writer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from instrumentation._exports import lazy_attributes

if TYPE_CHECKING:
    from instrumentation.lake._compact import CompactionResult, compact, compacted_from
    from instrumentation.lake._exporter import LakeSpanExporter
    from instrumentation.lake._health import (
        HEALTH_SCHEMA,
        ExportHealth,
        HealthCounts,
        HealthRecorder,
        health_records,
        read_health,
    )
    from instrumentation.lake._layout import (
        HEALTH_TABLE,
        QUARANTINE_DIR,
        health_files,
        health_glob,
        partition_dirs,
        quarantine_dir,
        traces_dir,
        traces_glob,
    )
    from instrumentation.lake._processor import LakeSpanProcessor
    from instrumentation.lake._schema import (
        SPAN_KIND_NAMES,
        STATUS_CODE_NAMES,
        TRACES_SCHEMA,
        attr_string,
        day_of,
        rows_to_table,
        span_to_row,
    )
    from instrumentation.lake._segments import SegmentWriter
    from instrumentation.lake._snapshot import Segment, has_segments, read_segments, segments

_SOURCES = {
    "CompactionResult": "instrumentation.lake._compact",
    "compact": "instrumentation.lake._compact",
    "compacted_from": "instrumentation.lake._compact",
    "LakeSpanExporter": "instrumentation.lake._exporter",
    "HEALTH_SCHEMA": "instrumentation.lake._health",
    "HEALTH_TABLE": "instrumentation.lake._layout",
    "ExportHealth": "instrumentation.lake._health",
    "HealthCounts": "instrumentation.lake._health",
    "HealthRecorder": "instrumentation.lake._health",
    "health_files": "instrumentation.lake._layout",
    "health_glob": "instrumentation.lake._layout",
    "health_records": "instrumentation.lake._health",
    "read_health": "instrumentation.lake._health",
    "LakeSpanProcessor": "instrumentation.lake._processor",
    "QUARANTINE_DIR": "instrumentation.lake._layout",
    "quarantine_dir": "instrumentation.lake._layout",
    "SPAN_KIND_NAMES": "instrumentation.lake._schema",
    "STATUS_CODE_NAMES": "instrumentation.lake._schema",
    "TRACES_SCHEMA": "instrumentation.lake._schema",
    "attr_string": "instrumentation.lake._schema",
    "day_of": "instrumentation.lake._schema",
    "rows_to_table": "instrumentation.lake._schema",
    "span_to_row": "instrumentation.lake._schema",
    "SegmentWriter": "instrumentation.lake._segments",
    "partition_dirs": "instrumentation.lake._layout",
    "traces_dir": "instrumentation.lake._layout",
    "traces_glob": "instrumentation.lake._layout",
    "Segment": "instrumentation.lake._snapshot",
    "has_segments": "instrumentation.lake._snapshot",
    "read_segments": "instrumentation.lake._snapshot",
    "segments": "instrumentation.lake._snapshot",
}
__getattr__ = lazy_attributes(__name__, globals(), _SOURCES)

__all__ = [
    "HEALTH_SCHEMA",
    "HEALTH_TABLE",
    "QUARANTINE_DIR",
    "SPAN_KIND_NAMES",
    "STATUS_CODE_NAMES",
    "TRACES_SCHEMA",
    "CompactionResult",
    "ExportHealth",
    "HealthCounts",
    "HealthRecorder",
    "LakeSpanExporter",
    "LakeSpanProcessor",
    "Segment",
    "SegmentWriter",
    "attr_string",
    "compact",
    "compacted_from",
    "day_of",
    "has_segments",
    "health_files",
    "health_glob",
    "health_records",
    "partition_dirs",
    "quarantine_dir",
    "read_health",
    "read_segments",
    "rows_to_table",
    "segments",
    "span_to_row",
    "traces_dir",
    "traces_glob",
]
