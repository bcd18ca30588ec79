"""The durable job runner: queues jobs in SQLite, sends them to the pool, follows them to the end, and
picks up where it left off after a restart without losing or repeating work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workflows_library.cards import WorkflowCard
from workflows_library.client import ComfyClient
from workflows_library.errors import (
    InputError,
    NoServerAvailableError,
    PromptRejectedError,
    ServerUnavailableError,
)
from workflows_library.events import ComfyEvent, HistoryEntry
from workflows_library.inputs import bind_inputs, is_local_file
from workflows_library.jobs import InvalidTransitionError, Job, JobOutput, JobStatus, JobStore, new_job_id
from workflows_library.loader import Library
from workflows_library.media import kind_from_name, probe_output, safe_local_name
from workflows_library.pool import ServerPool

log = logging.getLogger(__name__)
JobListener = Callable[[Job], None]


class JobRunner:
    def __init__(
        self,
        store: JobStore,
        pool: ServerPool,
        library: Library,
        media_dir: Path,
        *,
        poll_interval: float = 1.0,
        retry_interval: float = 5.0,
    ) -> None:
        self.store = store
        self.pool = pool
        self.library = library
        self.media_dir = media_dir
        self.poll_interval = poll_interval
        self.retry_interval = retry_interval
        self._drivers: dict[str, asyncio.Task[Job]] = {}
        self._listeners: list[JobListener] = []
        self._loop_task: asyncio.Task[None] | None = None

    # -- public API ------------------------------------------------------------------------------------
    def submit(
        self, workflow_id: str, inputs: dict[str, Any] | None = None, server: str | None = None
    ) -> str:
        """Validate inputs, record a queued job and return its id; the job starts once the runner runs."""
        card = self.library.card(workflow_id)
        inputs = inputs or {}
        workflow = bind_inputs(card, self.library.workflow(workflow_id), inputs)
        for spec in card.inputs:  # local media must exist now, not fail later on the server
            value = inputs.get(spec.name)
            if (
                spec.type.is_media
                and isinstance(value, str)
                and _looks_local(value)
                and not Path(value).is_file()
            ):
                raise InputError(f"input {spec.name!r}: file not found: {value}")
        job = Job(
            id=new_job_id(),
            workflow_id=workflow_id,
            inputs=inputs,
            workflow=workflow,
            preferred_server=self.pool.client(server).url if server else None,
        )
        self.store.create(job)
        if self._loop_task is not None:
            self._drive_soon(job.id)
        return job.id

    def status(self, job_id: str) -> Job:
        return self.store.get(job_id)

    def list_jobs(self, status: JobStatus | None = None, limit: int = 100) -> list[Job]:
        return self.store.list([status] if status else None, limit)

    def subscribe(self, listener: JobListener) -> None:
        self._listeners.append(listener)

    async def run(self, job_id: str) -> Job:
        """Drive one job to a terminal state in this process (the CLI's `run`)."""
        return await self._drive_soon(job_id)

    async def wait(self, job_id: str, timeout: float | None = None) -> Job:
        return await asyncio.wait_for(asyncio.shield(self._drive_soon(job_id)), timeout)

    async def start(self) -> None:
        """Resume every unfinished job (reconciling with the servers) and keep picking up new ones."""
        if self._loop_task is None:
            self._loop_task = asyncio.create_task(self._scan_forever())

    async def stop(self) -> None:
        tasks = [t for t in [self._loop_task, *self._drivers.values()] if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._loop_task = None
        self._drivers.clear()

    async def cancel(self, job_id: str) -> Job:
        job = self.store.get(job_id)
        if job.status.terminal:
            return job
        if job.server_url:
            client = self.pool.client(job.server_url)
            queue = await client.queue()
            if job.prompt_id in queue.pending:
                await client.delete_queued([job.prompt_id])
            elif job.prompt_id in queue.running:
                await client.interrupt(job.prompt_id)
        driver = self._drivers.get(job_id)
        try:
            job = self._update(job_id, status=JobStatus.cancelled, error="cancelled by user")
        except InvalidTransitionError:  # it finished while we were asking the server
            return self.store.get(job_id)
        if driver is not None:
            driver.cancel()
        return job

    # -- driving jobs ----------------------------------------------------------------------------------
    def _drive_soon(self, job_id: str) -> asyncio.Task[Job]:
        task = self._drivers.get(job_id)
        if task is None or task.done():
            task = asyncio.create_task(self._drive(job_id))
            self._drivers[job_id] = task
            task.add_done_callback(
                lambda t, jid=job_id: self._drivers.pop(jid, None) if self._drivers.get(jid) is t else None
            )
        return task

    async def _scan_forever(self) -> None:
        while True:
            for job in self.store.unfinished():
                self._drive_soon(job.id)
            await asyncio.sleep(self.retry_interval)

    async def _drive(self, job_id: str) -> Job:
        while True:
            job = self.store.get(job_id)
            if job.status.terminal:
                return job
            try:
                if job.status is JobStatus.queued:
                    await self._dispatch(job)
                else:
                    await self._watch(job)
            except InvalidTransitionError:
                return self.store.get(job_id)  # cancelled meanwhile
            except NoServerAvailableError as error:
                if not error.transient:
                    self._update(job_id, status=JobStatus.failed, error=str(error))
                    continue
                log.warning("job %s waits for a server: %s", job_id, error)
                await asyncio.sleep(self.retry_interval)
            except ServerUnavailableError as error:
                log.warning("job %s: %s; retrying", job_id, error)
                await asyncio.sleep(self.retry_interval)

    async def _dispatch(self, job: Job) -> None:
        card = self.library.card(job.workflow_id)
        if job.server_url:
            # Pinned before a crash or a failed POST: it may already be on that server. Never re-send blind.
            client = self.pool.client(job.server_url)
            if await client.knows(job.prompt_id):
                self._update(job.id, status=JobStatus.running)
                return
        else:
            client = await self.pool.choose(card, self.library.node_types(card.id), job.preferred_server)
            workflow = await self._upload_media(client, card, job)
            job = self._update(job.id, server_url=client.url, workflow=workflow)
        try:
            await client.submit(job.workflow, job.client_id, job.prompt_id)
        except PromptRejectedError as error:
            self._update(job.id, status=JobStatus.failed, error=str(error))
            return
        except ServerUnavailableError as error:
            if not error.request_sent:  # never reached the server: free to go elsewhere
                self._update(job.id, server_url=None)
            raise
        self._update(job.id, status=JobStatus.running, submissions=job.submissions + 1)

    async def _upload_media(self, client: ComfyClient, card: WorkflowCard, job: Job) -> dict[str, Any]:
        workflow = job.workflow
        for spec in card.inputs:
            value = job.inputs.get(spec.name)
            if not spec.type.is_media or not _looks_local(value) or not Path(value).is_file():
                continue  # not a local file: a name already in the server's input folder
            uploaded = await client.upload(Path(value))
            for target in spec.targets:
                workflow[target.node_id]["inputs"][target.field] = uploaded
        return workflow

    async def _watch(self, job: Job) -> None:
        """Follow a submitted prompt: websocket for live progress, `/history` as the source of truth."""
        assert job.server_url is not None
        client = self.pool.client(job.server_url)
        progress = _Progress(len(job.workflow))
        finished = asyncio.Event()

        async def listen() -> None:
            while True:
                try:
                    async for event in client.events(job.client_id):
                        if event.prompt_id not in (None, job.prompt_id):
                            continue
                        self._on_event(job.id, event, progress)
                        if event.finished and event.prompt_id == job.prompt_id:
                            finished.set()
                            return
                except ServerUnavailableError:
                    pass  # dropped: polling covers the gap, then reconnect
                await asyncio.sleep(self.poll_interval)

        listener = asyncio.create_task(listen())
        try:
            while True:
                entry = await self._settled(client, job)
                if entry is not None:
                    break
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(finished.wait(), self.poll_interval)
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
        if entry.completed:
            await self._finish(job, client, entry)
        else:  # the server lost it (restarted): it never ran to completion, so sending it again is safe
            log.warning("job %s vanished from %s; resubmitting", job.id, client.url)
            self._update(job.id, status=JobStatus.queued, progress=0.0, current_node=None)

    async def _settled(self, client: ComfyClient, job: Job) -> HistoryEntry | None:
        """The finished history entry; a not-completed marker if the server no longer knows the prompt;
        None while it is still queued or running."""
        entry = await client.history(job.prompt_id)
        if entry is not None and entry.completed:
            return entry
        if job.prompt_id in await client.queue():
            return None
        entry = await client.history(job.prompt_id)  # it may have finished between the two questions
        if entry is not None and entry.completed:
            return entry
        return HistoryEntry(prompt_id=job.prompt_id, status="lost", completed=False)

    async def _finish(self, job: Job, client: ComfyClient, entry: HistoryEntry) -> None:
        if entry.interrupted:
            self._update(job.id, status=JobStatus.cancelled, error="interrupted on the server")
            return
        if entry.status == "error":
            self._update(job.id, status=JobStatus.failed, error=entry.error or "execution failed")
            return
        card = self.library.card(job.workflow_id)
        kinds = {output.node_id: output.kind.value for output in card.outputs}
        folder = self.media_dir / job.id
        outputs = []
        used: set[str] = set()
        for ref in entry.outputs:
            name = safe_local_name(ref.filename)
            while name in used:
                name = f"{ref.node_id}_{name}"
            used.add(name)
            path = await client.download(ref, folder / name)
            outputs.append(
                JobOutput(
                    node_id=ref.node_id,
                    filename=ref.filename,
                    subfolder=ref.subfolder,
                    kind=kinds.get(ref.node_id, kind_from_name(ref.filename)),
                    local_path=str(path),
                    probe=probe_output(path),
                )
            )
        self._update(job.id, status=JobStatus.completed, progress=1.0, current_node=None, outputs=outputs)

    def _on_event(self, job_id: str, event: ComfyEvent, progress: _Progress) -> None:
        if progress.apply(event):
            self._update(job_id, progress=progress.fraction, current_node=progress.node)

    def _update(self, job_id: str, **changes: Any) -> Job:
        job = self.store.update(job_id, **changes)
        for listener in self._listeners:
            listener(job)
        return job


class _Progress:
    """Overall progress from per-node events: finished nodes plus the running node's own fraction."""

    def __init__(self, total_nodes: int) -> None:
        self.total = max(1, total_nodes)
        self.done: set[str] = set()
        self.node: str | None = None
        self.within = 0.0
        self._reported = -1.0

    @property
    def fraction(self) -> float:
        return min(0.99, (len(self.done) + self.within) / self.total)

    def _enter(self, node: str) -> None:
        if node != self.node:
            if self.node is not None:
                self.done.add(self.node)
            self.node, self.within = node, 0.0

    def apply(self, event: ComfyEvent) -> bool:
        """Fold in one event; True when the change is worth persisting (node change or >= 1%)."""
        if event.type == "execution_cached":
            self.done |= {str(n) for n in event.data.get("nodes", [])}
        elif event.type == "executing" and event.node is not None:
            self._enter(event.node)
        elif event.type == "executed" and event.node is not None:
            self.done.add(event.node)
        elif event.type == "progress" and event.max:
            if event.node is not None:  # the websocket may have connected after `executing` was sent
                self._enter(event.node)
            self.within = float(event.value or 0) / float(event.max)
        else:
            return False
        if event.type == "progress" and self.fraction - self._reported < 0.01:
            return False
        self._reported = self.fraction
        return True


def _looks_local(value: object) -> bool:
    """Only absolute paths (made so by a front end that confined them) are local files; other names are in the
    server's input folder and are never looked up in this process's working directory."""
    return is_local_file(value)
