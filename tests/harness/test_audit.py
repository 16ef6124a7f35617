"""The audit bundle: exactly the period's evidence from the fixture lake, a manifest that verifies, and any
changed byte, missing or added file caught; generating it records the audit request as fulfilled."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import scoring
from harness import audit
from harness.cli import main
from tests.scoring import _lake

SINCE, UNTIL = _lake.WINDOW["since"], _lake.WINDOW["until"]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("audit") / ".harness"
    _lake.write_llm_calls(home)
    _lake.write_facts(home)
    (home / "systems.yaml").write_text(
        "systems:\n  - {name: support, kind: llm, owner: team-a, on-call: rota-a}\n", encoding="utf-8"
    )
    return home


@pytest.fixture(scope="module")
def made(home: Path, tmp_path_factory: pytest.TempPathFactory) -> audit.Bundle:
    return audit.bundle("support", SINCE, UNTIL, tmp_path_factory.mktemp("out") / "bundle", home=home)


def _rows(folder: Path, section: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((folder / "data" / f"{section}.json").read_text(encoding="utf-8"))["rows"]
    return rows


def test_the_bundle_holds_exactly_the_periods_versions_gates_deployments_and_incidents(made: audit.Bundle) -> None:
    versions = _rows(made.folder, "versions")
    # d0 was live when the period began (replaced by d1 on Mar 2); d4 rolled back to version 2; d6 failed
    assert [(v["deployment_id"], v["version"]) for v in versions] == [
        ("d0", "0"), ("d1", "1"), ("d2", "2"), ("d3", "3"), ("d4", "2"), ("d5", "5"),
    ]  # fmt: skip
    assert versions[0]["live_until"] == "2026-03-02T12:00:00Z" and versions[-1]["live_until"] is None
    assert [g["gate_run_id"] for g in _rows(made.folder, "gates")] == ["g1"]
    deployments = [d["deployment_id"] for d in _rows(made.folder, "deployments")]
    assert deployments == ["d1", "d2", "d3", "d4", "d5", "d6"]  # not the staging one, not d0 (before)
    incidents = {i["incident_id"]: i for i in _rows(made.folder, "incidents")}
    assert sorted(incidents) == ["i1", "i2", "i3", "i5"]  # i0 started before the period
    assert incidents["i2"]["recovery_hours"] == 1.5 and incidents["i3"]["recovery_hours"] is None
    assert [r["deployment_id"] for r in _rows(made.folder, "rollbacks")] == ["d4"]
    (system,) = _rows(made.folder, "systems")
    assert (system["owner"], system["on_call"]) == ("team-a", "rota-a")
    changes = {c["change_id"]: c for c in _rows(made.folder, "changes")}
    assert sorted(changes) == ["c2", "c3", "c4"]  # c1 was opened before the period
    assert changes["c4"]["problem"] == "no review; no risk assessment"


def test_a_narrower_period_narrows_every_section(home: Path, tmp_path: Path) -> None:
    made = audit.bundle(
        "support", "2026-03-05T00:00:00Z", "2026-03-15T00:00:00Z", tmp_path / "b", home=home,
        record_fulfilment=False,
    )  # fmt: skip
    assert [v["deployment_id"] for v in _rows(made.folder, "versions")] == ["d2", "d3", "d4"]
    assert [d["deployment_id"] for d in _rows(made.folder, "deployments")] == ["d3", "d4"]
    assert [i["incident_id"] for i in _rows(made.folder, "incidents")] == ["i1"]
    assert _rows(made.folder, "gates") == []
    assert made.counts["gates"] == 0 and made.counts["deployments"] == 2


def test_the_documents_name_the_evidence(made: audit.Bundle) -> None:
    text = (made.folder / "bundle.md").read_text(encoding="utf-8")
    assert "# Audit evidence: support, 2026-03-02T00:00:00Z to 2026-03-30T00:00:00Z" in text
    assert "| d4 | support | 2 |" in text and "team-a" in text
    page = (made.folder / "bundle.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<script" not in page and "d5" in page


def test_the_manifest_verifies_and_one_changed_byte_does_not(made: audit.Bundle, tmp_path: Path) -> None:
    assert audit.verify(made.folder) == []
    manifest = json.loads(made.manifest.read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {"bundle.md", "bundle.html", *(f"data/{s.key}.json" for s in _specs())}
    copy = tmp_path / "copy"
    shutil.copytree(made.folder, copy)
    target = copy / "data" / "deployments.json"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    (problem,) = audit.verify(copy)
    assert problem.startswith("changed: data/deployments.json")


def test_missing_and_added_files_are_named(made: audit.Bundle, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(made.folder, copy)
    (copy / "bundle.html").unlink()
    (copy / "data" / "extra.json").write_text("{}", encoding="utf-8")
    assert audit.verify(copy) == ["missing: bundle.html", "not in the manifest: data/extra.json"]


def test_the_cli_verifies_with_exit_codes(
    made: audit.Bundle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "verify", str(made.folder)]) == 0
    assert "intact" in capsys.readouterr().out
    copy = tmp_path / "copy"
    shutil.copytree(made.folder, copy)
    with (copy / "bundle.md").open("a", encoding="utf-8") as f:
        f.write("x")
    assert main(["audit", "verify", str(copy)]) == 1
    assert "changed: bundle.md" in capsys.readouterr().err


def test_generating_a_bundle_records_the_request_fulfilled_with_the_manifest_digest(
    home: Path, made: audit.Bundle
) -> None:
    rows = scoring.query("SELECT request_id, fulfilled_at FROM stg_audit_requests", home, _lake.SCOPE, cache=False)
    assert made.request_id in rows["request_id"].to_list()
    answered = scoring.query(
        "SELECT note FROM fact_spans WHERE record_type = 'audit_request' AND note IS NOT NULL", home, _lake.SCOPE
    )
    assert made.manifest_sha256 in answered["note"].to_list()


def test_the_cli_fulfils_a_named_request_and_refuses_an_unknown_one(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flags = ["--system", "support", "--since", SINCE, "--until", UNTIL, "--home", str(home)]
    assert main(["audit", "bundle", *flags, "--out", str(tmp_path / "a"), "--request", "nope"]) == 3
    assert "no audit request nope is recorded" in capsys.readouterr().err
    assert not (tmp_path / "a").exists()
    assert main(["audit", "bundle", *flags, "--out", str(tmp_path / "b"), "--request", "a3"]) == 0
    assert "recorded audit request a3 as fulfilled" in capsys.readouterr().out
    card = scoring.scorecard(home, _lake.SCOPE, cache=False)
    assert card.metrics.audit_evidence_response_hours is not None
    rows = scoring.query("SELECT fulfilled_at FROM stg_audit_requests WHERE request_id = 'a3'", home, _lake.SCOPE)
    assert rows["fulfilled_at"].to_list()[0] is not None
    assert main(["audit", "bundle", *flags, "--out", str(tmp_path / "b")]) == 3  # not an empty folder
    assert "not an empty folder" in capsys.readouterr().err


def _specs() -> Any:
    from harness.audit._sections import SPECS

    return SPECS


def test_the_slice_section_reads_the_gates_per_slice_comparisons() -> None:
    from harness.audit._sections import with_statistics

    metrics = [
        {"name": "pass", "verdict": "pass", "test": "tango_score", "n": 450, "delta": -0.01, "low": -0.03},
        {"name": "pass[language=fr]", "verdict": "regression", "n": 150, "delta": -0.2, "p_adjusted": 0.001},
    ]
    gates, slices = with_statistics([{"gate_run_id": "g", "decided_at": "t", "metrics": json.dumps(metrics)}])
    assert gates[0]["statistics"].startswith("pass: pass (tango_score, n=450, delta -0.01 [-0.03, n/a]")
    assert [(s["slice"], s["metric"], s["verdict"], s["n"]) for s in slices] == [
        ("language=fr", "pass", "regression", 150)
    ]


def test_a_classical_system_is_bundled_as_one_without_being_told_its_kind(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from harness.facts import lake_tracer_provider, predict

    home = tmp_path / ".harness"
    provider = lake_tracer_provider(home / "lake", service_name="churn")
    with predict("churn-xgb", system="churn", version="7", rows=1, tracer=provider.get_tracer("tests.audit")):
        pass
    provider.shutdown()
    now = datetime.now(UTC)
    since, until = (now - timedelta(days=1)).isoformat(), (now + timedelta(hours=1)).isoformat()
    made = audit.bundle("churn", since, until, tmp_path / "bundle", home=home)
    assert json.loads(made.manifest.read_text(encoding="utf-8"))["bundle"]["kind"] == "classical"
    with pytest.raises(scoring.ScoringError, match="--kind classical"):
        audit.bundle("churn", since, until, tmp_path / "other", home=home, kind="llm")  # a kind given is kept
