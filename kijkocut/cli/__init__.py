"""The `kijkocut` command line: a front end over the engine and the service layer (`kijkocut.service`). Every
subcommand is registered in `commands` and imported only when it runs; `app` assembles and runs them."""

from kijkocut.cli.app import build_parser, main

__all__ = ["build_parser", "main"]
