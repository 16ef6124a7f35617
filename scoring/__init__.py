"""Score AI-operations maturity from telemetry: DuckDB views over the Parquet lake.

``scorecard()`` returns the DESIGN.md scorecard (per-axis levels with their evidence, and the
operational metrics) as a pydantic model; ``metric()`` returns any metric view and ``query()`` any
SELECT over the views as a polars DataFrame for notebooks; ``weekly()`` the metrics of each calendar week
and ``systems()`` the systems known with their kinds; ``reading()`` does several of these over one engine
(what ``harness report`` does). The SQL lives in
``scoring/sql``, one folder per layer (tables -> staging -> intermediate -> metrics -> criteria).

The names of the scorecard (``AXES``, ``KINDS``, ``FORMATS``) import at once; everything else loads
on first use (PEP 562), so ``import scoring`` does not pull in DuckDB, polars and pydantic until a
scorecard is asked for (the command line reads the names at start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from instrumentation._exports import lazy_attributes
from scoring._names import AXES, FORMATS, KINDS

if TYPE_CHECKING:
    from scoring._criteria import Criterion, load_criteria
    from scoring._inputs import (
        ATTESTATIONS_FILE,
        SYSTEMS_FILE,
        Attestation,
        SystemEntry,
        load_attestations,
        load_catalogue,
        parse_time,
    )
    from scoring._metrics import Metrics
    from scoring._model import AxisScore, CriterionResult, Scorecard, SystemInfo, Window
    from scoring._reader import Reader, reading, systems, weekly, weeks
    from scoring._render import render
    from scoring._scope import Scope
    from scoring._scorecard import metric, queries, query, scorecard
    from scoring._sql import METRIC_VIEWS, VIEWS
    from scoring.errors import InputFileError, ScoringError

_LAZY = {
    "Criterion": "scoring._criteria",
    "load_criteria": "scoring._criteria",
    "ScoringError": "scoring.errors",
    "ATTESTATIONS_FILE": "scoring._inputs",
    "SYSTEMS_FILE": "scoring._inputs",
    "Attestation": "scoring._inputs",
    "InputFileError": "scoring.errors",
    "SystemEntry": "scoring._inputs",
    "load_attestations": "scoring._inputs",
    "load_catalogue": "scoring._inputs",
    "parse_time": "scoring._inputs",
    "AxisScore": "scoring._model",
    "CriterionResult": "scoring._model",
    "Metrics": "scoring._metrics",
    "Scorecard": "scoring._model",
    "SystemInfo": "scoring._model",
    "Window": "scoring._model",
    "render": "scoring._render",
    "metric": "scoring._scorecard",
    "query": "scoring._scorecard",
    "queries": "scoring._scorecard",
    "Scope": "scoring._scope",
    "scorecard": "scoring._scorecard",
    "Reader": "scoring._reader",
    "reading": "scoring._reader",
    "systems": "scoring._reader",
    "weekly": "scoring._reader",
    "weeks": "scoring._reader",
    "METRIC_VIEWS": "scoring._sql",
    "VIEWS": "scoring._sql",
}


__getattr__ = lazy_attributes(__name__, globals(), _LAZY)

__all__ = [
    "ATTESTATIONS_FILE",
    "AXES",
    "FORMATS",
    "KINDS",
    "METRIC_VIEWS",
    "SYSTEMS_FILE",
    "VIEWS",
    "Attestation",
    "AxisScore",
    "Criterion",
    "CriterionResult",
    "InputFileError",
    "Metrics",
    "Reader",
    "Scope",
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
    "queries",
    "query",
    "reading",
    "render",
    "scorecard",
    "systems",
    "weekly",
    "weeks",
]
