"""Per-request cost: prices resolved once per (provider, model), then plain arithmetic.

Prices come from ``genai-prices`` (an offline, versioned data set with cached-token and
tiered prices) unless a user price book overrides or adds the model. A model's price can change
over time there (a new price from a date on, off-peak hours each day): a call is priced at the
price in force when it started, never at the time it is priced. It can also depend on the service
tier that served the call (OpenAI's ``flex`` at about half the price, ``priority`` at about twice) and
on Anthropic's speed mode (fast mode costs more): a call is priced at its tier's and speed's price,
genai-prices' standard price when they have none. Token semantics follow the
conventions: ``input_tokens`` includes cache reads and writes, ``output_tokens`` includes
reasoning tokens. Each token is priced in exactly one bucket.
"""

from __future__ import annotations

import difflib
import fnmatch
import math
import threading
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise
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


_DAY_SECONDS = 86_400


@dataclass(frozen=True, slots=True)
class Period:
    """When a price is in force, in UTC: on the days from ``first_day`` (None: every day before) up to but not
    including ``end_day`` (None: for ever), at the seconds after midnight from ``day_from`` up to ``day_until``."""

    first_day: date | None = None
    end_day: date | None = None
    day_from: int = 0
    day_until: int = _DAY_SECONDS

    def holds(self, at: datetime) -> bool:
        utc = at.astimezone(UTC) if at.tzinfo is not None else at  # naive is UTC
        day, second = utc.date(), utc.hour * 3600 + utc.minute * 60 + utc.second
        return (
            (self.first_day is None or day >= self.first_day)
            and (self.end_day is None or day < self.end_day)
            and self.day_from <= second < self.day_until
        )


@dataclass(frozen=True, slots=True)
class PriceSchedule:
    """A model's prices over time: periods that do not overlap and together cover all of it."""

    periods: tuple[tuple[Period, Price], ...]

    @classmethod
    def always(cls, price: Price) -> PriceSchedule:
        return cls(((Period(), price),))

    @property
    def fixed(self) -> Price | None:
        """The one price, when it never changes (most models)."""
        return self.periods[0][1] if len(self.periods) == 1 else None

    def at(self, when: datetime) -> Price:
        for period, price in self.periods:
            if period.holds(when):
                return price
        raise AssertionError(f"no period of {self} holds {when}")  # the periods cover all time


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


@dataclass(frozen=True, slots=True)
class BookEntry:
    """One ``[[model]]`` of a price book: the provider (``*``: any) and model glob it prices, and the service tier
    and speed it is for (None: every one)."""

    provider: str
    model: str
    price: Price
    service_tier: str | None = None
    speed: str | None = None

    def matches(self, provider: str, model: str, service_tier: str | None, speed: str | None) -> bool:
        return (
            (self.provider == "*" or self.provider.casefold() == provider.casefold())
            and _same_word(self.service_tier, service_tier)
            and _same_word(self.speed, speed)
            and fnmatch.fnmatchcase(model, self.model)
        )


# The providers' words for the tier and speed a call that names none is served at (OpenAI answers `default`,
# Anthropic's usage says `standard`): an entry for one of them is for those calls too.
_STANDARD = frozenset({"default", "standard"})


def _same_word(entry: str | None, call: str | None) -> bool:
    """An entry's tier or speed (None: every one) against a call's, whatever the case ('Flex' is flex); an entry
    for the standard one (``_STANDARD``) matches a call that names none."""
    if entry is None:
        return True
    if entry.casefold() in _STANDARD:
        return call is None or call.casefold() in _STANDARD
    return call is not None and entry.casefold() == call.casefold()


class PriceBook:
    """Looks a (provider, model, service tier, speed) up once, in the user's overrides first, then in
    genai-prices."""

    # how a book's entries match calls (``BookEntry.matches``), versioned: a scoring database that priced its calls
    # under other rules prices them again (bump it with any change to what an entry matches)
    RULES = "2: provider any case; default or standard matches none"

    def __init__(self, overrides: Sequence[BookEntry | tuple[str, str, Price]] | None = None) -> None:
        # a (provider, model, price) triple, the shape before tiers and speed: an entry for every tier and speed
        self._overrides = [e if isinstance(e, BookEntry) else BookEntry(*e) for e in overrides or ()]
        self._cache: dict[tuple[str, str, str | None, str | None], PriceSchedule | None] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: Path | None) -> PriceBook:
        return cls(load_price_book(path) if path else None)

    def lookup(
        self,
        provider: str,
        model: str,
        at: datetime | None = None,
        service_tier: str | None = None,
        speed: str | None = None,
    ) -> Price | None:
        """The price in force at ``at`` (default: now) for calls served at ``service_tier`` and ``speed`` (None:
        the standard price), or None when neither the book nor genai-prices has one."""
        schedule = self.schedule(provider, model, service_tier, speed)
        return None if schedule is None else schedule.at(at or datetime.now(UTC))

    def schedule(
        self, provider: str, model: str, service_tier: str | None = None, speed: str | None = None
    ) -> PriceSchedule | None:
        """Every price the model has over time at that service tier and speed (a price book's entry has one, for
        ever)."""
        key = (provider, model, service_tier, speed)
        try:
            return self._cache[key]
        except KeyError:
            pass
        schedule = self._resolve(provider, model, service_tier, speed)
        with self._lock:
            self._cache[key] = schedule
        return schedule

    def _resolve(self, provider: str, model: str, service_tier: str | None, speed: str | None) -> PriceSchedule | None:
        for entry in self._overrides:  # the first entry that matches, as the book lists them
            if entry.matches(provider, model, service_tier, speed):
                return PriceSchedule.always(entry.price)
        return genai_prices_schedule(provider, model, service_tier, speed)


