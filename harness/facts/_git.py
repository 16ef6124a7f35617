"""``harness import git``: changes and deployments backfilled from a git repository's history.

Every commit reachable from the branch is a change (id = its SHA, kind ``code``, author, opened at its
author time, merged at its commit time). The branch's first-parent commits are its deployments (or only
its merges, or only its tagged commits, with ``deploy_on``): each ships the commits it brings that the
previous deployment did not have (``git rev-list PREVIOUS..COMMIT``), at its commit time, versioned by
its tag when it has one, else by its short SHA. Idempotent: ids the lake already records are skipped, so
a second import adds nothing and a grown history adds only its new commits. ``git`` runs as a subprocess.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from harness.facts._facts import Change, Deployment, FactError
from instrumentation import semconv

DEPLOY_ON = ("first-parent", "merges", "tags")
_FIELD, _RECORD = "\x1f", "\x1e"
_FORMAT = _FIELD.join(("%H", "%P", "%an", "%ae", "%aI", "%cI")) + _RECORD


class GitError(FactError):
    """The repository, the branch or git itself cannot be read; the message says which and what to do."""


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author: str
    authored_at: datetime
    committed_at: datetime


@dataclass(slots=True)
class GitImport:
    """What one import found and what it added."""

    commits: int = 0
    deployments: int = 0
    facts: list[Change | Deployment] = field(default_factory=list)  # the new ones, to record

    @property
    def new_changes(self) -> int:
        return sum(isinstance(f, Change) for f in self.facts)

    @property
    def new_deployments(self) -> int:
        return sum(isinstance(f, Deployment) for f in self.facts)


def _git(repo: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False, encoding="utf-8"
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed (or not on PATH): install git to import a repository's history") from exc
    if done.returncode != 0:
        raise GitError(f"git {' '.join(args)} failed in {repo}: {done.stderr.strip()}")
    return done.stdout


def check_repo(repo: Path, branch: str) -> str:
    """The branch's commit; clear errors for a path that is not a repository and for an unknown branch."""
    if not repo.is_dir():
        raise GitError(f"--repo {repo}: no such folder")
    inside = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--is-inside-work-tree", "--is-bare-repository"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if inside.returncode != 0:
        raise GitError(f"--repo {repo} is not a git repository (git says: {inside.stderr.strip()})")
    found = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if found.returncode != 0:
        branches = _git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads").split()
        raise GitError(f"--branch {branch}: no such branch in {repo}; branches: {', '.join(branches) or '(none)'}")
    return found.stdout.strip()


def _commits(repo: Path, *revs: str) -> list[Commit]:
    out = _git(repo, "log", f"--format={_FORMAT}", "--reverse", *revs, "--")
    commits = []
    for record in out.split(_RECORD):
        parts = record.strip("\n").split(_FIELD)
        if len(parts) != 6:
            continue
        sha, parents, name, _email, authored, committed = parts
        commits.append(
            Commit(
                sha, tuple(parents.split()), name, datetime.fromisoformat(authored), datetime.fromisoformat(committed)
            )
        )
    return commits


def _tags(repo: Path) -> dict[str, str]:
    """Commit SHA -> its tag (the latest by name when several), lightweight or annotated."""
    out = _git(
        repo, "for-each-ref", "--sort=refname", "--format=%(objectname) %(*objectname) %(refname:short)", "refs/tags"
    )
    tags: dict[str, str] = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            tags[parts[1]] = parts[2]  # annotated: the commit it points at
        elif len(parts) == 2:
            tags[parts[0]] = parts[1]
    return tags


def _deploys(chain: Sequence[Commit], tags: dict[str, str], deploy_on: str) -> list[Commit]:
    if deploy_on == "merges":
        return [c for c in chain if len(c.parents) > 1]
    if deploy_on == "tags":
        return [c for c in chain if c.sha in tags]
    return list(chain)


def plan(
    repo: Path, system: str, branch: str, recorded: dict[str, set[str]], *, deploy_on: str = "first-parent"
) -> GitImport:
    """The facts the history holds that the lake (``recorded``: ids by record type) does not yet."""
    if deploy_on not in DEPLOY_ON:
        raise GitError(f"deploy_on {deploy_on!r}: use one of {', '.join(DEPLOY_ON)}")
    head = check_repo(repo, branch)
    commits = {c.sha: c for c in _commits(repo, head)}
    chain = _commits(repo, "--first-parent", head)
    tags = _tags(repo)
    result = GitImport(commits=len(commits))
    known_changes = recorded.get(semconv.RECORD_CHANGE, set())
    known_deploys = recorded.get(semconv.RECORD_DEPLOYMENT, set())
    result.facts.extend(_change(c, system) for c in commits.values() if c.sha not in known_changes)
    deploys = _deploys(chain, tags, deploy_on)
    result.deployments = len(deploys)
    previous: str | None = None
    for commit in deploys:
        if commit.sha not in known_deploys:
            result.facts.append(_deployment(commit, system, tags, _shipped(repo, commit, previous)))
        previous = commit.sha
    return result


def _shipped(repo: Path, commit: Commit, previous: str | None) -> list[str]:
    """The commits a deployment brings that the previous one had not (one git call only where it merges)."""
    if previous is not None and commit.parents == (previous,):
        return [commit.sha]
    return _git(repo, "rev-list", f"{previous}..{commit.sha}" if previous else commit.sha).split()


def _change(commit: Commit, system: str) -> Change:
    return Change(
        id=commit.sha, system=system, kind="code", opened_at=commit.authored_at,
        merged_at=max(commit.committed_at, commit.authored_at), author=commit.author, revision=commit.sha,
    )  # fmt: skip


def _deployment(commit: Commit, system: str, tags: dict[str, str], shipped: list[str]) -> Deployment:
    return Deployment(
        system=system, version=tags.get(commit.sha, commit.sha[:12]), id=commit.sha, revision=commit.sha,
        changes=tuple(reversed(shipped)), at=commit.committed_at,
    )  # fmt: skip
