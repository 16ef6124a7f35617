"""The decorator form shared by ``feature``, ``llm_call``, ``agent`` and ``tool``: each call in a fresh block."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

Opener = Callable[[tuple[Any, ...], dict[str, Any]], AbstractContextManager[object]]


def each_call_inside(fn: Callable[P, R], opener: Opener) -> Callable[P, R]:
    """Wrap a sync or async ``fn`` so every call runs inside ``opener(args, kwargs)``, a context manager of its own.

    A fresh context manager per call keeps concurrent calls (threads, asyncio tasks) from sharing state.
    """
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def run_async(*args: P.args, **kwargs: P.kwargs) -> Any:
            with opener(args, kwargs):
                return await fn(*args, **kwargs)

        return run_async  # type: ignore[return-value]

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with opener(args, kwargs):
            return fn(*args, **kwargs)

    return run
