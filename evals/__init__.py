"""Run eval suites against a candidate and gate it, with paired statistics, against its approved baseline.

``evals`` imports ``instrumentation`` for names and spans; it never imports ``scoring``.
"""

from evals._api import GateOutputs, gate_run, run
from evals._gate.decision import EXIT_CODES, GateResult, MetricResult, gate
from evals._gate.policy import CalibrationRule, GatePolicy, MetricRule, SliceRule
from evals._report.outputs import as_json, junit, markdown
from evals._report.telemetry import record_calibration
from evals._run.dataset import Case, Dataset, dataset_from_cases, load_dataset
from evals._run.loading import get_suite, load_suite_yaml
from evals._run.results import CaseResult, RunResult
from evals._run.runner import TaskContext, run_suite
from evals._run.sampling import redact, sample_cases
from evals._run.suite import Suite, registered_suites, suite
from evals._run.trajectory import SpanCapture, Trajectory, lake_span_pairs, trajectory_of
from evals._scorers.base import Custom, Score, ScoreContext, Scorer, scorer
from evals._scorers.calibration import Calibration, calibrate, load_labels
from evals._scorers.checks import Contains, Exact, JsonSchema, MaxSteps, Numeric, Regex, Termination, ToolUsed
from evals._scorers.judge import LLMJudge
from evals._scorers.registry import register_scorer, scorer_types
from evals._store.runs import RunStore
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
    "SliceRule",
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
