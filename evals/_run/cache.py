"""The result cache: task outputs keyed on suite, case content, candidate, task and *repeat index*.

Keying on the repeat index means repeat 2 never replays repeat 1 (the collision bug several
runners had). A hit is returned marked as cached, with the run that produced it, so the gate can
refuse to count a replay as new evidence.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any


def cache_key(suite: str, case_hash: str, candidate: str, task_ref: str, params: dict[str, Any], repeat: int) -> str:
    raw = json.dumps([suite, case_hash, candidate, task_ref, params, repeat], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


class ResultCache:
    """An append-only JSONL file per suite, loaded once; safe to share between the runner's tasks."""

    def __init__(self, folder: Path, suite: str) -> None:
        self.path = folder / f"{suite}.jsonl"
        self._lock = threading.Lock()
        self._entries: dict[str, dict[str, Any]] = {}
        if self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    entry = json.loads(line)
                    self._entries[entry["key"]] = entry

    def get(self, key: str) -> dict[str, Any] | None:
        return self._entries.get(key)

    def put(self, key: str, entry: dict[str, Any]) -> None:
        entry = {"key": key, **entry}
        line = json.dumps(entry, default=str) + "\n"
        with self._lock:
            self._entries[key] = entry
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(line)
