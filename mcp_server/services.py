"""Everything the tools share, built once from the configuration: the workspace, the project store, the local
render jobs and (lazily, since it pulls in the search stack) the workflow library."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from mcp_server.config import ServerConfig
from mcp_server.jobs import JobManager
from mcp_server.projects import ProjectStore
from mcp_server.workspace import Workspace


@dataclass
class Services:
    config: ServerConfig
    workspace: Workspace
    projects: ProjectStore
    jobs: JobManager
    _workflows: object | None = field(default=None, repr=False)
    _workflows_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_config(cls, config: ServerConfig) -> Services:
        workspace = Workspace(config.workspace, config.media_dirs)
        return cls(config=config, workspace=workspace, projects=ProjectStore(workspace), jobs=JobManager())

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
