"""The embedded default store: Parquet segments in the OTel Collector ClickHouse ``otel_traces`` layout.

Importing this package needs pyarrow; ``import instrumentation`` does not import it.
"""

from instrumentation.lake._compact import CompactionResult, compact
from instrumentation.lake._exporter import LakeSpanExporter
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

__all__ = [
    "SPAN_KIND_NAMES",
    "STATUS_CODE_NAMES",
    "TRACES_SCHEMA",
    "CompactionResult",
    "LakeSpanExporter",
    "SegmentWriter",
    "attr_string",
    "compact",
    "day_of",
    "partition_dirs",
    "rows_to_table",
    "span_to_row",
    "traces_dir",
    "traces_glob",
]
