"""A pytest plugin so a CI job runs a suite and its gate inside pytest.

Enable it with ``pytest_plugins = ["evals.pytest_plugin"]`` in a ``conftest.py``, then::

    def test_support_agent_does_not_regress(eval_gate):
        eval_gate("harness/app/eval_suite.yaml", candidate_id="candidate", params={"base_url": URL})

``eval_gate`` runs the suite, gates the run against its approved baseline (or ``baseline_run``)
and fails the test with the Markdown summary unless the decision is ``pass``. The run is recorded
under the system the suite evaluates: ``--eval-system``, else the suite's ``system``, else
``OTEL_SERVICE_NAME``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from evals._api import GateOutputs, gate_run, run
from evals._gate.decision import GateResult
from evals._report.outputs import markdown
from evals._run.loading import get_suite
from evals._run.suite import Suite
from instrumentation import Telemetry, configure, semconv

GateFixture = Callable[..., GateResult]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("evals")
    group.addoption(
        "--eval-home", default=None, help="HARNESS_HOME for eval runs (default: HARNESS_HOME or ./.harness)"
    )
    group.addoption("--eval-junit", default=None, help="also write the gate's per-item JUnit XML here")
    group.addoption(
        "--eval-system",
        default=None,
        help="the system the suites evaluate (default: each suite's, else OTEL_SERVICE_NAME)",
    )


@pytest.fixture
def eval_gate(request: pytest.FixtureRequest) -> Iterator[GateFixture]:
    home = request.config.getoption("--eval-home")
    junit = request.config.getoption("--eval-junit")
    system = request.config.getoption("--eval-system")
    opened: list[Telemetry] = []

    def run_and_gate(
        suite: Suite | str, *, candidate_id: str, baseline_run: str | None = None, **run_args: Any
    ) -> GateResult:
        chosen = get_suite(suite) if isinstance(suite, str) else suite
        telemetry = configure(system or chosen.system, home=home, set_global=False)
        opened.append(telemetry)
        result = run(chosen, telemetry, candidate_id=candidate_id, progress=None, **run_args)
        outputs = GateOutputs(junit=Path(junit) if junit else None)
        decision = gate_run(telemetry, result.run_id, policy=chosen.gate, baseline_run=baseline_run, outputs=outputs)
        if decision.decision != semconv.GATE_PASS:
            pytest.fail(markdown(decision), pytrace=False)
        return decision

    yield run_and_gate
    for telemetry in opened:
        telemetry.shutdown()
