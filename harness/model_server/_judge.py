"""The LLM-as-judge mode: a deterministic keyword verdict for models named ``judge-*``.

Contract (the last user message):
- one line ``Expected keywords: a, b, c`` (case-insensitive label; keywords comma-separated);
- the answer under review between ``<answer>`` and ``</answer>``; without the tags, the whole
  message except the keywords line is reviewed.
The reply is the JSON text ``{"score": S, "reasoning": "..."}`` where S is the share of expected
keywords found in the answer (case-insensitive substring match), rounded to 3 decimals. Without
expected keywords the score is 0.0 and the reasoning says so.
"""

from __future__ import annotations

import json
import re

_EXPECTED = re.compile(r"^\s*expected(?:\s+keywords)?\s*:\s*(?P<keywords>.*)$", re.IGNORECASE | re.MULTILINE)
_ANSWER = re.compile(r"<answer>(?P<answer>.*?)</answer>", re.IGNORECASE | re.DOTALL)


def judge(prompt: str) -> str:
    """The verdict JSON for a judge prompt (see the module docstring)."""
    expected = _EXPECTED.search(prompt)
    keywords = [k.strip() for k in expected.group("keywords").split(",") if k.strip()] if expected else []
    tagged = _ANSWER.search(prompt)
    answer = tagged.group("answer") if tagged else _EXPECTED.sub("", prompt)
    if not keywords:
        return json.dumps({"score": 0.0, "reasoning": "No expected keywords were given, so nothing can be checked."})
    found = [k for k in keywords if k.lower() in answer.lower()]
    missing = [k for k in keywords if k not in found]
    reasoning = f"Found {len(found)} of {len(keywords)} expected keywords"
    reasoning += f" ({', '.join(found)})" if found else ""
    reasoning += f"; missing: {', '.join(missing)}." if missing else "."
    return json.dumps({"score": round(len(found) / len(keywords), 3), "reasoning": reasoning})
