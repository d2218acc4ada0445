"""Lithops-style charts of a job's calls, as PNG: a timeline (when each call was submitted, ran and was
collected) and a concurrency chart (each call's run as a segment, and how many ran at once).

Needs matplotlib (`pip install oraclefn[plots]`); drawn on its Agg canvas, so no display and no pyplot state.
"""
from __future__ import annotations

import os
import time
from typing import Any, Callable, Mapping, Sequence

#: Points at which the concurrency curve is sampled.
CONCURRENCY_SAMPLES = 400

_TIMELINE_SERIES = (
    ("host submit", "host_submit_tstamp", None),
    ("function start", "worker_func_start_tstamp", "worker_start_tstamp"),
    ("function done", "worker_func_end_tstamp", "worker_end_tstamp"),
    ("status fetched", "host_status_done_tstamp", None),
    ("results fetched", "host_result_done_tstamp", None),
)


def _matplotlib() -> tuple[Any, Any]:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("plot() draws with matplotlib, which is not installed: pip install 'oraclefn[plots]' "
                          "(or pip install matplotlib)") from None
    return Figure, FigureCanvasAgg


def destination(dst: str | os.PathLike[str] | None = None, clock: Callable[[], float] = time.time) -> str:
    """The path prefix charts are written to: `dst`, else plots/<epoch seconds> under the current folder."""
    prefix = dst if dst is not None else os.path.join("plots", str(int(clock())))
    folder = os.path.dirname(os.fspath(prefix))
    if folder:
        os.makedirs(folder, exist_ok=True)
    return os.fspath(prefix)


def _origin(stats: Sequence[Mapping[str, Any]]) -> float:
    """The earliest job creation (else submission) among the calls: time 0 of the charts."""
    origin: float = min(s.get("host_job_create_tstamp", s.get("host_submit_tstamp", 0)) for s in stats)
    return origin


def create_timeline(stats: Sequence[Mapping[str, Any]], dst: str, figsize: tuple[float, float] = (10, 6)) -> str:
    """`<dst>_timeline.png`: one row per call, a marker at each step it passed, seconds from the first job's
    creation. `stats` is each call's future.stats; `figsize` in inches. Returns the path."""
    Figure, Canvas = _matplotlib()
    origin = _origin(stats)
    figure = Figure(figsize=tuple(figsize), dpi=100)
    axes = figure.add_subplot()
    for label, key, fallback in _TIMELINE_SERIES:
        points = [(s.get(key, s.get(fallback)) if fallback else s.get(key), row) for row, s in enumerate(stats)]
        points = [(t - origin, row) for t, row in points if t is not None]
        if points:
            axes.scatter([t for t, _ in points], [row for _, row in points], s=8, label=label)
    axes.set_xlabel("seconds since the job was created")
    axes.set_ylabel("call")
    axes.set_title(f"Timeline of {len(stats)} calls")
    axes.set_ylim(-1, max(len(stats), 1))
    axes.grid(True, alpha=0.3)
    axes.legend(loc="lower right")
    path = f"{dst}_timeline.png"
    Canvas(figure).print_png(path)
    return path


def concurrency(intervals: Sequence[tuple[float, float]],
                samples: int = CONCURRENCY_SAMPLES) -> tuple[list[float], list[int]]:
    """(times, running) at `samples` evenly spaced times over the intervals: how many were running then."""
    if not intervals:
        return [], []
    start = min(begin for begin, _ in intervals)
    end = max(finish for _, finish in intervals)
    step = (end - start) / (samples - 1) if end > start else 1.0
    times = [start + i * step for i in range(samples)]
    running = [sum(1 for begin, finish in intervals if begin <= t < finish) for t in times]
    return times, running


def create_histogram(stats: Sequence[Mapping[str, Any]], dst: str, figsize: tuple[float, float] = (10, 6)) -> str:
    """`<dst>_histogram.png`: each call's run (worker start to end) as a horizontal segment, and the number of
    calls running at once; `figsize` in inches. Returns the path."""
    Figure, Canvas = _matplotlib()
    origin = _origin(stats)
    intervals = [(s["worker_start_tstamp"] - origin, s["worker_end_tstamp"] - origin) for s in stats
                 if "worker_start_tstamp" in s and "worker_end_tstamp" in s]
    figure = Figure(figsize=tuple(figsize), dpi=100)
    axes = figure.add_subplot()
    if intervals:
        axes.hlines(range(len(intervals)), [b for b, _ in intervals], [f for _, f in intervals], color="tab:blue",
                    linewidth=1.5, alpha=0.6)
    times, running = concurrency(intervals)
    axes.step(times, running, where="post", color="tab:red", linewidth=2, label="Total Active Calls")
    axes.set_xlabel("seconds since the job was created")
    axes.set_ylabel("calls")
    axes.set_title(f"Concurrency of {len(intervals)} calls (peak {max(running, default=0)})")
    axes.set_xlim(0, max((finish for _, finish in intervals), default=1) * 1.05)
    axes.grid(True, alpha=0.3)
    axes.legend(loc="upper right")
    path = f"{dst}_histogram.png"
    Canvas(figure).print_png(path)
    return path
