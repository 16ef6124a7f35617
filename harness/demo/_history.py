"""The team's last four weeks, backfilled as facts: changes, production deployments, incidents, a rollback, audits.

Times are relative to ``now`` so a 30-day scoring window always holds the story. Everything is
recorded through ``harness.facts`` (the same path as ``harness deploy|incident|change|audit record``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from harness.app import TRIAGE_SYSTEM
from harness.demo._home import SYSTEM
from harness.facts import AuditRequest, Change, Deployment, Fact, Incident

_PIPELINE = "pipeline"


@dataclass(frozen=True, slots=True)
class _Release:
    days_ago: float
    version: str
    strategy: str
    approver: str
    changes: tuple[tuple[str, float, str], ...]  # (kind, hours opened before the deploy, reviewer)


_RELEASES = (
    _Release(27.2, "1.4.0", "direct", "maya", (("code", 30, "sam"), ("prompt", 20, "li"))),
    _Release(24.9, "1.4.1", "direct", "sam", (("code", 9, "maya"),)),
    _Release(22.1, "1.5.0", "canary", "maya", (("model", 52, "li"),)),
    _Release(19.8, "1.5.1", "direct", "li", (("prompt", 6, "maya"),)),
    _Release(17.2, "1.6.0", "canary", "maya", (("code", 26, "sam"), ("prompt", 14, "li"))),
    _Release(14.6, "1.6.1", "direct", "sam", (("prompt", 4, "li"),)),  # the failed change
    _Release(12.0, "1.6.2", "canary", "li", (("code", 18, "sam"),)),
    _Release(9.3, "1.7.0", "canary", "maya", (("model", 40, "sam"), ("code", 12, "li"))),
    _Release(6.8, "1.7.1", "direct", "sam", (("code", 7, "maya"),)),  # an incident nobody linked
    _Release(4.1, "1.8.0", "canary", "li", (("prompt", 10, "sam"),)),
    _Release(1.9, "1.8.1", "direct", "maya", (("code", 5, "li"),)),
)
FAILED_VERSION = "1.6.1"
UNLINKED_VERSION = "1.7.1"


def deployment_id(version: str) -> str:
    return f"deploy-{SYSTEM}-{version}"


def _revision(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _release_facts(release: _Release, number: int, now: datetime) -> list[Fact]:
    at = now - timedelta(days=release.days_ago)
    changes: list[Change] = []
    for index, (kind, hours, reviewer) in enumerate(release.changes):
        opened = at - timedelta(hours=hours)
        merged = opened + timedelta(hours=hours * 0.6)
        change_id = f"PR-{100 + 3 * number + index}"
        changes.append(
            Change(change_id, SYSTEM, kind, opened, merged, reviewer, material=kind in ("model", "prompt"),
                   revision=_revision(change_id))
        )  # fmt: skip
    rollout = timedelta(minutes=45 if release.strategy == "canary" else 8)
    deployment = Deployment(
        SYSTEM, release.version, id=deployment_id(release.version), strategy=release.strategy, trigger=_PIPELINE,
        changes=tuple(c.id for c in changes), approver=release.approver,
        revision=_revision(release.version), pipeline_run=f"ci-{4100 + number}", started_at=at - rollout, at=at,
    )  # fmt: skip
    return [*changes, deployment]


def _failures(now: datetime) -> list[Fact]:
    """1.6.1's prompt change broke refunds: an incident linked to it and a rollback; 1.7.1's incident is unlinked."""
    failed_at = now - timedelta(days=_days(FAILED_VERSION))
    started = failed_at + timedelta(hours=1, minutes=30)
    failed = deployment_id(FAILED_VERSION)
    linked = Incident("INC-301", SYSTEM, started, started + timedelta(minutes=50), deployment=failed, severity="sev2")
    rollback = Deployment(
        SYSTEM, "1.6.0", id=deployment_id("1.6.0-rollback"), trigger="rollback", rolls_back=failed, approver="sam",
        started_at=started + timedelta(minutes=30), at=started + timedelta(minutes=35),
    )  # fmt: skip
    later = now - timedelta(days=_days(UNLINKED_VERSION)) + timedelta(hours=3)
    unlinked = Incident("INC-302", SYSTEM, later, later + timedelta(hours=2, minutes=10), severity="sev3")
    return [linked, rollback, unlinked]


def _days(version: str) -> float:
    return next(r.days_ago for r in _RELEASES if r.version == version)


def _audits(now: datetime) -> list[Fact]:
    first = now - timedelta(days=20, hours=5)
    second = now - timedelta(days=6, hours=2)
    return [
        AuditRequest("AUD-11", first, first + timedelta(hours=3, minutes=30), SYSTEM),
        AuditRequest("AUD-12", second, second + timedelta(minutes=25), SYSTEM),
    ]


# The classical triage model's retrains: (days ago, model version, hours the change was open, reviewer).
_TRIAGE_RELEASES = ((18.4, "3", 30.0, "li"), (3.2, "4", 20.0, "sam"))


def _triage_facts(now: datetime) -> list[Fact]:
    """The triage model's two retrains, each a reviewed model change shipped by the pipeline."""
    facts: list[Fact] = []
    for number, (days_ago, version, hours, reviewer) in enumerate(_TRIAGE_RELEASES):
        at = now - timedelta(days=days_ago)
        opened = at - timedelta(hours=hours)
        change = Change(f"ML-{20 + number}", TRIAGE_SYSTEM, "model", opened, opened + timedelta(hours=hours * 0.7),
                        reviewer, material=True, revision=_revision(f"triage-{version}"))  # fmt: skip
        deployment = Deployment(
            TRIAGE_SYSTEM, version, id=f"deploy-{TRIAGE_SYSTEM}-{version}", trigger=_PIPELINE, changes=(change.id,),
            approver="maya", revision=_revision(f"triage-{version}"), pipeline_run=f"ml-{700 + number}", at=at,
        )  # fmt: skip
        facts += [change, deployment]
    return facts


