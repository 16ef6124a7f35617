"""Run eval suites against a candidate and gate it, with paired statistics, against its approved baseline.

``evals`` imports ``instrumentation`` for names and spans; it never imports ``scoring``.
"""

from evals._api import GateOutputs, gate_run, run
from evals._calibration import Calibration, calibrate, load_labels, record_calibration
from evals._dataset import Case, Dataset, dataset_from_cases, load_dataset
from evals._gate import EXIT_CODES, GateResult, MetricResult, gate
from evals._judge import LLMJudge
from evals._loading import get_suite, load_suite_yaml
from evals._policy import CalibrationRule, GatePolicy, MetricRule
from evals._registry import register_scorer, scorer_types
from evals._report import as_json, junit, markdown
from evals._results import CaseResult, RunResult
from evals._runner import TaskContext, run_suite
from evals._sample import redact, sample_cases
from evals._scorers import (
    Contains,
    Custom,
    Exact,
    JsonSchema,
    MaxSteps,
    Numeric,
    Regex,
    Score,
    ScoreContext,
    Scorer,
    Termination,
    ToolUsed,
    scorer,
)
from evals._store import RunStore
from evals._suite import Suite, registered_suites, suite
from evals._trajectory import SpanCapture, Trajectory, lake_span_pairs, trajectory_of
from evals.errors import (
    ApprovalError,
    BaselineError,
    CalibrationError,
    DatasetError,
    EvalError,
    IncomparableError,
    RunNotFoundError,
    SuiteError,
)

__all__ = [
    "EXIT_CODES",
    "ApprovalError",
    "BaselineError",
    "Calibration",
    "CalibrationError",
    "CalibrationRule",
    "Case",
    "CaseResult",
    "Contains",
    "Custom",
    "Dataset",
    "DatasetError",
    "EvalError",
    "Exact",
    "GateOutputs",
    "GatePolicy",
    "GateResult",
    "IncomparableError",
    "JsonSchema",
    "LLMJudge",
    "MaxSteps",
    "MetricResult",
    "MetricRule",
    "Numeric",
    "Regex",
    "RunNotFoundError",
    "RunResult",
    "RunStore",
    "Score",
    "ScoreContext",
    "Scorer",
    "SpanCapture",
    "Suite",
    "SuiteError",
    "TaskContext",
    "Termination",
    "ToolUsed",
    "Trajectory",
    "as_json",
    "calibrate",
    "dataset_from_cases",
    "gate",
    "gate_run",
    "get_suite",
    "junit",
    "lake_span_pairs",
    "load_dataset",
    "load_labels",
    "load_suite_yaml",
    "markdown",
    "record_calibration",
    "redact",
    "register_scorer",
    "registered_suites",
    "run",
    "run_suite",
    "sample_cases",
    "scorer",
    "scorer_types",
    "suite",
    "trajectory_of",
]
