"""Per-server mutable state: the scenario, fault counters, id counters and the request log; resettable."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from harness.model_server._scenario import Fault, Scenario


@dataclass(frozen=True)
class RequestRecord:
    """One request the server answered: what was asked and which fault (if any) it got."""

    endpoint: str
    model: str
    stream: bool
    fault: str | None


class ServerState:
    """Everything a server instance remembers between requests; ``reset()`` forgets it."""

    def __init__(self, scenario: Scenario, *, log_size: int = 10_000) -> None:
        self._lock = threading.Lock()
        self.scenario = scenario
        self.requests: deque[RequestRecord] = deque(maxlen=log_size)  # the latest requests, not all of them
        self._fault_hits = [0] * len(scenario.faults)
        self._next_id = 1

    def reset(self, scenario: Scenario | None = None) -> None:
        """Forget fault counters, ids and the request log (and switch scenario when one is given)."""
        with self._lock:
            if scenario is not None:
                self.scenario = scenario
            self.requests.clear()
            self._fault_hits = [0] * len(self.scenario.faults)
            self._next_id = 1

    def new_id(self, prefix: str) -> str:
        """A deterministic id such as ``chatcmpl-mock000001``; the counter is shared by all kinds."""
        with self._lock:
            number, self._next_id = self._next_id, self._next_id + 1
        return f"{prefix}mock{number:06d}"

    def take_fault(self, model: str, endpoint: str) -> Fault | None:
        """The first fault that applies to this request and still has failures left (counting this one)."""
        with self._lock:
            for index, fault in enumerate(self.scenario.faults):
                if not fault.applies_to(model, endpoint):
                    continue
                self._fault_hits[index] += 1
                if fault.fails(self._fault_hits[index]):
                    return fault
            return None

    def log(self) -> list[RequestRecord]:
        """The request log, oldest first (the latest ``log_size`` requests)."""
        with self._lock:
            return list(self.requests)

    def record(self, endpoint: str, model: str, stream: bool, fault: Fault | None) -> None:
        with self._lock:
            self.requests.append(RequestRecord(endpoint, model, stream, fault.kind if fault else None))
