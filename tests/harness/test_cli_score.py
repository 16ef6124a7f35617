"""``harness score`` and ``harness sql`` as a user meets them: one-line errors (exit 3) or warnings, never a
traceback, and every criterion's evidence runnable as printed."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import scoring
from harness.cli import main
from tests.scoring import _lake
from tests.scoring._lake import SCOPE, WINDOW

_WINDOW_FLAGS = ["--since", WINDOW["since"], "--until", WINDOW["until"]]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli") / ".harness"
    _lake.write_llm_calls(root)
    _lake.write_facts(root)
    return root


def _one_line_error(capsys: pytest.CaptureFixture[str], *needles: str) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("harness: error: "), err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert re.fullmatch(r"harness \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)


def test_a_mistyped_flag_prints_the_usage_of_the_command_it_was_given_to(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "--sytem", "x"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("usage: harness score ") and "unrecognized arguments: --sytem x" in err
    incident = ["incident", "record", "--id", "i", "--system", "s", "--started-at", "2026-03-01T00:00:00Z"]
    assert main([*incident, "--x"]) == 3
    assert capsys.readouterr().err.startswith("usage: harness incident record ")


def test_a_home_without_telemetry_is_an_error_and_nothing_is_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "does-not-exist"
    assert main(["score", "--home", str(missing)]) == 3
    _one_line_error(capsys, "no telemetry", str(missing))
    assert not missing.exists()
    assert main(["sql", "--home", str(missing), "SELECT 1"]) == 3
    _one_line_error(capsys, "no telemetry")
    assert not missing.exists()


def test_a_home_that_is_a_file_is_named_as_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "a-file"
    home.write_text("x")
    assert main(["score", "--home", str(home)]) == 3
    _one_line_error(capsys, f"{home} is a file, not a folder")


def test_an_unknown_system_names_the_systems_there_are(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "--home", str(home), "--system", "nosuch", *_WINDOW_FLAGS]) == 3
    _one_line_error(capsys, "nosuch", "systems: support")
    assert main(["score", "--home", str(home), "--system", "support", "--kind", "classical", *_WINDOW_FLAGS]) == 3
    _one_line_error(capsys, "llm system", "--kind llm")


def test_output_into_a_missing_folder_is_an_error_before_scoring(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "dir" / "x.md"
    assert main(["score", "--home", str(home), "-o", str(target)]) == 3
    _one_line_error(capsys, "does not exist", str(target.parent))
    assert not target.parent.exists()


def test_a_time_without_a_zone_is_scored_as_utc_with_a_warning(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "--home", str(home), "--since", "2026-03-02T00:00", "--until", WINDOW["until"]]) == 0
    captured = capsys.readouterr()
    assert "harness: warning: since 2026-03-02T00:00: no zone given, taken as UTC" in captured.err
    assert "2026-03-02T00:00:00Z" in captured.out


def test_a_closed_pipe_ends_the_output_quietly(home: Path) -> None:
    score = ["score", "--home", str(home), "--format", "markdown", *_WINDOW_FLAGS]
    command = [sys.executable, "-m", "harness.cli", *score]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before anything is written, as `| head` after its lines
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert err == ""


def test_the_markdown_evidence_cells_are_single_code_spans(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "--home", str(home), "--format", "markdown", *_WINDOW_FLAGS]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ") and "harness sql" in line]
    assert rows
    for row in rows:
        cell = row.rstrip(" |").rsplit(" | ", 1)[1]
        fence = re.match(r"`+", cell)
        assert fence is not None and cell.endswith(fence.group()), cell
        assert fence.group() not in cell[len(fence.group()) : -len(fence.group())], cell  # nothing closes it early
    card = scoring.scorecard(home, SCOPE, cache=False)
    attestation = scoring.render(card, "markdown").split("deploy.model_swap_playbook", 2)[2].splitlines()[0]
    assert attestation.count("`") % 2 == 0


def test_every_criterion_evidence_runs_as_printed(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    card = scoring.scorecard(home, SCOPE)
    commands = [c.evidence for axis in card.axes.values() for c in axis.criteria if c.evidence.startswith("harness")]
    assert len(commands) > 40
    for command in commands:
        argv = shlex.split(command)
        assert argv[:2] == ["harness", "sql"] and "--since" in argv
        assert main([*argv[1:], "--format", "json"]) == 0, (command, capsys.readouterr().err)
        json.loads(capsys.readouterr().out)
    assert card.evidence_command.startswith(f"harness sql --home {home} --since {WINDOW['since']}")


def test_sql_runs_one_select_and_refuses_the_rest(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    query = "SELECT deployment_id FROM int_window_deploys WHERE failed ORDER BY deployment_id"
    assert main(["sql", "--home", str(home), *_WINDOW_FLAGS, "--format", "csv", query]) == 0
    assert capsys.readouterr().out.split() == ["deployment_id", "d1", "d3", "d5"]
    assert main(["sql", "--home", str(home), "DELETE FROM spans"]) == 3
    _one_line_error(capsys, "one SELECT")
    assert main(["sql", "--home", str(home), "SELECT * FROM no_such_view"]) == 3
    _one_line_error(capsys, "no_such_view", "views: ")


@pytest.mark.parametrize("engine", ["duckdb", "clickhouse"])
def test_sql_names_the_view_a_misspelt_one_meant(home: Path, engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Before, DuckDB suggested its own internal table (`Did you mean "meta"?` for met_latncy)."""
    query = "SELECT * FROM met_latncy JOIN spans ON true"
    assert main(["sql", "--home", str(home), "--engine", engine, query]) == 3
    line = _one_line_error(capsys, "no view or table 'met_latncy'; did you mean 'met_latency'?", "views: ")
    assert '"meta"' not in line
