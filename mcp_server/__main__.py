"""`python -m mcp_server`: the same as the `kijkocut-mcp` console script."""

import sys

from mcp_server.cli import main

sys.exit(main())
