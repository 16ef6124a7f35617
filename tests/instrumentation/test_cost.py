"""Cost: hand-worked figures, each token priced in exactly one bucket, user price books."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from genai_prices.types import StartDateConstraint, TimeOfDateConstraint

from instrumentation import ConfigError, Price, PriceBook, Rates, compute_cost
from instrumentation._cost import load_price_book


def test_openai_cached_and_reasoning_tokens_match_hand_figures() -> None:
    # gpt-4o: $2.50 input, $1.25 cached input, $10 output per million tokens.
    # 1000 input of which 400 cached; 200 output of which 50 reasoning (reasoning is output, priced once).
    # 600 * 2.5e-6 + 400 * 1.25e-6 + 200 * 10e-6 = 0.0015 + 0.0005 + 0.002 = 0.004
    price = PriceBook().lookup("openai", "gpt-4o")
    assert price is not None
    cost = compute_cost(price, input_tokens=1000, output_tokens=200, cache_read_tokens=400)
    assert cost == pytest.approx(0.004, rel=1e-12)


def test_anthropic_cache_read_and_write_match_hand_figures() -> None:
    # claude-sonnet-4-5: $3 input, $0.30 cache read, $3.75 cache write, $15 output per million.
    # Gross input 1000 = 200 uncached + 600 read + 200 written; 100 output.
    # 200 * 3e-6 + 600 * 0.3e-6 + 200 * 3.75e-6 + 100 * 15e-6 = 0.0006 + 0.00018 + 0.00075 + 0.0015 = 0.00303
    price = PriceBook().lookup("anthropic", "claude-sonnet-4-5")
    assert price is not None
    cost = compute_cost(price, input_tokens=1000, output_tokens=100, cache_read_tokens=600, cache_write_tokens=200)
    assert cost == pytest.approx(0.00303, rel=1e-12)


def test_long_context_tier_prices_all_tokens_at_the_tier_rate() -> None:
    # Above 200k input tokens claude-sonnet-4-5 charges $6 input and $22.50 output for every token.
    price = PriceBook().lookup("anthropic", "claude-sonnet-4-5")
    assert price is not None
    cost = compute_cost(price, input_tokens=250_000, output_tokens=1_000)
    assert cost == pytest.approx(250_000 * 6e-6 + 1_000 * 22.5e-6, rel=1e-12)


def test_unknown_model_has_no_price() -> None:
    assert PriceBook().lookup("openai", "no-such-model-xyz") is None


def test_cache_rate_falls_back_to_input_rate_and_never_goes_negative() -> None:
    price = Price(base=Rates(input=1e-6, output=2e-6))
    assert compute_cost(price, input_tokens=100, output_tokens=0, cache_read_tokens=40) == pytest.approx(100e-6)
    # inconsistent usage (more cached than total) never yields a negative uncached bucket
    assert compute_cost(price, input_tokens=10, output_tokens=0, cache_read_tokens=40) >= 0


@pytest.mark.parametrize("cached", [0, 1, 333, 999])
def test_cost_is_sum_of_disjoint_buckets(cached: int) -> None:
    price = Price(base=Rates(input=3e-6, output=15e-6, cache_read=0.3e-6, cache_write=3.75e-6))
    whole = compute_cost(price, input_tokens=1000, output_tokens=10, cache_read_tokens=cached)
    parts = (1000 - cached) * 3e-6 + cached * 0.3e-6 + 10 * 15e-6
    assert whole == pytest.approx(parts, rel=1e-12)


def test_price_book_overrides_and_adds_models(tmp_path: Path) -> None:
    book = tmp_path / "prices.toml"
    book.write_text(
        'version = "2026-11"\n'
        '[[model]]\nprovider = "openai"\nmodel = "ft:gpt-4o-mini:acme:*"\ninput_mtok = 0.3\noutput_mtok = 1.2\n'
        '[[model]]\nprovider = "openai"\nmodel = "gpt-4o"\ninput_mtok = 2.0\noutput_mtok = 8.0\ncache_read_mtok = 1.0\n'
    )
    prices = PriceBook.from_file(book)
    tuned = prices.lookup("openai", "ft:gpt-4o-mini:acme:v3")
    assert tuned is not None and tuned.source == "price-book:prices.toml" and tuned.version == "2026-11"
    assert compute_cost(tuned, input_tokens=1_000_000, output_tokens=0) == pytest.approx(0.3)
    negotiated = prices.lookup("openai", "gpt-4o")
    assert negotiated is not None
    assert compute_cost(negotiated, input_tokens=1000, output_tokens=0, cache_read_tokens=500) == pytest.approx(0.0015)


def test_a_price_book_entry_can_price_one_service_tier(tmp_path: Path) -> None:
    book = tmp_path / "prices.toml"
    book.write_text(
        '[[model]]\nprovider = "openai"\nmodel = "gpt-5*"\nservice_tier = "flex"\ninput_mtok = 0.5\noutput_mtok = 4\n'
        '[[model]]\nprovider = "openai"\nmodel = "gpt-5*"\ninput_mtok = 1.0\noutput_mtok = 8\n'
        '[[model]]\nmodel = "claude-opus-4-8"\nspeed = "fast"\ninput_mtok = 9\noutput_mtok = 45\n'
    )
    prices = PriceBook.from_file(book)
    for tier, rate in (("flex", 0.5e-6), ("priority", 1e-6), (None, 1e-6)):
        price = prices.lookup("openai", "gpt-5-mini", service_tier=tier)
        assert price is not None and price.base.input == pytest.approx(rate), tier
    fast, standard = (prices.lookup("anthropic", "claude-opus-4-8", speed=speed) for speed in ("fast", None))
    assert fast is not None and fast.base.input == pytest.approx(9e-6) and fast.source == "price-book:prices.toml"
    assert standard is not None and standard.source == "genai-prices"


@pytest.mark.parametrize(
    ("line", "refused"),
    [
        ('servce_tier = "flex"', "unknown key 'servce_tier'; did you mean 'service_tier'?"),  # every tier at flex
        ("input_mtk = 0.4", "unknown key 'input_mtk'; did you mean 'input_mtok'?"),  # input would cost nothing
        ("reasoning_mtok = 2", "unknown key 'reasoning_mtok'; a [[model]] table takes model, provider,"),
        ('service_tier = ""', "service_tier '' names none (leave the key out for every call)"),
        # not close enough to a key for difflib, each still a price or a condition the user meant to set
        ('tier = "flex"', "unknown key 'tier'; did you mean 'service_tier'?"),  # would price every tier
        ("input = 0.6", "unknown key 'input'; did you mean 'input_mtok'?"),  # input would cost nothing
        ("cache_read = 0.1", "unknown key 'cache_read'; did you mean 'cache_read_mtok'?"),
        ('speed_mode = "fast"', "unknown key 'speed_mode'; did you mean 'speed'?"),
        ('processing = "batch"', "unknown key 'processing'; a [[model]] table takes model, provider,"),
        ('mode = "fast"', "unknown key 'mode'; did you mean 'speed'?"),
        ("cache_creation_mtok = 3.75", "unknown key 'cache_creation_mtok'; did you mean 'cache_write_mtok'?"),
        ("cached_input_mtok = 0.1", "unknown key 'cached_input_mtok'; did you mean 'cache_read_mtok'?"),
        ("input_cached_mtok = 0.1", "unknown key 'input_cached_mtok'; did you mean 'cache_read_mtok'?"),
        ('comment = "negotiated"', "unknown key 'comment'; a [[model]] table takes"),  # a note goes in `note`
        ('notes = "negotiated 2026-09"', None),  # a note of one's own is no price: kept working
        ('note = "negotiated 2026-09"', None),
    ],
)
def test_a_misspelt_price_book_key_is_refused_and_a_note_is_not(tmp_path: Path, line: str, refused: str | None) -> None:
    book = tmp_path / "typo.toml"
    book.write_text(f'[[model]]\nmodel = "gpt-5"\ninput_mtok = 1\noutput_mtok = 4\n{line}\n')
    if refused is None:
        assert [entry.model for entry in load_price_book(book)] == ["gpt-5"]
        return
    with pytest.raises(ConfigError, match=r"typo.toml: \[\[model\]\] #1: ") as caught:
        load_price_book(book)
    assert refused in str(caught.value)


def test_broken_price_book_names_the_file_and_entry(tmp_path: Path) -> None:
    book = tmp_path / "bad.toml"
    book.write_text('[[model]]\nprovider = "openai"\n')
    with pytest.raises(ConfigError, match=r"bad.toml: \[\[model\]\] #1"):
        load_price_book(book)


def _instants(info: Any) -> list[datetime]:
    """Both sides of every change of a genai-prices price (its conditional prices and its price variants): each
    start date's midnight, and each time of day's edge on a day before the first start date and on a day after
    the last."""
    constraints = [c.constraint for c in info.prices] if isinstance(info.prices, list) else []
    constraints += [v.constraint for v in info.price_variants or ()]
    starts = sorted({c.start_date for c in constraints if isinstance(c, StartDateConstraint)})
    days = [date(2024, 1, 2), *starts, *(starts[-1:] and [starts[-1] + timedelta(days=40)])]
    edges = [time(12)] + [
        t for c in constraints if isinstance(c, TimeOfDateConstraint) for t in (c.start_time, c.end_time)
    ]  # fmt: skip
    moments = [datetime.combine(day, edge.replace(tzinfo=edge.tzinfo or UTC)) for day in days for edge in edges]
    return [at + delta for at in moments for delta in (timedelta(0), timedelta(seconds=-1))]


def _conditional_models() -> list[tuple[str, Any]]:
    """(provider id, model) of every genai-prices model with conditional prices that its own id finds."""
    return _models_found_by_their_id(lambda model: isinstance(model.prices, list))


def _tiered_models() -> list[tuple[str, Any]]:
    """(provider id, model) of every genai-prices model with a price for a service tier that its own id finds."""
    return _models_found_by_their_id(lambda model: bool(_variants(model, "service_tier")))


def _fast_models() -> list[tuple[str, Any]]:
    """(provider id, model) of every genai-prices model with a price for a speed mode that its own id finds."""
    return _models_found_by_their_id(lambda model: bool(_variants(model, "speed")))


def _variants(info: Any, key: str) -> list[str]:
    """The values of ``key`` the model has a price variant of its own for (one that names only that key)."""
    return sorted({v.when[key] for v in info.price_variants or () if set(v.when) == {key}})


def _models_found_by_their_id(wanted: Any) -> list[tuple[str, Any]]:
    from genai_prices import data_snapshot

    snapshot = data_snapshot.get_snapshot()
    found = []
    for provider in snapshot.providers:
        for model in provider.models:
            if not wanted(model):
                continue
            try:
                _, resolved = snapshot.find_provider_model(model.id, None, provider.id, None)
            except LookupError:
                continue
            if resolved is model:
                found.append((provider.id, model))
    assert len(found) >= 5  # the data set has several to hundreds: a rename in genai-prices must not empty a test
    return found


def test_a_price_that_changes_over_time_is_the_one_genai_prices_gives_at_the_call() -> None:
    """Every model whose genai-prices price changes at a date or an hour of the day is priced, on both sides of
    each change, at what genai-prices itself charges then (a call below and one above a long-context tier)."""
    book = PriceBook()
    checked = sum(_check(book, provider_id, info, None) for provider_id, info in _conditional_models())
    assert checked > 1_000


def _check(book: PriceBook, provider_id: str, info: Any, tier: str | None, speed: str | None = None) -> int:
    """How many costs of the model at that service tier and speed, at every instant of _instants and below and
    above a long-context tier, equal what genai-prices charges (it fails on the first that does not)."""
    from genai_prices import Usage, types

    checked = 0
    context = {k: v for k, v in (("service_tier", tier), ("speed", speed)) if v is not None} or None
    for at in _instants(info):
        reference = info.get_prices(at, context)
        text = {k: getattr(reference, f"{k}_mtok", None) for k in ("input", "output", "cache_read", "cache_write")}
        price = book.lookup(provider_id, info.id, at, tier, speed)
        if text["input"] is None and text["output"] is None:
            assert price is None, (provider_id, info.id, at, tier)
            continue
        assert price is not None, (provider_id, info.id, at, tier)
        for tokens, cached in ((1_000, 200), (300_000, 40_000)):
            usage = Usage(input_tokens=tokens, cache_read_tokens=cached, output_tokens=2_000)
            expected = types.ModelPrice(**{f"{k}_mtok": v for k, v in text.items()}).calc_price(usage)
            got = compute_cost(price, input_tokens=tokens, output_tokens=2_000, cache_read_tokens=cached)
            assert got == pytest.approx(float(expected["total_price"]), rel=1e-12), (provider_id, info.id, at, tier)
            checked += 1
    return checked


def test_a_call_at_a_service_tier_is_priced_as_genai_prices_prices_that_tier() -> None:
    """Every model with a price of its own for a service tier (OpenAI's flex and priority, Google's), at each of
    its tiers and one it does not know, on both sides of every change, costs what genai-prices charges."""
    book = PriceBook()
    checked = sum(
        _check(book, provider_id, info, tier)
        for provider_id, info in _tiered_models()
        for tier in [*_variants(info, "service_tier"), "scale", None]
    )
    assert checked > 1_000


def test_a_fast_mode_call_is_priced_as_genai_prices_prices_fast_mode() -> None:
    """Every model with a price of its own for a speed mode (Anthropic's fast mode), at each speed and none."""
    book = PriceBook()
    fast = _fast_models()
    checked = sum(
        _check(book, provider_id, info, None, speed)
        for provider_id, info in fast
        for speed in [*_variants(info, "speed"), "standard", None]
    )
    assert checked >= 6 * len(fast)
    price = book.lookup("anthropic", "claude-opus-4-8", speed="fast")
    standard = book.lookup("anthropic", "claude-opus-4-8")
    assert price is not None and standard is not None and price.base.input == pytest.approx(2 * standard.base.input)


def test_flex_costs_half_and_priority_twice_from_the_day_genai_prices_prices_them() -> None:
    # gpt-5: $1.25 / $10 per million; flex $0.625 / $5 and priority $2.50 / $20 from 2026-10-12 (genai-prices)
    book = PriceBook()
    after = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)

    def cost(tier: str | None, at: datetime = after, provider: str = "openai") -> float:
        price = book.lookup(provider, "gpt-5", at, tier)
        assert price is not None
        return compute_cost(price, input_tokens=1_000_000, output_tokens=100_000)

    assert cost(None) == pytest.approx(1.25 + 1.0)
    assert cost("default") == cost("scale") == cost("auto") == cost(None)
    assert cost("flex") == pytest.approx(0.625 + 0.5)
    assert cost("priority") == pytest.approx(2.5 + 2.0)
    assert cost("flex", datetime(2026, 10, 11, 23, 59, 59, tzinfo=UTC)) == cost(None)
    # Azure's gpt-5 is OpenAI's entry, which genai-prices prices without the tier
    assert cost("flex", provider="azure.ai.openai") == cost(None, provider="azure.ai.openai")


