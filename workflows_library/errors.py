"""The library's exceptions: each says what went wrong in terms a user can act on."""

from __future__ import annotations

from typing import Any


class WorkflowLibraryError(Exception):
    """Base class for every error this package raises on purpose."""


class UnknownWorkflowError(WorkflowLibraryError, KeyError):
    def __init__(
        self, workflow_id: str, suggestions: list[str] | None = None, reason: str | None = None
    ) -> None:
        hint = f"; did you mean: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"unknown workflow {workflow_id!r}" + (f": {reason}" if reason else hint))
        self.workflow_id = workflow_id

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.args[0]


class CardError(WorkflowLibraryError):
    """A card or workflow file in the library is malformed or disagrees with its workflow."""


class InputError(WorkflowLibraryError, ValueError):
    """A user-supplied workflow input is unknown, missing or out of range."""


class ConfigError(WorkflowLibraryError, ValueError):
    """Environment configuration (server URLs, tokens, data dir) is invalid."""


class ComfyError(WorkflowLibraryError):
    """Talking to a ComfyUI server failed."""


class ServerUnavailableError(ComfyError):
    """Connection refused, timeouts or 5xx after retries, or the server's circuit breaker is open."""

    def __init__(self, message: str, request_sent: bool = False) -> None:
        super().__init__(message)
        self.request_sent = request_sent  # False: the server certainly never saw the request


class ServerMarkedDownError(ServerUnavailableError):
    """The server's circuit breaker is open: it failed repeatedly and is not asked again for a while."""


class ComfyHTTPError(ComfyError):
    def __init__(self, url: str, status: int, body: str) -> None:
        super().__init__(f"{url} answered HTTP {status}: {body[:500]}")
        self.status = status
        self.body = body


class PromptRejectedError(ComfyError):
    """ComfyUI refused the prompt (validation failed); node_errors is ComfyUI's per-node detail."""

    def __init__(self, message: str, node_errors: dict[str, Any]) -> None:
        self.node_errors = node_errors
        super().__init__(message + "".join(f"\n  {line}" for line in format_node_errors(node_errors)))


class NoServerAvailableError(ComfyError):
    def __init__(self, reasons: dict[str, str], transient: bool = False) -> None:
        detail = "; ".join(f"{url}: {why}" for url, why in reasons.items()) or "no servers configured"
        super().__init__(f"no ComfyUI server can run this job ({detail})")
        self.reasons = reasons
        self.transient = transient  # True when some server was unreachable rather than unsuitable


class JobNotFoundError(WorkflowLibraryError, KeyError):
    def __str__(self) -> str:
        return f"unknown job {self.args[0]!r}"


class JobStoreError(WorkflowLibraryError):
    """The job database cannot be opened or stayed locked by another process for too long."""


class InvalidTransitionError(WorkflowLibraryError):
    """An update would move a job out of a final state (completed, failed, cancelled)."""


class NotOwnerError(WorkflowLibraryError):
    """The job is driven by another process now (it adopted the job after this one went quiet)."""


def format_node_errors(node_errors: dict[str, Any]) -> list[str]:
    """One line per failing node input, from ComfyUI's `node_errors` payload."""
    lines = []
    for node_id, entry in sorted(node_errors.items()):
        class_type = entry.get("class_type", "?") if isinstance(entry, dict) else "?"
        errors = entry.get("errors", []) if isinstance(entry, dict) else []
        for err in errors or [{"message": str(entry)}]:
            detail = err.get("details") or ""
            lines.append(
                f"node {node_id} ({class_type}): {err.get('message', 'error')}"
                + (f" — {detail}" if detail else "")
            )
    return lines
