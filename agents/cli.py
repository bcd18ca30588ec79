"""`kijkocut produce ...`: start a production from a brief and a template, review and decide at its gates,
resume it after a crash, go back in its history or fork it, export its artefacts. Progress is printed as the
agents work. Checkpoints live in the data directory (KIJKOCUT_DATA_DIR) or in PostgreSQL when
KIJKOCUT_AGENTS_DATABASE_URL is set; the brain is offline unless --brain (or KIJKOCUT_AGENTS_BRAIN) says."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

SAMPLE_BRIEF = """# Fresh Brew — launch spot
Product: Fresh Brew
Audience: commuters aged 25 to 40
Problem: mornings are rushed and the café queue eats your time
Benefit: café-quality cold coffee, ready in ten seconds
Call to action: Find it in the chiller at your local store.
Budget: EUR 8000-12000
Deadline: 2026-12-15
Mandatories: Logo end card
"""


def _say(line: str) -> None:
    print(f"  {line}", file=sys.stderr, flush=True)


def _productions(args: argparse.Namespace, stack: Any) -> Any:
    from agents.brains import brain_from_name
    from agents.productions import Productions, database_url, open_checkpointer
    from workflows_library.config import default_data_dir

    data_dir = Path(args.data_dir) if getattr(args, "data_dir", None) else default_data_dir(os.environ)
    brain = brain_from_name(args.brain or os.environ.get("KIJKOCUT_AGENTS_BRAIN", "offline"))
    saver = stack.enter_context(open_checkpointer(data_dir, database_url()))
    return Productions(saver, brain, data_dir, on_event=None if args.quiet else _say)


def _print_status(status: Any, as_json: bool) -> None:
    if as_json:
        print(status.model_dump_json(indent=1))
        return
    versions = ", ".join(
        f"{k} v{v}" + (" (approved)" if status.approved.get(k) == v else "")
        for k, v in status.artefacts.items()
    )
    print(f"{status.id} [{status.template}]: {status.state}; {versions or 'no artefacts yet'}")
    spent = status.spent
    print(
        f"  ledger: {int(spent.get('calls', 0))} model calls, {int(spent.get('tokens', 0))} tokens, "
        f"{spent.get('cost', 0):.4f} USD"
    )
    if status.gate:
        gate = status.gate
        allowed = ", ".join(gate["review_configs"][0]["allowed_decisions"])
        print(
            f"  waiting at the {gate['gate']} gate (v{gate['version']}, {gate['blocking']} blocking problems); "
            f"decide: {allowed}"
        )
    elif status.state == "running":
        print(f"  interrupted before {', '.join(status.next)}: `kijkocut produce resume {status.id}`")


def _run(args: argparse.Namespace) -> int:
    import contextlib

    from agents.artefacts import ArtefactError
    from agents.productions import ProductionError
    from agents.template import TemplateError

    try:
        with contextlib.ExitStack() as stack:
            return args.action(args, stack)
    except (ProductionError, ArtefactError, TemplateError) as error:
        print(f"kijkocut produce: {error}", file=sys.stderr)
        return 2


def _read_json(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        from agents.productions import ProductionError

        raise ProductionError(f"{path}: not JSON (line {error.lineno}, column {error.colno})") from None


def _caps(args: argparse.Namespace) -> dict[str, float]:
    caps = {"cost": args.cap_usd, "tokens": args.cap_tokens, "gpu_minutes": args.cap_gpu_minutes}
    return {k: v for k, v in caps.items() if v is not None}


def _start(args: argparse.Namespace, stack: Any) -> int:
    brief = Path(args.brief).read_text(encoding="utf-8")
    status = _productions(args, stack).start(args.template, brief, args.id, _caps(args))
    _print_status(status, args.json)
    return 0


def _status(args: argparse.Namespace, stack: Any) -> int:
    _print_status(_productions(args, stack).status(args.production), args.json)
    return 0


def _list(args: argparse.Namespace, stack: Any) -> int:
    rows = _productions(args, stack).all()
    if args.json:
        print(json.dumps(rows, indent=1))
    for row in [] if args.json else rows:
        print(f"{row['id']}  {row['template']}  {row['state']}  {row['created'][:19]}")
    return 0


def _templates(args: argparse.Namespace, stack: Any) -> int:
    from agents.template import load_templates
    from workflows_library.config import default_data_dir

    for template in load_templates(default_data_dir(os.environ)).values():
        print(f"{template.id:14} {template.title}: {template.description}")
    return 0


def _review(args: argparse.Namespace, stack: Any) -> int:
    productions = _productions(args, stack)
    status = productions.status(args.production)
    gate = status.gate or (productions.review_now(args.production, args.artefact) if args.artefact else None)
    if gate is None:
        print(
            f"{args.production} is not waiting at a gate ({status.state}); name an --artefact to review one"
        )
        return 1
    if args.json:
        print(json.dumps(gate, indent=1, ensure_ascii=False))
        return 0
    print(gate["action_requests"][0]["description"])
    print(f"\nallowed: {', '.join(gate['review_configs'][0]['allowed_decisions'])}")
    return 0


def _decision(kind: str) -> Any:
    def run(args: argparse.Namespace, stack: Any) -> int:
        decision = {"type": kind}
        if kind in ("reject", "respond"):
            decision["message"] = args.notes
        expect = {k: v for k, v in (("gate", args.gate), ("version", args.version)) if v is not None}
        _print_status(_productions(args, stack).decide(args.production, decision, expect), args.json)
        return 0

    return run


def _edit(args: argparse.Namespace, stack: Any) -> int:
    _print_status(_productions(args, stack).edit(args.production, _read_json(args.file)), args.json)
    return 0


def _resume(args: argparse.Namespace, stack: Any) -> int:
    _print_status(_productions(args, stack).resume(args.production), args.json)
    return 0


def _history(args: argparse.Namespace, stack: Any) -> int:
    entries = _productions(args, stack).history(args.production)
    if args.json:
        print(json.dumps(entries, indent=1))
        return 0
    for entry in entries:
        versions = ", ".join(f"{k} v{v}" for k, v in entry["artefacts"].items())
        nxt = ", ".join(entry["next"]) or "end"
        print(f"{entry['checkpoint_id']}  step {entry['step']:>3}  next {nxt:22} {versions}")
    return 0


def _set_caps(args: argparse.Namespace, stack: Any) -> int:
    caps = _caps(args)
    if not caps:
        print(
            "kijkocut produce caps: name at least one of --cap-usd, --cap-tokens, --cap-gpu-minutes",
            file=sys.stderr,
        )
        return 2
    _print_status(_productions(args, stack).set_caps(args.production, caps), args.json)
    return 0


def _reopen(args: argparse.Namespace, stack: Any) -> int:
    _print_status(_productions(args, stack).reopen(args.production, args.checkpoint), args.json)
    return 0


def _fork(args: argparse.Namespace, stack: Any) -> int:
    artefact = _read_json(args.file) if args.file else None
    status = _productions(args, stack).fork(
        args.production, args.artefact, artefact, args.checkpoint, args.new_id
    )
    _print_status(status, args.json)
    return 0


def _export(args: argparse.Namespace, stack: Any) -> int:
    for path in _productions(args, stack).export(args.production, Path(args.directory)):
        print(path)
    return 0


def _demo(args: argparse.Namespace, stack: Any) -> int:
    """The whole pre-production offline: the sample brief, every gate approved, the artefacts exported."""
    if not args.data_dir:
        args.data_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="kijkocut-produce-"))
    productions = _productions(args, stack)
    caps = {"gpu_minutes": args.cap_gpu_minutes} if args.cap_gpu_minutes else None
    brief = Path(args.brief).read_text(encoding="utf-8") if args.brief else SAMPLE_BRIEF
    status = productions.start(args.template, brief, caps=caps)
    while status.gate:
        gate = status.gate
        print(f"\n=== {gate['gate']} gate, v{gate['version']} ===\n")
        print(gate["action_requests"][0]["description"])
        if gate["blocking"]:
            print(f"\n{gate['blocking']} blocking problems: the demo stops here")
            return 1
        status = productions.decide(status.id, {"type": "approve"})
    out = Path(args.out)
    for path in productions.export(status.id, out):
        print(f"wrote {path}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    produce = subparsers.add_parser("produce", help="plan a production with agents, approving each step")
    sub = produce.add_subparsers(dest="produce_command", required=True, metavar="ACTION")

    def add(name: str, action: Any, help: str, production: bool = True) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help)
        if production:
            parser.add_argument("production", help="production id (`kijkocut produce list`)")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
        parser.add_argument(
            "--brain", help="offline (default), gemini (needs GOOGLE_API_KEY), scripted:<file>"
        )
        parser.add_argument("--data-dir", help="where checkpoints live (default: KIJKOCUT_DATA_DIR)")
        parser.set_defaults(func=_run, action=action)
        return parser

    start = add("start", _start, "start a production from a brief", production=False)
    start.add_argument(
        "--template", required=True, help="ad_spot, social_short, explainer, previz or your own"
    )
    start.add_argument("--brief", required=True, help="the brief (Markdown; `Key: value` lines are read)")
    start.add_argument("--id", help="the production's id (default: generated)")
    start.add_argument("--cap-usd", type=float, help="hard cap on model cost; the run stops at a gate")
    start.add_argument("--cap-tokens", type=int, help="hard cap on model tokens")
    start.add_argument(
        "--cap-gpu-minutes", type=float, help="hard cap on GPU-minutes (also bounds the budget)"
    )
    add("status", _status, "where a production stands")
    add("list", _list, "every production", production=False)
    add("templates", _templates, "the production templates", production=False)
    review = add(
        "review", _review, "show the pending gate: the artefact, its problems, the allowed decisions"
    )
    review.add_argument("--artefact", help="review this artefact when no gate is pending")
    approve = add("approve", _decision("approve"), "approve the artefact at the pending gate")
    reject = add("reject", _decision("reject"), "send the artefact back with notes; what follows re-runs")
    reject.add_argument(
        "--notes", required=True, help="what to change (`key: value` lines override the brief)"
    )
    respond = add("respond", _decision("respond"), "answer the agent's questions; it revises")
    respond.add_argument("--notes", required=True, help="the answer")
    for parser in (approve, reject, respond):
        parser.add_argument(
            "--gate", choices=["vrd", "script", "shot_list", "budget"], help="refuse unless at it"
        )
        parser.add_argument("--version", type=int, help="refuse unless the artefact is still this version")
    edit = add("edit", _edit, "replace the artefact at the pending gate with an edited one (JSON)")
    edit.add_argument("file", help="the edited artefact as JSON (from `export` or `review --json`)")
    caps = add(
        "caps", _set_caps, "raise (or set) a waiting production's hard caps; reject to retry under them"
    )
    caps.add_argument("--cap-usd", type=float, help="hard cap on model cost")
    caps.add_argument("--cap-tokens", type=int, help="hard cap on model tokens")
    caps.add_argument("--cap-gpu-minutes", type=float, help="hard cap on GPU-minutes")
    add("resume", _resume, "go on after the process running a production died")
    add("history", _history, "every checkpoint of a production, newest first")
    reopen = add("reopen", _reopen, "go back to an earlier checkpoint and run on from there")
    reopen.add_argument("checkpoint", help="a checkpoint id from `history`")
    fork = add("fork", _fork, "a new production from this one, with an artefact replaced")
    fork.add_argument("--artefact", required=True, choices=["vrd", "script", "shot_list", "budget"])
    fork.add_argument("--file", help="the edited artefact as JSON (default: the current one, re-reviewed)")
    fork.add_argument("--checkpoint", help="fork from this checkpoint (default: the latest)")
    fork.add_argument("--new-id", help="the new production's id")
    export = add("export", _export, "write the artefacts as Markdown, Fountain, CSV and JSON")
    export.add_argument("directory")
    demo = add(
        "demo", _demo, "an offline production from a sample brief, every gate approved", production=False
    )
    demo.add_argument("--template", default="ad_spot")
    demo.add_argument("--brief", help="your own brief instead of the sample")
    demo.add_argument("--out", default="kijkocut-production", help="where the artefacts go")
    demo.add_argument(
        "--cap-gpu-minutes", type=float, help="bound the compute: the solver trades quality for it"
    )
