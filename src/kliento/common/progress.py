"""A text progress bar for long management commands (key rotation, audit verification).

On a terminal it redraws one line in place; elsewhere (logs, CI, a pipe) it prints a
plain line at most every few seconds, so output stays readable without a TTY.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class ProgressBar:
    """Counts, percentage and rate of a job with a known total."""

    def __init__(
        self,
        label: str,
        total: int,
        *,
        write: Callable[[str], None],
        tty: bool,
        width: int = 24,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.total = max(total, 0)
        self.done = 0
        self._write = write
        self._tty = tty
        self._width = width
        self._interval = interval if interval is not None else (0.1 if tty else 2.0)
        self._clock = clock
        self._started = clock()
        self._last_drawn: float | None = None

    @property
    def rate(self) -> float:
        elapsed = self._clock() - self._started
        return self.done / elapsed if elapsed > 0 else 0.0

    def render(self) -> str:
        # Rows added while the job runs (a live audit log) can take it past its total.
        total = max(self.total, self.done)
        fraction = 1.0 if total == 0 else self.done / total
        filled = round(fraction * self._width)
        bar = "#" * filled + "-" * (self._width - filled)
        return f"{self.label} [{bar}] {self.done}/{total} {fraction * 100:3.0f}% {self.rate:,.0f}/s"

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = self._clock()
        if self._last_drawn is None or now - self._last_drawn >= self._interval:
            self._draw(final=False)
            self._last_drawn = now

    def finish(self) -> None:
        self._draw(final=True)

    def _draw(self, *, final: bool) -> None:
        if self._tty:
            self._write("\r" + self.render() + ("\n" if final else ""))
        else:
            self._write(self.render() + "\n")
