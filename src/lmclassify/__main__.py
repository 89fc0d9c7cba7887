"""``python -m lmclassify`` runs the command line."""

import sys

from lmclassify.cli import main

sys.exit(main())
