"""`harness lake compact` from the command line, and the CLI's usage exit code."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from harness.cli import main
from instrumentation.lake import partition_dirs, traces_glob
from tests.conftest import make_captured


def _lake_of(home: Path, spans: int) -> None:
    """``spans`` spans in segments of 20."""
    cap = make_captured(home, lake_segment_rows=20, batch_size=20)
    for i in range(spans):
        cap.telemetry.tracer.start_span("s", attributes={"i": i}).end()
    cap.telemetry.shutdown()


def test_lake_compact_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / ".harness"
    _lake_of(home, 100)
    assert main(["lake", "compact", "--home", str(home)]) == 0
    out = capsys.readouterr().out
    assert "compacted 5 segments into 1 across 1 partitions (100 spans)" in out
    count = duckdb.execute("SELECT count(DISTINCT SpanId) FROM read_parquet(?)", [traces_glob(home / "lake")])
    assert count.fetchone() == (100,)


def test_lake_compact_names_each_bad_segment_it_sets_aside(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / ".harness"
    _lake_of(home, 60)
    (folder,) = partition_dirs(home / "lake")
    (folder / "part-noise.parquet").write_bytes(b"not parquet at all")
    (folder / "part-empty.parquet").write_bytes(b"")
    assert main(["lake", "compact", "--home", str(home)]) == 0
    out = capsys.readouterr().out
    assert "compacted 3 segments into 1 across 1 partitions (60 spans)" in out
    assert out.count("set aside ") == 2 and "part-noise.parquet" in out and "part-empty.parquet" in out


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) == 3
    assert "invalid choice" in capsys.readouterr().err


def test_lake_import_into_a_home_it_cannot_write_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "a-file"
    home.write_text("x")
    source = tmp_path / "traces.json"
    source.write_text('{"resourceSpans": []}\n')
    assert main(["lake", "import", str(source), "--home", str(home)]) == 3
    assert f"cannot write the lake at {home / 'lake'}" in capsys.readouterr().err
