"""MCP tools for production agents (the opt-in `productions` tool group): start a production, read where it
stands, decide at its gate, go back in its history, fork it, export it. The agents run in a background thread;
every tool waits at most `wait_s` and answers with the production's id as the handle to poll. The pending gate
and each artefact are readable as resources (`production://<id>/gate`, `production://<id>/<artefact>`).
A thin adapter over `agents.productions`, the API the CLI uses too."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from pydantic import BaseModel, Field

from mcp_server.errors import BusyError, ServiceError
from mcp_server.hints import EDIT, READ_ONLY
from mcp_server.progress import ProgressThrottle

ProductionId = Annotated[
    str,
    Field(min_length=3, max_length=64, description="production id from production_start or production_list"),
]
Wait = Annotated[float, Field(ge=0, le=60, description="seconds to wait for the agents before answering")]
Kind = Literal["vrd", "script", "shot_list", "budget"]


class GateView(BaseModel):
    gate: str
    version: int
    allowed: list[str]
    problems: list[str]
    resource: str = Field(description="the gate's full HITL request: artefact, problems, allowed decisions")


class ProductionView(BaseModel):
    id: str
    template: str
    state: str = Field(
        description="working (agents running), waiting (at a gate), running (interrupted), done"
    )
    agent: str | None = Field(
        None, description="while working: the agent at work now (vrd, scriptsmith, shotmaster, budget_solver)"
    )
    gate: GateView | None = None
    artefacts: dict[str, int] = Field(
        description="artefact -> version; read them as production://<id>/<artefact>"
    )
    approved: dict[str, int]
    spent: dict[str, float]
    log: list[str]


class ProductionList(BaseModel):
    productions: list[dict[str, Any]]
    templates: list[str]


class History(BaseModel):
    checkpoints: list[dict[str, Any]]


class Exported(BaseModel):
    files: list[str]


class ProductionHost:
    """The server's productions: one checkpoint store (opened on first use), background runs, one at a time
    per production."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self._stack = ExitStack()
        self._productions: Any = None
        self._lock = threading.Lock()
        self._runs: dict[str, Future] = {}
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="production")

    @property
    def productions(self) -> Any:
        with self._lock:
            if self._productions is None:
                from agents.brains import default_brain
                from agents.productions import Productions, database_url, open_checkpointer

                saver = self._stack.enter_context(open_checkpointer(self.data_dir, database_url()))
                self._productions = Productions(saver, default_brain(), self.data_dir)
            return self._productions

    def busy(self, production_id: str) -> bool:
        run = self._runs.get(production_id)
        return run is not None and not run.done()

    def launch(self, production_id: str, work: Callable[[], Any]) -> None:
        with self._lock:
            if self.busy(production_id):
                raise BusyError(
                    f"production {production_id!r} is still working: call production_status with wait_s"
                )
            self._runs[production_id] = self._pool.submit(work)

    async def settle(self, production_id: str, wait_s: float, ctx: Context | None = None) -> ProductionView:
        """Wait up to `wait_s` for the production's run, then its view; a run's error is raised here. While it
        runs, the client hears which agent is at work (at most once a second, when that changes)."""
        deadline = time.monotonic() + wait_s
        run = self._runs.get(production_id)
        throttle = ProgressThrottle()
        while run is not None and not run.done() and time.monotonic() < deadline:
            working = self.working(production_id)
            if ctx is not None and working is not None:
                steps, message = working
                if throttle.should_send(steps, message):
                    await ctx.report_progress(steps, None, message)
            await anyio.sleep(0.1)
        if run is not None and run.done():
            self._runs.pop(production_id, None)
            error = run.exception()
            if error is not None:
                raise ServiceError(f"production {production_id!r}: {error}")
        return self.view(production_id)

    def working(self, production_id: str) -> tuple[int, str] | None:
        """(agents started in this run, what the one at work is doing), or None between agents."""
        from agents.productions import AGENT_WORK

        now = self.productions.working.get(production_id)
        if now is None or not now.agent:
            return None
        return now.steps, f"{now.agent}: {AGENT_WORK.get(now.agent, 'working')}"

    def view(self, production_id: str) -> ProductionView:
        if self.busy(production_id):
            now = self.productions.working.get(production_id)
            working = self.working(production_id)
            return ProductionView(
                id=production_id,
                template="",
                state="working",
                agent=(now.agent or None) if now else None,
                artefacts={},
                approved={},
                spent={},
                log=[working[1]] if working else [],
            )
        status = self.productions.status(production_id)
        gate = None
        if status.gate:
            request = status.gate
            gate = GateView(
                gate=request["gate"],
                version=request["version"],
                allowed=request["review_configs"][0]["allowed_decisions"],
                problems=[
                    ("BLOCKING " if p["blocking"] else "") + p["message"]
                    for p in request["action_requests"][0]["args"]["problems"]
                ],
                resource=f"production://{production_id}/gate",
            )
        return ProductionView(
            id=status.id,
            template=status.template,
            state=status.state,
            gate=gate,
            artefacts=status.artefacts,
            approved=status.approved,
            spent=status.spent,
            log=status.log[-6:],
        )


