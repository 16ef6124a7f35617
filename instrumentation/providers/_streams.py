"""A streamed call's span: covers the whole stream and ends exactly once, however the stream ends.

The SDK's ``Stream``/``AsyncStream`` stays the object the app holds (``isinstance`` and the SDK's own
helpers keep working): we swap in an iterator that keeps each chunk (one list append, no parsing)
and wrap ``close``. Per chunk the cost is one cheap test (does the route need it: ids, finish
reasons, tool calls, usage; content deltas only when content is captured) and a list append; the
kept chunks are read once, when the stream ends. Exhausted: the span ends with
the response; the SDK raised: it fails with that error; closed before the final event, or dropped
unread and garbage-collected: it fails with ``stream_closed`` / ``stream_abandoned`` and the
finish reason ``error``.
"""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

from instrumentation import semconv
from instrumentation._handler import TelemetryHandler
from instrumentation._spans import InferenceSpan
from instrumentation.providers._route import Route


class StreamSpan:
    """Holds one stream's record and chunks until the stream ends."""

    __slots__ = ("capture", "chunks", "ended", "handler", "inv", "route", "watch")

    def __init__(self, inv: InferenceSpan, route: Route, handler: TelemetryHandler) -> None:
        self.inv = inv
        self.route = route
        self.handler = handler
        self.capture = handler.capture_content
        self.chunks: list[Any] = []
        self.ended = False
        self.watch: weakref.ref[Any] | None = None

    def finished(self) -> None:
        if self._extract() is not None:
            self.handler.stop(self.inv)

    def failed(self, exc: BaseException) -> None:
        if self._extract() is not None:
            self.handler.fail(self.inv, exc)

    def closed(self) -> None:
        self._cut_short(semconv.ERROR_STREAM_CLOSED)

    def abandoned(self) -> None:
        self._cut_short(semconv.ERROR_STREAM_ABANDONED)

    def _cut_short(self, error_type: str) -> None:
        complete = self._extract()
        if complete is None:
            return
        if complete:
            self.handler.stop(self.inv)
            return
        record = self.inv.record
        record.finish_reasons = [*(record.finish_reasons or ()), semconv.FINISH_REASON_ERROR]
        self.handler.fail(self.inv, error_type)

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
            self.handler.errors.report("providers.stream", exc)
            return False


# Streams not yet ended, by a weak reference to the stream: when the app drops a stream (even one it
# never read, whose iterator never ran) the reference's callback ends the span. Cheaper than
# `weakref.finalize`, which costs more than the rest of a stream's set-up together.
_watched: dict[weakref.ref[Any], StreamSpan] = {}


def _collected(ref: weakref.ref[Any]) -> None:
    span = _watched.pop(ref, None)
    if span is not None:
        span.abandoned()


def _watch(stream: Any, span: StreamSpan) -> None:
    span.watch = weakref.ref(stream, _collected)
    _watched[span.watch] = span


def trace_stream(stream: Any, span: StreamSpan) -> None:
    """Make ``stream`` (an SDK ``Stream``) end ``span`` when it is exhausted, fails, closes or is dropped."""
    stream._iterator = _iterate(stream._iterator, span)
    stream.close = _closer(stream, span)
    _watch(stream, span)


def trace_async_stream(stream: Any, span: StreamSpan) -> None:
    """The ``AsyncStream`` form of ``trace_stream``."""
    stream._iterator = _aiterate(stream._iterator, span)
    stream.close = _async_closer(stream, span)
    _watch(stream, span)


def _iterate(inner: Iterator[Any], span: StreamSpan) -> Iterator[Any]:
    chunks = span.chunks
    append = chunks.append
    keep = None if span.capture else span.route.keep
    try:
        for item in inner:
            if not chunks:
                span.inv.record.mark_first_chunk()
                append(item)
            elif keep is None or keep(item):
                append(item)
            yield item
    except GeneratorExit:  # closed by the garbage collector: the app dropped the stream mid-way
        span.abandoned()
        raise
    except BaseException as exc:
        span.failed(exc)
        raise
    span.finished()


async def _aiterate(inner: AsyncIterator[Any], span: StreamSpan) -> AsyncIterator[Any]:
    chunks = span.chunks
    append = chunks.append
    keep = None if span.capture else span.route.keep
    try:
        async for item in inner:
            if not chunks:
                span.inv.record.mark_first_chunk()
                append(item)
            elif keep is None or keep(item):
                append(item)
            yield item
    except GeneratorExit:
        span.abandoned()
        raise
    except BaseException as exc:
        span.failed(exc)
        raise
    span.finished()


def _closer(stream: Any, span: StreamSpan) -> Callable[[], None]:
    # The stream is held weakly, so a dropped stream is not kept alive by its own `close`.
    ref = weakref.ref(stream)
    previous = stream.__dict__.get("close")  # another wrapper's close, if the stream has one

    def close() -> None:
        span.closed()
        if previous is not None:
            previous()
        elif (owner := ref()) is not None:
            type(owner).close(owner)

    return close


def _async_closer(stream: Any, span: StreamSpan) -> Callable[[], Awaitable[None]]:
    ref = weakref.ref(stream)
    previous = stream.__dict__.get("close")

    async def close() -> None:
        span.closed()
        if previous is not None:
            await previous()
        elif (owner := ref()) is not None:
            await type(owner).close(owner)

    return close
