"""configure(): settings precedence, joining an app's own TracerProvider, and the leaf import."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
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


_RECONFIGURE = """
import json, sys
import pyarrow.parquet as pq
from opentelemetry import trace
from opentelemetry.metrics import NoOpMeter
import instrumentation

home, shut_down_first = sys.argv[1], sys.argv[2] == "shutdown"
first = instrumentation.configure("one", home=home, exporters="lake")
with trace.get_tracer("app").start_as_current_span("under-the-first"):
    pass
if shut_down_first:
    first.shutdown()
second = instrumentation.configure("two", home=home, exporters="lake")
with trace.get_tracer("app").start_as_current_span("under-the-second"):
    pass
flushed = second.flush()
second.shutdown()
lake = home + "/lake"
spans = pq.ParquetDataset(lake + "/otel_traces").read().column("SpanName").to_pylist()
try:
    dropped = sum(pq.ParquetDataset(lake + "/export_health").read().column("Dropped").to_pylist())
except (FileNotFoundError, OSError, ValueError):
    dropped = 0
print(json.dumps({"spans": sorted(spans), "dropped": dropped, "flushed": flushed,
                  "live_meter": not isinstance(second.meter, NoOpMeter)}))
"""


@pytest.mark.parametrize("between", ["shutdown", "nothing"])
def test_configure_again_replaces_the_configuration_in_the_same_global_providers(tmp_path: Path, between: str) -> None:
    """configure() twice in one process (a notebook, a test session): each span reaches the lake once, no
    span is counted dropped by the configuration that was replaced, and the second one's meters are live,
    not those of a meter provider the first one shut down."""
    code = textwrap.dedent(_RECONFIGURE)
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path), between], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {
        "spans": ["under-the-first", "under-the-second"],
        "dropped": 0,
        "flushed": True,
        "live_meter": True,
    }, done.stderr
