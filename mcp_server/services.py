"""Everything the tools share, built once from the configuration: the workspace, the service layer's project
store (the projects folder a ComfyUI server may share) and render queue (in the job store workflow runs use),
and (lazily, since it pulls in the search stack) the workflow library."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from kijkocut.service.actions import ActionContext
from kijkocut.service.jobs import RenderQueue
from kijkocut.service.sealing import default_vault
from kijkocut.service.store import ProjectStore
from mcp_server.config import ServerConfig
from mcp_server.workspace import Workspace

# Well under a client's own timeout (about 60 s): a busy answer arrives while the client still listens.
LOCK_TIMEOUT = 20.0
JOBS_FILE = "jobs.sqlite3"  # the job store's file in the data dir, shared with the CLI and workflow runs
ORIGIN = "mcp"  # how this front end's edits are marked on the change feed


@dataclass
class Services:
    config: ServerConfig
    workspace: Workspace
    projects: ProjectStore
    renders: RenderQueue
    _workflows: object | None = field(default=None, repr=False)
    _workflows_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_config(cls, config: ServerConfig) -> Services:
        workspace = Workspace(config.workspace, config.media_dirs)
        return cls(
            config=config,
            workspace=workspace,
            # encrypted projects open with the keys of the configured data directory, wherever it is set
            projects=ProjectStore(
                config.projects_folder, lock_timeout=LOCK_TIMEOUT, vault=default_vault(config.data_dir)
            ),
            renders=RenderQueue(config.data_dir / JOBS_FILE),
        )

    def action_context(self, project_id: str) -> ActionContext:
        """What the service layer needs to confine the files an action names: the workspace's rules."""
        return ActionContext(
            resolve_path=self.workspace.resolve,
            policy=self.workspace.policy,
            project_dir=self.projects.directory(project_id),
        )

    @property
    def workflows_started(self) -> bool:
        return self._workflows is not None

    @property
    def workflows(self):
        """The workflow service, created on first use (imports the library and its search index)."""
        with self._workflows_lock:
            if self._workflows is None:
                from mcp_server.workflows import WorkflowService

                self._workflows = WorkflowService(self.config, self.workspace)
            return self._workflows
