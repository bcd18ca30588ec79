"""Productions: the one API the CLI, the MCP tools and the ComfyUI node call. A production is a LangGraph thread
whose checkpoints live in SQLite in the data directory, or in PostgreSQL when `KIJKOCUT_AGENTS_DATABASE_URL`
is set (several workers on one database). Starting, deciding at a gate, resuming after a crash, history,
reopening an earlier step and forking with an edited artefact all go through here."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from langgraph.types import Command
from pydantic import BaseModel

from agents.artefacts import ARTEFACT_KINDS, Artefact, Script, ShotList, parse_artefact, to_markdown
from agents.brains import Brain
from agents.drafting import RunSettings, totals
from agents.gates import DecisionError, action_name, downstream_cleared, parse_decision, review
from agents.graph import build_graph
from agents.lookup import DATABASE_ENV
from agents.sealing import checkpoint_serde, published_bytes
from agents.state import ProductionState
from agents.template import AGENT_OF, Template, get_template

PRODUCTION_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{2,63}$")


# What each agent does, as progress says it while the agent works.
AGENT_WORK = {
    "vrd": "writing the VRD",
    "scriptsmith": "writing the script",
    "shotmaster": "planning the shots",
    "budget_solver": "solving the budget",
}


@dataclass(frozen=True)
class Working:
    agent: str  # "" between agents (a gate deciding, the graph moving on)
    steps: int  # agents started in this run so far: grows, so a client's progress only goes up


class ProductionError(ValueError):
    """A request about a production that cannot be met; the message says why and what to do."""


class Status(BaseModel):
    id: str
    template: str
    state: str  # waiting (at a gate) | running (interrupted mid-run: resume it) | done
    gate: dict[str, Any] | None = None  # the pending HITL request
    next: list[str] = []
    artefacts: dict[str, int] = {}  # kind -> current version
    approved: dict[str, int] = {}
    spent: dict[str, float] = {}
    by_agent: dict[str, dict[str, float]] = {}
    log: list[str] = []


def database_url(env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    return env.get(DATABASE_ENV) or None


@contextlib.contextmanager
def open_checkpointer(data_dir: Path, url: str | None = None) -> Iterator[Any]:
    """SQLite at `<data dir>/productions/checkpoints.sqlite`, or PostgreSQL at `url` (tables made on first use)."""
    if url:
        from langgraph.checkpoint.postgres import PostgresSaver  # the agents extra
        from psycopg import Connection
        from psycopg.rows import dict_row

        with Connection.connect(url, autocommit=True, prepare_threshold=0, row_factory=dict_row) as conn:
            saver = PostgresSaver(conn, serde=checkpoint_serde(data_dir))
            saver.setup()
            yield saver
        return
    from langgraph.checkpoint.sqlite import SqliteSaver

    folder = data_dir / "productions"
    folder.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(folder / "checkpoints.sqlite", check_same_thread=False, timeout=30)
    db.execute("PRAGMA journal_mode=WAL")
    try:
        yield SqliteSaver(db, serde=checkpoint_serde(data_dir))
    finally:
        db.close()


def published_folder(data_dir: Path, production_id: str) -> Path:
    return data_dir / "productions" / production_id


def _config(production_id: str, checkpoint_id: str | None = None) -> dict[str, Any]:
    configurable = {"thread_id": production_id}
    if checkpoint_id:
        configurable["checkpoint_id"] = checkpoint_id
    return {"configurable": configurable}


def _write_atomic(path: Path, text: str | bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def _file_lock(path: Path, wait_s: float) -> Iterator[bool]:
    """An exclusive `flock` on `path` (released by the OS if the process dies); yields whether it was got."""
    import fcntl
    import time

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.05)
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def _advisory_lock(saver: Any, production_id: str, wait_s: float) -> Iterator[bool]:
    """A PostgreSQL session advisory lock on the production (released if the worker's connection dies)."""
    import time

    deadline = time.monotonic() + wait_s
    got = False
    while True:
        with saver.lock, saver.conn.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s)) AS got", ("kijkocut:" + production_id,))
            got = bool(cursor.fetchone()["got"])
        if got or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    try:
        yield got
    finally:
        if got:
            with saver.lock, saver.conn.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", ("kijkocut:" + production_id,))


