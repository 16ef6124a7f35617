"""Agent trajectories: ``agent`` runs with steps, termination and roll-ups, and governed ``tool`` spans."""

from instrumentation._agent._invoke import agent, current_agent_run
from instrumentation._agent._run import AgentRun
from instrumentation._agent._tool import ToolCall, tool

__all__ = ["AgentRun", "ToolCall", "agent", "current_agent_run", "tool"]
