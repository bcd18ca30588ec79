"""Render jobs in the shared job store: states, progress, cancellation (also from another process's view),
failures with their message, and jobs of a dead process."""

from __future__ import annotations

import threading

import pytest

from kijkocut.errors import KijkoCutError, RenderCancelled
from kijkocut.service.errors import NotFoundError
from kijkocut.service.jobs import RenderJob, RenderQueue
from workflows_library.job_store import JobStatus, Owner


@pytest.fixture
def queue(tmp_path) -> RenderQueue:
    return RenderQueue(tmp_path / "jobs.sqlite3")


def test_a_render_reports_progress_and_its_result(queue):
    def work(job, progress):
        for frame in range(1, 11):
            progress(frame, 10)
        return {"output": "/tmp/x.mp4", "summary": "-14.0 LUFS"}

    job = queue.submit(RenderJob(purpose="export", project_id="prj_1"), work)
    done = queue.wait(job.id, 30)
    assert done.status is JobStatus.completed and done.progress == 1.0 and done.total_frames == 10
    assert done.output == "/tmp/x.mp4" and done.message == "done: -14.0 LUFS"


def test_failures_keep_the_message_and_never_stay_running(queue):
    def broken(job, progress):
        raise KijkoCutError("media a.mp4 is missing")

    def crashed(job, progress):
        raise ZeroDivisionError("oops")

    failed = queue.wait(queue.submit(RenderJob(), broken).id, 30)
    assert failed.status is JobStatus.failed and failed.error == "media a.mp4 is missing"
    crash = queue.wait(queue.submit(RenderJob(), crashed).id, 30)
    assert crash.status is JobStatus.failed and "ZeroDivisionError" in crash.error


def test_cancel_stops_a_running_render_and_a_queued_one(queue):
    started, release = threading.Event(), threading.Event()

    def slow(job, progress):
        started.set()
        while not progress.cancelled():
            release.wait(0.05)
            progress(1, 100)
        raise RenderCancelled("cancelled")

    running = queue.submit(RenderJob(), slow)
    waiting = queue.submit(RenderJob(), slow)  # one render at a time: this one waits for the slot
    assert started.wait(30)
    queue.cancel(waiting.id)
    queue.cancel(running.id)
    assert queue.wait(running.id, 30).status is JobStatus.cancelled
    assert queue.wait(waiting.id, 30).status is JobStatus.cancelled


def test_another_process_cancels_through_the_store(tmp_path):
    mine = RenderQueue(tmp_path / "jobs.sqlite3")
    theirs = RenderQueue(tmp_path / "jobs.sqlite3")  # another program's view of the same store
    started = threading.Event()

    def slow(job, progress):
        started.set()
        for frame in range(10_000):
            if progress.cancelled():
                raise RenderCancelled("cancelled")
            progress(frame, 10_000)
            threading.Event().wait(0.01)
        return {}

    job = mine.submit(RenderJob(), slow)
    assert started.wait(30)
    theirs.cancel(job.id)
    assert mine.wait(job.id, 30).status is JobStatus.cancelled


def test_jobs_of_a_dead_process_are_failed_with_a_reason(tmp_path):
    queue = RenderQueue(tmp_path / "jobs.sqlite3")
    dead = Owner(pid=2**22 + 12345, host=queue.owner.host, token="gone")
    orphan = queue.store.create(RenderJob(status=JobStatus.running), owner=dead)
    again = RenderQueue(tmp_path / "jobs.sqlite3")
    job = again.get(orphan.id)
    assert job.status is JobStatus.failed and "stopped before it finished" in job.error


def test_unknown_jobs_are_a_clear_error(queue):
    with pytest.raises(NotFoundError, match="unknown job 'nope'"):
        queue.get("nope")
