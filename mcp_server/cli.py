"""`kijkocut-mcp`: serve the KijkoCut tools over stdio (default) or streamable HTTP (`--http`).

In stdio mode stdout carries the protocol and nothing else: logs, and any message for the user, go to
stderr. HTTP mode requires a bearer token and keeps DNS-rebinding protection on (Host and Origin checks).
"""

from __future__ import annotations

import argparse
import hmac
import logging
import sys
import time
from pathlib import Path

from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from mcp.server.transport_security import TransportSecuritySettings

from kijkocut.service.jobs import RenderQueue
from kijkocut.signals import TERMINATED_EXIT_CODE, Terminated, sigterm_raises
from mcp_server.config import ConfigError, ensure_http_token, load_config
from mcp_server.server import build_server
from mcp_server.services import Services

log = logging.getLogger("kijkocut.mcp")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
# How long a stopping server waits for cancelled renders to remove their partial files.
JOB_STOP_SECONDS = 10.0


class StaticTokenVerifier:
    """Accepts exactly one bearer token (compared in constant time)."""

    def __init__(self, token: str):
        self._token = token.encode()

    async def verify_token(self, token: str) -> AccessToken | None:
        if hmac.compare_digest(token.encode(), self._token):
            return AccessToken(token=token, client_id="kijkocut-local", scopes=[])
        return None


def transport_security(extra_hosts: list[str]) -> TransportSecuritySettings:
    """Host/Origin allow-lists: loopback on any port, plus hosts the user configured (for a LAN bind)."""
    hosts = [f"{h}:*" for h in LOOPBACK_HOSTS] + [h if ":" in h else f"{h}:*" for h in extra_hosts]
    origins = [f"{scheme}://{h}" for h in hosts for scheme in ("http", "https")]
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kijkocut-mcp", description=__doc__.split("\n\n")[0])
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="HTTP port (default 8765)")
    parser.add_argument("--workspace", type=Path, help="workspace directory (overrides the configuration)")
    parser.add_argument("--config", type=Path, help="JSON config file (default: user config dir/mcp.json)")
    parser.add_argument(
        "--search-warmup",
        action="store_true",
        help="build the workflow search index at start (about 1.5 GB at its peak); by default "
        "the first workflow_search builds it, with progress",
    )
    parser.add_argument("--no-search-warmup", action="store_true", help=argparse.SUPPRESS)  # the default now
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return parser.parse_args(argv)


def stop_jobs(renders: RenderQueue, timeout: float = JOB_STOP_SECONDS) -> int:
    """Cancel every unfinished render job of this process and wait (up to `timeout` in all) for them to end,
    so an export stopped with the server removes its partial file. Returns how many were still unfinished."""
    pending = [job.id for job in renders.list() if job.owner == renders.owner and not job.status.terminal]
    for job_id in pending:
        renders.cancel(job_id)
    deadline = time.monotonic() + timeout
    for job_id in pending:
        renders.wait(job_id, max(0.0, deadline - time.monotonic()))
    return len(pending)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    try:
        config = load_config(config_path=args.config)
    except ConfigError as exc:
        print(f"kijkocut-mcp: {exc}", file=sys.stderr)
        return 2
    if args.workspace:
        config = config.model_copy(update={"workspace": args.workspace.expanduser().resolve()})
    services = Services.from_config(config)
    if args.search_warmup and "workflows" in config.tool_groups:
        services.workflows.warm_up()  # a background thread: the first workflow_search then answers quickly
    # SIGTERM (kill, systemd, a container stop) ends the server like Ctrl+C: running exports are cancelled and
    # remove their partial files instead of leaving them in the workspace.
    try:
        with sigterm_raises():
            return _serve(args, config, services)
    except Terminated:
        print("kijkocut-mcp: terminated", file=sys.stderr)
        return TERMINATED_EXIT_CODE
    except KeyboardInterrupt:
        return 130
    finally:
        if stop_jobs(services.renders):
            log.info("cancelled the render jobs still running")


def _serve(args: argparse.Namespace, config, services: Services) -> int:
    if not args.http:
        build_server(services, log_level=args.log_level).run("stdio")
        return 0

    token, generated = ensure_http_token(config)
    if generated:
        print(
            f"kijkocut-mcp: generated an HTTP bearer token, saved to {config.token_file}:\n  {token}\n"
            f"Clients send it as 'Authorization: Bearer <token>'.",
            file=sys.stderr,
        )
    base_url = f"http://{args.host}:{args.port}"
    server = build_server(
        services,
        log_level=args.log_level,
        token_verifier=StaticTokenVerifier(token),
        auth=AuthSettings(issuer_url=base_url, resource_server_url=None),
    )
    app = server.streamable_http_app(
        transport_security=transport_security(config.allowed_hosts), host=args.host
    )

    import uvicorn

    print(f"kijkocut-mcp: serving {base_url}/mcp (workspace {services.workspace.root})", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level.lower())
    return 0


if __name__ == "__main__":
    sys.exit(main())
