"""Score AI-operations maturity from telemetry: DuckDB views over the Parquet lake.

``scorecard()`` returns the DESIGN.md scorecard (per-axis levels with their evidence, and the
operational metrics) as a pydantic model; ``metric()`` returns any metric view as a polars
DataFrame for notebooks. The SQL lives in ``scoring/sql`` (staging -> metrics -> criteria).
"""

from scoring._criteria import Criterion, load_criteria
from scoring._engine import ScoringError
from scoring._inputs import (
    ATTESTATIONS_FILE,
    SYSTEMS_FILE,
    Attestation,
    InputFileError,
    SystemEntry,
    load_attestations,
    load_catalogue,
    parse_time,
)
from scoring._model import AXES, AxisScore, CriterionResult, Metrics, Scorecard, SystemInfo, Window
from scoring._render import render
from scoring._scorecard import metric, query, scorecard
from scoring._sql import METRIC_VIEWS, VIEWS

__all__ = [
    "ATTESTATIONS_FILE",
    "AXES",
    "METRIC_VIEWS",
    "SYSTEMS_FILE",
    "VIEWS",
    "Attestation",
    "AxisScore",
    "Criterion",
    "CriterionResult",
    "InputFileError",
    "Metrics",
    "Scorecard",
    "ScoringError",
    "SystemEntry",
    "SystemInfo",
    "Window",
    "load_attestations",
    "load_catalogue",
    "load_criteria",
    "metric",
    "parse_time",
    "query",
    "render",
    "scorecard",
]
