"""The report in a real browser: headless Chromium opens the file, every chart drew, nothing was fetched.

Skipped only where no ``chromium`` is installed locally; in CI (``CI`` or ``HARNESS_REQUIRE_BROWSER`` set, as
``.ci/run`` does after installing Debian's ``chromium``) a missing browser fails the test. The full-page
screenshot is written under the test's temporary folder, and copied to ``HARNESS_ARTEFACTS`` when that is set.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from harness import report
from tests.harness import _browser, _report_lake
from tests.scoring._lake import WINDOW

# Per chart: its size, and its data marks (Vega's role-mark groups) that have a box of their own.
_CHARTS = """JSON.stringify([...document.querySelectorAll('[data-chart]')].map(chart => {
  const svg = chart.querySelector('svg');
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  const marks = svg ? [...svg.querySelectorAll('g.role-mark > *')].filter(m => {
    const b = m.getBBox(); return b.width > 0 || b.height > 0;
  }).length : 0;
  return {id: chart.dataset.chart, width: box.width, height: box.height, marks: marks};
}))"""


def _required() -> bool:
    return any(os.environ.get(name) for name in ("CI", "HARNESS_REQUIRE_BROWSER"))


@pytest.fixture(scope="module")
def chromium() -> str:
    found = _browser.executable()
    if found is None:
        if _required():
            pytest.fail("chromium is not installed, and CI requires the browser test (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it and runs this test")
    return found


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    home = root / ".harness"
    _report_lake.write_report_lake(home)
    return report.write(report.Options(home=home, **WINDOW), root / "report.html").path


def _keep(screenshot: Path) -> None:
    folder = os.environ.get("HARNESS_ARTEFACTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, Path(folder) / screenshot.name)


def test_every_chart_draws_and_nothing_is_fetched(chromium: str, report_file: Path, tmp_path: Path) -> None:
    url = report_file.resolve().as_uri()
    with _browser.chromium(chromium) as page:
        page.open(url)
        drawn = json.loads(page.evaluate(_CHARTS))
        scripts = page.evaluate("document.scripts.length")
        empty = page.evaluate("[...document.querySelectorAll('[data-empty]')].map(e => e.textContent.trim())")
        screenshot = page.screenshot(tmp_path / "report.png")
        requested = page.requested()
    _keep(screenshot)
    assert requested == [url]  # the file itself, nothing else: no font, style, image or script from anywhere
    assert scripts == 0
    assert len(drawn) == report_file.read_text(encoding="utf-8").count("data-chart=") >= 10
    for chart in drawn:
        assert chart["width"] > 100 and chart["height"] > 50 and chart["marks"] > 0, chart
    assert empty and all(empty)  # sections without data say why in words
    assert screenshot.stat().st_size > 50_000  # a page of charts, not a blank one


def test_a_page_that_fetches_is_caught(chromium: str, tmp_path: Path) -> None:
    """The check above can fail: a page asking for a remote image is recorded (and refused by the proxy)."""
    page_file = tmp_path / "fetches.html"
    page_file.write_text('<!doctype html><img src="http://example.invalid/x.png">', encoding="utf-8")
    with _browser.chromium(chromium) as page:
        page.open(page_file.resolve().as_uri())
        requested = page.requested()
    assert "http://example.invalid/x.png" in requested
