"""A streamed call's span: covers the whole stream and ends exactly once, however the stream ends.

The SDK's ``Stream``/``AsyncStream`` stays the object the app holds: it becomes an instance of a
subclass of its own type (made once per type) that overrides the public iteration protocol
(``__iter__``/``__next__``/``close`` and their async forms) and calls the SDK's own, so ``isinstance``
and the SDK's helpers (``messages.stream()``, ``chat.completions.stream()``) keep working and nothing
private of the SDK is touched. Per chunk the cost is one cheap test (does the route need it: ids,
finish reasons, tool calls, usage; content deltas only when content is captured) and a list append;
the kept chunks are read once, when the stream ends. Exhausted: the span ends with the response; the
SDK raised: it fails with that error; closed before the final event, or dropped unfinished (even
unread) and garbage-collected: it fails with ``stream_closed`` / ``stream_abandoned`` and the finish reason ``error``.
"""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from instrumentation import semconv
from instrumentation._spans import InferenceSpan
from instrumentation.providers._route import Route

_SPAN = "_harness_stream_span"  # the instance attribute that holds a traced stream's span


class StreamSpan:
    """Holds one stream's record and chunks until the stream ends."""

    __slots__ = ("capture", "chunks", "ended", "followers", "inv", "keep", "route", "watch")

    def __init__(self, inv: InferenceSpan, route: Route, capture: bool) -> None:
        self.inv = inv
        self.route = route
        self.capture = capture
        self.keep: Callable[[Any], bool] | None = None if capture else route.keep
        self.chunks: list[Any] = []
        self.ended = False
        self.followers: list[StreamSpan] = []  # a second wrapper's span on the same stream ends with this one
        self.watch: weakref.ref[Any] | None = None

    def take(self, item: Any) -> None:
        chunks = self.chunks
        if not chunks:
            self.inv.record.mark_first_chunk()
            chunks.append(item)
        elif self.keep is None or self.keep(item):
            chunks.append(item)

    def follow(self, other: StreamSpan) -> None:
        self.followers.append(other)
        if other.capture and not self.capture:  # the follower reads these chunks: keep what it needs
            self.capture, self.keep = True, None

    def finished(self) -> None:
        if self._extract() is not None:
            self._stop()
        self._pass_on(StreamSpan.finished)

    def failed(self, exc: BaseException) -> None:
        if self._extract() is not None:
            self._fail(exc)
        for follower in self._followers():
            follower.failed(exc)

    def closed(self) -> None:
        self._cut_short(semconv.ERROR_STREAM_CLOSED)
        self._pass_on(StreamSpan.closed)

    def abandoned(self) -> None:
        self._cut_short(semconv.ERROR_STREAM_ABANDONED)
        self._pass_on(StreamSpan.abandoned)

    def _cut_short(self, error_type: str) -> None:
        complete = self._extract()
        if complete is None:
            return
        if complete:
            self._stop()
            return
        record = self.inv.record
        record.finish_reasons = [*(record.finish_reasons or ()), semconv.FINISH_REASON_ERROR]
        self._fail(error_type)

    def _stop(self) -> None:
        if self.inv.handler is not None:
            self.inv.handler.stop(self.inv)

    def _fail(self, error: BaseException | str) -> None:
        if self.inv.handler is not None:
            self.inv.handler.fail(self.inv, error)

    def _pass_on(self, how: Callable[[StreamSpan], None]) -> None:
        for follower in self._followers():
            how(follower)

    def _followers(self) -> list[StreamSpan]:
        followers, self.followers = self.followers, []
        for follower in followers:
            follower.chunks = self.chunks
            follower.inv.record.first_chunk_at = self.inv.record.first_chunk_at
        return followers

    def _extract(self) -> bool | None:
        """Read the chunks into the record, once; None when the stream already ended."""
        if self.ended:
            return None
        self.ended = True
        if self.watch is not None:
            _watched.pop(self.watch, None)
        try:
            return self.route.stream(self.inv.record, self.chunks, self.capture)
        except Exception as exc:  # noqa: BLE001 - a chunk we cannot read must not break the app
            if self.inv.handler is not None:
                self.inv.handler.errors.report("providers.stream", exc)
            return False


