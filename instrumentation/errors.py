"""Every error the instrumentation raises on purpose; the project's other packages derive theirs from HarnessError.

::

    HarnessError                    base of every error this project raises on purpose (evals, scoring too)
    ├── ConfigError                 a setting, config file, price book, catalogue or prompt file is wrong
    ├── TelemetryError              our own telemetry failed; raised only when set to raise (under pytest)
    ├── ToolNotAllowedError         a tool outside the catalogue, under the ``refuse`` policy; it did not run
    ├── OverrideError               an override to record (``record_override``) is malformed
    └── AgentStopped                an agent run hit a limit and must stop (a signal the app catches)
        ├── MaxStepsExceeded        a step past ``max_steps``
        └── LoopDetected            the same tool call, with the same arguments, ``loop_threshold`` times

The app's own exceptions are never wrapped: they pass through every span unchanged.
"""

from __future__ import annotations

from instrumentation import semconv


class HarnessError(Exception):
    """Base of every error this project raises on purpose."""


class ConfigError(HarnessError):
    """A setting, config file or price book is wrong; the message names where."""


class TelemetryError(HarnessError):
    """Raised for internal telemetry failures only when internal errors are set to raise (tests)."""


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


class OverrideError(HarnessError, ValueError):
    """An override to record is malformed; the message names the argument and what it accepts."""


class ToolNotAllowedError(HarnessError):
    """A tool outside the governed catalogue was called under the ``refuse`` policy; it did not run."""

    def __init__(self, tool: str, catalogue: str) -> None:
        super().__init__(
            f"tool {tool!r} is not in the tool catalogue {catalogue} (policy: refuse): "
            "add it with an owner, or switch the policy to flag"
        )
