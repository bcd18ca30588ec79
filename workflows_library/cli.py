"""`kijkocut workflows …` and `kijkocut jobs …`: search, inspect, validate and run ComfyUI workflows.

`register(subparsers)` plugs these into the main `kijkocut` command; `python -m workflows_library.cli`
runs them on their own.

Every error is one line on stderr (`error: …`), never a traceback, and the exit code says what kind
(EXIT_CODES, also shown by `--help`)."""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from pydantic import ValidationError

from kijkocut.validation_messages import describe_validation_error
from workflows_library import api
from workflows_library.cards import Category, Task, WorkflowCard
from workflows_library.errors import ComfyError, WorkflowLibraryError
from workflows_library.inputs import localise_media_inputs, locate_from_cwd, parse_assignments
from workflows_library.jobs import Job, JobStatus
from workflows_library.search.hybrid import SearchFilters, SearchHit

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_SERVER = 0, 1, 2, 3
EXIT_CODES = """exit codes:
  0    done (the job completed, or was left queued as asked: --detach, --queue)
  1    the job failed or was cancelled (its error is printed), or it had already ended
  2    bad request: unknown workflow or job, invalid input, invalid configuration
  3    no ComfyUI server could be reached, or it answered with an error
  130  interrupted (Ctrl+C): the job stays recorded; `kijkocut jobs resume JOB` follows it again"""
Handler = Callable[[argparse.Namespace], int]


def one_line(error: BaseException) -> str:
    return "; ".join(line.strip() for line in str(error).splitlines() if line.strip()) or type(error).__name__


def exit_code(error: WorkflowLibraryError) -> int:
    if isinstance(error, KeyError | ValueError):  # unknown workflow or job, bad input or configuration
        return EXIT_USAGE
    return EXIT_SERVER if isinstance(error, ComfyError) else EXIT_FAILED