def genai_prices_schedule(
    provider: str, model: str, service_tier: str | None = None, speed: str | None = None
) -> PriceSchedule | None:
    """The model's genai-prices entry as plain per-token floats over time, for calls served at ``service_tier``
    and ``speed``.

    genai-prices keeps a list of prices, each with an optional constraint (from a UTC date on, or between two
    UTC times of each day), and uses the last one whose constraint holds; price variants, each for a request
    context (``{"service_tier": "flex"}``, ``{"speed": "fast"}``) and with an optional constraint of its own,
    then override some of its rates. Those constraints cut time into cells (between consecutive start dates,
    and between consecutive times of day) within which the choice cannot change; each cell gets the price
    genai-prices gives at its first instant, and neighbouring cells of one day range with the same price are
    merged.
    """
    import genai_prices
    from genai_prices import data_snapshot, types

    snapshot = data_snapshot.get_snapshot()
    provider_id = _PROVIDER_IDS.get(provider, provider or None)
    try:
        found, info = snapshot.find_provider_model(model, None, provider_id, None)
    except LookupError:
        return None
    context = {key: value for key, value in (("service_tier", service_tier), ("speed", speed)) if value} or None
    if context and not any(info is own for own in found.models):
        context = None  # a model found under another provider is priced without the context (calc_price does so)
    variants = [v for v in info.price_variants or () if context and all(context.get(k) == w for k, w in v.when.items())]
    constraints = [c.constraint for c in info.prices] if isinstance(info.prices, list) else []
    constraints += [v.constraint for v in variants]
    starts = sorted({c.start_date for c in constraints if isinstance(c, types.StartDateConstraint)})
    cuts = sorted(
        {0}
        | {
            _utc_seconds(moment)
            for c in constraints
            if isinstance(c, types.TimeOfDateConstraint)
            for moment in (c.start_time, c.end_time)
        }
    )
    periods: list[tuple[Period, Price]] = []
    for first_day, end_day in pairwise([None, *starts, None]):
        probe_day = first_day or (end_day - timedelta(days=1) if end_day else date(2000, 1, 1))
        for day_from, day_until in pairwise([*cuts, _DAY_SECONDS]):
            probe = datetime.combine(probe_day, time(), UTC) + timedelta(seconds=day_from)
            price = _genai_price(info.get_prices(probe, context), types, genai_prices.__version__)
            if price is None:
                return None
            if periods and periods[-1][1] == price and periods[-1][0].first_day == first_day:
                periods[-1] = (Period(first_day, end_day, periods[-1][0].day_from, day_until), price)
            else:
                periods.append((Period(first_day, end_day, day_from, day_until), price))
    return PriceSchedule(tuple(periods))


