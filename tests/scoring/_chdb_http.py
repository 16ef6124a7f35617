"""A ClickHouse HTTP interface over chDB, for the ``--dsn http://…`` tests: real ClickHouse (chDB) behind the
wire protocol clickhouse-connect speaks to a server. No ClickHouse server runs on our machines (see
test_clickhouse_dsn), so this is the network edge, faked as thinly as the protocol allows:

- the query comes in the body, or in the ``query`` URL parameter (then the body, if any, is its input data);
- ``database`` is the current database, ``param_<name>`` a query parameter (in ClickHouse's escaped text
  format, as chDB binds it), and every other URL parameter but the protocol's own is a setting (``SET``);
- the output format is the query's ``FORMAT`` clause, else ``default_format``, else TabSeparated;
- ``Authorization: Basic`` (or ``X-ClickHouse-User`` / ``X-ClickHouse-Key``) is checked against the one user
  and password given on the command line: a mismatch answers as a server does (516, in the exception header);
- a ClickHouse exception is a 500 with ``X-ClickHouse-Exception-Code`` and ``Code: N. DB::Exception: …``.

    python -m tests.scoring._chdb_http DATABASE_DIR PORT_FILE USER PASSWORD

binds 127.0.0.1 on a free port, writes the port to PORT_FILE and serves until SIGTERM. One chDB session
serves every request in turn (chDB runs one engine per process), so the server is single-threaded.
"""

from __future__ import annotations

import base64
import json
import re
import signal
import sys
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from chdb import session as chdb_session

# URL parameters of the HTTP protocol itself, not settings
PROTOCOL = {
    "query", "database", "default_format", "session_id", "session_timeout", "session_check", "query_id",
    "compress", "decompress", "user", "password", "quota_key", "wait_end_of_query", "buffer_size",
    "send_progress_in_http_headers", "http_headers_progress_interval_ms", "enable_http_compression",
    "http_zlib_compression_level", "cancel_http_readonly_queries_on_client_close", "role",
}  # fmt: skip
FORMAT_CLAUSE = re.compile(r"\bFORMAT\s+(\w+)\s*;?\s*$", re.IGNORECASE)
ERROR_CODE = re.compile(r"Code:\s*(\d+)")


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._serve(b"")

    def do_POST(self) -> None:
        self._serve(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _serve(self, body: bytes) -> None:
        url = urlsplit(self.path)
        if url.path == "/ping":
            return self._answer(200, b"Ok.\n", {})
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        user = self._refused(params)
        if user is not None:
            message = (
                f"Code: 516. DB::Exception: {user}: Authentication failed: password is incorrect, or there is no "
                "user with such name. (AUTHENTICATION_FAILED)"
            )
            return self._answer(403, message.encode(), {"X-ClickHouse-Exception-Code": "516"})
        sql = params["query"] if "query" in params else body.decode()
        fmt = params.get("default_format", "TabSeparated")
        found = FORMAT_CLAUSE.search(sql)
        if found:
            sql, fmt = sql[: found.start()], found.group(1)
        bound = {name.removeprefix("param_"): value for name, value in params.items() if name.startswith("param_")}
        settings = {
            name: value for name, value in params.items() if name not in PROTOCOL and not name.startswith("param_")
        }
        try:
            result = self.server.run(sql, fmt, bound, settings, params.get("database"))
        except Exception as exc:  # noqa: BLE001 (chDB raises its own classes for every ClickHouse exception)
            text = str(exc)
            code = ERROR_CODE.search(text)
            headers = {"X-ClickHouse-Exception-Code": code.group(1) if code else "1000"}
            return self._answer(
                500, (text if text.startswith("Code:") else f"Code: 1000. DB::Exception: {text}").encode(), headers
            )
        headers = {
            "Content-Type": "text/tab-separated-values; charset=UTF-8"
            if fmt.startswith("Tab")
            else "application/octet-stream",
            "X-ClickHouse-Format": fmt,
            "X-ClickHouse-Timezone": "UTC",
            "X-ClickHouse-Query-Id": params.get("query_id") or str(uuid.uuid4()),
            "X-ClickHouse-Summary": json.dumps({"read_rows": "0", "written_rows": "0", "result_rows": "0"}),
        }
        self._answer(200, result, headers)

    def _refused(self, params: dict[str, str]) -> str | None:
        """The user a request names, when its password is not the server's; None when it is let in."""
        user, password = params.get("user", "default"), params.get("password", "")
        basic = self.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            user, _, password = base64.b64decode(basic[6:]).decode().partition(":")
        user = self.headers.get("X-ClickHouse-User", user)
        password = self.headers.get("X-ClickHouse-Key", password)
        return None if (user, password) == (self.server.user, self.server.password) else user

    def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(HTTPServer):
    def __init__(self, database: Path, user: str, password: str) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.session: Any = chdb_session.Session(str(database))  # type: ignore[no-untyped-call]
        self.user, self.password = user, password

    def run(self, sql: str, fmt: str, bound: dict[str, str], settings: dict[str, str], database: str | None) -> bytes:
        for name, value in settings.items():
            quoted = value.replace("\\", "\\\\").replace("'", "\\'")
            self.session.query(f"SET {name} = '{quoted}'")
        self.session.query(f"USE {database or 'default'}")
        if not sql.strip():
            return b""
        result = self.session.query(sql, fmt, params=bound or None)
        return bytes(result.bytes()) if result is not None else b""


def main() -> None:
    database, port_file, user, password = sys.argv[1:5]
    server = Server(Path(database), user, password)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    Path(port_file).write_text(str(server.server_address[1]))
    try:
        server.serve_forever()
    finally:
        server.session.close()


if __name__ == "__main__":
    main()