def guarded(handler: Handler) -> Handler:
    """Every command's errors as one line and an exit code (see EXIT_CODES), whichever CLI calls it."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except WorkflowLibraryError as error:
            print(f"error: {one_line(error)}", file=sys.stderr)
            return exit_code(error)
        except ValidationError as error:  # a malformed --server URL and the like
            print(f"error: {describe_validation_error(error)}", file=sys.stderr)
            return EXIT_USAGE

    return run


def _print_json(payload: Any) -> None:
    print(json.dumps(payload, indent=2, default=str))


# -- workflows --------------------------------------------------------------------------------------------
def _format_hit(rank: int, hit: SearchHit) -> str:
    lines = [
        f"{rank}. {hit.id}  —  {hit.title}  [{hit.category.value}; {', '.join(t.value for t in hit.tasks)}]"
    ]
    why = ", ".join(hit.matched_fields) or "related meaning"
    vram = f"; ~{hit.vram_gb:g} GB VRAM" if hit.vram_gb is not None else ""
    lines.append(f"   matched: {why}{vram}")
    if hit.inputs_needed:
        lines.append("   you provide: " + ", ".join(f"{i.name} ({i.type.value})" for i in hit.inputs_needed))
    if hit.runnable is not None:
        lines.append(
            "   runnable on the server"
            if hit.runnable
            else "   missing on the server: " + ", ".join(hit.nodes_missing + hit.models_missing)
        )
    return "\n".join(lines)


@guarded
def cmd_search(args: argparse.Namespace) -> int:
    capabilities = (
        asyncio.run(api.server_capabilities(args.server)) if (args.runnable or args.server) else None
    )
    filters = SearchFilters(
        category=args.category,
        task=args.task,
        max_vram_gb=args.max_vram,
        runnable_only=args.runnable,
    )
    hits = api.search(args.query, filters, args.limit, capabilities, include_templates=not args.no_templates)
    if args.json:
        _print_json([hit.model_dump(mode="json") for hit in hits])
    elif not hits:
        print("no matching workflows")
    else:
        print("\n".join(_format_hit(rank, hit) for rank, hit in enumerate(hits, 1)))
    return EXIT_OK


def describe_card(card: WorkflowCard) -> str:
    lines = [
        f"{card.title}  ({card.id})",
        card.description,
        "",
        f"category: {card.category.value}    tasks: {', '.join(t.value for t in card.tasks)}",
    ]
    if card.tags:
        lines.append(f"tags: {', '.join(card.tags)}")
    if card.inputs:
        lines.append("inputs:")
        for spec in card.inputs:
            bounds = ""
            if spec.choices:
                bounds = f" one of {', '.join(spec.choices)}"
            elif spec.minimum is not None or spec.maximum is not None:
                low = f"{spec.minimum:g}" if spec.minimum is not None else ""
                high = f"{spec.maximum:g}" if spec.maximum is not None else ""
                bounds = f" in [{low}..{high}]"
            default = "required" if spec.needs_value else f"default {spec.default!r}"
            target = ", ".join(f"node {t.node_id}.{t.field}" for t in spec.targets)
            lines.append(
                f"  {spec.name} ({spec.type.value}{bounds}; {default}) — {spec.description} [{target}]"
            )
    if card.outputs:
        lines.append("outputs: " + ", ".join(f"{o.kind.value} from node {o.node_id}" for o in card.outputs))
    if card.models:
        lines.append("models:")
        for model in card.models:
            size = f", {model.size_bytes / 1024**3:.1f} GB" if model.size_bytes else ""
            lines.append(f"  {model.folder}/{model.filename}{size} — {model.source}")
    if card.custom_nodes:
        lines.append("custom node packs: " + ", ".join(card.custom_nodes))
    estimate = card.estimates
    if estimate.vram_gb is not None or estimate.seconds is not None:
        lines.append(
            f"estimates: {estimate.vram_gb if estimate.vram_gb is not None else '?'} GB VRAM, "
            f"~{estimate.seconds if estimate.seconds is not None else '?'} s on {estimate.reference_gpu}"
        )
    if card.example:
        lines.append(f'example: "{card.example.request}"')
    return "\n".join(lines)


@guarded
def cmd_show(args: argparse.Namespace) -> int:
    card = api.get_card(args.id)
    if args.json:
        _print_json(card.model_dump(mode="json"))
    else:
        print(describe_card(card))
    return EXIT_OK


@guarded
def cmd_validate(args: argparse.Namespace) -> int:
    report = asyncio.run(api.validate_on_server(args.id, args.server))
    if args.json:
        _print_json(report.model_dump(mode="json"))
    else:
        print("ok: the server can run this workflow" if report.ok else report.summary())
    return EXIT_OK if report.ok else EXIT_FAILED


def progress_line(job: Job, width: int = 30) -> str:
    filled = int(job.progress * width)
    node = f" node {job.current_node}" if job.current_node else ""
    return (
        f"\r[{'#' * filled}{'-' * (width - filled)}] {job.progress * 100:5.1f}% {job.status.value}{node}   "
    )


async def _run(args: argparse.Namespace, stream: TextIO) -> Job:
    runner = api.open_runner()
    try:
        card = api.get_card(args.id)
        if card.format == "ui":  # templates are converted with the target server's node definitions
            await api.server_capabilities(args.server)
        # Media inputs name files as the shell sees them: relative to the working directory, '~' expanded.
        inputs = localise_media_inputs(card, parse_assignments(args.input or []), locate_from_cwd)
        job_id = runner.submit(
            args.id,
            inputs,
            server=args.server,
            queue_for_later=args.queue or args.detach,
            claim=not args.detach,
        )
        print(f"job {job_id} queued", file=stream)
        if args.detach:
            return runner.status(job_id)
        _note_orphans(runner, stream)
        await runner.deliver_cancels()
        if not args.json:
            runner.subscribe(lambda job: print(progress_line(job), end="", file=stream, flush=True))
        try:
            job = await runner.run(job_id)
        except asyncio.CancelledError:  # Ctrl+C: the job stays recorded and, on the server, keeps going
            print(f"\n{_left_behind(job_id)}", file=stream)
            raise
        print(file=stream)
        return job
    finally:
        await runner.stop()
        await runner.pool.close()
        runner.store.close()


def _note_orphans(runner: api.JobRunner, stream: TextIO) -> None:
    if orphans := [job for job in runner.orphans() if job.status is JobStatus.running]:
        print(
            f"note: {len(orphans)} job(s) left running by a stopped kijkocut process; "
            "`kijkocut jobs resume` picks them up",
            file=stream,
        )


def _left_behind(job_id: str) -> str:
    return (
        f"job {job_id} was left as it is: `kijkocut jobs resume {job_id}` follows it again, "
        f"`kijkocut jobs cancel {job_id}` stops it"
    )


def _outcome(job: Job, as_json: bool) -> int:
    """Print a job that a command drove and return its exit code."""
    if as_json:
        _print_json(job.model_dump(mode="json", exclude={"workflow"}))
    else:
        print(describe_job(job))
    if job.status is JobStatus.completed or (job.status is JobStatus.queued and job.queue_for_later):
        return EXIT_OK
    if job.error:
        print(f"error: job {job.id} {job.status.value}: {one_line(Exception(job.error))}", file=sys.stderr)
    return EXIT_FAILED


@guarded
def cmd_run(args: argparse.Namespace) -> int:
    return _outcome(asyncio.run(_run(args, sys.stderr)), args.json)


# -- jobs -------------------------------------------------------------------------------------------------
def describe_job(job: Job) -> str:
    lines = [
        f"{job.id}  {job.workflow_id}  {job.status.value}  {job.progress * 100:.0f}%",
        f"  server: {job.server_url or '-'}  prompt: {job.prompt_id}  created: {job.created_at}",
    ]
    if job.message and not job.status.terminal:
        lines.append(f"  {job.message}")
    if job.owner is not None and not job.status.terminal:
        lines.append(f"  driven by {job.owner.describe()}")
    if job.error:
        lines.append(f"  error: {job.error}")
    for output in job.outputs:
        lines.append(f"  output: {output.local_path} ({output.kind})")
    return "\n".join(lines)


@guarded
def cmd_jobs_list(args: argparse.Namespace) -> int:
    runner = api.open_runner()
    jobs = runner.list_jobs(JobStatus(args.status) if args.status else None, args.limit)
    stopped = {job.id for job in runner.orphans() if job.status is JobStatus.running}
    if args.json:
        _print_json([job.model_dump(mode="json", exclude={"workflow"}) for job in jobs])
    else:
        for job in jobs:
            note = "  (its process stopped: kijkocut jobs resume)" if job.id in stopped else ""
            print(
                f"{job.id}  {job.status.value:<9} {job.progress * 100:3.0f}%  {job.workflow_id}  "
                f"{job.created_at}{note}"
            )
        if not jobs:
            print("no jobs")
    return EXIT_OK


@guarded
def cmd_jobs_show(args: argparse.Namespace) -> int:
    job = api.open_runner().status(args.id)
    if args.json:
        _print_json(job.model_dump(mode="json"))
    else:
        print(describe_job(job))
    return EXIT_OK


async def _with_runner(work: Callable[[api.JobRunner], Any]) -> Any:
    runner = api.open_runner()
    try:
        return await work(runner)
    finally:
        await runner.stop()
        await runner.pool.close()
        runner.store.close()


async def _cancel(runner: api.JobRunner, job_id: str) -> tuple[bool, Job]:
    """(whether it was still unfinished, the job after the cancel)"""
    unfinished = not runner.status(job_id).status.terminal
    return unfinished, await runner.cancel(job_id)


@guarded
def cmd_jobs_cancel(args: argparse.Namespace) -> int:
    unfinished, job = asyncio.run(_with_runner(lambda runner: _cancel(runner, args.id)))
    print(describe_job(job))
    if not unfinished or job.status is not JobStatus.cancelled:
        print(f"error: job {job.id} had already {job.status.value}; nothing to cancel", file=sys.stderr)
        return EXIT_FAILED
    if job.cancel_pending:
        print(
            f"{job.server_url} is unreachable: the job is cancelled here, and the server is told to drop it "
            "when it is back (by `kijkocut jobs resume`, the next `workflows run`, or a running MCP server)"
        )
    return EXIT_OK


async def _resume(runner: api.JobRunner, job_id: str | None, stream: TextIO) -> list[Job]:
    if job_id is not None:
        runner.subscribe(lambda job: print(progress_line(job), end="", file=stream, flush=True))
    try:
        jobs = await runner.resume(job_id)
    except asyncio.CancelledError:
        if job_id is not None:
            print(f"\n{_left_behind(job_id)}", file=stream)
        raise
    if job_id is not None:
        print(file=stream)
    return jobs


@guarded
def cmd_jobs_resume(args: argparse.Namespace) -> int:
    jobs = asyncio.run(_with_runner(lambda runner: _resume(runner, args.id, sys.stderr)))
    if not jobs:
        print("nothing to resume: no unfinished job was left by a stopped process")
        return EXIT_OK
    codes = []
    for job in jobs:
        if not job.status.terminal and job.owner is not None:
            print(f"{job.id}: left alone, {job.owner.describe()} is driving it")
            continue
        codes.append(_outcome(job, as_json=False))
    return max(codes, default=EXIT_OK)


# -- wiring -----------------------------------------------------------------------------------------------
def register(subparsers: argparse._SubParsersAction) -> None:
    workflows = subparsers.add_parser(
        "workflows",
        help="find, inspect, validate and run ComfyUI workflows",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    wsub = workflows.add_subparsers(dest="workflows_command", required=True)

    search = wsub.add_parser("search", help="natural-language workflow search")
    search.add_argument("query")
    search.add_argument(
        "--category",
        type=Category,
        choices=list(Category),
        metavar="{" + ",".join(c.value for c in Category) + "}",
    )
    search.add_argument("--task", type=Task, choices=list(Task), metavar="TASK")
    search.add_argument("--max-vram", type=float, metavar="GB")
    search.add_argument("--runnable", action="store_true", help="only workflows the server can run now")
    search.add_argument("--server", help="ComfyUI URL to check against (default: first configured)")
    search.add_argument("--no-templates", action="store_true", help="curated library only")
    search.add_argument("--limit", type=int, default=5)
    search.add_argument("--json", action="store_true")
    search.set_defaults(func=cmd_search)

    show = wsub.add_parser("show", help="a workflow's card: inputs, models, estimates")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_show)

    validate = wsub.add_parser("validate", help="check a workflow against a server's nodes and models")
    validate.add_argument("id")
    validate.add_argument("--server")
    validate.add_argument("--json", action="store_true")
    validate.set_defaults(func=cmd_validate)

    run = wsub.add_parser("run", help="run a workflow and download its outputs")
    run.add_argument("id")
    run.add_argument("--input", "-i", action="append", metavar="NAME=VALUE")
    run.add_argument("--server")
    run.add_argument(
        "--detach", action="store_true", help="queue only; `jobs resume` or a running MCP server runs it"
    )
    run.add_argument(
        "--queue",
        action="store_true",
        help="if no server can take it now, leave it queued for `jobs resume` instead of failing",
    )
    run.add_argument("--json", action="store_true")
    run.set_defaults(func=cmd_run)

    jobs = subparsers.add_parser(
        "jobs",
        help="list, inspect, resume and cancel ComfyUI jobs",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    jsub = jobs.add_subparsers(dest="jobs_command", required=True)
    listing = jsub.add_parser("list")
    listing.add_argument("--status", choices=[s.value for s in JobStatus])
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_jobs_list)
    for name, handler, text in (
        ("show", cmd_jobs_show, "one job in full"),
        ("cancel", cmd_jobs_cancel, "cancel a job (works with its server down)"),
    ):
        leaf = jsub.add_parser(name, help=text)
        leaf.add_argument("id")
        if name == "show":
            leaf.add_argument("--json", action="store_true")
        leaf.set_defaults(func=handler)
    resume = jsub.add_parser(
        "resume", help="pick up unfinished jobs whose process stopped (or JOB) and follow them to the end"
    )
    resume.add_argument("id", nargs="?", metavar="JOB")
    resume.set_defaults(func=cmd_jobs_resume)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kijkocut")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
