"""A one-line progress bar for long jobs, redrawn in place on a terminal and silent anywhere else.

>>> import io
>>> bar = ProgressBar(io.StringIO(), enabled=True, clock=iter([0.0, 10.0, 10.0]).__next__)
>>> bar.line(0.5, 20_000)
'[##########----------]  50%  20,000 rows  2,000 rows/s  10s left'
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from typing import TextIO


def _duration(seconds: float) -> str:
    """``42s``, ``3m05s`` or ``2h07m``.

    >>> _duration(42.4), _duration(185), _duration(7620)
    ('42s', '3m05s', '2h07m')
    """
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class ProgressBar:
    """Show ``[####----]  42%  1,234 rows  5,678 rows/s  3m05s left`` on ``stream``.

    Drawn only when ``enabled`` (default: when ``stream`` is a terminal), at most every ``interval`` seconds;
    :meth:`close` erases the line so that what is printed next starts clean.
    """

    def __init__(
        self,
        stream: TextIO,
        enabled: bool | None = None,
        interval: float = 0.2,
        width: int = 20,
        clock: Callable[[], float] = time.monotonic,
        unit: str = "rows",
    ):
        self.stream = stream
        self.enabled = stream.isatty() if enabled is None else enabled
        self.interval = interval
        self.width = width
        self.clock = clock
        self.unit = unit
        self.started = clock()
        self._last_drawn = -interval
        self._drawn = False

    def line(self, fraction: float, rows: int) -> str:
        """The text of the bar for ``fraction`` (0..1) done after ``rows`` rows."""
        fraction = min(max(fraction, 0.0), 1.0)
        elapsed = self.clock() - self.started
        filled = int(fraction * self.width)
        text = f"[{'#' * filled}{'-' * (self.width - filled)}] {fraction:4.0%}  {rows:,} {self.unit}"
        if elapsed > 0 and rows:
            text += f"  {rows / elapsed:,.0f} {self.unit}/s"
        if elapsed > 0 and 0 < fraction < 1:
            text += f"  {_duration(elapsed * (1 - fraction) / fraction)} left"
        return text

    def update(self, fraction: float, rows: int) -> None:
        """Redraw the bar if enabled and ``interval`` seconds have passed since the last drawing."""
        if not self.enabled:
            return
        now = self.clock()
        if now - self._last_drawn < self.interval:
            return
        self._last_drawn = now
        columns = shutil.get_terminal_size((80, 24)).columns
        self.stream.write("\r" + self.line(fraction, rows)[: columns - 1].ljust(columns - 1))
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Erase the bar."""
        if self._drawn:
            columns = shutil.get_terminal_size((80, 24)).columns
            self.stream.write("\r" + " " * (columns - 1) + "\r")
            self.stream.flush()
            self._drawn = False
