"""``python -m lmclassify.train``: the same as ``lmclassify train`` (see :mod:`lmclassify.cli.train`); from Python,
``lmclassify.train.train(...)`` is :func:`lmclassify.training.train.train`."""

import sys

from lmclassify.cli.train import main
from lmclassify.training.train import train

__all__ = ["main", "train"]

if __name__ == "__main__":
    sys.exit(main(prog="python -m lmclassify.train"))
