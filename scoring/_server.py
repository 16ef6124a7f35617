"""A ClickHouse server for the ClickHouse engine (``--dsn``): the DSN checked before anything connects, then
clickhouse-connect (HTTP, or its chdb:// transport) in a scratch database dropped on close."""

from __future__ import annotations

import logging
import os
import re
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa

from scoring._dialect import MATERIALIZED_CTE
from scoring.errors import ScoringError

PASSWORD_VARIABLE = "HARNESS_CLICKHOUSE_PASSWORD"  # the server's password, when the DSN names none
DSN_SCHEMES = ("clickhouse", "http", "https", "chdb")
_DSN_EXAMPLE = "clickhouse://user@host:8123/database (https:// for TLS), or chdb:///path/to/database"


def checked_dsn(dsn: str) -> str:
    """``dsn``, once it names a server or a chDB database on disk: clickhouse-connect reads a DSN without a scheme
    or a host as ``localhost:8123``, and a ``chdb://`` path that does not exist as a new, empty database."""
    text = dsn.strip()
    if not text:
        raise ScoringError(
            f"--dsn is empty: give the server's DSN, e.g. {_DSN_EXAMPLE}; without --dsn, chDB scores the lake"
        )
    parts = urlsplit(text)
    try:
        parts.port  # noqa: B018 (a port out of range, or not a number, raises here)
    except ValueError:
        if parts.scheme in DSN_SCHEMES and text.startswith(f"{parts.scheme}://"):
            port = parts.netloc.rpartition("@")[2].rpartition(":")[2]
            raise ScoringError(
                f"{_redacted(text)}: the port {port!r} is not a number from 1 to 65535; give one such as {_DSN_EXAMPLE}"
            ) from None
        parts = parts._replace(scheme="")
    if parts.scheme not in DSN_SCHEMES or not text.startswith(f"{parts.scheme}://"):
        raise ScoringError(f"not a DSN: {_redacted(text)!r}; give one such as {_DSN_EXAMPLE}")
    if parts.scheme == "chdb":
        location = parts.netloc.rpartition("@")[2] or parts.path
        if location not in ("memory", ":memory:") and not Path(location).is_dir():
            raise ScoringError(f"no chDB database at {location} ({_redacted(text)})")
    elif not parts.hostname:
        raise ScoringError(f"{_redacted(text)} names no host; give one such as {_DSN_EXAMPLE}")
    return text


class ServerClient:
    """A ClickHouse server through clickhouse-connect (HTTP), in a scratch database dropped on close."""

    def __init__(
        self, dsn: str, settings: Mapping[str, Any], table: str, optional: Mapping[str, tuple[Any, str]] | None = None
    ) -> None:
        """Connect, make the scratch database, and check the DSN's database holds ``table``; each of the
        ``optional`` settings (name: value and a query that needs it) is used where that query runs with it."""
        try:
            import clickhouse_connect
        except ImportError as exc:
            raise ScoringError("--dsn needs clickhouse-connect: pip install 'llm-harness[clickhouse]'") from exc
        logging.getLogger("clickhouse_connect").setLevel(logging.CRITICAL)  # its failures reach the user as ours
        self.scratch = f"harness_scoring_{uuid.uuid4().hex[:12]}"
        parts = urlsplit(dsn)
        # a DSN without a password (the one evidence prints) takes it from the environment
        password = os.environ.get(PASSWORD_VARIABLE, "") if parts.password is None else ""
        # clickhouse-connect takes TLS from the port alone (443, 8443): https:// asks for it on any port
        secure = parts.scheme == "https"
        try:
            admin = clickhouse_connect.get_client(dsn=dsn, password=password, secure=secure)
            self.source_database = admin.database or "default"
            admin.command(f"CREATE DATABASE {self.scratch}")
            present = {}
            for name, (value, trial) in (optional or {}).items():
                try:  # an older server, a readonly user or a profile's constraint refuses it
                    admin.query(trial, settings={name: value})
                except Exception:  # noqa: BLE001 - clickhouse-connect raises its own and the server's errors
                    continue
                present[name] = value
            admin.close()
            self.client = clickhouse_connect.get_client(
                dsn=dsn, database=self.scratch, settings={**settings, **present}, password=password, secure=secure
            )
            self.materialized_cte = MATERIALIZED_CTE in present
        except Exception as exc:  # clickhouse-connect raises its own and the network's errors
            raise ScoringError(f"cannot connect to ClickHouse at {_redacted(dsn)}: {exc}") from exc
        found = self.arrow(
            "SELECT count() AS n FROM system.tables WHERE database = {database:String} AND name = {table:String}",
            {"database": self.source_database, "table": table},
        )
        if not found.column("n")[0].as_py():
            self.close()
            raise ScoringError(
                f"no {table} table in database {self.source_database} at {_redacted(dsn)}: the Collector's "
                "ClickHouse exporter creates it there (check the DSN's database, and that the Collector exported)"
            )

    def command(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        try:
            self.client.command(sql, parameters=dict(params) if params else None)
        except Exception as exc:
            raise ScoringError(f"ClickHouse: {' '.join(str(exc).split())[:600]}") from exc

    def arrow(self, sql: str, params: Mapping[str, Any] | None = None) -> pa.Table:
        try:
            table: pa.Table = self.client.query_arrow(sql, parameters=dict(params) if params else None)
        except Exception as exc:
            raise ScoringError(f"ClickHouse: {' '.join(str(exc).split())[:600]}") from exc
        return table

    def close(self) -> None:
        try:
            self.client.command(f"DROP DATABASE IF EXISTS {self.scratch}")
        finally:
            self.client.close()


def _redacted(dsn: str) -> str:
    return re.sub(r"//([^:@/]+):[^@/]*@", r"//\1:***@", dsn)


__all__ = ["PASSWORD_VARIABLE", "ServerClient", "checked_dsn"]
