"""The embedded default store: Parquet segments in the OTel Collector ClickHouse ``otel_traces`` layout.

Readers list segments with ``segments()`` or read through ``read_segments()``: one rule, so that no
reader counts a span twice while a compaction runs, and a bad segment is set aside (``quarantine/``)
instead of failing every read. Importing this package needs pyarrow; ``import instrumentation`` does not.
"""

from instrumentation.lake._compact import CompactionResult, compact
from instrumentation.lake._exporter import LakeSpanExporter
from instrumentation.lake._health import (
    HEALTH_SCHEMA,
    HEALTH_TABLE,
    ExportHealth,
    HealthCounts,
    HealthRecorder,
    health_glob,
    health_records,
    read_health,
)
from instrumentation.lake._processor import LakeSpanProcessor
from instrumentation.lake._quarantine import QUARANTINE_DIR, quarantine_dir
from instrumentation.lake._schema import (
    SPAN_KIND_NAMES,
    STATUS_CODE_NAMES,
    TRACES_SCHEMA,
    attr_string,
    day_of,
    rows_to_table,
    span_to_row,
)
from instrumentation.lake._segments import SegmentWriter, partition_dirs, traces_dir, traces_glob
from instrumentation.lake._snapshot import Segment, read_segments, segments

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
    "day_of",
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
