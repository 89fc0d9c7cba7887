"""``python -m lmclassify.datasheet``: the same as ``lmclassify datasheet`` (see :mod:`lmclassify.cli.datasheet`)."""

import sys

from lmclassify.cli.datasheet import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m lmclassify.datasheet"))
