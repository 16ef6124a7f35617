"""``harness report [--out FILE]``: the scorecard as one self-contained HTML file with charts, readable offline.

It takes the scope flags of ``harness score`` (``--home``, ``--system``, ``--kind``, ``--since``, ``--until``, …);
without ``--kind`` it scores LLM and classical systems side by side.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

from harness.commands.score import check_output, scope_arguments
from instrumentation.errors import HarnessError

DEFAULT_OUT = "reports/report.html"  # under HARNESS_HOME


class ReportExtraMissingError(HarnessError):
    """The charting libraries of the ``report`` extra are not installed."""


def register(subparsers: Any) -> None:
    report = subparsers.add_parser("report", help="write the scorecard as one self-contained HTML file with charts")
    report.add_argument("--out", "-o", help=f"the HTML file to write (default HARNESS_HOME/{DEFAULT_OUT})")
    scope_arguments(report, both_kinds=True)
    report.add_argument("--attestations", help="attestations YAML (default HARNESS_HOME/attestations.yaml)")
    report.set_defaults(func=run)


def _out(args: argparse.Namespace) -> Path:
    if args.out:
        return check_output(args.out, "--out")
    from instrumentation import load_settings

    path = load_settings({"home": args.home}).home / DEFAULT_OUT
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def run(args: argparse.Namespace) -> int:
    try:
        from harness import report
    except ImportError as exc:  # altair, vl-convert or jinja2 absent
        raise ReportExtraMissingError(
            f"harness report needs the report extra ({exc.name} is missing): pip install 'llm-harness[report]'"
        ) from exc
    out = _out(args)
    options = report.Options(
        home=args.home,
        since=args.since,
        until=args.until,
        kind=args.kind,
        systems=tuple(args.system or ()),
        env=args.env,
        systems_file=args.systems_file,
        attestations_file=args.attestations,
        cache=not args.no_cache,
    )
    command = shlex.join(["harness", "report", *sys.argv[2:]]) if sys.argv[1:2] == ["report"] else "harness report"
    written = report.write(options, out, command=command)
    for warning in written.warnings:
        print(f"harness: warning: {warning}", file=sys.stderr)
    print(f"wrote {written.path} ({written.bytes / 1024:.0f} KiB in {written.seconds:.1f} s)")
    return 0
