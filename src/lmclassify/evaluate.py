"""``python -m lmclassify.evaluate``: the same as ``lmclassify evaluate`` (see :mod:`lmclassify.cli.evaluate`)."""

import sys

from lmclassify.cli.evaluate import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m lmclassify.evaluate"))
