"""``python -m djimport``: the ``djimport`` command."""

import sys

from .cli import main

sys.exit(main())
