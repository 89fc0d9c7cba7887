"""What every subcommand shares: choosing the model, reporting errors, and showing library logs."""

from __future__ import annotations

import logging
import sys

from lmclassify.cache import cached_model
from lmclassify.classifier import Classifier


def model_from(path: str | None) -> Classifier:
    """The model a ``--model PATH`` option names, or the bundled default when it is not given."""
    return cached_model(path)


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