TRIAGE_VERSION = _TRIAGE_RELEASES[-1][1]  # the version serving today's tickets


def backfill(now: datetime) -> list[Fact]:
    """Four weeks of releases (changes, pipeline deployments, canaries), the failures and the audit requests.

    Beside the agent's releases, the classical triage model's retrains.
    """
    facts: list[Fact] = []
    for number, release in enumerate(_RELEASES):
        facts += _release_facts(release, number, now)
    return facts + _failures(now) + _audits(now) + _triage_facts(now)


def today(now: datetime, gated_run: str, blocked_run: str) -> list[Fact]:
    """Today: the gated baseline ships naming its real gate run; the blocked candidate's prompt change stays open."""
    shipped = Change("PR-140", SYSTEM, "code", now - timedelta(hours=3), now - timedelta(hours=1), "li",
                     revision=_revision("PR-140"))  # fmt: skip
    blocked = Change("PR-141", SYSTEM, "prompt", now - timedelta(hours=2), None, None, material=True,
                     revision=_revision(blocked_run))  # fmt: skip
    deployment = Deployment(
        SYSTEM, "1.9.0", id=deployment_id("1.9.0"), strategy="canary", trigger=_PIPELINE, changes=(shipped.id,),
        gate_run=gated_run, approver="maya", revision=_revision("1.9.0"), pipeline_run="ci-4199", at=now,
    )  # fmt: skip
    return [shipped, blocked, deployment]


CANARY_VERSION = "1.9.1"


def canary_release(now: datetime) -> list[Fact]:
    """Today, after 1.9.0: a model change (gpt-4.1-mini) shipped to a canary as 1.9.1, which `harness canary` judges."""
    change = Change("PR-142", SYSTEM, "model", now - timedelta(hours=5), now - timedelta(hours=1), "sam",
                    material=True, revision=_revision("PR-142"))  # fmt: skip
    deployment = Deployment(
        SYSTEM, CANARY_VERSION, id=deployment_id(CANARY_VERSION), strategy="canary", trigger=_PIPELINE,
        changes=(change.id,), approver="li", revision=_revision(CANARY_VERSION), pipeline_run="ci-4200",
        at=now + timedelta(seconds=1),
    )  # fmt: skip
    return [change, deployment]
