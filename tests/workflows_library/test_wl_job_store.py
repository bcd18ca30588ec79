"""The shared job store: one SQLite file that several processes use at once (WAL, busy timeout), kinds kept
apart, final states final, and ownership that hands a job over only when its process is gone."""

import socket
import sqlite3
import subprocess
import sys
import time

import pytest

from workflows_library import job_store
from workflows_library.errors import InvalidTransitionError, JobNotFoundError, JobStoreError, NotOwnerError
from workflows_library.job_store import JobRecord, JobStatus, Owner, owner_alive
from workflows_library.jobs import Job, JobStore


class ExportJob(JobRecord):
    """Another kind, as a later service layer would declare one."""

    kind: str = "export"
    project_id: str


def sleeper() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def test_wal_and_busy_timeout_let_a_second_process_write_meanwhile(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite3", busy_timeout=20)
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000
    job = store.create(Job(workflow_id="w"))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            f"db = sqlite3.connect({str(tmp_path / 'jobs.sqlite3')!r}, isolation_level=None)\n"
            "db.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(1.5); db.execute('COMMIT')\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        began = time.monotonic()
        updated = store.update(job.id, progress=0.5)  # waits for the other process instead of failing
        assert time.monotonic() - began > 0.5 and updated.progress == 0.5
        assert store.get(job.id).progress == 0.5  # readers are never blocked
    finally:
        holder.wait(10)
        store.close()


def test_kinds_share_one_file_and_each_sees_its_own(tmp_path):
    path = tmp_path / "jobs.sqlite3"
    workflows, exports, everything = (
        JobStore(path),
        job_store.JobStore(path, ExportJob),
        job_store.JobStore(path),
    )
    flow = workflows.create(Job(workflow_id="w"))
    export = exports.create(ExportJob(project_id="p1"))
    assert [j.id for j in workflows.list()] == [flow.id]
    assert exports.get(export.id).project_id == "p1"
    with pytest.raises(JobNotFoundError):
        workflows.get(export.id)
    assert {(j.id, j.kind) for j in everything.list()} == {(flow.id, "workflow"), (export.id, "export")}
    with pytest.raises(ValueError, match="holds 'workflow' jobs"):
        workflows.create(ExportJob(project_id="p2"))  # type: ignore[arg-type]


def test_final_states_are_final_and_stamped(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite3")
    job = store.create(Job(workflow_id="w"))
    running = store.update(job.id, status=JobStatus.running)
    assert running.started_at is not None and running.finished_at is None
    done = store.update(job.id, status=JobStatus.completed, result={"files": ["a.png"]})
    assert done.finished_at is not None and done.result == {"files": ["a.png"]}
    with pytest.raises(InvalidTransitionError, match="already completed"):
        store.update(job.id, status=JobStatus.running)
    with pytest.raises(InvalidTransitionError):
        store.update(job.id, progress=0.1)
    noted = store.update(job.id, finished_ok=True, message="archived")  # bookkeeping keeps the status
    assert noted.status is JobStatus.completed and noted.message == "archived"
    with pytest.raises(InvalidTransitionError):
        store.update(job.id, finished_ok=True, status=JobStatus.failed)


def test_a_live_owner_keeps_its_job_and_a_killed_ones_job_is_adopted(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite3")
    process = sleeper()
    try:
        theirs = Owner(pid=process.pid, host=socket.gethostname(), token="cli")
        job = store.create(Job(workflow_id="w"), owner=theirs)
        me = Owner.this_process()
        assert store.claim(job.id, me, stale_after=60) is None
        assert store.orphans(stale_after=60) == []
        with pytest.raises(NotOwnerError, match=f"process {process.pid}"):
            store.update(job.id, owner=me, progress=0.3)
    finally:
        process.kill()
        process.wait()
    assert [j.id for j in store.orphans(stale_after=60)] == [job.id]
    claimed = store.claim(job.id, me, stale_after=60)
    assert claimed is not None and claimed.owner == me
    assert store.update(job.id, owner=me, progress=0.3).progress == 0.3


def test_a_silent_owner_loses_its_job_after_stale_after(tmp_path):
    now = [1000.0]
    store = JobStore(tmp_path / "jobs.sqlite3", clock=lambda: now[0])
    alive_elsewhere = Owner(pid=1, host="another-host", token="mcp")
    job = store.create(Job(workflow_id="w"), owner=alive_elsewhere)
    me = Owner.this_process()
    now[0] += 30
    assert store.claim(job.id, me, stale_after=60) is None
    store.heartbeat(alive_elsewhere)
    now[0] += 50
    assert store.claim(job.id, me, stale_after=60) is None  # the heartbeat kept it
    now[0] += 61
    assert store.claim(job.id, me, stale_after=60).owner == me


def test_release_hands_jobs_over_at_once(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite3")
    me, other = Owner.this_process(), Owner.this_process()  # two runners in one process
    mine = store.create(Job(workflow_id="w"), owner=me)
    assert store.claim(mine.id, other, stale_after=60) is None
    store.release(me)
    released = store.get(mine.id)
    assert released.owner is None and not owner_alive(released, now=time.time(), stale_after=60)
    assert store.claim(mine.id, other, stale_after=60).owner == other


def test_a_store_written_by_the_previous_version_opens(tmp_path):
    path = tmp_path / "jobs.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE jobs (id TEXT PRIMARY KEY, status TEXT NOT NULL, created_at TEXT NOT NULL, body TEXT NOT NULL);"
    )
    body = '{"id": "job-old", "workflow_id": "w", "status": "running", "progress": 0.1, "server_url": "http://a:1"}'
    old.execute("INSERT INTO jobs VALUES ('job-old', 'running', '2025-01-01T00:00:00+00:00', ?)", (body,))
    old.commit()
    old.close()
    store = JobStore(path)
    job = store.get("job-old")
    assert (job.kind, job.status, job.server_url, job.owner) == (
        "workflow",
        JobStatus.running,
        "http://a:1",
        None,
    )
    assert [j.id for j in store.orphans(stale_after=60)] == ["job-old"]


def test_a_file_that_is_not_a_store_is_one_clear_error(tmp_path):
    path = tmp_path / "jobs.sqlite3"
    path.write_text("canary-secret " * 100)
    with pytest.raises(JobStoreError) as caught:
        JobStore(path)
    assert str(path) in str(caught.value) and "canary" not in str(caught.value)


def test_pending_cancels_are_found_until_delivered(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite3")
    told, untold = store.create(Job(workflow_id="w")), store.create(Job(workflow_id="w"))
    store.update(told.id, status=JobStatus.cancelled, cancel_pending=False)
    store.update(untold.id, status=JobStatus.cancelled, cancel_pending=True)
    assert [job.id for job in store.pending_cancels()] == [untold.id]
    store.update(untold.id, finished_ok=True, cancel_pending=False)
    assert store.pending_cancels() == []
