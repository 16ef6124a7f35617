"""ISO 8601 times as the lake records them: aware, in UTC.

Shared by the packages that take times from people (the fact recorders' ``--at``, scoring's window),
here because ``instrumentation`` is the one package every other may import.
"""

from __future__ import annotations

from datetime import UTC, datetime


def parse_time(value: str | datetime | None, field_name: str) -> datetime | None:
    """An ISO 8601 time as an aware UTC datetime; a naive time is taken as UTC; empty is None.

    A text that is not a time raises ``ValueError`` naming ``field_name``; callers translate it into
    their own error at their boundary.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"{field_name}: {value!r} is not an ISO 8601 time (e.g. 2026-05-01T12:00:00Z)") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
