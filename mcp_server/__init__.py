"""KijkoCut's MCP server: the timeline editor and the workflow library as tools for any MCP client.

A thin adapter over `kijkocut.service`: `server.build_server` assembles the tools, resources and prompts; the
editing tools are derived from the service layer's action declarations (`action_tools`), renders run in its
render queue; `cli.main` is the `kijkocut-mcp` entry point."""
