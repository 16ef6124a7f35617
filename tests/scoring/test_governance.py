"""Governance from telemetry: material changes reviewed and risk-assessed in time, named when not."""

from __future__ import annotations

from pathlib import Path

import pytest

import instrumentation
import scoring
from harness.facts import Change, Deployment, RiskAssessment, record
from tests.scoring._lake import SCOPE, t


def _governance(home: Path) -> dict[str, scoring.CriterionResult]:
    card = scoring.scorecard(home, SCOPE, cache=False)
    return {c.id: c for c in card.axes["governance"].criteria}


def _risk(at: str, outcome: str = "accepted") -> RiskAssessment:
    return RiskAssessment(by="risk-officer", at=t(at), outcome=outcome, link="https://wiki/risk/1")


def _material_history(home: Path) -> None:
    """Four material changes: m-ok controlled; m-norisk without assessment; m-late assessed after deploying;
    m-rejected deployed although its assessment rejected it. One non-material change without anything."""
    review = {"reviewer": "rev", "reviewed_at": t("2026-03-04T00:00:00")}
    changes = [
        Change(
            id="m-ok", system="support", kind="model", opened_at=t("2026-03-03T00:00:00"), material=True,
            risk=_risk("2026-03-04T12:00:00"), **review,
        ),
        Change(id="m-norisk", system="support", kind="prompt", opened_at=t("2026-03-03T00:00:00"), material=True,
               **review),
        Change(
            id="m-late", system="support", kind="model", opened_at=t("2026-03-03T00:00:00"), material=True,
            risk=_risk("2026-03-09T00:00:00"), **review,
        ),
        Change(
            id="m-rejected", system="support", kind="agent_config", opened_at=t("2026-03-03T00:00:00"),
            material=True, risk=_risk("2026-03-04T00:00:00", "rejected"), **review,
        ),
        Change(id="small", system="support", kind="code", opened_at=t("2026-03-03T00:00:00")),
    ]  # fmt: skip
    deployment = Deployment(
        system="support", version="2", id="d-2", at=t("2026-03-06T00:00:00"),
        changes=("m-ok", "m-norisk", "m-late", "m-rejected", "small"), approver="lead",
    )  # fmt: skip
    record([*changes, deployment], home=home)


