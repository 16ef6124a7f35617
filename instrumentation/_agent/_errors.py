"""Errors an agent run raises on purpose: a stop signal the app can catch, and a refused tool."""

from __future__ import annotations

from instrumentation import semconv
from instrumentation.errors import HarnessError


class AgentStopped(HarnessError):  # noqa: N818 - a stop signal the app catches, like StopIteration
    """The run hit a limit and must stop; ``reason`` is the recorded ``harness.agent.termination``."""

    reason: str = semconv.TERMINATION_ERROR


class MaxStepsExceeded(AgentStopped):
    reason = semconv.TERMINATION_MAX_STEPS

    def __init__(self, agent: str, max_steps: int) -> None:
        super().__init__(
            f"agent {agent!r} started step {max_steps + 1} but max_steps is {max_steps}: "
            "stop the loop here (catch AgentStopped) or raise max_steps"
        )


class LoopDetected(AgentStopped):
    reason = semconv.TERMINATION_LOOP_DETECTED

    def __init__(self, agent: str, tool: str, times: int) -> None:
        super().__init__(
            f"agent {agent!r} called tool {tool!r} with the same arguments {times} times: "
            "stopped as a loop (catch AgentStopped, or pass loop_threshold=None to disable)"
        )


class ToolNotAllowedError(HarnessError):
    """A tool outside the governed catalogue was called under the ``refuse`` policy; it did not run."""

    def __init__(self, tool: str, catalogue: str) -> None:
        super().__init__(
            f"tool {tool!r} is not in the tool catalogue {catalogue} (policy: refuse): "
            "add it with an owner, or switch the policy to flag"
        )
