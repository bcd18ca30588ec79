"""The durable job runner: sends queued jobs to the pool, follows them to the end, and picks up where a
stopped process left off, without losing or repeating work.

Every state the runner waits in has a backoff and an end (`RunLimits`, configurable from the environment):
getting a job onto a server (a retry budget and a deadline; then the job fails naming the servers it tried,
unless it was queued for later), contact with the server while the job runs, a `/history` entry that never
settles, and the run itself. Each end fails the job with a message that says what was seen.

Jobs live in the job store the CLI and the MCP server share, each with an owner and a heartbeat. A runner
drives only the jobs it owns or adopts (their process died or went quiet), reconciling them with the server's
`/queue` and `/history` first, so no job is driven twice. Cancelling works with the server down: the job is
marked cancelled at once, and whichever runner next reaches that server deletes the prompt from its queue or
interrupts it.

A ComfyUI restart must not run a finished job twice. ComfyUI keeps `/history` in memory, so a job that
finished just before a restart looks lost. The runner gives each card output node with a `filename_prefix` a
prefix unique to the job (`output_prefixes`) and, before it resubmits a prompt the server forgot, lists the
server's output folder: when every such node already left files there, the job completes with them. What
remains (the job then runs again): outputs without a plain-string `filename_prefix` (custom save nodes,
previews), servers that do not serve `/internal/files/output` (older ComfyUI, some proxies), a restart after
only some outputs were written, and outputs deleted from the server in between.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any

from workflows_library.cards import WorkflowCard
from workflows_library.client import ComfyClient
from workflows_library.config import RunLimits
from workflows_library.errors import (
    ComfyError,
    ComfyHTTPError,
    InputError,
    JobStoreError,
    NoServerAvailableError,
    NotOwnerError,
    PromptRejectedError,
    ServerUnavailableError,
)
from workflows_library.events import ComfyEvent, FileRef, HistoryEntry
from workflows_library.inputs import bind_inputs, is_local_file
from workflows_library.job_store import owner_alive
from workflows_library.jobs import (
    InvalidTransitionError,
    Job,
    JobOutput,
    JobStatus,
    JobStore,
    Owner,
    new_job_id,
)
from workflows_library.loader import Library
from workflows_library.media import kind_from_name, probe_output, safe_local_name
from workflows_library.output_prefixes import outputs_found, stamp_output_prefixes
from workflows_library.pool import ServerPool
from workflows_library.retry import Deadline, RetryPolicy

log = logging.getLogger(__name__)
JobListener = Callable[[Job], None]
SERVER_HINT = (
    "start ComfyUI (python main.py --listen 127.0.0.1 --port 8188) or point COMFYUI_URL / COMFYUI_URLS "
    "at a running server"
)


class _Seen(Enum):
    """What a server says about a prompt it was sent."""

    waiting = "queued or running"
    finished = "finished"
    unsettled = "in /history without a completion status, and no longer queued"
    lost = "unknown to the server"


class JobRunner:
    def __init__(
        self,
        store: JobStore,
        pool: ServerPool,
        library: Library,
        media_dir: Path,
        *,
        limits: RunLimits | None = None,
        owner: Owner | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.pool = pool
        self.library = library
        self.media_dir = media_dir
        self.limits = limits = limits or RunLimits()
        self.owner = owner or Owner.this_process()
        self._clock = clock
        self._poll_backoff = RetryPolicy(
            base_delay=limits.poll_interval, max_delay=limits.max_poll_interval, jitter=0.2
        )
        self._retry_backoff = RetryPolicy(
            base_delay=limits.retry_interval, max_delay=limits.max_retry_interval, jitter=0.3
        )
        self._drivers: dict[str, asyncio.Task[Job]] = {}
        self._listeners: list[JobListener] = []
        self._loop_task: asyncio.Task[None] | None = None
        self._heartbeat_task: asyncio.Task[None] | None = None
        self._cancelled: set[str] = set()  # jobs whose driver `cancel` stopped

    # -- public API ------------------------------------------------------------------------------------
    def submit(
        self,
        workflow_id: str,
        inputs: dict[str, Any] | None = None,
        server: str | None = None,
        *,
        queue_for_later: bool = False,
        claim: bool = True,
    ) -> str:
        """Validate inputs, record a queued job and return its id; the job starts once the runner runs.

        `claim=False` leaves the job to whichever runner adopts it first (`--detach`); `queue_for_later`
        keeps it queued, rather than failed, when no server can take it yet."""
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
        job_id = new_job_id()
        workflow, prefixes = stamp_output_prefixes(card, workflow, job_id)
        job = Job(
            id=job_id,
            workflow_id=workflow_id,
            inputs=inputs,
            workflow=workflow,
            preferred_server=self.pool.client(server).url if server else None,
            output_dir=str(self.media_dir / job_id),
            output_prefixes=prefixes,
            queue_for_later=queue_for_later,
            message="queued",
        )
        self.store.create(job, owner=self.owner if claim else None)
        if self._loop_task is not None and claim:
            self._drive_soon(job.id)
        return job.id

    def status(self, job_id: str) -> Job:
        return self.store.get(job_id)

    def list_jobs(self, status: JobStatus | None = None, limit: int = 100) -> list[Job]:
        return self.store.list([status] if status else None, limit)

    def subscribe(self, listener: JobListener) -> None:
        self._listeners.append(listener)

    def orphans(self) -> list[Job]:
        """Unfinished jobs that no live process drives: what `resume` adopts."""
        return self.store.orphans(self.limits.stale_after)

    async def run(self, job_id: str) -> Job:
        """Drive one job to its end in this process (the CLI's `run`). A job queued for later comes back
        still queued when no server could take it within the dispatch budget."""
        return await self._drive_soon(job_id)

    async def wait(self, job_id: str, timeout: float | None = None) -> Job:
        return await asyncio.wait_for(asyncio.shield(self._drive_soon(job_id)), timeout)

    async def resume(self, job_id: str | None = None) -> list[Job]:
        """Adopt the named job, or every job whose process stopped, reconcile each with its server and
        drive it to the end. A job that another live process drives is returned as it is."""
        if job_id is not None:
            self.store.get(job_id)  # an unknown id fails here, with its name
        await self.deliver_cancels()
        ids = [job_id] if job_id is not None else [job.id for job in self.orphans()]
        return list(await asyncio.gather(*(self._drive_soon(one) for one in ids)))

    async def start(self) -> None:
        """Keep adopting the jobs nobody drives (new, detached, or left by a stopped process) and delivering
        cancels, until `stop`."""
        if self._loop_task is None:
            self._loop_task = asyncio.create_task(self._scan_forever())

    async def stop(self) -> None:
        """Stop driving; this runner's unfinished jobs are released for the next runner to adopt at once."""
        tasks = [t for t in [self._loop_task, self._heartbeat_task, *self._drivers.values()] if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._loop_task = self._heartbeat_task = None
        self._drivers.clear()
        try:
            self.store.release(self.owner)
        except JobStoreError as error:  # the heartbeat stops too, so others adopt them after stale_after
            log.warning("could not release this runner's jobs: %s", error)

    async def cancel(self, job_id: str) -> Job:
        """Mark the job cancelled now, then tell its server (queue delete, or interrupt). With the server
        unreachable the job stays `cancel_pending`, and a later runner tells the server when it is back."""
        job = self.store.get(job_id)
        if job.status.terminal:
            return job
        try:
            job = self.store.update(
                job_id,
                status=JobStatus.cancelled,
                error="cancelled by user",
                message="cancelled",
                cancel_pending=True,
            )
        except InvalidTransitionError:  # it finished meanwhile
            return self.store.get(job_id)
        self._notify(job)
        driver = self._drivers.get(job_id)
        if driver is not None:  # it ends at once, returning the cancelled job to whoever awaits it
            self._cancelled.add(job_id)
            driver.cancel()
        await self._deliver_cancel(job)
        return self.store.get(job_id)

    async def deliver_cancels(self) -> None:
        """Tell servers about the cancels made while they were unreachable (quick, best effort)."""
        await asyncio.gather(*(self._deliver_cancel(job) for job in self.store.pending_cancels()))

    async def _deliver_cancel(self, job: Job) -> bool:
        if job.server_url is not None:
            client = self.pool.client(job.server_url)
            quick = self.limits.health_timeout
            try:
                queue = await client.queue(timeout=quick)
                if job.prompt_id in queue.pending:
                    await client.delete_queued([job.prompt_id], timeout=quick)
                    queue = await client.queue(timeout=quick)  # it may have started meanwhile
                if job.prompt_id in queue.running:
                    await client.interrupt(job.prompt_id, timeout=quick)
            except ComfyError as error:
                log.info("job %s: the cancel reaches %s when it is back (%s)", job.id, client.url, error)
                return False
        self.store.update(job.id, finished_ok=True, cancel_pending=False)
        return True

    # -- driving jobs ----------------------------------------------------------------------------------
    def _drive_soon(self, job_id: str) -> asyncio.Task[Job]:
        if self._heartbeat_task is None or self._heartbeat_task.done():
            self._heartbeat_task = asyncio.create_task(self._heartbeat_forever())
        task = self._drivers.get(job_id)
        if task is None or task.done():
            task = asyncio.create_task(self._drive(job_id))
            self._drivers[job_id] = task
            task.add_done_callback(
                lambda t, jid=job_id: self._drivers.pop(jid, None) if self._drivers.get(jid) is t else None
            )
        return task

    async def _heartbeat_forever(self) -> None:
        while True:
            await asyncio.sleep(self.limits.heartbeat_interval)
            try:
                self.store.heartbeat(self.owner)
            except JobStoreError as error:
                log.warning("job heartbeat: %s", error)

    def _adoptable(self, job: Job) -> bool:
        if job.id in self._drivers:
            return False
        return job.owner == self.owner or not owner_alive(
            job, now=time.time(), stale_after=self.limits.stale_after
        )

    async def _scan_forever(self) -> None:
        while True:
            try:
                await self.deliver_cancels()
                for job in self.store.unfinished():
                    if self._adoptable(job):
                        self._drive_soon(job.id)
            except JobStoreError as error:
                log.warning("job scan: %s", error)
            await asyncio.sleep(self.limits.retry_interval)

    async def _drive(self, job_id: str) -> Job:
        job = self.store.claim(job_id, self.owner, stale_after=self.limits.stale_after)
        if job is None:
            return self.store.get(job_id)  # final, or another live process drives it
        try:
            while not job.status.terminal:
                if job.status is JobStatus.queued:
                    job = await self._dispatch(job)
                    if job.status is JobStatus.queued:  # queued for later: no server could take it yet
                        self.store.release(self.owner, job_id)
                        break
                else:
                    job = await self._follow(job)
        except (InvalidTransitionError, NotOwnerError):
            pass  # cancelled, or adopted by another process, meanwhile
        except asyncio.CancelledError:
            if job_id not in self._cancelled:  # stopped, not cancelled: the job stays as it is
                raise
            self._cancelled.discard(job_id)
        except JobStoreError:
            raise
        except Exception as error:  # a bug or a local fault (disk full): end the job, never loop on it
            log.exception("job %s failed in the runner", job_id)
            with contextlib.suppress(InvalidTransitionError, NotOwnerError):
                self._fail(job, f"{type(error).__name__}: {error}")
        return self.store.get(job_id)

    async def _dispatch(self, job: Job) -> Job:
        """Get a queued job onto a server: bounded tries with backoff, then fail naming the servers tried
        (a job queued for later stays queued instead)."""
        card = self.library.card(job.workflow_id)
        deadline = Deadline(self.limits.dispatch_deadline, self._clock)
        tried: dict[str, str] = {}
        attempts = 0
        while True:
            try:
                return await self._dispatch_once(job, card, tried)
            except NoServerAvailableError as error:
                tried.update(error.reasons)
                if not error.transient:  # servers answered: none has what the workflow needs
                    return self._fail(job, str(error))
            except ServerUnavailableError:
                pass  # `tried` has the reason
            attempts += 1
            job = self.store.get(job.id)
            if attempts >= self.limits.dispatch_attempts or deadline.expired:
                return self._give_up_dispatch(job, tried, attempts, deadline.elapsed)
            job = self._update(
                job.id,
                message=f"waiting for a ComfyUI server (try {attempts + 1} of {self.limits.dispatch_attempts})",
            )
            await asyncio.sleep(min(self._retry_backoff.delay(attempts - 1), deadline.remaining))

    async def _dispatch_once(self, job: Job, card: WorkflowCard, tried: dict[str, str]) -> Job:
        if job.server_url:
            # Sent before (a crash, a lost answer, a server restart): it may be there, or done. Never re-send blind.
            client = self.pool.client(job.server_url)
            try:
                if await client.knows(job.prompt_id):
                    return self._update(job.id, status=JobStatus.running, message=f"running on {client.url}")
                found = await self._outputs_left(client, job)
            except ServerUnavailableError as error:
                tried[client.url] = str(error)
                raise
            if found is not None:
                log.warning(
                    "job %s finished on %s before it restarted; not running it again", job.id, client.url
                )
                return await self._collect(job, client, found)
        else:
            client = await self.pool.choose(card, self.library.node_types(card.id), job.preferred_server)
            try:
                workflow = await self._upload_media(client, card, job)
            except ServerUnavailableError as error:
                tried[client.url] = str(error)
                raise
            job = self._update(job.id, server_url=client.url, workflow=workflow)
        if job.submissions >= self.limits.max_submissions:
            return self._fail(
                job,
                f"{client.url} lost the prompt {job.submissions} times before finishing it (did ComfyUI "
                "restart?); giving up",
            )
        try:
            await client.submit(job.workflow, job.client_id, job.prompt_id)
        except PromptRejectedError as error:
            return self._fail(job, str(error))
        except ServerUnavailableError as error:
            tried[client.url] = str(error)
            if not error.request_sent:  # never reached the server: free to go elsewhere
                self._update(job.id, server_url=None)
            raise
        try:
            return self._update(
                job.id,
                status=JobStatus.running,
                submissions=job.submissions + 1,
                message=f"sent to {client.url}",
            )
        except (InvalidTransitionError, NotOwnerError):
            await self._withdraw(client, job)  # cancelled while it was being sent
            raise

    def _give_up_dispatch(self, job: Job, tried: dict[str, str], attempts: int, seconds: float) -> Job:
        servers = "; ".join(f"{url}: {why}" for url, why in tried.items()) or "no servers configured"
        detail = f"no ComfyUI server took the job after {attempts} tries in {seconds:.0f}s ({servers})"
        if job.queue_for_later:
            return self._update(job.id, message=f"queued for later: {detail}")
        return self._fail(job, f"{detail}; {SERVER_HINT}")

    async def _outputs_left(self, client: ComfyClient, job: Job) -> list[FileRef] | None:
        """The job's files already in the server's output folder: it finished before the server forgot it."""
        if not job.output_prefixes:
            return None
        try:
            names = await client.output_files(timeout=self.limits.capabilities_timeout)
        except ComfyHTTPError:
            return None  # no output listing here: cannot tell, so it runs again (module docstring)
        return outputs_found(job.output_prefixes, names)

    async def _withdraw(self, client: ComfyClient, job: Job) -> None:
        """Take the prompt off the server (queue delete, or interrupt); best effort."""
        quick = self.limits.health_timeout
        try:
            queue = await client.queue(timeout=quick)
            if job.prompt_id in queue.pending:
                await client.delete_queued([job.prompt_id], timeout=quick)
            elif job.prompt_id in queue.running:
                await client.interrupt(job.prompt_id, timeout=quick)
        except ComfyError as error:
            log.warning("job %s: could not withdraw it from %s: %s", job.id, client.url, error)

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

    async def _follow(self, job: Job) -> Job:
        """Follow a sent prompt: websocket for live progress, `/history` and `/queue` as the truth, polled
        with a growing delay. Returns the job final, or queued again when the server lost the prompt."""
        assert job.server_url is not None
        client = self.pool.client(job.server_url)
        progress = _Progress(len(job.workflow))
        finished = asyncio.Event()
        listener = asyncio.create_task(self._listen(client, job, progress, finished))
        out_of_contact: Deadline | None = None
        unsettled: Deadline | None = None
        polls = 0
        try:
            while True:
                current = self.store.get(job.id)
                if current.status.terminal:
                    return current
                if current.owner != self.owner:
                    raise NotOwnerError(f"job {job.id} was adopted by another process")
                try:
                    seen, entry = await self._look(client, job)
                except ServerUnavailableError as error:
                    out_of_contact = out_of_contact or Deadline(self.limits.contact_deadline, self._clock)
                    if out_of_contact.expired:
                        return self._fail(
                            job,
                            f"lost contact with {client.url} for {out_of_contact.elapsed:.0f}s while the job was "
                            f"{current.message or 'running'} ({error}); the prompt may still finish there",
                        )
                else:
                    out_of_contact = None
                    if seen is _Seen.finished:
                        assert entry is not None
                        return await self._finish(job, client, entry)
                    if seen is _Seen.lost:
                        log.warning("job %s vanished from %s; sending it again", job.id, client.url)
                        return self._update(
                            job.id,
                            status=JobStatus.queued,
                            progress=0.0,
                            current_node=None,
                            message=f"{client.url} lost the prompt (restarted?); sending it again",
                        )
                    if seen is _Seen.unsettled:
                        unsettled = unsettled or Deadline(self.limits.settle_deadline, self._clock)
                        if unsettled.expired:
                            return self._fail(
                                job,
                                f"{client.url} has prompt {job.prompt_id} in /history without a completion "
                                f"status and no longer queues it (seen for {unsettled.elapsed:.0f}s); giving up",
                            )
                    else:
                        unsettled = None
                        if (running_for := _seconds_since(current.started_at)) > self.limits.run_deadline:
                            await self._withdraw(client, job)
                            return self._fail(
                                job,
                                f"still queued or running on {client.url} after {running_for:.0f}s (the run "
                                "deadline, KIJKOCUT_JOB_RUN_DEADLINE); stopped it there",
                            )
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(finished.wait(), self._poll_backoff.delay(polls))
                finished.clear()  # a finish the history does not show yet must not turn this into a busy loop
                polls += 1
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener

    async def _listen(
        self, client: ComfyClient, job: Job, progress: _Progress, finished: asyncio.Event
    ) -> None:
        """Live progress from the websocket, reconnecting with a growing delay; polling covers the gaps."""
        failures = 0
        while True:
            try:
                async for event in client.events(job.client_id):
                    failures = 0
                    if event.prompt_id not in (None, job.prompt_id):
                        continue
                    if progress.apply(event):
                        node = progress.node
                        class_type = job.workflow.get(node or "", {}).get("class_type", "?")
                        self._update(
                            job.id,
                            progress=progress.fraction,
                            current_node=node,
                            message=f"running node {node} ({class_type})" if node else "running",
                        )
                    if event.finished and event.prompt_id == job.prompt_id:
                        finished.set()
                        return
            except ServerUnavailableError:
                pass
            except (InvalidTransitionError, NotOwnerError):
                return  # the follow loop notices too
            await asyncio.sleep(self._poll_backoff.delay(failures))
            failures += 1

    async def _look(self, client: ComfyClient, job: Job) -> tuple[_Seen, HistoryEntry | None]:
        entry = await client.history(job.prompt_id)
        if entry is not None and entry.completed:
            return _Seen.finished, entry
        if job.prompt_id in await client.queue():
            return _Seen.waiting, entry
        entry = await client.history(job.prompt_id)  # it may have finished between the two questions
        if entry is not None and entry.completed:
            return _Seen.finished, entry
        return (_Seen.unsettled if entry is not None else _Seen.lost), entry

    async def _finish(self, job: Job, client: ComfyClient, entry: HistoryEntry) -> Job:
        if entry.interrupted:
            return self._update(
                job.id, status=JobStatus.cancelled, error="interrupted on the server", message="cancelled"
            )
        if entry.status == "error":
            return self._fail(job, entry.error or "execution failed")
        return await self._collect(job, client, entry.outputs)

    async def _collect(self, job: Job, client: ComfyClient, refs: list[FileRef]) -> Job:
        """Download the outputs into the job's folder and complete it."""
        card = self.library.card(job.workflow_id)
        kinds = {output.node_id: output.kind.value for output in card.outputs}
        folder = Path(job.output_dir) if job.output_dir else self.media_dir / job.id
        outputs = []
        used: set[str] = set()
        for ref in refs:
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
        return self._update(
            job.id,
            status=JobStatus.completed,
            progress=1.0,
            current_node=None,
            outputs=outputs,
            message="completed",
            result={"files": [output.local_path for output in outputs]},
        )

    def _fail(self, job: Job, error: str) -> Job:
        return self._update(job.id, status=JobStatus.failed, error=error, message="failed")

    def _update(self, job_id: str, **changes: Any) -> Job:
        """Change a job this runner drives (refused once another process adopted it)."""
        job = self.store.update(job_id, owner=self.owner, **changes)
        self._notify(job)
        return job

    def _notify(self, job: Job) -> None:
        for listener in self._listeners:
            listener(job)


def _seconds_since(stamp: str | None) -> float:
    if stamp is None:
        return 0.0
    return (datetime.now(timezone.utc) - datetime.fromisoformat(stamp)).total_seconds()


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
