"""The `kijkocut` command: a parser assembled from the registry (`commands`), importing only the subcommand that
runs, and one place that turns every failure into one line on stderr and a documented exit code (`exits`)."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from kijkocut.cli.commands import BY_NAME, SUBCOMMANDS, Subcommand, missing_extra
from kijkocut.cli.exits import (
    EXIT_CODES,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_PIPE_CLOSED,
    EXIT_TERMINATED,
    EXIT_USAGE,
    exit_code,
    one_line,
)
from kijkocut.errors import KijkoCutError
from kijkocut.signals import Terminated, sigterm_raises

log = logging.getLogger("kijkocut.cli")


class Parser(argparse.ArgumentParser):
    """argparse with its usage errors on one line (subcommand parsers inherit the class)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def chosen_command(argv: Sequence[str]) -> str | None:
    """The subcommand word of a command line (the global options take no values)."""
    return next((word for word in argv if not word.startswith("-")), None)


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """Every subcommand is listed; only the one `argv` runs is imported and given its full arguments."""
    parser = Parser(
        prog="kijkocut",
        description="KijkoCut video editor",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = BY_NAME.get(chosen_command(argv) or "")
    if chosen is not None:
        _register(subparsers, chosen)
    for command in SUBCOMMANDS:
        if command.name not in subparsers.choices:
            _listed(subparsers, command)
    return parser


def _register(subparsers: argparse._SubParsersAction, command: Subcommand) -> None:
    try:
        module = importlib.import_module(command.module)
    except ImportError as exc:
        message = missing_extra(command, exc)
        if message is None:
            raise
        _listed(subparsers, command, unavailable=message)
        return
    module.register(subparsers)


def _listed(
    subparsers: argparse._SubParsersAction, command: Subcommand, unavailable: str | None = None
) -> None:
    """A subcommand listed by name only: not the one running, or one whose optional part is not installed
    (then running it, `--help` included, says what to install)."""
    listed = subparsers.add_parser(command.name, help=command.summary, add_help=False)
    listed.add_argument("arguments", nargs=argparse.REMAINDER)
    listed.set_defaults(unavailable=unavailable or f"`kijkocut {command.name}` is not available")


def parse(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.Namespace:
    """argparse, except that `name=value` words after an option still count: argparse stops filling a list of
    positionals at the first option (`edit P add_clip --json media_id=x`). A subcommand names the list that
    takes such words with the default `more_words`."""
    args, extras = parser.parse_known_args(argv)
    words = getattr(args, "more_words", None)
    if getattr(args, "unavailable", None):
        return args  # whatever follows, it says what to install
    if extras and words and not any(word.startswith("-") for word in extras):
        getattr(args, words).extend(extras)
    elif extras:
        parser.error(f"unrecognized arguments: {' '.join(extras)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = BY_NAME.get(chosen_command(argv) or "")
    try:
        parser = build_parser(argv)
        try:
            args = parse(parser, argv)  # --help and usage errors exit here, as argparse does
        except SystemExit:
            sys.stdout.flush()  # what --help printed: a closed pipe shows here, while it can be handled
            raise
        logging.basicConfig(
            level=logging.INFO if args.verbose else logging.WARNING,
            stream=sys.stderr,
            format="%(levelname)s %(name)s: %(message)s",
        )
        if getattr(args, "unavailable", None):
            return _failed(args.unavailable, EXIT_FAILED)
        with sigterm_raises():
            code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, while it can still be handled
        return code
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_PIPE_CLOSED
    except KijkoCutError as exc:
        return _failed(one_line(exc), exit_code(exc))
    except Terminated:
        return _failed("terminated", EXIT_TERMINATED, prefix="kijkocut: ")
    except KeyboardInterrupt:
        return _failed("interrupted", EXIT_INTERRUPTED, prefix="kijkocut: ")
    except ImportError as exc:
        message = missing_extra(command, exc) if command is not None else None
        return _failed(message or f"cannot load a part of kijkocut: {exc}", EXIT_FAILED)
    except OSError as exc:  # a file the command had to read or write
        where = f"{exc.filename}: " if exc.filename else ""
        return _failed(f"{where}{exc.strerror or exc}", EXIT_FAILED)
    except (
        Exception
    ) as exc:  # a value a model refused (a bad request), or a bug: one line, a traceback with -v
        from pydantic import ValidationError

        if isinstance(exc, ValidationError):
            from kijkocut.validation_messages import describe_validation_error

            return _failed(one_line(Exception(describe_validation_error(exc))), EXIT_USAGE)
        log.info("internal error", exc_info=True)
        return _failed(
            f"internal error ({type(exc).__name__}: {one_line(exc)}); run with -v for details", EXIT_FAILED
        )


def _failed(message: str, code: int, *, prefix: str = "kijkocut: error: ") -> int:
    print(f"{prefix}{message}", file=sys.stderr)
    return code


def _quiet_stdout() -> None:
    """The reader of stdout left (`| head`): point stdout at /dev/null so the interpreter's final flush does
    not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file descriptor (a test's captured stream): nothing will flush it


if __name__ == "__main__":
    sys.exit(main())
