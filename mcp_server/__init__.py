"""KijkoCut's MCP server: the timeline editor and the workflow library as tools for any MCP client.

`server.build_server` assembles tools, resources and prompts over the service modules (projects, media,
editing, renders, workflows); `cli.main` is the `kijkocut-mcp` entry point."""
