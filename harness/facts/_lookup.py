"""What the lake already records: fact ids by kind, so the recorders can refuse duplicates and warn on dangling ids."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from importlib import resources
from pathlib import Path

from instrumentation import semconv


@cache
def _sql() -> str:
    return resources.files("harness.facts").joinpath("recorded.sql").read_text(encoding="utf-8")


def recorded_ids(lake_dir: Path) -> dict[str, set[str]]:
    """Ids per record type (deployment, incident, change, audit_request, and gate run ids under ``gate``).

    The lake is read by its one listing rule (``instrumentation.lake.read_segments``): a segment that
    does not read is set aside, not fatal to recording the next fact.
    """
    import duckdb

    from instrumentation.lake import Segment, read_segments

    def read(snapshot: list[Segment]) -> list[tuple[object, object]]:
        if not snapshot:
            return []
        with duckdb.connect() as connection:
            return connection.execute(_sql(), {**_PARAMETERS, "segments": [str(s.path) for s in snapshot]}).fetchall()

    found: dict[str, set[str]] = defaultdict(set)
    for record_type, fact_id in read_segments(lake_dir, read):
        if fact_id is not None:
            found[str(record_type)].add(str(fact_id))
    return found


_PARAMETERS = {
    "record_type": semconv.HARNESS_RECORD_TYPE,
    "deployment_id": semconv.DEPLOYMENT_ID,
    "incident_id": semconv.HARNESS_INCIDENT_ID,
    "change_id": semconv.VCS_CHANGE_ID,
    "audit_id": semconv.HARNESS_AUDIT_REQUEST_ID,
    "gate_run_id": semconv.HARNESS_GATE_RUN_ID,
    "deployment": semconv.RECORD_DEPLOYMENT,
    "incident": semconv.RECORD_INCIDENT,
    "change": semconv.RECORD_CHANGE,
    "audit": semconv.RECORD_AUDIT_REQUEST,
    "gate": semconv.RECORD_GATE,
}
