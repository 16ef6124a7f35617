"""``harness eval sample``: production LLM calls from the lake into a dataset file for review.

Only spans whose content was captured (``gen_ai.input.messages``) qualify. Content is redacted
(credentials, emails, phone and card numbers by default: ``instrumentation.redact``, the redactor
content capture uses) and de-duplicated by content.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import instrumentation
from evals._sql import fetch_lake
from instrumentation import semconv


def redact(text: str) -> str:
    """Credentials, emails, phone and card numbers out of ``text`` (the shared ``instrumentation.redact``)."""
    return instrumentation.redact(text, personal=True)


def sample_cases(
    lake_dir: Path,
    *,
    limit: int = 50,
    seed: int = 0,
    feature: str | None = None,
    redactor: Callable[[str], str] = redact,
) -> list[dict[str, Any]]:
    rows = fetch_lake(
        "captured_calls",
        lake_dir,
        [semconv.GEN_AI_INPUT_MESSAGES, semconv.GEN_AI_OUTPUT_MESSAGES, semconv.GEN_AI_REQUEST_MODEL,
         semconv.HARNESS_FEATURE, feature],
    )  # fmt: skip
    seen: set[str] = set()
    cases = []
    for trace_id, span_id, messages, output, model, feat in rows:
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
                "metadata": {
                    "source": "production",
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


def _parse(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def write_dataset(cases: list[dict[str, Any]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(c, sort_keys=True) + "\n" for c in cases), encoding="utf-8")
