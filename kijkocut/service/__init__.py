"""The application layer every front end calls: project sessions in a store (revisions, locks, atomic saves),
one time policy, user actions declared once, jobs and the change feed. It imports neither ComfyUI nor MCP;
the CLI, the ComfyUI nodes and routes, the MCP server, the panel and the agents are adapters over it."""
