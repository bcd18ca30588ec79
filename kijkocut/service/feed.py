"""The change feed: every applied edit, undo and redo of a stored project, published to whoever listens (the
timeline panel through ComfyUI's websocket, an MCP client, an agent), so every view of a project can redraw
live when another front end edits it.

Listeners are called synchronously on the editing thread, after the edit is saved; they must be quick (a
front end hands the event to its own loop). A bounded backlog per project lets a client that polls ask for
what it missed since a revision."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field

from kijkocut.model import Change

log = logging.getLogger(__name__)

BACKLOG = 256

# "external": another process saved the project; there are no entity changes to apply, a view reloads it.
ChangeKind = Literal["edit", "undo", "redo", "created", "deleted", "replaced", "external"]


class ChangeEvent(BaseModel):
    project_id: str
    revision: int = Field(description="the project's revision after the change")
    kind: ChangeKind
    label: str = ""
    origin: str = Field("", description="which front end made the change: cli, comfyui, mcp, http, agent ...")
    changes: list[Change] = Field(default_factory=list)
    # After an edit, undo or redo: whether the project's history can step back or forward now, so a view that
    # applies `changes` knows its undo and redo buttons without asking.
    can_undo: bool | None = None
    can_redo: bool | None = None


Listener = Callable[[ChangeEvent], None]


class ChangeFeed:
    def __init__(self, backlog: int = BACKLOG) -> None:
        self._listeners: list[Listener] = []
        self._recent: dict[str, deque[ChangeEvent]] = {}
        self._backlog = backlog
        self._guard = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns the function that removes it."""
        with self._guard:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._guard:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, event: ChangeEvent) -> None:
        with self._guard:
            self._recent.setdefault(event.project_id, deque(maxlen=self._backlog)).append(event)
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # one broken view must not undo or block an edit that is already saved
                log.exception("change listener failed")

    def since(self, project_id: str, revision: int) -> list[ChangeEvent] | None:
        """Events after `revision`, oldest first; None when the backlog no longer reaches back that far (the
        client must reload the whole project)."""
        with self._guard:
            recent = list(self._recent.get(project_id, ()))
        newer = [e for e in recent if e.revision > revision]
        return None if newer and newer[0].revision != revision + 1 else newer
