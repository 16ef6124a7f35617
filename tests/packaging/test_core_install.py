"""The core install is what an instrumented app needs, and nothing more.

A fresh virtualenv gets the distribution from this checkout without extras (pip builds the wheel;
the lock's pins as constraints; pip's cache, PyPI only), and an app script there records an
instrumented call into the Parquet lake and reads it back with pyarrow. Scoring, evals, the model
server and the SDKs are extras: none of their packages may come with the core.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXTRAS_ONLY = ["duckdb", "polars", "starlette", "uvicorn", "jsonschema", "chdb", "openai", "anthropic", "scipy"]

APP = """
import importlib.util, json, sys
import pyarrow.parquet as pq
import instrumentation
from instrumentation import semconv
from instrumentation.lake import traces_dir

telemetry = instrumentation.configure("core-app", home=sys.argv[1], set_global=False)
with instrumentation.feature("ticket-summary"):
    with instrumentation.llm_call("gpt-4o-mini", provider="openai", telemetry=telemetry) as call:
        call.record_usage(input_tokens=1000, output_tokens=200)
        call.set_response(model="gpt-4o-mini", finish_reasons=["stop"])
telemetry.shutdown()
columns = ["SpanName", "ServiceName", "SpanAttributes"]
rows = pq.read_table(traces_dir(telemetry.settings.lake_dir), columns=columns).to_pylist()
print(json.dumps({
    "rows": [[r["SpanName"], r["ServiceName"], dict(r["SpanAttributes"])] for r in rows],
    "installed": sorted(m for m in sys.argv[2:] if importlib.util.find_spec(m) is not None),
    "loaded": sorted(m for m in sys.argv[2:] if m in sys.modules),
}))
"""


def _run(*command: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, cwd=cwd, timeout=900, check=False)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_the_core_install_alone_records_an_instrumented_call_into_the_lake(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)  # pip installs into it from outside: faster
    python = venv / "bin" / "python"
    pip = (sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-compile")
    _run(*pip, "-c", ROOT / "requirements.lock", ROOT)
    home = tmp_path / "home"
    out = json.loads(_run(python, "-c", APP, home, *EXTRAS_ONLY, cwd=tmp_path).splitlines()[-1])
    assert out["installed"] == [] and out["loaded"] == []
    ((name, service, attributes),) = out["rows"]
    assert (name, service) == ("chat gpt-4o-mini", "core-app")
    assert attributes["harness.feature"] == "ticket-summary"
    assert attributes["gen_ai.usage.input_tokens"] == "1000"
    assert float(attributes["gen_ai.usage.cost.amount"]) > 0  # priced by genai-prices, part of the core
    recorded = _run(
        venv / "bin" / "harness",
        "deploy",
        "record",
        "--system",
        "core-app",
        "--version",
        "1.0",
        "--at",
        "2026-11-20T10:00:00Z",
        "--home",
        home,
        cwd=tmp_path,
    )  # recording facts: core only
    assert recorded.startswith("recorded deployment deploy-")
