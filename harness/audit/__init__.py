"""Audit-ready evidence: ``bundle()`` writes the evidence pack of a system and period from telemetry alone
(Markdown, HTML, one JSON file per section, and a SHA-256 manifest); ``verify()`` checks a pack is intact.

    from harness import audit
    made = audit.bundle("support-desk", "2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z", "evidence/q1")
    assert audit.verify(made.folder) == []
"""

from harness.audit._bundle import AuditError, Bundle, bundle, verify
from harness.audit._manifest import MANIFEST

__all__ = ["MANIFEST", "AuditError", "Bundle", "bundle", "verify"]
