"""configure(): settings precedence, joining an app's own TracerProvider, and the leaf import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import instrumentation
from instrumentation import ConfigError, feature, load_settings, semconv


def test_import_instrumentation_pulls_in_no_heavy_or_provider_module() -> None:
    code = (
        "import sys, instrumentation\n"
        "heavy = ['duckdb', 'polars', 'pyarrow', 'openai', 'anthropic', 'genai_prices']\n"
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_settings_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.harness]\nservice_name = "from-pyproject"\nhome = "pp-home"\ncapture_content = true\nqueue_size = 7\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HARNESS_HOME", raising=False)
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    settings = load_settings()
    assert (settings.service_name, settings.home, settings.capture_content, settings.queue_size) == (
        "from-pyproject",
        Path("pp-home"),
        True,
        7,
    )
    monkeypatch.setenv("HARNESS_HOME", "env-home")
    monkeypatch.setenv("HARNESS_CAPTURE_CONTENT", "false")
    assert load_settings().home == Path("env-home")
    assert load_settings().capture_content is False
    assert load_settings({"home": "arg-home"}).home == Path("arg-home")
    assert load_settings().exporters == ("lake",)  # default


def test_bad_settings_name_their_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARNESS_QUEUE_SIZE", "many")
    with pytest.raises(ConfigError, match="HARNESS_QUEUE_SIZE"):
        load_settings()
    monkeypatch.delenv("HARNESS_QUEUE_SIZE")
    monkeypatch.setenv("HARNESS_EXPORTERS", "lake,carrier-pigeon")
    with pytest.raises(ConfigError, match="carrier-pigeon"):
        load_settings()


def test_configure_adds_to_the_apps_own_tracer_provider(tmp_path: Path) -> None:
    app_spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(app_spans))
    telemetry = instrumentation.configure("t", home=tmp_path, tracer_provider=provider, set_global=False)
    with feature("f"), provider.get_tracer("app").start_as_current_span("app-span"):
        pass
    telemetry.shutdown()
    (span,) = app_spans.get_finished_spans()
    assert span.attributes[semconv.HARNESS_FEATURE] == "f"  # our processor joined the app's provider
    assert list((tmp_path / "lake" / "otel_traces").rglob("part-*.parquet"))  # and our lake got the app's span
    with provider.get_tracer("app").start_as_current_span("after-our-shutdown"):
        pass
    assert len(app_spans.get_finished_spans()) == 2  # the app's provider keeps running
