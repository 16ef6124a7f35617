"""``harness collect`` on the command line: loopback by default, and usage errors before anything listens."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.cli import build_parser, main
from harness.commands.collect import default_workers


def test_defaults_bind_loopback_on_the_otlp_http_port() -> None:
    args = build_parser().parse_args(["collect"])
    assert (args.host, args.port, args.token) == ("127.0.0.1", 4318, None)
    assert args.workers == default_workers() == max(0, min((os.cpu_count() or 1) - 1, 4))


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--token", " "], "--token is empty"),
        (["--token-file", "/no/such/token"], "--token-file /no/such/token"),
        (["--max-body-mb", "0"], "--max-body-mb must be a positive number"),
        (["--queue-mb", "-1"], "--queue-mb must be a positive number"),
        (["--workers", "-2"], "--workers must be 0 or more"),
    ],
)
def test_bad_flags_are_usage_errors(
    flags: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["collect", "--port", "0", "--home", str(tmp_path), *flags]) == 3
    assert message in capsys.readouterr().err


def test_an_empty_token_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    token = tmp_path / "token"
    token.write_text("\n")
    assert main(["collect", "--port", "0", "--home", str(tmp_path), "--token-file", str(token)]) == 3
    assert "is empty" in capsys.readouterr().err


def test_the_public_names_of_harness_collect() -> None:
    import harness.collect

    assert set(harness.collect.__all__) == {
        "LEDGER",
        "Batch",
        "BodyError",
        "FileImport",
        "Limits",
        "Receiver",
        "ReceiverHandle",
        "decode_body",
        "import_files",
        "run_forever",
        "serve",
        "start",
        "to_batch",
    }
    assert all(hasattr(harness.collect, name) for name in harness.collect.__all__)
