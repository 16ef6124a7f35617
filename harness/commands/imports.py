"""``harness import git``: changes and deployments backfilled from a git repository's history, idempotently."""

from __future__ import annotations

import argparse
import fcntl
from pathlib import Path
from typing import Any

from instrumentation import load_settings

LOCK = "git-import.lock"  # in the lake folder: two imports at once would each record what the other has not yet


def register(subparsers: Any) -> None:
    top = subparsers.add_parser("import", help="backfill facts from another tool's history (git)")
    sources = top.add_subparsers(dest="source", required=True, metavar="SOURCE")
    git = sources.add_parser(
        "git",
        help="changes and deployments from a git repository's history; importing twice adds nothing",
        description="Every commit reachable from --branch becomes a change (id = SHA, author, author and commit "
        "times); the branch's first-parent commits become deployments (--deploy-on merges or tags for fewer), "
        "versioned by their tags. Ids the lake already holds are skipped. See docs/scorecard.md.",
    )
    git.add_argument("--repo", default=".", help="the repository (default: the current folder)")
    git.add_argument("--system", required=True, help="the system the history belongs to")
    git.add_argument("--branch", default="main", help="the deployed branch (default main)")
    git.add_argument("--deploy-on", default="first-parent", choices=("first-parent", "merges", "tags"))
    git.add_argument("--home", help="HARNESS_HOME (default ./.harness)")
    git.set_defaults(func=run_git)


def run_git(args: argparse.Namespace) -> int:
    from harness.facts import record
    from harness.facts._git import check_repo, plan
    from harness.facts._lookup import recorded_ids

    check_repo(Path(args.repo), args.branch)  # before anything is created in the home
    settings = load_settings({"home": args.home})
    settings.lake_dir.mkdir(parents=True, exist_ok=True)
    with (settings.lake_dir / LOCK).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = plan(
            Path(args.repo), args.system, args.branch, recorded_ids(settings.lake_dir), deploy_on=args.deploy_on
        )
        if found.facts:
            record(found.facts, home=args.home)
    print(
        f"imported {found.new_changes} change(s) and {found.new_deployments} deployment(s) of {args.system} from "
        f"{args.repo} ({args.branch}: {found.commits} commits, {found.deployments} deployments; "
        f"{found.commits - found.new_changes + found.deployments - found.new_deployments} recorded before)"
    )
    return 0
