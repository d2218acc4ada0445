"""The FDK function file of the oraclefn worker: `fdk <this file> handler`, or `python -m oraclefn.worker`.

The fdk loads this file by its path, so it reaches the rest of the worker through the `oraclefn` package, which
must be importable (installed, or on the image's PYTHONPATH).
"""
from __future__ import annotations

import io
from typing import Any

from fdk import response

from oraclefn.worker.worker import Worker

_worker = Worker()


def handler(ctx: Any, data: io.BytesIO | None = None) -> Any:
    """The fdk's entry point: runs the calls of one invocation and answers with their outcomes."""
    body = data.getvalue() if data is not None else b""
    status, answer = _worker.answer(body, ctx.CallID())
    return response.Response(ctx, response_data=answer, headers={"Content-Type": "application/json"},
                             status_code=status)
