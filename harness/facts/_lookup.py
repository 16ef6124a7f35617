"""What the lake already records: fact ids by kind, so the recorders can refuse duplicates and warn on dangling ids.

Read with pyarrow, not DuckDB, so recording a fact needs only the core install.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from instrumentation import semconv
from instrumentation.lake import Segment, read_segments

_RECORD_TYPES = (
    semconv.RECORD_DEPLOYMENT,
    semconv.RECORD_INCIDENT,
    semconv.RECORD_CHANGE,
    semconv.RECORD_AUDIT_REQUEST,
    semconv.RECORD_GATE,
)
# The attribute that holds a fact's id; a record carries one of them.
_ID_KEYS = (
    semconv.DEPLOYMENT_ID,
    semconv.HARNESS_INCIDENT_ID,
    semconv.VCS_CHANGE_ID,
    semconv.HARNESS_AUDIT_REQUEST_ID,
    semconv.HARNESS_GATE_RUN_ID,
)
_ATTRIBUTES = "SpanAttributes"


def recorded_ids(lake_dir: Path) -> dict[str, set[str]]:
    """Ids per record type (deployment, incident, change, audit_request, and gate run ids under ``gate``).

    The lake is read by its one listing rule (``instrumentation.lake.read_segments``): a segment that
    does not read is set aside, not fatal to recording the next fact.
    """
    found: dict[str, set[str]] = defaultdict(set)
    for record_type, fact_id in read_segments(lake_dir, _read):
        found[record_type].add(fact_id)
    return found


def _read(snapshot: list[Segment]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for segment in snapshot:
        attributes = pq.read_table(segment.path, columns=[_ATTRIBUTES]).column(_ATTRIBUTES)
        pairs += _facts(attributes)
    return pairs


def _facts(attributes: pa.ChunkedArray) -> list[tuple[str, str]]:
    record_type = pc.map_lookup(attributes, semconv.HARNESS_RECORD_TYPE, "first")
    is_fact = pc.is_in(record_type, value_set=pa.array(_RECORD_TYPES))
    if not pc.any(is_fact).as_py():
        return []
    facts = pc.filter(attributes, is_fact)
    fact_id = pc.coalesce(*(pc.map_lookup(facts, key, "first") for key in _ID_KEYS))
    kinds = pc.filter(record_type, is_fact)
    return [(k, i) for k, i in zip(kinds.to_pylist(), fact_id.to_pylist(), strict=True) if i is not None]