def test_off_peak_hours_and_a_new_price_apply_by_the_time_of_the_call_not_of_the_lookup() -> None:
    # deepseek-chat: $0.27 / $1.10 per million from 00:30 to 16:30 UTC, half that the rest of the day
    book = PriceBook()
    peak = book.lookup("deepseek", "deepseek-chat", datetime(2026, 3, 14, 10, 0, tzinfo=UTC))
    off_peak = book.lookup("deepseek", "deepseek-chat", datetime(2026, 3, 14, 20, 0, tzinfo=UTC))
    assert peak is not None and off_peak is not None
    assert compute_cost(peak, input_tokens=1_000_000, output_tokens=0) == pytest.approx(0.27)
    assert compute_cost(off_peak, input_tokens=1_000_000, output_tokens=0) == pytest.approx(0.135)
    # claude-sonnet-4-6: a long-context tier until 2026-03-13, one flat price from that day on
    before = book.lookup("anthropic", "claude-sonnet-4-6", datetime(2026, 3, 12, 23, 59, 59, tzinfo=UTC))
    after = book.lookup("anthropic", "claude-sonnet-4-6", datetime(2026, 3, 13, tzinfo=UTC))
    assert before is not None and after is not None
    assert compute_cost(before, input_tokens=300_000, output_tokens=0) == pytest.approx(300_000 * 6e-6)
    assert compute_cost(after, input_tokens=300_000, output_tokens=0) == pytest.approx(300_000 * 3e-6)
    schedule = book.schedule("deepseek", "deepseek-chat")
    assert schedule is not None
    assert [(p.day_from, p.day_until) for p, _ in schedule.periods] == [(0, 1800), (1800, 59400), (59400, 86400)]


