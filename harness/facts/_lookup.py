"""What the lake already records: fact ids by kind, so the recorders can refuse duplicates and warn on dangling ids."""

from __future__ import annotations

import glob
from collections import defaultdict
from functools import cache
from importlib import resources
from pathlib import Path

from instrumentation import semconv


@cache
def _sql() -> str:
    return resources.files("harness.facts").joinpath("recorded.sql").read_text(encoding="utf-8")


def recorded_ids(lake_dir: Path) -> dict[str, set[str]]:
    """Ids per record type (deployment, incident, change, audit_request, and gate run ids under ``gate``)."""
    import duckdb

    from instrumentation.lake import traces_glob

    found: dict[str, set[str]] = defaultdict(set)
    if not glob.glob(traces_glob(lake_dir)):
        return found
    parameters = {
        "glob": traces_glob(lake_dir),
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
    with duckdb.connect() as connection:
        for record_type, fact_id in connection.execute(_sql(), parameters).fetchall():
            if fact_id is not None:
                found[str(record_type)].add(str(fact_id))
    return found
