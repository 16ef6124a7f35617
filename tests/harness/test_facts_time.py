"""The fact recorders parse times with the instrumentation's parser (no scoring install needed) and say
what is wrong as a FactError, which the CLI prints as one line."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from harness.facts import FactError, parse_time


def test_a_bad_time_is_a_fact_error_naming_the_flag() -> None:
    assert parse_time("2026-05-01T12:00:00Z", "--at") == datetime(2026, 5, 1, 12, tzinfo=UTC)
    with pytest.raises(FactError, match="--opened-at: 'soon' is not an ISO 8601 time"):
        parse_time("soon", "--opened-at")


def test_recording_facts_imports_neither_scoring_nor_duckdb() -> None:
    code = "import sys, harness.facts; print(sorted(m for m in ('scoring', 'evals', 'duckdb') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