# Streams not yet ended, by a weak reference to the stream: when the app drops a stream (even one it
# never read, whose iterator never ran) the reference's callback ends the span. Cheaper than
# `weakref.finalize`, which costs more than the rest of a stream's set-up together.
_watched: dict[weakref.ref[Any], StreamSpan] = {}


def _collected(ref: weakref.ref[Any]) -> None:
    span = _watched.pop(ref, None)
    if span is not None:
        span.abandoned()


def trace_stream(stream: Any, span: StreamSpan) -> None:
    """Make ``stream`` (an SDK ``Stream`` or ``AsyncStream``) end ``span`` when it is exhausted, fails,
    closes or is dropped."""
    leader = stream.__dict__.get(_SPAN)
    if isinstance(leader, StreamSpan) and not leader.ended:  # a second wrapper on the same client
        leader.follow(span)
        return
    stream.__dict__[_SPAN] = span
    stream.__class__ = _traced(type(stream))
    span.watch = weakref.ref(stream, _collected)
    _watched[span.watch] = span


_traced_types: dict[type, type] = {}


def _traced(base: type) -> type:
    """The subclass of an SDK stream type that reports to the stream's span (made once per type)."""
    if getattr(base, "__harness_traced__", False):
        return base
    traced = _traced_types.get(base)
    if traced is None:
        namespace = _async_protocol(base) if hasattr(base, "__aiter__") else _sync_protocol(base)
        namespace.update(__harness_traced__=True, __module__=base.__module__, __qualname__=base.__qualname__)
        traced = _traced_types[base] = type(base.__name__, (base,), namespace)
    return traced


def _span(stream: Any) -> StreamSpan | None:
    span = stream.__dict__.get(_SPAN)
    return span if isinstance(span, StreamSpan) else None


# A loop the app breaks out of closes the generator of `__iter__`, not the stream: the app may go on
# reading it. So GeneratorExit ends nothing; a stream dropped unfinished ends as abandoned through its
# weak reference instead.


def _sync_protocol(base: Any) -> dict[str, Any]:
    def __iter__(self: Any) -> Iterator[Any]:  # noqa: N807 - the protocol's own name
        span = _span(self)
        if span is None:
            yield from base.__iter__(self)
            return
        chunks = span.chunks
        append = chunks.append
        keep = span.keep
        try:
            for item in base.__iter__(self):
                if not chunks:
                    span.inv.record.mark_first_chunk()
                    append(item)
                elif keep is None or keep(item):
                    append(item)
                yield item
        except GeneratorExit:
            raise
        except BaseException as exc:
            span.failed(exc)
            raise
        span.finished()

    def __next__(self: Any) -> Any:  # noqa: N807
        span = _span(self)
        if span is None:
            return base.__next__(self)
        try:
            item = base.__next__(self)
        except StopIteration:
            span.finished()
            raise
        except BaseException as exc:
            span.failed(exc)
            raise
        span.take(item)
        return item

    def close(self: Any) -> None:
        span = _span(self)
        if span is not None:
            span.closed()
        base.close(self)

    return {"__iter__": __iter__, "__next__": __next__, "close": close}


def _async_protocol(base: Any) -> dict[str, Any]:
    async def __aiter__(self: Any) -> AsyncIterator[Any]:  # noqa: N807
        span = _span(self)
        if span is None:
            async for item in base.__aiter__(self):
                yield item
            return
        chunks = span.chunks
        append = chunks.append
        keep = span.keep
        try:
            async for item in base.__aiter__(self):
                if not chunks:
                    span.inv.record.mark_first_chunk()
                    append(item)
                elif keep is None or keep(item):
                    append(item)
                yield item
        except GeneratorExit:
            raise
        except BaseException as exc:
            span.failed(exc)
            raise
        span.finished()

    async def __anext__(self: Any) -> Any:  # noqa: N807
        span = _span(self)
        if span is None:
            return await base.__anext__(self)
        try:
            item = await base.__anext__(self)
        except StopAsyncIteration:
            span.finished()
            raise
        except BaseException as exc:
            span.failed(exc)
            raise
        span.take(item)
        return item

    async def close(self: Any) -> None:
        span = _span(self)
        if span is not None:
            span.closed()
        await base.close(self)

    return {"__aiter__": __aiter__, "__anext__": __anext__, "close": close}
