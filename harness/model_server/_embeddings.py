"""OpenAI ``POST /v1/embeddings``: deterministic bag-of-words vectors, as floats or base64 float32."""

from __future__ import annotations

from typing import Any

from harness.model_server._http import RequestError
from harness.model_server._parse import bounded, optional, required
from harness.model_server._tokens import count_tokens, embed, encode_base64

ENDPOINT = "embeddings"
DEFAULT_DIMENSIONS = 256
MAX_DIMENSIONS = 3072  # text-embedding-3-large's
MAX_INPUTS = 2048  # OpenAI's limit per request
MAX_VALUES = 512 * 1024  # inputs x dimensions computed per request, so one request cannot stall the server


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return [" ".join(map(str, value))]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        return [" ".join(map(str, v)) for v in value]
    raise RequestError("Invalid 'input': expected a string, an array of strings or an array of token arrays.", "input")


def render(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The model name and the response body for a validated embeddings request."""
    model = required(body, "model", str)
    texts = _texts(required(body, "input", (str, list)))
    dimensions = bounded(body, "dimensions", int, 1, MAX_DIMENSIONS) or DEFAULT_DIMENSIONS
    encoding = optional(body, "encoding_format", str, "float")
    if encoding not in ("float", "base64"):
        raise RequestError(f"Invalid 'encoding_format': {encoding!r}; expected float or base64.", "encoding_format")
    if len(texts) > MAX_INPUTS or len(texts) * dimensions > MAX_VALUES:
        raise RequestError(
            f"Invalid 'input': {len(texts)} inputs of {dimensions} dimensions; this server embeds at most "
            f"{MAX_INPUTS} inputs and {MAX_VALUES} values per request.",
            "input",
        )
    vectors = [embed(text, dimensions) for text in texts]
    data = [
        {"object": "embedding", "index": i, "embedding": encode_base64(v) if encoding == "base64" else v}
        for i, v in enumerate(vectors)
    ]
    tokens = sum(count_tokens(text) for text in texts)
    return model, {
        "object": "list",
        "data": data,
        "model": model,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
