"""``python -m wfm.cli``."""

import sys

from wfm.cli import main

sys.exit(main())
