"""From the CLI, on the reference support agent: the regressed candidate is blocked (exit 1) and the
baseline passes against itself (exit 0). Also the judge against the local model server, calibration
and sampling production calls, on the same runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import evals
from harness.app import scenario_path
from harness.cli import main
from harness.model_server import serve
from tests.conftest import make_captured

SUITE = str(Path(__file__).parents[2] / "harness" / "app" / "eval_suite.yaml")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve(scenario=scenario_path()) as handle:
        yield handle.openai_base_url


def harness(
    home: Path, base_url: str, *args: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HARNESS_HOME": str(home), "OPENAI_BASE_URL": base_url, **(extra_env or {})}
    env.pop("PYTEST_CURRENT_TEST", None)
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", "eval", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_gate_blocks_the_regressed_candidate_and_passes_the_baseline(server: str, tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    os.environ["OPENAI_BASE_URL"] = server  # the judge scorer's client reads it
    try:
        cap = make_captured(home, capture_content=True)
        params = {"base_url": server}
        first = evals.run(SUITE, cap.telemetry, candidate_id="baseline", params=params, progress=None)
        evals.RunStore(home).approve(first.run_id, cap.telemetry)
        again = evals.run(SUITE, cap.telemetry, candidate_id="baseline", params=params, progress=None)
        cand = evals.run(SUITE, cap.telemetry, candidate_id="candidate", params=params, progress=None)
        cap.telemetry.shutdown()
    finally:
        os.environ.pop("OPENAI_BASE_URL")

    same = harness(home, server, "gate", "--candidate", again.run_id, "--suite", SUITE)
    assert same.returncode == 0, same.stdout + same.stderr
    assert "✅ pass" in same.stdout

    summary, junit, report = tmp_path / "summary.md", tmp_path / "junit.xml", tmp_path / "gate.json"
    blocked = harness(
        home, server, "gate", "--candidate", cand.run_id, "--suite", SUITE, "--junit", str(junit),
        "--json", str(report), extra_env={"GITHUB_STEP_SUMMARY": str(summary)},
    )  # fmt: skip
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    data = json.loads(report.read_text())
    assert data["decision"] == "regression" and data["baseline_run"] == first.run_id
    assert {m["name"]: m["verdict"] for m in data["metrics"]}["pass"] == "regression"
    assert junit.read_text().count("<testcase ") == 21
    assert "❌ regression" in summary.read_text()
    assert main(["eval", "gate", "--candidate", "no-such-run", "--home", str(home)]) == 3

    # the judge (judge-keywords on the local server) agrees with the keyword labels: kappa 1
    labels = {c.case_id: "pass" if c.scores["keywords"].passed else "fail" for c in cand.cases}
    calibration = evals.calibrate(cand, "judge", labels)
    assert calibration.kappa == 1.0 and calibration.n == 21 and cand.judges["judge"].startswith("judge-keywords@p-")

    sampled = evals.sample_cases(home / "lake", limit=5)
    assert 0 < len(sampled) <= 5 and all(c["metadata"]["source"] == "production" for c in sampled)
    evals.load_dataset(_write(tmp_path / "sampled.jsonl", sampled))  # a valid dataset for review


def _write(path: Path, cases: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(c) + "\n" for c in cases))
    return path
