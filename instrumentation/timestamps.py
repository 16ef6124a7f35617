"""ISO 8601 times as the lake records them: aware, in UTC.

Shared by the packages that take times from people (the fact recorders' ``--at``, scoring's window),
here because ``instrumentation`` is the one package every other may import.
"""

from __future__ import annotations

from datetime import UTC, datetime


def parse_time(value: str | datetime | None, field_name: str, *, require_zone: bool = False) -> datetime | None:
    """An ISO 8601 time as an aware UTC datetime; None stays None.

    An empty text is an error (never "now"). A time without a zone is UTC, or an error with
    ``require_zone`` (facts: an ambiguous time would shift lead times by the local offset). Errors are
    ``ValueError`` naming ``field_name``; callers translate them into their own at their boundary.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        if not value.strip():
            raise ValueError(f"{field_name} is empty: give an ISO 8601 time (e.g. 2026-05-01T12:00:00Z)")
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"{field_name}: {value!r} is not an ISO 8601 time (e.g. 2026-05-01T12:00:00Z)") from exc
    if parsed.tzinfo is None:
        if require_zone:
            suggestion = parsed.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")
            raise ValueError(f"{field_name}: {value!s} has no zone: add Z for UTC or an offset (e.g. {suggestion})")
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
