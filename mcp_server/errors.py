"""The error the service layer raises for anything the caller (a model) can fix: a bad path, an unknown id,
a value out of range. The server turns it, and the engine's and library's own errors, into tool errors."""


class ServiceError(Exception):
    """A request that cannot be carried out as given; the message says what to change."""


class NotFoundError(ServiceError, KeyError):
    """An unknown project, media, element, job or file id."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else "not found"


class PathNotAllowedError(ServiceError):
    """A path that leaves the workspace and the allowed media folders."""