def test_a_price_book_built_in_code_takes_provider_model_price_triples_as_before_tiers() -> None:
    """``PriceBook([(provider, model, price)])``, the public constructor's shape before tiers and speed: still an
    entry for every tier and speed (before, the lookup failed inside and the call got no cost)."""
    price = Price(base=Rates(input=1e-6, output=2e-6), source="mine")
    book = PriceBook([("openai", "my-model", price)])
    for tier, speed in ((None, None), ("flex", None), (None, "fast")):
        assert book.lookup("openai", "my-model", service_tier=tier, speed=speed) == price
    assert book.lookup("anthropic", "my-model") is None


def test_a_price_book_tier_or_speed_matches_whatever_its_case(tmp_path: Path) -> None:
    """The APIs answer `flex` and `fast`; an entry written `Flex` or `FAST` is for those calls, not for none
    (before, it silently matched nothing and the calls got genai-prices' price)."""
    book = tmp_path / "prices.toml"
    book.write_text(
        '[[model]]\nprovider = "openai"\nmodel = "gpt-5-mini"\nservice_tier = "Flex"\n'
        "input_mtok = 0.1\noutput_mtok = 1\n"
        '[[model]]\nmodel = "claude-opus-4-8"\nspeed = "FAST"\ninput_mtok = 9\noutput_mtok = 45\n'
    )
    prices = PriceBook.from_file(book)
    flex = prices.lookup("openai", "gpt-5-mini", service_tier="flex")
    assert flex is not None and flex.source == "price-book:prices.toml"
    fast = prices.lookup("anthropic", "claude-opus-4-8", speed="fast")
    assert fast is not None and fast.source == "price-book:prices.toml"
    standard = prices.lookup("openai", "gpt-5-mini")
    assert standard is not None and standard.source == "genai-prices"


