"""``python -m lmclassify.model_selection``: the same as ``lmclassify select`` (see :mod:`lmclassify.cli.select`)."""

import sys

from lmclassify.cli.select import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m lmclassify.model_selection"))
