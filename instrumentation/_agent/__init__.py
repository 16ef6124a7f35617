"""Agent trajectories: ``agent`` runs with steps, termination and roll-ups, and governed ``tool`` spans."""

from instrumentation._agent._errors import AgentStopped, LoopDetected, MaxStepsExceeded, ToolNotAllowedError
from instrumentation._agent._invoke import agent, current_agent_run
from instrumentation._agent._run import AgentRun
from instrumentation._agent._tool import ToolCall, tool

__all__ = [
    "AgentRun",
    "AgentStopped",
    "LoopDetected",
    "MaxStepsExceeded",
    "ToolCall",
    "ToolNotAllowedError",
    "agent",
    "current_agent_run",
    "tool",
]
