"""The errors evals raise; each names the file, line, field or run to fix. The CLI prints them and exits 3.

::

    HarnessError                      (instrumentation.errors)
    └── EvalError                     every eval error
        ├── DatasetError              a dataset or labels file is malformed (file, line, field)
        ├── SuiteError                a suite is malformed or names what cannot be loaded (file:line, choices)
        ├── RunNotFoundError          a run id is neither in the lake nor in the run files
        ├── IncomparableError         candidate and baseline differ in suite, dataset or judge
        ├── BaselineError             the baseline has errored, missing or duplicated items
        ├── ApprovalError             a run with errored or missing cases, approved without saying so
        └── CalibrationError          a judge cannot be calibrated (no such scorer, too few labels)
"""

from __future__ import annotations

from instrumentation.errors import HarnessError


class EvalError(HarnessError):
    """Base of every eval error (the CLI prints it and exits 3)."""


class DatasetError(EvalError):
    """A dataset or labels file is malformed; the message names the file, line and field."""


class SuiteError(EvalError):
    """A suite definition is malformed or names something that cannot be loaded."""


class RunNotFoundError(EvalError):
    """A run id is neither in the lake nor in the run cache."""


class IncomparableError(EvalError):
    """Candidate and baseline cannot be compared (different suite, dataset or judge)."""


class BaselineError(EvalError):
    """The baseline run is not fit to judge a candidate (errored, missing or duplicated items)."""


class ApprovalError(EvalError):
    """A run cannot be approved as a baseline (errored or missing cases, unless explicitly allowed)."""


class CalibrationError(EvalError):
    """A judge cannot be calibrated against the labels given (no such scorer, too few labelled cases)."""
