"""`kijkocut demo`: sample media made by code, a demo timeline and its export, offline."""

from __future__ import annotations

import argparse

from kijkocut.cli.commands import summary
from kijkocut.cli.progress import ProgressBar


def run(args: argparse.Namespace) -> int:
    from kijkocut.demo import run_demo

    result = run_demo(args.output, progress=ProgressBar("demo"))
    for export in (result.wide, result.vertical):
        print(f"exported {export.path} ({export.summary()}) in {export.seconds:.1f} s")
    print(f"project: {result.project_path}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help=summary("demo"), description=summary("demo"))
    demo.add_argument(
        "-o", "--output", default="kijkocut-demo", help="output folder (default: ./kijkocut-demo)"
    )
    demo.set_defaults(func=run)
