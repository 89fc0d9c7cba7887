"""What every subcommand shares: choosing the model, reporting errors, and showing library logs."""

from __future__ import annotations

import logging
import signal
import sys
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from lmclassify.cache import cached_model
from lmclassify.classifier import Classifier

#: The help of every ``--model`` option.
MODEL_HELP = "a compiled model (.npz), or `accurate` for the bundled accurate model (default: the fast model)"


def model_from(path: str | None) -> Classifier:
    """The model a ``--model PATH`` option names (or ``accurate``), or the bundled default when it is not given."""
    return cached_model(path)


#: Bidirectional formatting characters, which can make a terminal show text in another order than it is stored.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def visible(text: str) -> str:
    r"""``text`` safe to show on a terminal: control characters (escape sequences, carriage returns, backspaces,
    ...) and bidirectional overrides are written as escapes, so that no input can move the cursor, recolour the
    screen or forge a result line. Machine-readable output (JSON, CSV) keeps the text unchanged.

    >>> print(visible("Plan\x1b[2K\rmanagement 1.000"))
    Plan\x1b[2K\rmanagement 1.000
    """
    if text.isprintable():
        return text
    out = []
    for character in text:
        if unicodedata.category(character) == "Cc" or character in _BIDI_CONTROLS:
            out.append(character.encode("unicode_escape").decode("ascii"))
        else:
            out.append(character)
    return "".join(out)


def examples(*commands: str) -> str:
    """A help epilog listing ``commands`` under ``examples:``, one a line, each a command a user can paste (show it
    with ``formatter_class=argparse.RawDescriptionHelpFormatter``, which keeps the lines as they are).

    >>> print(examples("lmclassify datasheet", "lmclassify evaluate --by domain"))
    examples:
      lmclassify datasheet
      lmclassify evaluate --by domain
    """
    return "\n".join(["examples:", *(f"  {command}" for command in commands)])


def fail(command: str, message: object) -> None:
    """Write ``command: message`` to standard error."""
    print(f"{command}: {message}", file=sys.stderr)


def show_progress_logs(stream: object = None) -> None:
    """Show the library's progress messages (logged at INFO under ``lmclassify``) on ``stream`` (stdout)."""
    logger = logging.getLogger("lmclassify")
    if not any(getattr(handler, "_lmclassify_cli", False) for handler in logger.handlers):
        handler = logging.StreamHandler(stream if stream is not None else sys.stdout)  # type: ignore[arg-type]
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._lmclassify_cli = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


class Terminated(BaseException):
    """SIGTERM arrived (as ``timeout``, Slurm and ``docker stop`` send): the run stops as on Ctrl-C."""


@contextmanager
def terminate_like_interrupt() -> Iterator[None]:
    """While a job runs, SIGTERM raises :class:`Terminated`, so that temporary files are removed and worker
    processes stopped, exactly as after Ctrl-C (only in the main thread, where signals arrive)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
