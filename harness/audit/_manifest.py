"""The bundle's manifest: the SHA-256 of every file in it, and the check that nothing changed since."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
_CHUNK = 1 << 20


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _listed(folder: Path) -> list[str]:
    """Every file under ``folder`` but the manifest, as POSIX paths relative to it, sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


def write(folder: Path, about: dict[str, Any]) -> Path:
    """Write ``manifest.json`` listing every other file's SHA-256, with ``about`` (what the bundle is of)."""
    files = {name: sha256(folder / name) for name in _listed(folder)}
    path = folder / MANIFEST
    text = json.dumps({"algorithm": "sha256", "bundle": about, "files": files}, indent=2, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def verify(folder: str | Path) -> list[str]:
    """What differs from the manifest: each changed, missing or unlisted file, named. Empty when intact."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        return [f"{path}: no manifest (not an audit bundle, or the manifest was removed)"]
    try:
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
        if not isinstance(files, dict):
            raise TypeError("files is not a mapping")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"{path}: unreadable manifest ({exc})"]
    problems = []
    for name, expected in sorted(files.items()):
        target = folder / name
        if not target.is_file():
            problems.append(f"missing: {name}")
        elif sha256(target) != expected:
            problems.append(f"changed: {name} (sha256 {sha256(target)}, manifest {expected})")
    problems += [f"not in the manifest: {name}" for name in _listed(folder) if name not in files]
    return problems
