"""``python -m lmclassify.train``: the same as ``lmclassify train`` (see :mod:`lmclassify.cli.train`)."""

import sys

from lmclassify.cli.train import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m lmclassify.train"))
