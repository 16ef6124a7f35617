"""Per-request cost: prices resolved once per (provider, model), then plain arithmetic.

Prices come from ``genai-prices`` (an offline, versioned data set with cached-token and
tiered prices) unless a user price book overrides or adds the model. Token semantics follow
the conventions: ``input_tokens`` includes cache reads and writes, ``output_tokens`` includes
reasoning tokens. Each token is priced in exactly one bucket.
"""

from __future__ import annotations

import fnmatch
import math
import threading
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from instrumentation.errors import ConfigError

_PER_MTOK = 1_000_000.0

# gen_ai.provider.name values -> genai-prices provider ids
_PROVIDER_IDS = {
    "openai": "openai",
    "azure.ai.openai": "azure",
    "anthropic": "anthropic",
    "aws.bedrock": "aws",
    "gcp.gemini": "google",
    "gcp.vertex_ai": "google",
    "gcp.gen_ai": "google",
    "mistral_ai": "mistral",
    "x_ai": "x-ai",
    "deepseek": "deepseek",
    "groq": "groq",
    "cohere": "cohere",
    "perplexity": "perplexity",
}


@dataclass(frozen=True, slots=True)
class Rates:
    """USD per token for each disjoint bucket; a cache rate of None falls back to the input rate."""

    input: float
    output: float
    cache_read: float | None = None
    cache_write: float | None = None


@dataclass(frozen=True, slots=True)
class Price:
    """A model's price: base rates, plus cliff tiers chosen by total input tokens."""

    base: Rates
    tiers: tuple[tuple[int, Rates], ...] = ()
    source: str = "genai-prices"
    version: str = ""

    def rates_for(self, input_tokens: int) -> Rates:
        for start, rates in reversed(self.tiers):
            if input_tokens > start:
                return rates
        return self.base


def compute_cost(
    price: Price,
    *,
    input_tokens: int,
    output_tokens: int,
    cache_read_tokens: int = 0,
    cache_write_tokens: int = 0,
) -> float:
    """Cost in USD. Cache buckets are subsets of input and are priced instead of, not on top of, it."""
    rates = price.rates_for(input_tokens)
    uncached = max(input_tokens - cache_read_tokens - cache_write_tokens, 0)
    cache_read_rate = rates.input if rates.cache_read is None else rates.cache_read
    cache_write_rate = rates.input if rates.cache_write is None else rates.cache_write
    return (
        uncached * rates.input
        + cache_read_tokens * cache_read_rate
        + cache_write_tokens * cache_write_rate
        + output_tokens * rates.output
    )


class PriceBook:
    """Looks a (provider, model) up once, in the user's overrides first, then in genai-prices."""

    def __init__(self, overrides: list[tuple[str, str, Price]] | None = None) -> None:
        self._overrides = overrides or []
        self._cache: dict[tuple[str, str], Price | None] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: Path | None) -> PriceBook:
        return cls(load_price_book(path) if path else None)

    def lookup(self, provider: str, model: str) -> Price | None:
        key = (provider, model)
        try:
            return self._cache[key]
        except KeyError:
            pass
        price = self._resolve(provider, model)
        with self._lock:
            self._cache[key] = price
        return price

    def _resolve(self, provider: str, model: str) -> Price | None:
        for pattern_provider, pattern, price in self._overrides:
            if pattern_provider in ("*", provider) and fnmatch.fnmatchcase(model, pattern):
                return price
        return genai_prices_lookup(provider, model)


def genai_prices_lookup(provider: str, model: str) -> Price | None:
    """The genai-prices entry for this model at the current time, as plain per-token floats."""
    import genai_prices
    from genai_prices import data_snapshot, types

    snapshot = data_snapshot.get_snapshot()
    provider_id = _PROVIDER_IDS.get(provider, provider or None)
    try:
        _, info = snapshot.find_provider_model(model, None, provider_id, None)
    except LookupError:
        return None
    model_price = info.get_prices(datetime.now(UTC))
    fields = {k: getattr(model_price, f"{k}_mtok", None) for k in ("input", "output", "cache_read", "cache_write")}
    if fields["input"] is None and fields["output"] is None:
        return None
    base = _rates({k: (v.base if isinstance(v, types.TieredPrices) else v) for k, v in fields.items()})
    starts = sorted({t.start for v in fields.values() if isinstance(v, types.TieredPrices) for t in v.tiers})
    tiers = tuple((start, _rates({k: _tier_value(v, start) for k, v in fields.items()})) for start in starts)
    return Price(base=base, tiers=tiers, source="genai-prices", version=genai_prices.__version__)


def _tier_value(value: Any, start: int) -> Decimal | None:
    if value is None or not hasattr(value, "tiers"):
        return value  # type: ignore[no-any-return]
    applicable = value.base
    for tier in value.tiers:
        if start >= tier.start:
            applicable = tier.price
    return applicable  # type: ignore[no-any-return]


def _rates(per_mtok: dict[str, Any]) -> Rates:
    def per_token(value: Any) -> float | None:
        return None if value is None else float(value) / _PER_MTOK

    return Rates(
        input=per_token(per_mtok["input"]) or 0.0,
        output=per_token(per_mtok["output"]) or 0.0,
        cache_read=per_token(per_mtok["cache_read"]),
        cache_write=per_token(per_mtok["cache_write"]),
    )


def load_price_book(path: Path) -> list[tuple[str, str, Price]]:
    """Read a TOML price book: ``[[model]]`` tables with provider, model (glob) and ``*_mtok`` prices."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read price book: {exc}") from exc
    models = data.get("model", [])
    if not isinstance(models, list) or not all(isinstance(entry, dict) for entry in models):
        raise ConfigError(f"{path}: 'model' must be an array of tables: [[model]] provider, model, *_mtok prices")
    return [_price_entry(path, index, entry, str(data.get("version", ""))) for index, entry in enumerate(models)]


def _price_entry(path: Path, index: int, entry: dict[str, Any], version: str) -> tuple[str, str, Price]:
    where = f"{path}: [[model]] #{index + 1}"
    if "model" not in entry or ("input_mtok" not in entry and "output_mtok" not in entry):
        raise ConfigError(f"{where}: needs 'model' and at least one of 'input_mtok', 'output_mtok'")
    if not isinstance(entry["model"], str) or not isinstance(entry.get("provider", "*"), str):
        raise ConfigError(f"{where}: 'model' and 'provider' must be strings")
    prices = {k: entry.get(f"{k}_mtok") for k in ("input", "output", "cache_read", "cache_write")}
    for key, value in prices.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float | str)):
            raise ConfigError(f"{where}: {key}_mtok must be a number, got {value!r}")
    try:
        rates = _rates(prices)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: prices must be numbers: {exc}") from exc
    values = [rates.input, rates.output, rates.cache_read, rates.cache_write]
    if not all(v is None or (math.isfinite(v) and v >= 0) for v in values):
        raise ConfigError(f"{where}: prices must be finite and not negative")
    price = Price(base=rates, source=f"price-book:{path.name}", version=version)
    return (str(entry.get("provider", "*")), entry["model"], price)
