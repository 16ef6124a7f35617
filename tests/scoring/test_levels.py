"""Levels on the hand-checked fixture: levels run 1-5 (level 1 needs no evidence), a criterion with absent
inputs is unknown (not fail), one that does not apply is n/a, and a level holds only when all lower ones do.

The fixture's levels, worked out by hand (tests/scoring/_lake.py): deployment 2 (weekly, but 1 deploy day in
the median week is not "several", only 1 of 4 deploys is a canary and 3 of 4 failed), observability 3
(feature attribution, a level-4 sign of the seed, is 3/5), evaluation 2 (a gate decision is evaluation
evidence; no eval runs, so no cadence), governance 1 (no systems catalogue). Before levels started at 1 the
same fixture scored 3, 2, 1 and 0: those criteria moved to the levels the seed gives them (docs/maturity.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import scoring
from tests.scoring import _lake
from tests.scoring._lake import SCOPE


@pytest.fixture(scope="module")
def card(full_home: Path) -> scoring.Scorecard:
    return scoring.scorecard(full_home, SCOPE, cache=False)


def _criteria(card: scoring.Scorecard, axis: str) -> dict[str, scoring.CriterionResult]:
    return {c.id: c for c in card.axes[axis].criteria}


def test_deployment_axis_reaches_level_two_and_no_higher(card: scoring.Scorecard) -> None:
    axis = card.axes["deployment"]
    found = _criteria(card, "deployment")
    assert [found[i].status for i in ("deploy.recorded", "deploy.weekly")] == ["pass"] * 2
    # level 3: from a pipeline, changes linked and lead time hold ...
    for passing in ("deploy.from_pipeline", "deploy.changes_linked"):
        assert found[passing].status == "pass", passing
    # ... only i1 of the window's four incidents is linked to its deployment: the others' attribution is inferred
    # (the last deployment before), which every incident after a deployment has (before: 1.0, a pass on nothing)
    assert found["deploy.incidents_attributed"].value == pytest.approx(0.25)
    assert found["deploy.lead_time_week"].status == "pass"
    # ... but 1 deploy day in the median week, 1 canary of 4 deploys, change failure rate 0.75
    assert found["deploy.several_per_week"].value == pytest.approx(1.0)
    assert found["deploy.progressive"].value == pytest.approx(0.25)
    assert found["deploy.change_failure_rate_25"].status == "fail"
    assert axis.level == 2
    assert {item.split()[0] for item in axis.next_level} == {
        "deploy.several_per_week",
        "deploy.progressive",
        "deploy.change_failure_rate_25",
        "deploy.incidents_attributed",
    }
    assert found["deploy.model_swap_playbook"].status == "unknown"  # level 4, not attested


def test_observability_axis_stops_where_feature_attribution_fails(card: scoring.Scorecard) -> None:
    found = _criteria(card, "observability")
    assert found["obs.cost"].value == pytest.approx(1.0)  # 4 recorded + 1 priced from the price book
    assert found["obs.features"].value == pytest.approx(3 / 5)
    assert found["obs.trajectory"].status == "n/a"  # no agent system
    assert card.axes["observability"].level == 3


def test_evaluation_gate_counts_only_gates_decided_before_the_deploy(card: scoring.Scorecard) -> None:
    found = _criteria(card, "evaluation")
    assert found["eval.signals"].status == "pass"  # the gate decision is an evaluation signal
    assert found["eval.regular_runs"].status == "fail"  # but no eval runs were recorded
    assert card.axes["evaluation"].level == 2
    assert found["eval.gated_deploys"].value == pytest.approx(1 / 4)  # only d1 shipped through gate g1
    assert found["eval.gated_deploys"].status == "fail"


def test_governance_uses_reviews_and_approvals(card: scoring.Scorecard) -> None:
    found = _criteria(card, "governance")
    assert found["gov.approved_deploys"].value == pytest.approx(1.0)
    assert found["gov.changes_reviewed"].value == pytest.approx(1 / 3)  # of c2, c3, c4 only c2 (c1 is before)
    assert found["gov.material_changes_reviewed"].value == pytest.approx(0.0)
    assert found["gov.inventory"].status == "fail"  # no systems.yaml
    assert card.axes["governance"].level == 1


def test_lake_without_deployment_facts_gives_unknown_not_fail(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    _lake.write_llm_calls(home)
    card = scoring.scorecard(home, SCOPE, cache=False)
    deployment = card.axes["deployment"]
    statuses = {c.id: c.status for c in deployment.criteria if c.reason is None or "attest" not in c.reason}
    assert set(statuses.values()) == {"unknown"}, statuses
    assert deployment.level == 1
    assert deployment.evidence_coverage == 0.0
    assert card.metrics.deployment_frequency_per_week is None
    assert card.metrics.change_failure_rate is None
    assert _criteria(card, "evaluation")["eval.gated_deploys"].status == "unknown"
    # what the lake does hold is still scored
    assert _criteria(card, "observability")["obs.model_calls"].status == "pass"


def test_catalogue_and_attestations_lift_governance(full_home: Path, tmp_path: Path) -> None:
    systems = tmp_path / "systems.yaml"
    systems.write_text("systems:\n  - {name: support, kind: llm, owner: team-a, on-call: rota-a}\n", encoding="utf-8")
    attestations = tmp_path / "attestations.yaml"
    attestations.write_text(
        "attestations:\n  - {criterion: gov.human_override, by: alice, at: 2026-01-01, expires: 2026-12-31}\n",
        encoding="utf-8",
    )
    card = scoring.scorecard(full_home, SCOPE, cache=False, systems_file=systems, attestations_file=attestations)
    found = _criteria(card, "governance")
    assert found["gov.inventory"].status == "pass"
    assert found["gov.owners"].status == "pass"
    assert card.systems[0].owner == "team-a"
    assert found["gov.human_override"].status == "pass"  # no override recorded, but the path is attested
    assert found["gov.human_override"].value == 0 and "attested by alice" in (found["gov.human_override"].reason or "")
    assert found["gov.risk_assessment"].status == "fail"  # the material change c4 has no risk assessment
    assert found["gov.risk_assessment"].failing == ["c4 (no review; no risk assessment)"]
    assert card.axes["governance"].level == 2  # level 3 needs reviewed changes


def test_every_criterion_maps_to_a_signal_its_view_returns(full_home: Path) -> None:
    columns = {
        axis: set(scoring.metric(f"crit_{axis}", full_home, SCOPE, cache=False).columns) for axis in scoring.AXES
    }
    for criterion in scoring.load_criteria():
        if criterion.attestation:
            continue
        assert criterion.signal in columns[criterion.axis], criterion.id
        if criterion.not_applicable_when:
            assert criterion.not_applicable_when in columns[criterion.axis], criterion.id
        for apart in criterion.counted_apart:
            assert apart in columns[criterion.axis], criterion.id
        if criterion.names:
            assert criterion.names in columns[criterion.axis], criterion.id
