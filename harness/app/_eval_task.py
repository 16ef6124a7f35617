"""The eval task for the reference support agent, named by ``eval_suite.yaml`` beside it.

The suite lives with its subject, so ``evals`` stays generic and never depends on ``harness``. The model
server's address comes from the suite parameter ``base_url`` (``--param base_url=...``) or
``OPENAI_BASE_URL``; the candidate id is the agent version (``baseline`` or ``candidate``).
"""

from __future__ import annotations

import os
import threading
from typing import Any

from evals import Case, SuiteError, TaskContext

_clients: dict[tuple[str, int], Any] = {}
_lock = threading.Lock()


def _client(base_url: str, ctx: TaskContext) -> Any:
    from harness.app import make_client

    key = (base_url, id(ctx.telemetry))
    with _lock:
        if key not in _clients:
            _clients[key] = make_client(base_url, telemetry=ctx.telemetry)
        return _clients[key]


def answer(case: Case, ctx: TaskContext) -> str:
    """Run the agent version under test on the case's question and return its answer text."""
    from harness.app import run_agent

    base_url = ctx.params.get("base_url") or os.environ.get("OPENAI_BASE_URL")
    if not base_url:
        raise SuiteError("support_agent suite: pass --param base_url=http://host:port/v1 or set OPENAI_BASE_URL")
    result = run_agent(
        str(case.input), version=ctx.candidate_id, client=_client(base_url, ctx), telemetry=ctx.telemetry
    )
    return result.text
