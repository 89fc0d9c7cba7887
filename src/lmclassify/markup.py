"""``python -m lmclassify.markup``: the same as ``lmclassify markup`` (see :mod:`lmclassify.cli.markup`)."""

import sys

from lmclassify.cli.markup import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m lmclassify.markup"))
