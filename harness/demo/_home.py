"""The demo's home: what it writes there, and clearing it on a rerun without touching anyone else's data.

A demo home carries a marker file. A rerun in a home with the marker removes only what the demo
wrote (lake, eval runs, reports, catalogue, price book, scoring cache); a home that holds telemetry
without the marker is someone's real data, and the demo refuses to write into it.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness.app import TRIAGE_SYSTEM
from instrumentation.errors import HarnessError
from scoring import SYSTEMS_FILE

MARKER = ".harness-demo"
SYSTEM = "support-desk"
_OWNED = ("lake", "evals", "reports", SYSTEMS_FILE, "prices.toml", "harness.duckdb", "harness.duckdb.wal")

_CATALOGUE = f"""\
# The systems catalogue (written by `harness demo`): what telemetry cannot show about each AI system.
systems:
  - name: {SYSTEM}
    kind: llm
    owner: support-platform-team
    on-call: support-desk-primary
  - name: {TRIAGE_SYSTEM}
    kind: classical
    owner: support-platform-team
    on-call: support-desk-primary
"""

# The judge runs on the local model server: priced at zero so its calls carry a cost like every other call.
_PRICES = """\
[[model]]
provider = "openai"
model = "judge-*"
input_mtok = 0.0
output_mtok = 0.0
"""


class DemoHomeError(HarnessError):
    """The home holds data the demo did not write."""


@dataclass(frozen=True, slots=True)
class DemoHome:
    root: Path

    @property
    def lake(self) -> Path:
        return self.root / "lake"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def catalogue(self) -> Path:
        return self.root / SYSTEMS_FILE

    @property
    def price_book(self) -> Path:
        return self.root / "prices.toml"


def prepare(root: Path) -> DemoHome:
    """Clear a previous demo's outputs (or refuse a home with foreign data), then mark the home as the demo's."""
    home = DemoHome(root)
    marker = root / MARKER
    if marker.is_file():
        _clear(root)
    else:
        foreign = [name for name in ("lake", "evals") if (root / name).exists()]
        if foreign:
            raise DemoHomeError(
                f"{root} already holds {' and '.join(foreign)} that `harness demo` did not write; "
                "run it in an empty folder instead: harness demo --home /tmp/harness-demo"
            )
    root.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"written_by": "harness demo", "at": datetime.now(UTC).isoformat()}) + "\n")
    home.reports.mkdir(exist_ok=True)
    home.catalogue.write_text(_CATALOGUE, encoding="utf-8")
    home.price_book.write_text(_PRICES, encoding="utf-8")
    return home


def _clear(root: Path) -> None:
    for name in _OWNED:
        path = root / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