class Productions:
    # How long a request waits for another worker (process or database client) running the same production.
    lock_wait_s = 10.0

    @contextlib.contextmanager
    def exclusive(self, production_id: str) -> Iterator[None]:
        """One run of a production at a time, across threads, processes and (PostgreSQL) machines."""
        self._check_id(production_id)  # before it names a lock file
        lock: contextlib.AbstractContextManager[bool]
        if type(self.checkpointer).__name__ == "PostgresSaver":
            lock = _advisory_lock(self.checkpointer, production_id, self.lock_wait_s)
        elif self.data_dir is not None:
            lock = _file_lock(self.data_dir / "productions" / f".{production_id}.lock", self.lock_wait_s)
        else:
            lock = contextlib.nullcontext(True)
        with lock as got:
            if not got:
                raise ProductionError(
                    f"production {production_id!r} is busy: another worker is running it; try again later"
                )
            yield

    def __init__(
        self,
        checkpointer: Any,
        brain: Brain,
        data_dir: Path | None = None,
        settings: RunSettings | None = None,
        on_event: Callable[[str], None] | None = None,
    ):
        self.checkpointer, self.brain, self.data_dir = checkpointer, brain, data_dir
        self.settings = settings or RunSettings()
        self.on_event = on_event or (lambda line: None)
        # production -> the agent working on it now (set while a run streams, from any thread)
        self.working: dict[str, Working] = {}
        self._graphs: dict[str, Any] = {}

    # ---- reading ----

    def _graph(self, template: Template) -> Any:
        key = template.model_dump_json()
        if key not in self._graphs:
            self._graphs[key] = build_graph(template, self.brain, self.settings, self.checkpointer)
        return self._graphs[key]

    def _check_id(self, production_id: str) -> str:
        if not PRODUCTION_ID.match(production_id or ""):
            raise ProductionError(
                f"invalid production id {production_id[:80]!r}: lowercase letters, digits, - and _, 3-64 long"
            )
        return production_id

    def _template_of(self, production_id: str) -> Template:
        found = self.checkpointer.get_tuple(_config(self._check_id(production_id)))
        if found is None:
            raise ProductionError(f"no production {production_id!r} (`kijkocut produce list` shows them)")
        values = found.checkpoint["channel_values"]
        template = values.get("template") or (values.get("__start__") or {}).get("template")
        if template is None:
            raise ProductionError(f"production {production_id!r} has no template in its checkpoint")
        return Template.model_validate(template)

    def _snapshot(self, production_id: str, checkpoint_id: str | None = None) -> Any:
        graph = self._graph(self._template_of(production_id))
        return graph, graph.get_state(_config(production_id, checkpoint_id))

    def status(self, production_id: str) -> Status:
        _, snapshot = self._snapshot(production_id)
        return self._status(production_id, snapshot)

    def _status(self, production_id: str, snapshot: Any) -> Status:
        values = snapshot.values
        gate = snapshot.interrupts[0].value if snapshot.interrupts else None
        state = "waiting" if gate else ("running" if snapshot.next else "done")
        ledger = values.get("ledger") or []
        by_agent: dict[str, dict[str, float]] = {}
        for agent in dict.fromkeys(entry["agent"] for entry in ledger):
            by_agent[agent] = totals([e for e in ledger if e["agent"] == agent])
        return Status(
            id=production_id,
            template=(values.get("template") or {}).get("id", ""),
            state=state,
            gate=gate,
            next=list(snapshot.next),
            artefacts={k: values[k]["version"] for k in ARTEFACT_KINDS if values.get(k)},
            approved=values.get("approved") or {},
            spent=totals(ledger),
            by_agent=by_agent,
            log=(values.get("log") or [])[-12:],
        )

    def all(self) -> list[dict[str, Any]]:
        seen: dict[str, dict[str, Any]] = {}
        for item in self.checkpointer.list(None):  # newest first: the last seen of a thread is its first
            thread = item.config["configurable"]["thread_id"]
            seen[thread] = {"id": thread, "created": item.checkpoint.get("ts", "")}
        rows = []
        for thread, row in sorted(seen.items(), key=lambda kv: kv[1]["created"]):
            status = self.status(thread)
            rows.append(
                {**row, "template": status.template, "state": status.state, "artefacts": status.artefacts}
            )
        return rows

    def artefact(self, production_id: str, kind: str) -> Artefact:
        if kind not in ARTEFACT_KINDS:
            raise ProductionError(f"unknown artefact {kind!r} (one of: {', '.join(ARTEFACT_KINDS)})")
        _, snapshot = self._snapshot(production_id)
        data = snapshot.values.get(kind)
        if not data:
            raise ProductionError(f"production {production_id!r} has no {kind} yet")
        return parse_artefact(kind, data)

    def history(self, production_id: str) -> list[dict[str, Any]]:
        """Every checkpoint, newest first: its id, step, what runs next and the artefact versions then."""
        graph = self._graph(self._template_of(production_id))
        entries = []
        for snapshot in graph.get_state_history(_config(production_id)):
            values = snapshot.values
            entries.append(
                {
                    "checkpoint_id": snapshot.config["configurable"]["checkpoint_id"],
                    "step": snapshot.metadata.get("step") if snapshot.metadata else None,
                    "created": snapshot.created_at,
                    "next": list(snapshot.next),
                    "artefacts": {k: values[k]["version"] for k in ARTEFACT_KINDS if values.get(k)},
                    "last": (values.get("log") or [""])[-1],
                }
            )
        return entries

    # ---- running ----

    def _run(self, graph: Any, value: Any, config: dict[str, Any]) -> None:
        """Run the graph on (the caller holds `exclusive`), publishing the production's view afterwards."""
        try:
            self._stream(graph, value, config)
        finally:
            self.publish(config["configurable"]["thread_id"])

    def publish(self, production_id: str) -> None:
        """The production's artefacts and status as plain JSON files in `<data dir>/productions/<id>/`, for
        readers without LangGraph (the ComfyUI node, the panel): rewritten atomically after every run."""
        if self.data_dir is None:
            return
        status = self.status(production_id)
        _, snapshot = self._snapshot(production_id)
        folder = published_folder(self.data_dir, production_id)
        folder.mkdir(parents=True, exist_ok=True)
        for kind in ARTEFACT_KINDS:
            data = snapshot.values.get(kind)
            if data:
                text = json.dumps(data, ensure_ascii=False, indent=1)
                _write_atomic(folder / f"{kind}.json", published_bytes(self.data_dir, text))
            elif (folder / f"{kind}.json").exists():
                (folder / f"{kind}.json").unlink()
        view = status.model_dump(exclude={"gate", "log"})
        if status.gate:
            view["gate"] = {k: status.gate[k] for k in ("gate", "version", "blocking")}
        _write_atomic(folder / "status.json", published_bytes(self.data_dir, json.dumps(view, indent=1)))

    def _stream(self, graph: Any, value: Any, config: dict[str, Any]) -> None:
        production_id = config["configurable"]["thread_id"]
        try:
            # "sync": a step's checkpoint is on disk before the next step (a paid model call) starts, so a
            # process killed anywhere resumes after the last finished agent, never redoing it ("async", the
            # default, may still be writing when the kill comes).
            for mode, chunk in graph.stream(
                value, config, stream_mode=["tasks", "updates"], durability="sync"
            ):
                if mode == "tasks":
                    self._task_event(production_id, chunk)
                else:
                    self._updates(chunk)
        finally:
            self.working.pop(production_id, None)

    def _task_event(self, production_id: str, task: Mapping[str, Any]) -> None:
        """A node starting (its input given) or finishing: which agent works on the production now."""
        if task.get("name") not in AGENT_WORK:
            return
        if "input" in task:
            steps = self.working.get(production_id, Working("", 0)).steps + 1
            self.working[production_id] = Working(str(task["name"]), steps)
            self.on_event(f"{task['name']}: {AGENT_WORK[str(task['name'])]}")
        elif production_id in self.working:
            self.working[production_id] = Working("", self.working[production_id].steps)

    def _updates(self, chunk: Mapping[str, Any]) -> None:
        for node, update in chunk.items():
            if node == "__interrupt__":
                gate = update[0].value
                self.on_event(f"waiting at the {gate['gate']} gate ({gate['blocking']} blocking problems)")
            else:
                for line in (update or {}).get("log", []) if isinstance(update, dict) else []:
                    self.on_event(line)

    def start(
        self,
        template_id: str,
        brief: str,
        production_id: str | None = None,
        caps: Mapping[str, float] | None = None,
    ) -> Status:
        template = get_template(template_id, self.data_dir)
        if not brief.strip():
            raise ProductionError("the brief is empty")
        if len(brief) > 100_000:
            raise ProductionError(f"the brief is {len(brief)} characters; at most 100000")
        production_id = self._check_id(
            production_id or f"{template.id.replace('_', '-')}-{secrets.token_hex(4)}"
        )
        with self.exclusive(production_id):
            if self.checkpointer.get_tuple(_config(production_id)) is not None:
                raise ProductionError(f"production {production_id!r} exists already")
            unknown = sorted(set(caps or {}) - {"cost", "tokens", "gpu_minutes"})
            if unknown:
                raise ProductionError(f"unknown caps: {', '.join(unknown)} (cost, tokens, gpu_minutes)")
            initial = {
                "production_id": production_id,
                "template": template.model_dump(mode="json"),
                "brief": brief,
                "caps": dict(caps or {}),
                "approved": {},
                "requests": {},
                "failures": {},
                "log": [f"started from template {template.id}"],
            }
            self.on_event(f"production {production_id}: {template.title}")
            graph = self._graph(template)
            self._run(graph, initial, _config(production_id))
            return self.status(production_id)

    def resume(self, production_id: str) -> Status:
        with self.exclusive(production_id):
            return self._resume(production_id)

    def _resume(self, production_id: str) -> Status:
        """Go on from the last checkpoint after the process running it died; agents that finished are kept."""
        graph, snapshot = self._snapshot(production_id)
        if snapshot.interrupts:
            raise ProductionError(
                f"production {production_id!r} waits at the {snapshot.interrupts[0].value['gate']} gate: decide there"
            )
        if not snapshot.next:
            raise ProductionError(f"production {production_id!r} is done; fork it to change something")
        self._run(graph, None, _config(production_id))
        return self.status(production_id)

    def decide(
        self, production_id: str, decision: Mapping[str, Any], expect: Mapping[str, Any] | None = None
    ) -> Status:
        with self.exclusive(production_id):
            return self._decide(production_id, decision, expect or {})

    def _decide(self, production_id: str, decision: Mapping[str, Any], expect: Mapping[str, Any]) -> Status:
        """Answer the pending gate: `{"type": "approve"}`, `{"type": "reject", "message": ...}`, ... or the full
        HITL response `{"decisions": [...]}`. Refused, with nothing changed, when it cannot apply."""
        graph, snapshot = self._snapshot(production_id)
        if not snapshot.interrupts:
            raise ProductionError(
                f"production {production_id!r} is not waiting at a gate (state: "
                f"{self._status(production_id, snapshot).state})"
            )
        pending = snapshot.interrupts[0].value
        kind = pending["gate"]
        # `expect`: the gate and version the reviewer looked at; another reviewer may have moved on since.
        if (
            expect.get("gate", kind) != kind
            or int(expect.get("version", pending["version"])) != pending["version"]
        ):
            raise ProductionError(
                f"the pending gate is now {kind} v{pending['version']}, not the "
                f"{expect.get('gate', kind)} v{expect.get('version', pending['version'])} you reviewed: review it again"
            )
        try:
            parsed = parse_decision(dict(decision), kind)
        except DecisionError as error:
            raise ProductionError(str(error)) from None
        allowed = pending["review_configs"][0]["allowed_decisions"]
        if parsed.type not in allowed:
            blocking = [
                p["message"] for p in pending["action_requests"][0]["args"]["problems"] if p["blocking"]
            ]
            raise ProductionError(
                f"cannot {parsed.type} the {kind}: {len(blocking)} blocking problems: "
                + "; ".join(blocking[:5])
            )
        self._run(
            graph,
            Command(resume={"decisions": [parsed.model_dump(exclude_none=True)]}),
            _config(production_id),
        )
        return self.status(production_id)

    def edit(self, production_id: str, artefact: Mapping[str, Any]) -> Status:
        kind = self.status(production_id).gate
        if kind is None:
            raise ProductionError(f"production {production_id!r} is not waiting at a gate")
        name = action_name(kind["gate"])
        return self.decide(
            production_id,
            {"type": "edit", "edited_action": {"name": name, "args": {"artefact": dict(artefact)}}},
        )

    def set_caps(self, production_id: str, caps: Mapping[str, float]) -> Status:
        with self.exclusive(production_id):
            return self._set_caps(production_id, caps)

    def _set_caps(self, production_id: str, caps: Mapping[str, float]) -> Status:
        """New hard caps for a production waiting at a gate (one a cap stopped, say); the gate asks again,
        and a rejection or answer there retries the agent under the new caps."""
        graph, snapshot = self._snapshot(production_id)
        if not snapshot.interrupts:
            raise ProductionError(f"production {production_id!r} is not waiting at a gate; caps change there")
        unknown = sorted(set(caps) - {"cost", "tokens", "gpu_minutes"})
        if unknown:
            raise ProductionError(f"unknown caps: {', '.join(unknown)} (cost, tokens, gpu_minutes)")
        merged = {**(snapshot.values.get("caps") or {}), **caps}
        kind = snapshot.interrupts[0].value["gate"]
        # Written as if by the gate's agent, so the gate runs again (and asks again) with the new caps.
        graph.update_state(
            _config(production_id), {"caps": merged, "log": [f"caps set to {merged}"]}, as_node=AGENT_OF[kind]
        )
        self._run(graph, None, _config(production_id))
        return self.status(production_id)

    def reopen(self, production_id: str, checkpoint_id: str) -> Status:
        with self.exclusive(production_id):
            return self._reopen(production_id, checkpoint_id)

    def _reopen(self, production_id: str, checkpoint_id: str) -> Status:
        """Go back to an earlier step (a checkpoint from `history`) and run on from there; the later steps stay
        in the history as another branch."""
        graph, snapshot = self._snapshot(production_id, checkpoint_id)
        if snapshot.metadata is None:
            raise ProductionError(f"production {production_id!r} has no checkpoint {checkpoint_id!r}")
        self._run(graph, None, _config(production_id, checkpoint_id))
        return self.status(production_id)

    def fork(
        self,
        production_id: str,
        kind: str,
        artefact: Mapping[str, Any] | None = None,
        checkpoint_id: str | None = None,
        new_id: str | None = None,
    ) -> Status:
        """A new production from this one's state (now, or at `checkpoint_id`) with `kind` replaced by an edited
        artefact (or kept); everything after it re-runs, starting at the artefact's gate."""
        graph, snapshot = self._snapshot(production_id, checkpoint_id)
        values = dict(snapshot.values)
        if kind not in ARTEFACT_KINDS:
            raise ProductionError(f"unknown artefact {kind!r} (one of: {', '.join(ARTEFACT_KINDS)})")
        if artefact is None and not values.get(kind):
            raise ProductionError(f"production {production_id!r} has no {kind} to fork from")
        new_id = self._check_id(new_id or f"{production_id[:50]}-fork-{secrets.token_hex(3)}")
        with self.exclusive(new_id):
            if self.checkpointer.get_tuple(_config(new_id)) is not None:
                raise ProductionError(f"production {new_id!r} exists already")
            if artefact is not None:
                edited = parse_artefact(kind, dict(artefact)).model_dump(mode="json")
            else:
                edited = dict(values[kind])
            edited.update(id=f"{new_id}/{kind}", version=int((values.get(kind) or {}).get("version", 0)) + 1)
            values.update(downstream_cleared(cast(ProductionState, values), kind))
            earlier = ARTEFACT_KINDS[: ARTEFACT_KINDS.index(kind)]
            values["critique"] = {k: v for k, v in (values.get("critique") or {}).items() if k in earlier}
            values.update(
                {
                    kind: edited,
                    "production_id": new_id,
                    "log": [f"forked from {production_id} with {kind} v{edited['version']}"],
                }
            )
            values = {k: v for k, v in values.items() if v is not None or k in ARTEFACT_KINDS}
            graph.update_state(_config(new_id), values, as_node=AGENT_OF[kind])
            self._run(graph, None, _config(new_id))
            return self.status(new_id)

    # ---- exporting ----

    def export(self, production_id: str, directory: Path) -> list[Path]:
        """Each artefact as Markdown, the script as Fountain, the shot list as CSV, and all as JSON."""
        _, snapshot = self._snapshot(production_id)
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        everything = {}
        for kind in ARTEFACT_KINDS:
            data = snapshot.values.get(kind)
            if not data:
                continue
            artefact = parse_artefact(kind, data)
            everything[kind] = data
            files = {f"{kind}.md": to_markdown(artefact)}
            if isinstance(artefact, Script):
                files["script.fountain"] = artefact.to_fountain()
            if isinstance(artefact, ShotList):
                files["shot_list.csv"] = artefact.to_csv()
            for name, text in files.items():
                _write_atomic(directory / name, text)
                written.append(directory / name)
        _write_atomic(directory / "production.json", json.dumps(everything, ensure_ascii=False, indent=1))
        written.append(directory / "production.json")
        return written

    def review_now(self, production_id: str, kind: str) -> dict[str, Any]:
        """A gate's view of an artefact (its problems and what may be decided), whether or not it waits there."""
        _, snapshot = self._snapshot(production_id)
        if kind not in ARTEFACT_KINDS:
            raise ProductionError(f"unknown artefact {kind!r}")
        return review(snapshot.values, kind)