def register(host: ProductionHost, add: Callable[..., Any], server: Any) -> None:
    """The productions tools (through the server's `add`, which applies the tool-group choice) and resources."""
    from agents.productions import PRODUCTION_ID

    def check(production_id: str) -> str:
        if not PRODUCTION_ID.match(production_id):
            raise ServiceError("production_id: lowercase letters, digits, - and _")
        return production_id

    async def production_start(
        brief: Annotated[str, Field(min_length=1, max_length=100_000, description="the brief (Markdown)")],
        template: Annotated[
            str, Field(max_length=40, description="template id from production_list")
        ] = "ad_spot",
        production_id: Annotated[
            str | None,
            Field(max_length=64, description="a new id for the production; omit for a generated one"),
        ] = None,
        wait_s: Wait = 20,
        ctx: Context | None = None,
    ) -> ProductionView:
        """Start a production: agents write the VRD, script, shot list and budget, stopping at each gate for a
        decision (production_decide). Returns when at a gate or after wait_s (state working: poll)."""
        import secrets

        new_id = check(production_id or f"{template.replace('_', '-')}-{secrets.token_hex(4)}")
        productions = host.productions
        host.launch(new_id, lambda: productions.start(template, brief, new_id))
        return await host.settle(new_id, wait_s, ctx)

    async def production_status(
        production_id: ProductionId, wait_s: Wait = 0, ctx: Context | None = None
    ) -> ProductionView:
        """Where a production stands: its state, pending gate with problems and allowed decisions, artefact
        versions and spending. Waits up to wait_s while its agents work."""
        return await host.settle(check(production_id), wait_s, ctx)

    async def production_decide(
        production_id: ProductionId,
        decision: Annotated[
            Literal["approve", "edit", "reject", "respond"],
            Field(description="approve; edit (edited); reject or respond (message: notes or an answer)"),
        ],
        message: Annotated[
            str | None, Field(max_length=4000, description="notes for reject, answer for respond")
        ] = None,
        edited: Annotated[
            dict[str, Any] | None, Field(description="the edited artefact (from the gate resource), for edit")
        ] = None,
        version: Annotated[
            int | None,
            Field(ge=1, description="the gate's version from production_status; refused if it moved on"),
        ] = None,
        wait_s: Wait = 20,
        ctx: Context | None = None,
    ) -> ProductionView:
        """Decide at the pending gate. Reject and respond send the agent back with your message and re-run
        what follows; approval is refused while blocking problems are open."""
        check(production_id)
        productions = host.productions
        if decision == "edit":
            artefact = edited
            if artefact is None:
                raise ServiceError("edited: an edit needs the edited artefact")
            productions.status(production_id)  # an unknown id fails here, not in the background
            host.launch(production_id, lambda: productions.edit(production_id, artefact))
        else:
            chosen = {"type": decision, **({"message": message} if message else {})}
            from agents.gates import DecisionError, parse_decision

            pending = productions.status(production_id).gate
            if pending is None:
                raise ServiceError(f"production {production_id!r} is not waiting at a gate")
            try:
                parse_decision(chosen, pending["gate"])
            except DecisionError as error:
                raise ServiceError(str(error)) from None
            if decision not in pending["review_configs"][0]["allowed_decisions"]:
                raise ServiceError(
                    f"cannot {decision} the {pending['gate']}: {pending['blocking']} blocking problems"
                )
            expect = {} if version is None else {"gate": pending["gate"], "version": version}
            host.launch(production_id, lambda: productions.decide(production_id, chosen, expect))
        return await host.settle(production_id, wait_s, ctx)

    def production_list() -> ProductionList:
        """Every production (id, template, state) and the templates production_start accepts."""
        from agents.template import load_templates

        return ProductionList(
            productions=host.productions.all(), templates=sorted(load_templates(host.data_dir))
        )

    def production_history(production_id: ProductionId) -> History:
        """A production's checkpoints, newest first (checkpoint_id, step, next node, artefact versions), for
        production_reopen and production_fork."""
        return History(
            checkpoints=[
                {**e, "created": str(e["created"])} for e in host.productions.history(check(production_id))
            ]
        )

    async def production_reopen(
        production_id: ProductionId,
        checkpoint_id: Annotated[
            str, Field(max_length=80, description="checkpoint id from production_history")
        ],
        wait_s: Wait = 20,
    ) -> ProductionView:
        """Go back to an earlier checkpoint and run on from there (a gate there asks again)."""
        productions = host.productions
        host.launch(check(production_id), lambda: productions.reopen(production_id, checkpoint_id))
        return await host.settle(production_id, wait_s)

    async def production_fork(
        production_id: ProductionId,
        artefact: Annotated[Kind, Field(description="the artefact to replace; what follows it re-runs")],
        edited: Annotated[
            dict[str, Any] | None, Field(description="the edited artefact; omit to keep it")
        ] = None,
        checkpoint_id: Annotated[
            str | None, Field(max_length=80, description="checkpoint id from production_history")
        ] = None,
        wait_s: Wait = 20,
    ) -> ProductionView:
        """A new production from this one (now or at checkpoint_id) with an artefact replaced; returns the new
        production, waiting at that artefact's gate."""
        import secrets

        new_id = f"{check(production_id)[:50]}-fork-{secrets.token_hex(3)}"
        productions = host.productions
        host.launch(new_id, lambda: productions.fork(production_id, artefact, edited, checkpoint_id, new_id))
        return await host.settle(new_id, wait_s)

    def production_export(production_id: ProductionId) -> Exported:
        """Write the artefacts as Markdown, Fountain (script), CSV (shot list) and JSON into the data folder;
        returns the file paths."""
        folder = host.data_dir / "productions" / check(production_id) / "export"
        return Exported(files=[str(p) for p in host.productions.export(production_id, folder)])

    for fn in (production_start, production_status, production_decide, production_list, production_history):
        add(
            fn,
            fn.__name__,
            READ_ONLY if fn in (production_status, production_list, production_history) else EDIT,
        )
    for editing in (production_reopen, production_fork, production_export):
        add(editing, editing.__name__, EDIT)

    @server.resource(
        "production://{production_id}/{artefact}",
        name="production artefact",
        mime_type="application/json",
        description="A production's pending gate (artefact 'gate': the HITL request) or an artefact's JSON",
    )
    def production_resource(production_id: str, artefact: str) -> str:
        try:
            check(production_id)
            if artefact == "gate":
                gate = host.productions.status(production_id).gate
                if gate is None:
                    raise ResourceNotFoundError(f"production {production_id!r} is not waiting at a gate")
                return json.dumps(gate, ensure_ascii=False)
            return host.productions.artefact(production_id, artefact).model_dump_json(indent=1)
        except (ServiceError, ValueError) as error:
            raise ResourceNotFoundError(str(error)) from None
