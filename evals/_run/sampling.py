"""``harness eval sample``: production LLM calls from the lake into a dataset file for review.

Only spans whose content was captured (``gen_ai.input.messages``) qualify. Content is redacted
(credentials, emails, phone and card numbers by default: ``instrumentation.redact``, the redactor
content capture uses) and de-duplicated by content. Each case is marked ``origin: production`` with its
``sampled_at`` time, and the draw is recorded as an ``eval_sample {system}`` span, so runs on the
dataset say how many of their cases production gave.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import instrumentation
from evals._run.dataset import ORIGIN_PRODUCTION
from evals._store.queries import fetch_lake


def redact(text: str) -> str:
    """Credentials, emails, phone and card numbers out of ``text`` (the shared ``instrumentation.redact``)."""
    return instrumentation.redact(text, personal=True)


def sample_cases(
    lake_dir: Path,
    *,
    limit: int = 50,
    seed: int = 0,
    feature: str | None = None,
    system: str | None = None,
    redactor: Callable[[str], str] = redact,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Up to ``limit`` distinct captured calls (of ``system`` and ``feature`` when given) as dataset cases."""
    rows = fetch_lake("captured_calls", lake_dir, {"feature": feature, "system": system})
    sampled_at = (now or datetime.now(UTC)).isoformat()
    seen: set[str] = set()
    cases = []
    for trace_id, span_id, messages, output, model, feat, service in rows:
        redacted = redactor(messages)
        digest = hashlib.sha256(redacted.encode()).hexdigest()[:12]
        if digest in seen:
            continue
        seen.add(digest)
        cases.append(
            {
                "id": f"prod-{digest}",
                "input": _parse(redacted),
                "expected": None,
                "origin": ORIGIN_PRODUCTION,
                "sampled_at": sampled_at,
                "metadata": {
                    "source": "production",
                    "system": service,
                    "trace_id": trace_id,
                    "span_id": span_id,
                    "model": model,
                    "feature": feat,
                    "observed_output": _parse(redactor(output)) if output else None,
                },
            }
        )
    random.Random(seed).shuffle(cases)
    return sorted(cases[:limit], key=lambda c: c["id"])


def sampled_system(cases: list[dict[str, Any]], system: str | None) -> str | None:
    """The system the sample is of: the one asked for, else the one all its calls came from."""
    if system:
        return system
    systems = {c["metadata"].get("system") for c in cases}
    return systems.pop() if len(systems) == 1 else None


def _parse(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def write_dataset(cases: list[dict[str, Any]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(c, sort_keys=True) + "\n" for c in cases), encoding="utf-8")
