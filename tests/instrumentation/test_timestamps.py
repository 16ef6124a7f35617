"""ISO 8601 times as the lake records them, shared by the fact recorders and scoring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from instrumentation.timestamps import parse_time


def test_an_offset_is_converted_to_utc_and_a_naive_time_is_taken_as_utc() -> None:
    assert parse_time("2026-05-01T14:00:00+02:00", "--at") == datetime(2026, 5, 1, 12, tzinfo=UTC)
    assert parse_time("2026-05-01T12:00:00Z", "--at") == datetime(2026, 5, 1, 12, tzinfo=UTC)
    assert parse_time("2026-05-01T12:00:00", "--at") == datetime(2026, 5, 1, 12, tzinfo=UTC)
    aware = datetime(2026, 5, 1, 7, tzinfo=timezone(timedelta(hours=-5)))
    assert parse_time(aware, "since") == datetime(2026, 5, 1, 12, tzinfo=UTC)


def test_nothing_given_is_none_and_an_empty_text_is_an_error_not_now() -> None:
    assert parse_time(None, "--at") is None
    with pytest.raises(ValueError, match=r"--at is empty"):
        parse_time("", "--at")


def test_a_time_without_a_zone_is_refused_where_a_zone_is_required() -> None:
    with pytest.raises(ValueError, match=r"--at: 2026-05-01T12:00:00 has no zone: add Z .*2026-05-01T12:00:00Z"):
        parse_time("2026-05-01T12:00:00", "--at", require_zone=True)


def test_a_text_that_is_no_time_names_the_field() -> None:
    with pytest.raises(ValueError, match=r"--merged-at: 'yesterday' is not an ISO 8601 time"):
        parse_time("yesterday", "--merged-at")