def test_a_material_change_without_a_risk_assessment_fails_and_is_named(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    _material_history(home)
    governance = _governance(home)
    controlled = governance["gov.material_changes_reviewed"]
    assert controlled.status == "fail"
    assert controlled.value == 0.25  # one in four material changes is controlled
    assert controlled.failing == [
        "m-late (risk assessment dated outside opened..deployed)",
        "m-norisk (no risk assessment)",
        "m-rejected (deployed although its risk was rejected)",
    ]
    assessed = governance["gov.risk_assessment"]
    assert assessed.status == "fail" and assessed.value == 0.75
    assert assessed.failing == ["m-norisk (no risk assessment)"]
    assert all("m-ok" not in name for name in controlled.failing)


def test_every_material_change_controlled_passes(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    change = Change(
        id="m-ok", system="support", kind="model", opened_at=t("2026-03-03T00:00:00"), material=True,
        reviewer="rev", merged_at=t("2026-03-04T00:00:00"), risk=_risk("2026-03-04T12:00:00"),
    )  # fmt: skip
    deployment = Deployment(system="support", version="2", at=t("2026-03-06T00:00:00"), changes=("m-ok",))
    record([change, deployment], home=home)
    governance = _governance(home)
    assert governance["gov.material_changes_reviewed"].status == "pass"
    assert governance["gov.material_changes_reviewed"].failing == []
    assert governance["gov.risk_assessment"].status == "pass"


def test_a_review_recorded_later_under_the_same_id_counts(tmp_path: Path) -> None:
    """The change is recorded when opened, then again (--update) with its risk assessment: the later record wins."""
    home = tmp_path / ".harness"
    opened = Change(id="m1", system="support", kind="prompt", opened_at=t("2026-03-03T00:00:00"), material=True)
    record(opened, home=home)
    assessed = Change(
        id="m1", system="support", kind="prompt", opened_at=t("2026-03-03T00:00:00"), material=True,
        reviewer="rev", reviewed_at=t("2026-03-03T10:00:00"), risk=_risk("2026-03-03T11:00:00", "mitigated"),
    )  # fmt: skip
    record(assessed, home=home)
    governance = _governance(home)
    assert governance["gov.material_changes_reviewed"].status == "pass"


def test_no_material_change_makes_the_criteria_not_applicable(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    record(Change(id="c", system="support", kind="code", opened_at=t("2026-03-03T00:00:00")), home=home)
    governance = _governance(home)
    assert governance["gov.material_changes_reviewed"].status == "n/a"
    assert governance["gov.risk_assessment"].status == "n/a"


def test_a_recorded_override_shows_the_human_path_is_used(tmp_path: Path) -> None:
    from harness.facts import lake_tracer_provider
    from instrumentation import record_override

    home = tmp_path / ".harness"
    provider = lake_tracer_provider(home / "lake", service_name="support")
    record_override(
        "support", "refund-7", by="kim", outcome="overrode", at=t("2026-03-05T10:00:00"),
        tracer=provider.get_tracer("tests"),
    )  # fmt: skip
    provider.shutdown()
    override = _governance(home)["gov.human_override"]
    assert override.status == "pass" and override.value == 1
    rows = scoring.query("SELECT decision_id, decided_by, outcome FROM stg_overrides", home, SCOPE, cache=False)
    assert rows.rows() == [("refund-7", "kim", "overrode")]


def test_red_team_cadence_is_the_longest_stretch_without_a_red_team_run(tmp_path: Path) -> None:
    from tests.scoring._lake import write_eval_run, write_llm_calls

    home = tmp_path / ".harness"
    write_llm_calls(home)  # the system "support" runs
    write_eval_run(home, "plain", "2026-03-03T09:00:00")
    card = scoring.scorecard(home, SCOPE, cache=False)
    red = {c.id: c for c in card.axes["evaluation"].criteria}["eval.red_team_plan"]
    assert red.status == "fail" and red.value == 0  # eval runs, but no red-team run
    write_eval_run(home, "red-1", "2026-03-10T00:00:00", HARNESS_EVAL_RED_TEAM=True)
    card = scoring.scorecard(home, SCOPE, cache=False)
    red = {c.id: c for c in card.axes["evaluation"].criteria}["eval.red_team_plan"]
    assert red.status == "pass" and red.value == 1  # the 28-day window is one period, and it holds a run
    wide = scoring.Scope.of("2026-01-01T00:00:00Z", "2026-03-30T00:00:00Z")  # three periods, one holds a run
    criteria = scoring.scorecard(home, wide, cache=False).axes["evaluation"].criteria
    red = {c.id: c for c in criteria}["eval.red_team_plan"]
    assert red.status == "fail" and red.value == 1 / 3


def test_retention_reports_the_days_of_the_operators_period_without_telemetry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.scoring._lake import write_llm_calls

    home = tmp_path / ".harness"
    write_llm_calls(home)  # telemetry on Mar 1, 5, 6, 12 and 13
    monkeypatch.setenv("HARNESS_RETENTION_DAYS", "31")  # Feb 27 .. Mar 29
    retention = _governance(home)["gov.retention"]
    assert retention.status == "fail"
    assert retention.failing == [
        "2026-02-27..2026-02-28 (2 days, before the first span)",
        "2026-03-02..2026-03-04 (3 days, between spans)",
        "2026-03-07..2026-03-11 (5 days, between spans)",
        "2026-03-14..2026-03-29 (16 days, after the last span)",
    ]
    assert retention.value == 26
    monkeypatch.setenv("HARNESS_RETENTION_DAYS", "0")
    with pytest.raises(instrumentation.ConfigError, match="HARNESS_RETENTION_DAYS"):
        _governance(home)


def test_gate_decisions_that_gated_slices_are_the_fairness_evidence(tmp_path: Path) -> None:
    from tests.scoring._lake import write_llm_calls, write_system_gate

    home = tmp_path / ".harness"
    write_llm_calls(home)
    write_system_gate(home, "g1", "2026-03-03T10:00:00", ["pass"])
    write_system_gate(home, "g2", "2026-03-10T10:00:00", ["pass", "pass[language=fr]", "pass[language=en]"])
    card = scoring.scorecard(home, SCOPE, cache=False)
    fairness = {c.id: c for c in card.axes["observability"].criteria}["obs.fairness_monitoring"]
    assert fairness.status == "fail" and fairness.value == 0.5
    rows = scoring.query("SELECT gate_run_id, gated_slices FROM stg_gate_decisions ORDER BY 1", home, SCOPE)
    assert rows.rows() == [("g1", 0), ("g2", 2)]
