"""The embedded default store: Parquet segments in the OTel Collector ClickHouse ``otel_traces`` layout.

Importing this package needs pyarrow; ``import instrumentation`` does not import it.
"""

from instrumentation.lake._compact import CompactionResult, compact
from instrumentation.lake._exporter import LakeSpanExporter
from instrumentation.lake._health import HEALTH_SCHEMA, HEALTH_TABLE, ExportHealth, health_glob, read_health
from instrumentation.lake._processor import LakeSpanProcessor
from instrumentation.lake._schema import TRACES_SCHEMA, span_to_row
from instrumentation.lake._segments import SegmentWriter, partition_dirs, traces_dir, traces_glob

__all__ = [
    "HEALTH_SCHEMA",
    "HEALTH_TABLE",
    "TRACES_SCHEMA",
    "CompactionResult",
    "ExportHealth",
    "LakeSpanExporter",
    "LakeSpanProcessor",
    "SegmentWriter",
    "compact",
    "health_glob",
    "partition_dirs",
    "read_health",
    "span_to_row",
    "traces_dir",
    "traces_glob",
]
