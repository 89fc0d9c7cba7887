"""The progress bar: drawn in place on a terminal only, throttled, erased at the end."""

from __future__ import annotations

import io

from lmclassify.io.progress import ProgressBar


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def clock_at(*times: float):
    return iter(times).__next__


def test_drawn_on_a_terminal_and_erased_at_close():
    stream = FakeTerminal()
    bar = ProgressBar(stream, clock=clock_at(0.0, 1.0, 1.0))
    bar.update(0.25, 500)
    drawn = stream.getvalue()
    assert drawn.startswith("\r[#####---------------]  25%  500 rows  500 rows/s  3s left")
    bar.close()
    assert stream.getvalue()[len(drawn) :].strip(" \r") == ""


def test_silent_when_not_a_terminal():
    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar.update(0.5, 10)
    bar.close()
    assert stream.getvalue() == ""


def test_redrawn_at_most_once_per_interval():
    stream = FakeTerminal()
    bar = ProgressBar(stream, interval=1.0, clock=clock_at(0.0, 0.5, 0.5, 0.7, 1.6, 1.6))
    bar.update(0.1, 1)  # drawn at 0.5
    bar.update(0.2, 2)  # 0.7: too soon
    bar.update(0.3, 3)  # 1.6: drawn
    assert stream.getvalue().count("\r") == 2 and "30%" in stream.getvalue() and "20%" not in stream.getvalue()


def test_fractions_out_of_range_are_clamped():
    bar = ProgressBar(io.StringIO(), enabled=True, clock=clock_at(0.0, 1.0))
    assert bar.line(1.7, 10).startswith("[####################] 100%")


def test_the_bar_counts_in_the_unit_it_is_given():
    bar = ProgressBar(io.StringIO(), enabled=True, clock=iter([0.0, 4.0]).__next__, unit="documents")
    assert bar.line(0.5, 40) == "[##########----------]  50%  40 documents  10 documents/s  4s left"
