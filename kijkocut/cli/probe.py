"""`kijkocut probe FILE`: what a media file holds, as JSON on stdout."""

from __future__ import annotations

import argparse
import json

from kijkocut.cli.commands import summary


def run(args: argparse.Namespace) -> int:
    from kijkocut.media.probe import probe_media

    info = probe_media(args.file)
    print(json.dumps(info.model_dump(mode="json", exclude_none=True), indent=2))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    probe = subparsers.add_parser("probe", help=summary("probe"), description=summary("probe"))
    probe.add_argument("file")
    probe.set_defaults(func=run)
