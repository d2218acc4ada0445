"""A progress bar for waiting on calls: tqdm when it is installed, a plain one otherwise, and nothing at all when
the stream is not a terminal (logs and CI output stay clean)."""
import sys
import time

#: The plain bar redraws at most this often.
REDRAW_SECONDS = 0.1
WIDTH = 40


def progress_bar(total, stream=None, enabled=True, description="calls"):
    """A bar for `total` calls with update(done) and close(): tqdm, plain, or silent."""
    stream = stream if stream is not None else sys.stderr
    if not enabled or total <= 0 or not _is_terminal(stream):
        return SilentBar()
    try:
        import tqdm
    except ImportError:
        return PlainBar(total, stream, description)
    return TqdmBar(tqdm.tqdm(total=total, file=stream, desc=description, unit="call", leave=True))


def _is_terminal(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class SilentBar:
    def update(self, done):
        pass

    def close(self):
        pass


class TqdmBar:
    def __init__(self, bar):
        self._bar = bar

    def update(self, done):
        if done > self._bar.n:
            self._bar.update(done - self._bar.n)

    def close(self):
        self._bar.close()


class PlainBar:
    """`calls [#################.......................]  430/1000  12.3 s`, redrawn in place."""

    def __init__(self, total, stream, description, clock=time.monotonic):
        self._total = total
        self._stream = stream
        self._description = description
        self._clock = clock
        self._started = clock()
        self._drawn_at = None
        self._done = 0

    def update(self, done):
        self._done = min(done, self._total)
        now = self._clock()
        if self._drawn_at is None or now - self._drawn_at >= REDRAW_SECONDS or self._done == self._total:
            self._draw(now)

    def _draw(self, now):
        filled = WIDTH * self._done // self._total
        digits = len(str(self._total))
        self._stream.write(f"\r{self._description} [{'#' * filled}{'.' * (WIDTH - filled)}] "
                           f"{self._done:>{digits}}/{self._total}  {now - self._started:.1f} s")
        self._stream.flush()
        self._drawn_at = now

    def close(self):
        self._draw(self._clock())
        self._stream.write("\n")
        self._stream.flush()
