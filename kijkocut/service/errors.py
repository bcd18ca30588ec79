"""Errors of the service layer, each with the HTTP status a front end maps it to. Messages are written for the
person (or model) who sent the request: they say what to change, never echo file contents."""

from __future__ import annotations

from kijkocut.errors import KijkoCutError


class ServiceError(KijkoCutError):
    """A request that cannot be carried out as given."""

    status = 400


class NotFoundError(ServiceError, KeyError):
    """An unknown project, media, element, track, job or file."""

    status = 404

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else "not found"


class ConflictError(ServiceError):
    """An edit made on a revision that is no longer current: someone else edited the project meanwhile."""

    status = 409

    def __init__(self, project_id: str, base_revision: int, current_revision: int):
        self.project_id, self.base_revision, self.current_revision = (
            project_id,
            base_revision,
            current_revision,
        )
        super().__init__(
            f"project {project_id} changed since revision {base_revision} (now at revision "
            f"{current_revision}); reload it and apply the edit again"
        )


class BusyError(ServiceError):
    """Another request holds the project for longer than this one may wait."""

    status = 503
