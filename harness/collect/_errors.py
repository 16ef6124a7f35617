"""The receiver's refusals: each carries the HTTP status the OTLP/HTTP specification gives it."""

from __future__ import annotations


class BodyError(Exception):
    """A request the receiver refuses: ``status`` is the HTTP answer, ``cause`` the counter it goes to."""

    def __init__(
        self,
        status: int,
        cause: str,
        message: str,
        *,
        headers: list[tuple[bytes, bytes]] | None = None,
        spans: int = 0,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.cause = cause
        self.message = message
        self.headers = headers or []  # extra response headers: Retry-After, WWW-Authenticate, Allow
        self.spans = spans  # spans the refused request carried, where they were decoded


def bad_body(message: str) -> BodyError:
    return BodyError(400, "bad_body", message)


def too_large(limit: int, what: str = "body") -> BodyError:
    return BodyError(413, "too_large", f"{what} exceeds the receiver's limit of {limit} bytes; send smaller batches")
