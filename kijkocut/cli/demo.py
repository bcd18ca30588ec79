"""`kijkocut demo`: sample media made by code, a demo timeline and its export, offline."""

from __future__ import annotations

import argparse

from kijkocut.cli.commands import summary
from kijkocut.cli.progress import ProgressBar


def run(args: argparse.Namespace) -> int:
    from kijkocut.demo import run_demo

    result, project_path = run_demo(args.output, progress=ProgressBar("demo"))
    print(f"exported {result.path} ({result.summary()}) in {result.seconds:.1f} s")
    print(f"project: {project_path}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help=summary("demo"), description=summary("demo"))
    demo.add_argument("-o", "--output", default="kijkocut-demo", help="output folder (default: ./kijkocut-demo)")
    demo.set_defaults(func=run)
