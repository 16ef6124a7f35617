"""The one span processor ``configure()`` adds to a tracer provider, forwarding to the configuration attached now.

OpenTelemetry lets a process set its global providers once and gives no way to take a span processor out
of a provider again. So ``configure()`` never adds its own processors to a provider: it adds one
``ProviderSlot`` (once per provider) and attaches its processors to that. Shutting a configuration down
detaches it, and configuring again replaces what is attached: a replaced configuration leaves nothing in
a provider that outlives it, so a span is neither written twice nor counted as dropped by a shut-down
exporter it was never meant for.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider

_slots: weakref.WeakKeyDictionary[TracerProvider, ProviderSlot] = weakref.WeakKeyDictionary()
_slots_lock = threading.Lock()


class ProviderSlot(SpanProcessor):
    """Forwards every span to the processors of the owner attached now (none once it detached)."""

    def __init__(self) -> None:
        self._owner: object | None = None
        self._processors: tuple[SpanProcessor, ...] = ()

    @property
    def owner(self) -> object | None:
        return self._owner

    def attach(self, owner: object, processors: Sequence[SpanProcessor]) -> None:
        self._owner, self._processors = owner, tuple(processors)

    def detach(self, owner: object) -> None:
        """Stop forwarding to ``owner``'s processors (nothing when another owner has replaced it)."""
        if self._owner is owner:
            self._owner, self._processors = None, ()

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        for processor in self._processors:
            processor.on_start(span, parent_context=parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        for processor in self._processors:
            processor.on_end(span)

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return all([processor.force_flush(timeout_millis) for processor in self._processors])

    def shutdown(self) -> None:
        """The provider is shutting down (the app owns it): so does what is attached."""
        for processor in self._processors:
            processor.shutdown()


def slot_of(provider: TracerProvider) -> ProviderSlot:
    """The provider's slot, added to it on first use."""
    with _slots_lock:
        slot = _slots.get(provider)
        if slot is None:
            slot = _slots[provider] = ProviderSlot()
            provider.add_span_processor(slot)
        return slot
