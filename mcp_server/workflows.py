"""The workflow library for the tools: search, cards, validation against the configured ComfyUI servers,
runs as durable jobs, and importing a finished job's outputs into a project.

Jobs are kept in the job store the CLI uses too (`<data dir>/jobs.sqlite3`, see `config.data_dir`), so either
front end sees, resumes and cancels the other's jobs. Outputs of jobs started here land in the workspace's
`jobs/media/` folder (path confinement and `workspace://` links apply to them like to renders); outputs a CLI
run saved elsewhere are not linked. Network calls are async and run on the server's event loop; the runner
starts there on first use and adopts jobs whose process stopped.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from mcp_server import media
from mcp_server.config import ServerConfig
from mcp_server.errors import NotFoundError, ServiceError
from mcp_server.jobs import output_file
from mcp_server.schemas import (
    JobView,
    WorkflowCardView,
    WorkflowHit,
    WorkflowInputView,
    WorkflowSearchResult,
    WorkflowValidation,
)
from mcp_server.workspace import Workspace
from workflows_library import api
from workflows_library.cards import WorkflowCard
from workflows_library.config import DEFAULT_URL, Settings, run_limits
from workflows_library.config import ServerConfig as ComfyServer
from workflows_library.errors import NoServerAvailableError, WorkflowLibraryError
from workflows_library.inputs import localise_media_inputs, resolve_inputs
from workflows_library.jobs import Job, JobStatus, JobStore
from workflows_library.runner import JobRunner

# Bounded so a first search (index build) never runs into a client's 60 s call timeout.
SEARCH_WARMUP_WAIT = 40
_MIME = {"video": "video/mp4", "image": "image/png", "audio": "audio/mpeg"}


class WorkflowService:
    def __init__(self, config: ServerConfig, workspace: Workspace):
        self.workspace = workspace
        try:
            servers = [
                ComfyServer(url=url, token=config.comfyui_token)
                for url in config.comfyui_urls or [DEFAULT_URL]
            ]
            self.settings = Settings(
                servers=servers,
                data_dir=config.data_dir,
                downloads_dir=workspace.folder("jobs") / "media",
                limits=run_limits(os.environ),
            )
        except ValueError as exc:
            raise ServiceError(f"ComfyUI server configuration: {exc}") from None
        self._runner: JobRunner | None = None
        self._reader: JobStore | None = None  # the job store without the runner (and its library)
        self._started = False
        self._lock = threading.Lock()
        self._index_ready: Future | None = None

    # --- discovery ----------------------------------------------------------------------------------------

    def warm_up(self) -> Future:
        """Load the embedding model and sync the search index in the background (the first sync embeds every
        card and can take longer than a client waits for one call)."""
        with self._lock:
            if self._index_ready is None:
                future: Future = Future()
                self._index_ready = future

                def build() -> None:
                    try:
                        future.set_result(api.search("warm up", None, 1))
                    except BaseException as exc:  # surfaced to the search call that waits on it
                        future.set_exception(exc)

                # A daemon thread, so a stdio server exits as soon as its client hangs up.
                threading.Thread(target=build, name="kijkocut-search-warmup", daemon=True).start()
            return self._index_ready

    def search(self, query: str, limit: int) -> WorkflowSearchResult:
        try:
            self.warm_up().result(timeout=SEARCH_WARMUP_WAIT)
            hits = api.search(query, None, limit)
        except FutureTimeout:
            raise ServiceError(
                "the workflow search index is still being built (first use after install); "
                "call workflow_search again in a minute"
            ) from None
        except RuntimeError as exc:  # the embedding model or index is unavailable
            with self._lock:
                self._index_ready = None  # let a later call try again
            raise ServiceError(f"workflow search is unavailable: {exc}") from None
        return WorkflowSearchResult(
            query=query,
            hits=[
                WorkflowHit(
                    id=h.id,
                    title=h.title,
                    summary=h.description[:300],
                    task=", ".join(t.value for t in h.tasks),
                    score=round(h.score, 4),
                )
                for h in hits
            ],
        )

    def _card(self, workflow_id: str) -> WorkflowCard:
        try:
            return api.get_card(workflow_id)
        except KeyError as exc:
            raise NotFoundError(str(exc)) from None

    def card(self, workflow_id: str) -> WorkflowCardView:
        card = self._card(workflow_id)
        inputs = [
            WorkflowInputView(
                name=spec.name,
                type=spec.type.value,
                required=spec.needs_value,
                description=spec.description,
                default=spec.default if isinstance(spec.default, str | int | float | bool) else None,
                minimum=spec.minimum,
                maximum=spec.maximum,
                choices=spec.choices or [],
            )
            for spec in card.inputs
        ]
        needs = [f"model {m.folder}/{m.filename}" for m in card.models] + [
            f"node pack {n}" for n in card.custom_nodes
        ]
        return WorkflowCardView(
            id=card.id,
            title=card.title,
            summary=card.description,
            task=", ".join(t.value for t in card.tasks),
            inputs=inputs,
            outputs=[o.kind.value for o in card.outputs],
            requirements=needs,
            uri=f"workflow://{card.id}",
        )

    # --- running ------------------------------------------------------------------------------------------

    async def runner(self) -> JobRunner:
        """The runner, driving jobs on the running event loop (started once)."""
        runner = self._store_runner()
        if not self._started:
            await runner.start()
            self._started = True
        return runner

    async def aclose(self) -> None:
        """Stop driving jobs and close HTTP sessions; jobs stay in the store and resume on the next start."""
        if self._started and self._runner is not None:
            await self._runner.stop()
            await self._runner.pool.close()
            self._started = False

    def _check_inputs(self, card: WorkflowCard, inputs: dict[str, Any]) -> dict[str, Any]:
        """The inputs with every media value resolved in the workspace (bare names too, never in the server's
        working directory) to the real path of an existing file inside the allowed folders: only such files
        are uploaded. Anything else is refused; nothing names a file on the ComfyUI server directly."""

        def locate(name: str, value: str) -> str:
            try:
                path = self.workspace.resolve(value)
            except ServiceError as exc:
                raise type(exc)(f"input {name!r}: {exc}") from None
            if not path.is_file() or media.file_kind(path) == "other":
                raise ServiceError(
                    f"input {name!r}: {value!r} is not a media file (video, audio or image) in "
                    f"the workspace; files_list shows them"
                )
            return str(path)

        localised = localise_media_inputs(card, inputs, locate)
        resolve_inputs(card, localised)
        return localised

    async def validate(self, workflow_id: str, inputs: dict[str, Any]) -> WorkflowValidation:
        card = self._card(workflow_id)
        try:
            self._check_inputs(card, inputs)
        except WorkflowLibraryError as exc:
            return WorkflowValidation(workflow_id=workflow_id, ok=False, problems=[str(exc)])
        runner = await self.runner()
        try:
            client = await runner.pool.choose(card, runner.library.node_types(card.id))
        except NoServerAvailableError as exc:
            return WorkflowValidation(
                workflow_id=workflow_id,
                ok=False,
                problems=[f"{url}: {why}" for url, why in exc.reasons.items()],
            )
        report = api.validate(workflow_id, await client.object_info())
        return WorkflowValidation(
            workflow_id=workflow_id,
            ok=report.ok,
            server=client.url,
            problems=[issue.message for issue in report.issues],
        )

    async def run(self, workflow_id: str, inputs: dict[str, Any]) -> JobView:
        card = self._card(workflow_id)
        inputs = self._check_inputs(card, inputs)
        runner = await self.runner()
        # Refuse now, with the reason, rather than queue a job that waits for a server that is down.
        await runner.pool.choose(card, runner.library.node_types(card.id))
        return self._view(runner.status(runner.submit(workflow_id, inputs)))

    def _store_runner(self) -> JobRunner:
        """The runner for reading the job store: jobs of earlier sessions are there before it starts."""
        with self._lock:  # tools call this from worker threads
            if self._runner is None:
                self._runner = api.open_runner(self.settings, api.get_library())
            return self._runner

    def _jobs(self) -> JobStore:
        """Where workflow jobs are read: the runner's store, or one opened for reading while no runner runs."""
        with self._lock:
            if self._runner is not None:
                return self._runner.store
            if self._reader is None:
                self._reader = JobStore(self.settings.jobs_db)
            return self._reader

    def _job(self, job_id: str) -> Job:
        try:
            return self._jobs().get(job_id)
        except KeyError:
            raise NotFoundError(f"unknown job {job_id!r}; job_list shows the known jobs") from None

    def job_status(self, job_id: str) -> JobView:
        return self._view(self._job(job_id))

    async def cancel(self, job_id: str) -> JobView:
        self._job(job_id)
        return self._view(await (await self.runner()).cancel(job_id))

    def list_jobs(self) -> list[JobView]:
        return [self._view(job) for job in self._jobs().list(limit=50)]

    def _view(self, job: Job) -> JobView:
        # Outputs saved outside the workspace by a CLI run (shared store), or deleted since, are not linked.
        linked = [
            output_file(self.workspace, output.local_path, _MIME.get(output.kind))
            for output in job.outputs
            if output.local_path
        ]
        message = f"running {job.current_node}" if job.current_node else job.status.value
        return JobView(
            job_id=job.id,
            kind="workflow",
            state=job.status.value,
            done=job.status.terminal,
            progress=round(job.progress, 4),
            message=message,
            workflow_id=job.workflow_id,
            outputs=[out for out in linked if out is not None],
            error=job.error,
            created_at=job.created_at,
        )

    # --- into a project ---------------------------------------------------------------------------------

    def output_files(self, job_id: str) -> list[str]:
        """The video, image and audio files a completed job produced (downloaded into the workspace)."""
        job = self._job(job_id)
        if job.status is not JobStatus.completed:
            raise ServiceError(f"job {job_id} is {job.status.value}; wait until it has completed (job_wait)")
        files = [o.local_path for o in job.outputs if o.local_path and o.kind in ("video", "image", "audio")]
        if not files:
            raise ServiceError(f"job {job_id} produced no video, image or audio files")
        return files
