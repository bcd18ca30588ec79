"""The errors the tools raise for anything the caller (a model) can fix: the service layer's own (an unknown id,
a busy project, a value out of range) and a path the workspace refuses. The server turns them, and the
engine's and library's errors, into tool errors."""

from kijkocut.errors import PathNotAllowedError as EnginePathNotAllowedError
from kijkocut.service.errors import BusyError, NotFoundError, ServiceError

__all__ = ["BusyError", "NotFoundError", "PathNotAllowedError", "ServiceError"]


class PathNotAllowedError(ServiceError, EnginePathNotAllowedError):
    """A path that leaves the workspace and the allowed media folders (an engine path refusal too, so the
    service layer recognises it: a symlink out of an imported folder is skipped with that reason)."""

    status = 403
