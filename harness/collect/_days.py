"""The day partition of a span: the lake's own ``day_of``, cached away from midnight."""

from __future__ import annotations

from instrumentation.lake import day_of

_NS_PER_DAY = 86_400 * 10**9
_MARGIN_NS = 10**6
_MAX_CACHED = 4096  # day_of divides in floating point: near midnight, ask it; elsewhere, the day is the cached one


class DayOf:
    """``DayOf()(ns) == day_of(ns)`` for every timestamp, at the cost of an integer division; ``common`` for a range."""

    def __init__(self) -> None:
        self._days: dict[int, str] = {}

    def __call__(self, timestamp_ns: int) -> str:
        day = timestamp_ns // _NS_PER_DAY
        offset = timestamp_ns - day * _NS_PER_DAY
        if offset < _MARGIN_NS or offset > _NS_PER_DAY - _MARGIN_NS:
            return day_of(timestamp_ns)
        cached = self._days.get(day)
        if cached is None:
            if len(self._days) >= _MAX_CACHED:
                self._days.clear()
            cached = self._days[day] = day_of(timestamp_ns)
        return cached

    def common(self, first_ns: int, last_ns: int) -> str | None:
        """The day of every timestamp from ``first_ns`` to ``last_ns`` when it is one cached day, else None."""
        day = first_ns // _NS_PER_DAY
        if last_ns // _NS_PER_DAY != day:
            return None
        if first_ns - day * _NS_PER_DAY < _MARGIN_NS or last_ns - day * _NS_PER_DAY > _NS_PER_DAY - _MARGIN_NS:
            return None
        return self(first_ns)
