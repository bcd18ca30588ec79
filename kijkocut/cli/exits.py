"""What each `kijkocut` failure looks like: one line on stderr and an exit code from one documented table,
the same numbers `kijkocut workflows` and `kijkocut jobs` use."""

from __future__ import annotations

import signal

from kijkocut.errors import EditError, KijkoCutError
from kijkocut.service.errors import BusyError, ServiceError
from kijkocut.signals import TERMINATED_EXIT_CODE

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_SERVER = 0, 1, 2, 3
EXIT_INTERRUPTED = 130
EXIT_PIPE_CLOSED = 128 + signal.SIGPIPE  # what a tool killed by SIGPIPE reports, as `yes | head` does
EXIT_TERMINATED = TERMINATED_EXIT_CODE

EXIT_CODES = f"""exit codes:
  {EXIT_OK}    done
  {EXIT_FAILED}    failed: the export, import or job could not be done (the message says why), or a project is busy
  {EXIT_USAGE}    bad request: unknown command, project, action or parameter, an invalid value, a stale --base-revision
  {EXIT_SERVER}    no ComfyUI server could be reached, or it answered with an error (workflows, jobs)
  {EXIT_INTERRUPTED}  interrupted (Ctrl+C)
  {EXIT_PIPE_CLOSED}  the program reading the output stopped early (`kijkocut probe FILE | head -c1`)
  {EXIT_TERMINATED}  terminated (SIGTERM); a partial export is removed"""


def one_line(error: BaseException) -> str:
    """An error's message on one line: multi-line messages (a list of problems) are joined with '; '."""
    lines = (line.strip().removeprefix("- ") for line in str(error).splitlines())
    return "; ".join(line for line in lines if line) or type(error).__name__


def exit_code(error: KijkoCutError) -> int:
    """A request the service or the editor refused as given is a bad request; a busy project and anything the
    engine could not carry out (media missing, an output it cannot write) is a failure."""
    if isinstance(error, BusyError):
        return EXIT_FAILED
    return EXIT_USAGE if isinstance(error, ServiceError | EditError) else EXIT_FAILED
