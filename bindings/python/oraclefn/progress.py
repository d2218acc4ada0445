"""A progress bar for waiting on calls: tqdm when it is installed, a plain one otherwise, and nothing at all when
the stream is not a terminal (logs and CI output stay clean)."""
from __future__ import annotations

import sys
import time
from typing import Any, Callable, TextIO, Union

#: The plain bar redraws at most this often.
REDRAW_SECONDS = 0.1
WIDTH = 40


def progress_bar(total: int, stream: TextIO | None = None, enabled: bool = True, description: str = "calls") -> Bar:
    """A bar for `total` calls with update(done) and close(): tqdm, plain, or silent."""
    stream = stream if stream is not None else sys.stderr
    if not enabled or total <= 0 or not _is_terminal(stream):
        return SilentBar()
    try:
        import tqdm
    except ImportError:
        return PlainBar(total, stream, description)
    return TqdmBar(tqdm.tqdm(total=total, file=stream, desc=description, unit="call", leave=True))


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class SilentBar:
    """No bar: waiting is not shown."""

    def update(self, done: int) -> None:
        pass

    def close(self) -> None:
        pass


class TqdmBar:
    """tqdm's bar, moved to a count of ended calls."""

    def __init__(self, bar: Any) -> None:
        self._bar = bar

    def update(self, done: int) -> None:
        if done > self._bar.n:
            self._bar.update(done - self._bar.n)

    def close(self) -> None:
        self._bar.close()


class PlainBar:
    """`calls [#################.......................]  430/1000  12.3 s`, redrawn in place."""

    def __init__(self, total: int, stream: TextIO, description: str,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._total = total
        self._stream = stream
        self._description = description
        self._clock = clock
        self._started = clock()
        self._drawn_at: float | None = None
        self._done = 0

    def update(self, done: int) -> None:
        self._done = min(done, self._total)
        now = self._clock()
        if self._drawn_at is None or now - self._drawn_at >= REDRAW_SECONDS or self._done == self._total:
            self._draw(now)

    def _draw(self, now: float) -> None:
        filled = WIDTH * self._done // self._total
        digits = len(str(self._total))
        self._stream.write(f"\r{self._description} [{'#' * filled}{'.' * (WIDTH - filled)}] "
                           f"{self._done:>{digits}}/{self._total}  {now - self._started:.1f} s")
        self._stream.flush()
        self._drawn_at = now

    def close(self) -> None:
        self._draw(self._clock())
        self._stream.write("\n")
        self._stream.flush()


#: What progress_bar gives: update(done) and close().
Bar = Union[SilentBar, TqdmBar, PlainBar]
