"""`python -m kijkocut.cli`: the `kijkocut` command."""

import sys

from kijkocut.cli.app import main

sys.exit(main())
