"""Decoding in worker processes, so one receiver uses more than one core.

Decoding is Python walking protobuf messages, and holds the GIL; a receiver that decodes inline
tops out at one core. With ``workers`` > 0 the event loop reads bodies and answers, worker
processes decompress, parse and build the Arrow tables, and the tables come back pickled (Arrow's
IPC format underneath). Workers ignore SIGINT and SIGTERM: the receiver stops them itself, after
the requests in flight are answered; a worker whose receiver died (SIGKILL) exits within a second.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from harness.collect._body import Encoding
from harness.collect._columns import Batch
from harness.collect._decode import decode_body
from harness.collect._errors import BodyError


def _start_worker(parent: int) -> None:
    """Ignore the signals the receiver handles, and exit once the receiver is gone (even SIGKILLed)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)  # orphaned: nobody will read what this worker decodes

    threading.Thread(target=watch, name="harness-collect-parent-watch", daemon=True).start()


def _decode(body: bytes, coding: str, encoding: Encoding, limit: int) -> tuple[Any, ...]:
    """In a worker: the batch's parts, or the refusal's (exceptions with keyword fields do not pickle)."""
    try:
        batch = decode_body(body, coding, encoding, limit)
    except BodyError as exc:
        return ("refused", exc.status, exc.cause, exc.message, exc.headers)
    return ("ok", batch.tables, batch.rows, batch.nbytes, dict(batch.rejected))


def _warm() -> bool:
    return True


class PoolDecoder:
    """``await decoder(body, coding, encoding)`` decodes in one of ``workers`` processes."""

    def __init__(self, workers: int, max_body_bytes: int) -> None:
        context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
        self._pool = ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
        )
        self._limit = max_body_bytes
        for future in [self._pool.submit(_warm) for _ in range(workers)]:
            future.result()  # the workers are up (imports done) before the first request

    async def __call__(self, body: bytes, coding: str, encoding: Encoding) -> Batch:
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(self._pool, _decode, body, coding, encoding, self._limit)
        if result[0] == "refused":
            _, status, cause, message, headers = result
            raise BodyError(status, cause, message, headers=headers)
        _, tables, rows, nbytes, rejected = result
        return Batch(tables=tables, rows=rows, nbytes=nbytes, rejected=Counter(rejected))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
