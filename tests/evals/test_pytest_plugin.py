"""The pytest plugin runs a suite and its gate inside pytest (checked with pytester on a constructed suite)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

SUITE_MODULE = """
from evals import Case, Exact, GatePolicy, MetricRule, dataset_from_cases, suite

CASES = [Case(id=f"c{i}", input=i, expected=str(i * 2)) for i in range(120)]

@suite("double", dataset=dataset_from_cases("double", CASES), scorers=[Exact()],
       gate=GatePolicy(metrics={"pass": MetricRule(margin=0.1)}))
async def double(case, ctx):
    broken = ctx.candidate_id == "broken" and case.input % 3 == 0
    return str(case.input * 2 + (1 if broken else 0))
"""

TESTS = """
import pytest
import evals
import suites_double

def test_gate(eval_gate, request):
    import instrumentation
    home = request.config.getoption("--eval-home")
    telemetry = instrumentation.configure("t", home=home, set_global=False)
    base = evals.run("suites_double:double", telemetry, candidate_id="good", progress=None)
    evals.RunStore(telemetry.settings.home).approve(base.run_id, telemetry)
    telemetry.shutdown()
    eval_gate("suites_double:double", candidate_id="good")
    with pytest.raises(pytest.fail.Exception, match="regression"):
        eval_gate("suites_double:double", candidate_id="broken")
"""


def test_the_plugin_passes_an_equal_candidate_and_fails_a_regression(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makeconftest('pytest_plugins = ["evals.pytest_plugin"]')
    pytester.makepyfile(suites_double=SUITE_MODULE, test_gate=TESTS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", f"--eval-home={pytester.path / '.h'}")
    result.assert_outcomes(passed=1)