def _utc_seconds(moment: time) -> int:
    """Seconds after midnight UTC of a time of day (naive is UTC), as genai-prices compares them."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    utc = datetime.combine(date(1970, 1, 1), aware).astimezone(UTC)  # the day genai-prices converts on
    if utc.microsecond:
        raise ValueError(f"genai-prices time of day {moment} is not a whole second")
    return utc.hour * 3600 + utc.minute * 60 + utc.second


def _genai_price(model_price: Any, types: Any, version: str) -> Price | None:
    fields = {k: getattr(model_price, f"{k}_mtok", None) for k in ("input", "output", "cache_read", "cache_write")}
    if fields["input"] is None and fields["output"] is None:
        return None
    base = _rates({k: (v.base if isinstance(v, types.TieredPrices) else v) for k, v in fields.items()})
    starts = sorted({t.start for v in fields.values() if isinstance(v, types.TieredPrices) for t in v.tiers})
    tiers = tuple((start, _rates({k: _tier_value(v, start) for k, v in fields.items()})) for start in starts)
    return Price(base=base, tiers=tiers, source="genai-prices", version=version)


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


_PRICE_KEYS = frozenset({"input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok"})
_BOOK_KEYS = frozenset({"provider", "model", "service_tier", "speed"}) | _PRICE_KEYS
_NOTE_KEYS = frozenset({"note", "notes"})  # the user's own text about an entry; every other key is refused
_TOP_KEYS = frozenset({"model", "version"})
# the service tiers (OpenAI's auto, default, flex, priority, scale; Anthropic's standard, priority, batch) and
# speeds (standard, fast) the providers name: an entry's word close to one but not one is a misspelling
_WORDS = frozenset({"auto", "default", "flex", "priority", "scale", "standard", "batch", "fast"})


# the providers' own words for a price ('cache creation' is Anthropic's cache write, 'cached input' OpenAI's read)
_KEY_WORDS = {"creation": "cache_write_mtok", "cached": "cache_read_mtok", "mode": "speed", "price": "input_mtok"}


def _word_problem(word: str | None) -> str | None:
    """What is wrong with an entry's tier or speed, if anything: empty, spaces around it, or a misspelling of a
    word the providers use (``_WORDS``; a word far from all of them is a tier of the user's own)."""
    if word is None:
        return None
    if not word:
        return "names none (leave the key out for every call)"
    if word != word.strip():
        return "has spaces around it"
    if word.casefold() in _WORDS:
        return None
    near = difflib.get_close_matches(word.casefold(), sorted(_WORDS), n=1, cutoff=0.75)
    return f"is no tier or speed the providers name; did you mean {near[0]!r}?" if near else None


def _unknown_key(key: str) -> str:
    """Why ``key`` is refused, with the key it most likely meant: a provider's word for one ('cache_creation',
    'cached_input'), else one it is part of or that is part of it ('tier', 'input', 'speed_mode'), else the
    closest spelling, else every key a table takes."""
    worded = sorted(meant for word, meant in _KEY_WORDS.items() if word in key.split("_"))
    contained = sorted((known for known in _BOOK_KEYS if key in known or known in key), key=lambda k: (len(k), k))
    near = worded or contained[:1] or difflib.get_close_matches(key, sorted(_BOOK_KEYS), n=1, cutoff=0.6)
    if near:
        return f"unknown key {key!r}; did you mean {near[0]!r}?"
    takes = ", ".join(["model", "provider", "service_tier", "speed", *sorted(_PRICE_KEYS), "note"])
    return f"unknown key {key!r}; a [[model]] table takes {takes}"


def load_price_book(path: Path) -> list[BookEntry]:
    """Read a TOML price book: ``[[model]]`` tables with provider, model (glob), an optional service tier and
    speed, and ``*_mtok`` prices."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read price book: {exc}") from exc
    for key in sorted(set(data) - _TOP_KEYS - _NOTE_KEYS):  # a misspelt [[model]] would leave every entry unread
        near = difflib.get_close_matches(key, sorted(_TOP_KEYS), n=1, cutoff=0.6)
        hint = f"did you mean {near[0]!r}?" if near else "a price book takes 'version', [[model]] tables and 'note'"
        raise ConfigError(f"{path}: unknown key {key!r}; {hint}")
    models = data.get("model", [])
    if not isinstance(models, list) or not all(isinstance(entry, dict) for entry in models):
        raise ConfigError(f"{path}: 'model' must be an array of tables: [[model]] provider, model, *_mtok prices")
    return [_price_entry(path, index, entry, str(data.get("version", ""))) for index, entry in enumerate(models)]


def _price_entry(path: Path, index: int, entry: dict[str, Any], version: str) -> BookEntry:
    where = f"{path}: [[model]] #{index + 1}"
    for key in sorted(set(entry) - _BOOK_KEYS - _NOTE_KEYS):  # a key not read would price calls it was not meant to
        raise ConfigError(f"{where}: {_unknown_key(key)}")
    if not {"model", "input_mtok", "output_mtok"} <= set(entry):  # one left out would make its tokens free
        raise ConfigError(
            f"{where}: needs 'model', 'input_mtok' and 'output_mtok' (0 for tokens the model does not bill, "
            "such as an embedding model's output)"
        )
    if not all(isinstance(entry.get(key, "*"), str) for key in ("model", "provider", "service_tier", "speed")):
        raise ConfigError(f"{where}: 'model', 'provider', 'service_tier' and 'speed' must be strings")
    for key in ("service_tier", "speed"):
        problem = _word_problem(entry.get(key))
        if problem:
            raise ConfigError(f"{where}: {key} {entry[key]!r} {problem}")
    prices = {k: entry.get(f"{k}_mtok") for k in ("input", "output", "cache_read", "cache_write")}
    for key, value in prices.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise ConfigError(f"{where}: {key}_mtok must be a number, got {value!r}")
    try:
        rates = _rates(prices)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: prices must be numbers: {exc}") from exc
    values = [rates.input, rates.output, rates.cache_read, rates.cache_write]
    if not all(v is None or (math.isfinite(v) and v >= 0) for v in values):
        raise ConfigError(f"{where}: prices must be finite and not negative")
    price = Price(base=rates, source=f"price-book:{path.name}", version=version)
    provider = str(entry.get("provider", "*"))
    return BookEntry(provider, entry["model"], price, entry.get("service_tier"), entry.get("speed"))
