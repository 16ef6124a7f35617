"""The embedded default store: Parquet segments in the OTel Collector ClickHouse ``otel_traces`` layout.

Importing this package needs pyarrow; ``import instrumentation`` does not import it.
"""

from instrumentation.lake._compact import CompactionResult, compact
from instrumentation.lake._exporter import LakeSpanExporter
from instrumentation.lake._schema import TRACES_SCHEMA, span_to_row
from instrumentation.lake._segments import SegmentWriter, partition_dirs, traces_dir, traces_glob

__all__ = [
    "TRACES_SCHEMA",
    "CompactionResult",
    "LakeSpanExporter",
    "SegmentWriter",
    "compact",
    "partition_dirs",
    "span_to_row",
    "traces_dir",
    "traces_glob",
]
