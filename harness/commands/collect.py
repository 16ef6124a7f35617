"""``harness collect``: the OTLP/HTTP receiver in the foreground; SIGTERM or Ctrl-C drains it into the lake."""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from pathlib import Path
from typing import Any

from instrumentation import load_settings
from instrumentation.errors import ConfigError

_MIB = 1 << 20


def register(subparsers: Any) -> None:
    collect = subparsers.add_parser(
        "collect",
        help="receive OTLP/HTTP traces (protobuf or JSON) into the lake; SIGTERM drains and stops",
        description="An OTLP/HTTP receiver: POST /v1/traces, written to HARNESS_HOME/lake as the lake exporter "
        "writes it. Answers per the OTLP/HTTP specification; GET /status shows what it received, wrote, "
        "refused and dropped. See docs/collect.md.",
    )
    collect.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1: this machine only)")
    collect.add_argument("--port", type=int, default=4318, help="port (default 4318, OTLP/HTTP's; 0 picks a free one)")
    collect.add_argument("--home", help="HARNESS_HOME (default ./.harness)")
    token = collect.add_mutually_exclusive_group()
    token.add_argument("--token", help="require Authorization: Bearer TOKEN on every request")
    token.add_argument("--token-file", help="read the token from this file (keeps it out of the process list)")
    collect.add_argument("--max-body-mb", type=float, default=20.0, help="largest body, also decompressed (default 20)")
    collect.add_argument("--queue-mb", type=float, default=64.0, help="spans held before 503s (default 64 MiB)")
    collect.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="processes that decode bodies (default: one less than the cores, at most 4; 0 decodes in-process)",
    )
    collect.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from harness.collect import Limits, run_forever
    from harness.commands._checks import port, writable_lake

    settings = load_settings({"home": args.home})
    token = _token(args)
    limits = Limits(
        max_body_bytes=_bytes(args.max_body_mb, "--max-body-mb"), max_queue_bytes=_bytes(args.queue_mb, "--queue-mb")
    )
    port(args.port)
    writable_lake(settings.lake_dir)  # never acknowledge spans it cannot write

    def announce(base: str) -> None:
        if token is None and not _loopback(args.host):  # once it listens: a host it cannot bind says only that
            print(
                f"harness collect: warning: listening on {args.host} without --token: anyone who reaches this port "
                "can write to the lake",
                file=sys.stderr,
            )
        print(
            f"harness collect: OTLP/HTTP on {base}/v1/traces (protobuf or JSON) into {settings.lake_dir}; "
            f"counters at {base}/status; Ctrl-C or SIGTERM drains and stops",
            flush=True,
        )

    if args.workers < 0:
        raise ConfigError(f"--workers must be 0 or more, got {args.workers}")
    receiver = run_forever(
        settings.lake_dir, args.host, args.port, token=token, limits=limits, workers=args.workers, announce=announce
    )
    print(f"harness collect: stopped; {receiver.stats.summary()}", flush=True)
    return 0


def default_workers() -> int:
    """One core serves HTTP and writes segments; the others decode (measured best on 2 cores: benchmarks.collect)."""
    return max(0, min((os.cpu_count() or 1) - 1, 4))


def _token(args: argparse.Namespace) -> str | None:
    if args.token_file:
        try:
            text = Path(args.token_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"--token-file {args.token_file}: {exc.strerror}") from exc
        if not text:
            raise ConfigError(f"--token-file {args.token_file} is empty")
        return text
    if args.token is not None and not args.token.strip():
        raise ConfigError("--token is empty: give a token, or leave the option out")
    return str(args.token) if args.token else None


def _bytes(megabytes: float, flag: str) -> int:
    if not megabytes > 0:
        raise ConfigError(f"{flag} must be a positive number of MiB, got {megabytes:g}")
    return int(megabytes * _MIB)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
