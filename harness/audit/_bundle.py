"""Generate the evidence pack for one system and period from telemetry alone, and record its delivery.

The sections are read in one scoring session (the lake synced once, each view built once), written as
``data/<section>.json``, rendered into ``bundle.md`` and ``bundle.html``, and sealed by ``manifest.json``.
Delivering it is itself a fact: the audit request it answers is recorded as fulfilled (with the manifest's
SHA-256), so the scorecard's audit-evidence response time measures the bundle.
"""

from __future__ import annotations

import importlib.metadata
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import scoring
from harness.audit import _manifest, _render
from harness.audit._sections import SPECS, Row, Section, plain, queried, sql, with_statistics
from harness.facts import AuditRequest, record
from instrumentation.errors import HarnessError
from scoring.errors import WrongKindError


class AuditError(HarnessError):
    """A bundle cannot be made as asked (the folder is in use, the request is not recorded ...)."""


@dataclass(frozen=True, slots=True)
class Bundle:
    """A written bundle: where it is, the request it fulfilled, and how many rows each section holds."""

    folder: Path
    manifest: Path
    manifest_sha256: str
    request_id: str
    counts: dict[str, int]


def _empty_folder(out: Path) -> Path:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise AuditError(f"{out} exists and is not an empty folder: give a new folder for the bundle")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _read(home: str | Path | None, scope: scoring.Scope, systems_file: str | Path | None) -> dict[str, list[Row]]:
    wanted = {**queried(), "requests": sql("requests")}
    frames = scoring.queries(wanted, home, scope, systems_file=systems_file)
    return {
        key: [{k: plain(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]
        for key, frame in frames.items()
    }


def _sections(rows: dict[str, list[Row]]) -> list[Section]:
    rows["gates"], rows["slices"] = with_statistics(rows["gates"])
    return [Section(spec, rows[spec.key]) for spec in SPECS]


def _requested_at(request_id: str | None, recorded: list[Row], started: datetime) -> datetime:
    if request_id is None:
        return started
    found = [row for row in recorded if row["request_id"] == request_id]
    if not found:
        raise AuditError(
            f"no audit request {request_id} is recorded: record it first (harness audit record --id {request_id} "
            "--requested-at T), or leave --request out to record one that starts now"
        )
    return scoring.parse_time(str(found[0]["requested_at"]), "requested_at") or started


def _write_data(folder: Path, sections: list[Section]) -> None:
    data = folder / "data"
    data.mkdir()
    for section in sections:
        payload = {"section": section.spec.key, "title": section.spec.title, "rows": section.rows}
        text = json.dumps(payload, indent=1, sort_keys=True, default=str)
        (data / f"{section.spec.key}.json").write_text(text + "\n", encoding="utf-8")


def _facts(about: dict[str, Any], rows: dict[str, list[Row]]) -> list[tuple[str, str]]:
    owners = ", ".join(f"{r['system']}: {r['owner'] or '—'} (on call: {r['on_call'] or '—'})" for r in rows["systems"])
    return [
        ("system", about["system"]),
        ("period", f"{about['since']} to {about['until']} (end exclusive)"),
        ("owners", owners or "—"),
        ("generated", f"{about['generated_at']} by {about['generator']}"),
        ("audit request", about["request_id"]),
        ("source", "the telemetry lake only, read through the scoring views (docs/governance.md)"),
        ("verify", "harness audit verify <this folder> checks every file against manifest.json"),
    ]


def _version() -> str:
    try:
        return f"harness {importlib.metadata.version('llm-harness')}"
    except importlib.metadata.PackageNotFoundError:
        return "harness (not installed)"


def bundle(
    system: str,
    since: datetime | str,
    until: datetime | str,
    out: str | Path,
    *,
    home: str | Path | None = None,
    kind: str | None = None,
    request: str | None = None,
    systems_file: str | Path | None = None,
    record_fulfilment: bool = True,
) -> Bundle:
    """Write the evidence pack of ``system`` for ``[since, until)`` into the new or empty folder ``out``.

    ``kind`` (``llm`` or ``classical``) defaults to the system's own kind, as the lake or the systems
    catalogue gives it; a kind given that is not the system's is an error.

    ``request`` names the recorded audit request this answers (its ``requested_at`` is kept); without it a
    request starting now is recorded. Either way it is recorded as fulfilled when the bundle is sealed,
    unless ``record_fulfilment`` is false.
    """
    started = datetime.now(UTC)
    scope = scoring.Scope.of(since, until, kind=kind or "llm", system=system)
    try:
        rows = _read(home, scope, systems_file)
    except WrongKindError as exc:
        if kind is not None:
            raise
        scope = scoring.Scope.of(since, until, kind=exc.kind, system=system)
        rows = _read(home, scope, systems_file)
    requested_at = _requested_at(request, rows.pop("requests"), started)
    folder = _empty_folder(Path(out))
    sections = _sections(rows)
    request_id = request or f"audit-{uuid.uuid4().hex[:12]}"
    about = {
        "system": system,
        "kind": scope.kind,
        "since": plain(scope.since),
        "until": plain(scope.until),
        "generated_at": plain(datetime.now(UTC)),
        "generator": _version(),
        "request_id": request_id,
        "counts": {s.spec.key: len(s.rows) for s in sections},
    }
    _write_data(folder, sections)
    title = f"Audit evidence: {system}, {about['since']} to {about['until']}"
    facts = _facts(about, rows)
    (folder / "bundle.md").write_text(_render.markdown(title, facts, sections), encoding="utf-8")
    (folder / "bundle.html").write_text(_render.html_page(title, facts, sections), encoding="utf-8")
    manifest = _manifest.write(folder, about)
    digest = _manifest.sha256(manifest)
    if record_fulfilment:
        fulfilled = AuditRequest(request_id, requested_at, datetime.now(UTC), system, bundle_sha256=digest)
        record(fulfilled, home=home)
    return Bundle(folder, manifest, digest, request_id, dict(about["counts"]))


def verify(folder: str | Path) -> list[str]:
    """What differs from the bundle's manifest (each changed, missing or unlisted file); empty when intact."""
    return _manifest.verify(folder)