@pytest.mark.parametrize(("entry", "call"), [("default", None), ("Default", "default"), ("standard", None),
                                             ("default", "standard"), ("standard", "default")])  # fmt: skip
def test_a_price_book_entry_for_the_standard_tier_prices_calls_that_name_none(
    tmp_path: Path, entry: str, call: str | None
) -> None:
    """OpenAI calls the tier a call without one is served at `default`, Anthropic `standard`: an entry written so is
    for those calls, whether they name the tier or not (before, it priced only calls answered `default`, and every
    call that named no tier, as another instrumentation's often do, silently got genai-prices' price)."""
    book = tmp_path / "prices.toml"
    book.write_text(
        f'[[model]]\nprovider = "openai"\nmodel = "gpt-5-mini"\nservice_tier = "{entry}"\n'
        "input_mtok = 0.2\noutput_mtok = 1\n"
        f'[[model]]\nmodel = "claude-opus-4-8"\nspeed = "{entry}"\ninput_mtok = 4\noutput_mtok = 20\n'
    )
    prices = PriceBook.from_file(book)
    standard = prices.lookup("openai", "gpt-5-mini", service_tier=call)
    assert standard is not None and standard.source == "price-book:prices.toml"
    assert standard.base.input == pytest.approx(0.2e-6)
    normal = prices.lookup("anthropic", "claude-opus-4-8", speed=call)
    assert normal is not None and normal.source == "price-book:prices.toml"
    for tier, speed in (("flex", None), ("priority", None)):
        other = prices.lookup("openai", "gpt-5-mini", service_tier=tier, speed=speed)
        assert other is not None and other.source == "genai-prices", tier
    fast = prices.lookup("anthropic", "claude-opus-4-8", speed="fast")
    assert fast is not None and fast.source == "genai-prices"


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        # a misspelt top-level key: before, the whole book was silently ignored and every call got genai-prices'
        ('[[models]]\nmodel = "gpt-5"\ninput_mtok = 1\noutput_mtok = 4\n',
         "unknown key 'models'; did you mean 'model'?"),
        ('verison = "2026-11"\n', "unknown key 'verison'; did you mean 'version'?"),
        # one price left out made its tokens free
        ('[[model]]\nmodel = "gpt-5"\ninput_mtok = 1\n', "needs 'model', 'input_mtok' and 'output_mtok'"),
        ('[[model]]\nmodel = "gpt-5"\noutput_mtok = 4\n', "needs 'model', 'input_mtok' and 'output_mtok'"),
        ('[[model]]\nmodel = "gpt-5"\ninput_mtok = "1.0"\noutput_mtok = 4\n', "input_mtok must be a number, got '1.0'"),
        ('[[model]]\nmodel = "gpt-5"\nservice_tier = "flx"\ninput_mtok = 1\noutput_mtok = 4\n',
         "service_tier 'flx' is no tier or speed the providers name; did you mean 'flex'?"),  # matched nothing
        ('[[model]]\nmodel = "gpt-5"\nservice_tier = "Flex "\ninput_mtok = 1\noutput_mtok = 4\n',
         "service_tier 'Flex ' has spaces around it"),
        ('[[model]]\nmodel = "gpt-5"\nspeed = "fsat"\ninput_mtok = 1\noutput_mtok = 4\n',
         "speed 'fsat' is no tier or speed the providers name; did you mean 'fast'?"),
    ],
)  # fmt: skip
def test_a_price_book_that_would_price_nothing_or_make_a_token_free_is_refused(
    tmp_path: Path, text: str, refused: str
) -> None:
    book = tmp_path / "prices.toml"
    book.write_text(text)
    with pytest.raises(ConfigError, match=r"prices.toml: ") as caught:
        load_price_book(book)
    assert refused in str(caught.value)


def test_a_price_book_provider_matches_whatever_its_case_and_a_new_tier_is_kept(tmp_path: Path) -> None:
    """`OpenAI` is how people write it, `openai` what calls record (before, such an entry silently matched
    nothing); a tier no provider names yet and no misspelling of one (`turbo`) is the user's to name."""
    book = tmp_path / "prices.toml"
    book.write_text(
        '[[model]]\nprovider = "OpenAI"\nmodel = "gpt-5-mini"\ninput_mtok = 0.1\noutput_mtok = 0.4\n'
        '[[model]]\nprovider = "openai"\nmodel = "gpt-5"\nservice_tier = "turbo"\ninput_mtok = 9\noutput_mtok = 9\n'
    )
    prices = PriceBook.from_file(book)
    found = prices.lookup("openai", "gpt-5-mini")
    assert found is not None and found.source == "price-book:prices.toml"
    turbo = prices.lookup("openai", "gpt-5", service_tier="turbo")
    assert turbo is not None and turbo.base.input == pytest.approx(9e-6)
