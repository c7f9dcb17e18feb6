"""``python -m neuroflow``: the same as the ``neuroflow`` command."""

import sys

from .cli import main

sys.exit(main())
