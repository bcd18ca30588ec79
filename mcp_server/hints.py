"""The hints a tool gives clients about what calling it does (MCP tool annotations): reading only, editing,
repeating harmlessly, destroying, reaching beyond this machine."""

from mcp_types import ToolAnnotations

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)
# read_only_hint and idempotent_hint are stated only when true (the protocol's defaults are false).
EDIT = ToolAnnotations(destructive_hint=False, open_world_hint=False)
EDIT_IDEMPOTENT = ToolAnnotations(destructive_hint=False, idempotent_hint=True, open_world_hint=False)
REMOVE = ToolAnnotations(destructive_hint=True, open_world_hint=False)
REPLACE = ToolAnnotations(destructive_hint=True, idempotent_hint=True, open_world_hint=False)
