"""The edit-operations layer: every front end (nodes, panel, MCP tools, agents) edits projects through
commands applied by an `Editor`, which keeps an unbounded, serializable undo/redo history."""

from kijkocut.edit.commands import COMMAND_TYPES, Command, command_from_dict
from kijkocut.edit.editor import Editor, EditResult
from kijkocut.edit.snapping import snap_time

__all__ = ["COMMAND_TYPES", "Command", "Editor", "EditResult", "command_from_dict", "snap_time"]
