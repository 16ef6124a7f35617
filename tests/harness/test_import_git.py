"""``harness import git``: a real small repository with fixed dates, its delivery metrics worked out by hand."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

import scoring
from harness.cli import main

WINDOW = scoring.Scope.of("2026-03-02T00:00:00Z", "2026-03-30T00:00:00Z")


def _git(repo: Path, *args: str, authored: str | None = None, committed: str | None = None) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ada",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ci",
        "GIT_COMMITTER_EMAIL": "ci@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    if authored:
        env["GIT_AUTHOR_DATE"] = authored
        env["GIT_COMMITTER_DATE"] = committed or authored
    done = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _commit(repo: Path, name: str, authored: str, committed: str | None = None) -> str:
    (repo / f"{name}.txt").write_text(name, encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", name, authored=authored, committed=committed)
    return _git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main: c1, c2, a --no-ff merge of feature (f1, f2) tagged v1.0 (annotated), c3 tagged v1.1 (lightweight)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _commit(repo, "c1", "2026-03-02T10:00:00Z")
    _commit(repo, "c2", "2026-03-03T08:00:00Z", "2026-03-03T10:00:00Z")  # lead time 2 h
    _git(repo, "checkout", "-q", "-b", "feature")
    _commit(repo, "f1", "2026-03-04T09:00:00Z")
    _commit(repo, "f2", "2026-03-05T09:00:00Z")
    _git(repo, "checkout", "-q", "main")
    when = "2026-03-06T12:00:00Z"  # ships f1, f2 and the merge: 51 h from f1
    _git(repo, "merge", "-q", "--no-ff", "-m", "merge feature", "feature", authored=when)
    _git(repo, "tag", "-a", "v1.0", "-m", "release 1.0", authored=when)
    _commit(repo, "c3", "2026-03-08T10:00:00Z", "2026-03-09T10:00:00Z")  # 24 h
    _git(repo, "tag", "v1.1")
    return repo


def _import(repo: Path, home: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    code = main(["import", "git", "--repo", str(repo), "--system", "shop", "--home", str(home), *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_history_becomes_changes_and_deployments_with_hand_computed_metrics(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    out = _import(repo, home, capsys)
    assert "imported 6 change(s) and 4 deployment(s)" in out
    card = scoring.scorecard(home, WINDOW, cache=False)
    # first-parent deployments c1, c2, merge, c3 in 28 days: 4 / 4 weeks
    assert card.metrics.deployment_frequency_per_week == pytest.approx(1.0)
    # lead times 0 (c1), 2 (c2), 51 (merge: from f1), 24 (c3): median 13, p90 24 + 0.7 * 27
    assert card.metrics.lead_time_hours.median == pytest.approx(13.0)
    assert card.metrics.lead_time_hours.p90 == pytest.approx(42.9)
    deploys = scoring.query(
        "SELECT version, revision, change_ids FROM stg_deployments ORDER BY deployed_at", home, WINDOW
    )
    versions = deploys["version"].to_list()
    assert versions[2:] == ["v1.0", "v1.1"] and all(len(v) == 12 for v in versions[:2])
    changes = scoring.query("SELECT * FROM stg_changes", home, WINDOW)
    assert changes.height == 6 and set(changes["kind"]) == {"code"}


def test_importing_twice_adds_nothing_and_a_grown_history_only_its_new_commits(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    _import(repo, home, capsys)
    assert "imported 0 change(s) and 0 deployment(s)" in _import(repo, home, capsys)
    _commit(repo, "c4", "2026-03-10T10:00:00Z", "2026-03-10T16:00:00Z")
    assert "imported 1 change(s) and 1 deployment(s)" in _import(repo, home, capsys)
    card = scoring.scorecard(home, WINDOW, cache=False)
    assert card.metrics.deployment_frequency_per_week == pytest.approx(5 / 4)
    assert card.metrics.lead_time_hours.median == pytest.approx(6.0)  # 0, 2, 6, 24, 51
    count = scoring.query("SELECT count(*) AS n FROM stg_changes", home, WINDOW)["n"][0]
    assert count == 7


def test_merges_only_ship_the_direct_commits_with_the_next_merge(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    assert "and 1 deployment(s)" in _import(repo, home, capsys, "--deploy-on", "merges")
    deploys = scoring.query("SELECT version, change_ids FROM stg_deployments", home, WINDOW)
    assert deploys["version"].to_list() == ["v1.0"]
    assert len(deploys["change_ids"][0].split(",")) == 5  # c1, c2, f1, f2 and the merge


def test_a_folder_that_is_not_a_repository_and_an_unknown_branch_are_named(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert main(["import", "git", "--repo", str(plain), "--system", "s", "--home", str(tmp_path / "h")]) == 3
    assert "is not a git repository" in capsys.readouterr().err
    assert main(["import", "git", "--repo", str(repo), "--system", "s", "--branch", "mian"]) == 3
    err = capsys.readouterr().err
    assert "--branch mian: no such branch" in err and "feature, main" in err
    assert main(["import", "git", "--repo", str(tmp_path / "nowhere"), "--system", "s"]) == 3
    assert "no such folder" in capsys.readouterr().err
