"""OpenAI ``POST /v1/embeddings``: deterministic bag-of-words vectors, as floats or base64 float32."""

from __future__ import annotations

from typing import Any

from harness.model_server._http import RequestError
from harness.model_server._parse import optional, required
from harness.model_server._tokens import count_tokens, embed, encode_base64

ENDPOINT = "embeddings"
DEFAULT_DIMENSIONS = 256


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
    dimensions = optional(body, "dimensions", int, DEFAULT_DIMENSIONS)
    encoding = optional(body, "encoding_format", str, "float")
    if dimensions < 1 or encoding not in ("float", "base64"):
        raise RequestError("Invalid 'dimensions' or 'encoding_format' (float or base64).", "encoding_format")
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
