"""The SQL of the scoring layer: ``.sql`` files loaded by name, views created in dependency order.

Stages: tables and loads (raw Parquet -> typed staging tables), ``stg_`` staging views, ``int_``
intermediate views, ``met_`` metric views, ``crit_`` evidence views for the criteria. View names
are the allow-list of identifiers Python may put into SQL text.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

STAGING_VIEWS = (
    "stg_eval_traces",
    "stg_llm_calls",
    "stg_predictions",
    "stg_model_calls",
    "stg_agent_runs",
    "stg_agent_steps",
    "stg_eval_runs",
    "stg_eval_results",
    "stg_gate_decisions",
    "stg_judge_calibrations",
    "stg_production_samples",
    "stg_deployments",
    "stg_changes",
    "stg_deployment_changes",
    "stg_incidents",
    "stg_audit_requests",
    "int_deploys",
    "int_incident_attribution",
    "int_window_deploys",
    "int_activity",
    "int_incident_summary",
    "int_retention",
    "int_model_call_summary",
    "int_judges",
    "int_eval_loop",
    "int_rebuild",
)
METRIC_VIEWS = (
    "met_deployment_frequency",
    "met_lead_time",
    "met_change_failure_rate",
    "met_time_to_restore",
    "met_audit_response",
    "met_cost_per_feature",
    "met_cost_per_request",
    "met_latency",
    "met_latency_by",
    "met_time_to_first_chunk",
    "met_trajectory",
    "met_telemetry_coverage",
    "met_orphan_spans",
    "met_drift",
)
CRITERIA_VIEWS = ("crit_deployment", "crit_evaluation", "crit_observability", "crit_reproducibility", "crit_governance")
VIEWS = STAGING_VIEWS + METRIC_VIEWS + CRITERIA_VIEWS
# Loads run in this order for each batch of new segments (bound as $segments).
LOADS = ("load_spans", "load_eval_scores", "load_rollup", "load_unpriced", "load_facts")
TABLE_FILES = ("tables", *LOADS, "load_orphans", "resolve_orphans", "price_calls")
DERIVED_TABLES = ("spans", "eval_scores", "span_rollup", "unpriced", "fact_spans", "orphans")
# Views that stay views: the span-sized staging (copying millions of rows costs more than re-scanning
# the columnar table) and the metrics the scorecard does not read. Every other view is computed once
# per scope into a small temp table, so criteria and metrics sharing inputs never recompute them.
LAZY_VIEWS = frozenset(
    {
        "stg_llm_calls",
        "stg_predictions",
        "stg_model_calls",
        "stg_agent_runs",
        "stg_agent_steps",
        "met_latency_by",
        "met_trajectory",
        "met_drift",
    }
)


@cache
def read(name: str) -> str:
    """The text of ``scoring/sql/<name>.sql``."""
    return resources.files("scoring").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def schema_version() -> str:
    """Changes whenever the staging tables or their loads change, so a stale database is rebuilt."""
    digest = hashlib.sha256()
    for name in TABLE_FILES:
        digest.update(read(name).encode())
    return digest.hexdigest()[:16]


def create_statement(name: str, *, materialize: bool) -> str:
    """``CREATE`` the allow-listed view ``name`` as a view, or as a temp table of its rows."""
    if name not in VIEWS:
        raise ValueError(f"unknown view {name!r}")
    kind = "TABLE" if materialize and name not in LAZY_VIEWS else "VIEW"
    return f"CREATE OR REPLACE TEMP {kind} {name} AS\n{read(name)}"
