"""`python -m research.cli`: the same as the `research` command."""

import sys

from research.cli import main

sys.exit(main())
