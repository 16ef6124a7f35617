"""Prompt identity: name the prompt a call uses, and version a prompt file by its content hash."""

from __future__ import annotations

import contextvars
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from instrumentation.errors import ConfigError

_HASH_CHARS = 12


class VersionedPrompt(NamedTuple):
    """A prompt's text with the name and content-hash version its calls record; unpacks as (text, name, version)."""

    text: str
    name: str
    version: str


_current: contextvars.ContextVar[tuple[str, str | None] | None] = contextvars.ContextVar("harness_prompt", default=None)


@contextmanager
def prompt(name: str | VersionedPrompt, version: str | None = None) -> Iterator[None]:
    """Record ``gen_ai.prompt.name`` / ``gen_ai.prompt.version`` on every instrumented call made inside the block."""
    if isinstance(name, VersionedPrompt):
        named: tuple[str, str | None] = (name.name, version or name.version)
    else:
        named = (name, version)
    token = _current.set(named)
    try:
        yield
    finally:
        _current.reset(token)


def current_prompt() -> tuple[str, str | None] | None:
    """The (name, version) named by the innermost ``prompt()`` block, if any."""
    return _current.get()


def versioned_prompt(path: str | Path, *, name: str | None = None) -> VersionedPrompt:
    """Read a prompt file; its name is the file stem and its version the first 12 hex digits of its SHA-256."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read prompt file: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: prompt file is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    version = hashlib.sha256(data).hexdigest()[:_HASH_CHARS]
    return VersionedPrompt(text, name or file.stem, version)
