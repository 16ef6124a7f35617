"""Deterministic token counting, stream chunking and embedding vectors.

A "token" here is a run of word characters or a single punctuation mark, so counts are stable
across runs and platforms and roughly track a real tokenizer on English text.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import struct
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+|[^\w\s]")
_CHUNK = re.compile(r"\S+\s*|\s+")
_SLICE = 32 * 1024  # a regex call holds the GIL: long texts go in slices, so the server's loop keeps its turn


def _tokens(text: str) -> list[str]:
    if len(text) <= _SLICE:
        return _TOKEN.findall(text)
    found: list[str] = []
    start = 0
    while start < len(text):
        end = min(start + _SLICE, len(text))
        while end < len(text) and not text[end].isspace():  # tokens hold no whitespace: cut only there
            end += 1
        found += _TOKEN.findall(text, start, end)
        start = end
    return found


def count_tokens(text: str) -> int:
    """Number of words and punctuation marks in ``text``."""
    return len(_tokens(text))


def words(text: str) -> list[str]:
    """Lower-cased word tokens (no punctuation), for matching and embeddings."""
    return [token.lower() for token in _tokens(text) if token[0].isalnum() or token[0] == "_"]


def chunk_text(text: str) -> list[str]:
    """Split ``text`` into stream chunks of one word each (trailing whitespace kept); joined they equal ``text``."""
    return _CHUNK.findall(text) or [""]


@dataclass(frozen=True)
class Usage:
    """Provider-neutral usage with OTel semantics: ``input`` includes cache tokens, ``output`` includes reasoning."""

    input: int
    output: int
    cache_read: int = 0
    cache_write: int = 0
    reasoning: int = 0

    @classmethod
    def measure(cls, prompt: str, answer: str, *, cache_read: int, cache_write: int, reasoning: int) -> Usage:
        """Usage for a prompt and an answer; the cache counts are a virtual cached prefix added to the prompt."""
        total_in = count_tokens(prompt) + cache_read + cache_write
        return cls(total_in, count_tokens(answer) + reasoning, cache_read, cache_write, reasoning)


def embed(text: str, dimensions: int) -> list[float]:
    """A unit-length bag-of-words vector: each word adds +-1 to a hashed coordinate."""
    vector = [0.0] * dimensions
    for word in words(text):
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        index = int.from_bytes(digest[:4], "little") % dimensions
        vector[index] += 1.0 if digest[4] & 1 else -1.0
    norm = math.sqrt(sum(value * value for value in vector)) or 1.0
    return [round(value / norm, 6) for value in vector]


def encode_base64(vector: list[float]) -> str:
    """The OpenAI ``encoding_format="base64"`` form: little-endian float32, base64-encoded."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")
