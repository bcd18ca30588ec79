"""ComfyUI's websocket messages and `/history` entries as typed values."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

TERMINAL_EVENTS = {"execution_success", "execution_error", "execution_interrupted"}


class ComfyEvent(BaseModel):
    type: str
    prompt_id: str | None = None
    node: str | None = None
    value: float | None = None
    max: float | None = None
    data: dict[str, Any] = {}

    @property
    def finished(self) -> bool:
        """ComfyUI signals the end with `executing` for node None, or one of the terminal events."""
        return self.type in TERMINAL_EVENTS or (
            self.type == "executing" and self.node is None and self.prompt_id is not None
        )


def parse_event(message: dict[str, Any]) -> ComfyEvent:
    data = message.get("data") or {}
    node = data.get("node", data.get("node_id"))
    return ComfyEvent(
        type=str(message.get("type", "")),
        prompt_id=data.get("prompt_id"),
        node=str(node) if node is not None else None,
        value=data.get("value"),
        max=data.get("max"),
        data=data,
    )


class FileRef(BaseModel):
    node_id: str
    filename: str
    subfolder: str = ""
    type: str = "output"
    key: str = "images"  # which list of the node's output held it (images, gifs, audio, video)


class HistoryEntry(BaseModel):
    prompt_id: str
    status: str  # success | error | running (present but not completed)
    completed: bool
    outputs: list[FileRef] = []
    error: str | None = None
    interrupted: bool = False


def error_text(data: dict[str, Any]) -> str:
    where = (
        f"node {data.get('node_id')} ({data.get('node_type')})"
        if data.get("node_id") is not None
        else "ComfyUI"
    )
    kind = data.get("exception_type") or "error"
    return f"{where}: {kind}: {data.get('exception_message', '').strip() or 'execution failed'}"


def parse_history(prompt_id: str, raw: dict[str, Any]) -> HistoryEntry | None:
    """The `/history/{id}` payload for one prompt, or None when the server does not know it."""
    entry = raw.get(prompt_id)
    if not entry:
        return None
    status = entry.get("status") or {}
    messages = status.get("messages") or []
    error = next((error_text(m[1]) for m in messages if m and m[0] == "execution_error"), None)
    interrupted = any(m and m[0] == "execution_interrupted" for m in messages)
    files = []
    for node_id, node_output in (entry.get("outputs") or {}).items():
        for key, items in node_output.items():
            if not isinstance(items, list):
                continue
            for item in items:
                if isinstance(item, dict) and item.get("filename") and item.get("type", "output") == "output":
                    files.append(
                        FileRef(
                            node_id=str(node_id),
                            filename=item["filename"],
                            subfolder=item.get("subfolder", ""),
                            type=item.get("type", "output"),
                            key=key,
                        )
                    )
    status_str = status.get("status_str") or ("success" if status.get("completed") else "running")
    if error or interrupted:
        status_str = "error"
    return HistoryEntry(
        prompt_id=prompt_id,
        status=status_str,
        completed=bool(status.get("completed", False)) or status_str in ("success", "error"),
        outputs=files,
        error=error or ("interrupted" if interrupted else None),
        interrupted=interrupted,
    )
