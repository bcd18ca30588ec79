"""User actions, declared once. Like Blender's operators and VS Code's commands: each action has a name, a
label, typed parameters (a pydantic model whose field descriptions are the help text), what it needs and what
it changes, and a `build` that turns the parameters into engine commands against the current project. Every
front end reaches the same declaration: MCP tools, HTTP routes, CLI subcommands, ComfyUI nodes and the
assistant's tools are derived from `ACTIONS`, never re-declared.

Applying an action is one undo step, whatever number of commands it builds (the track a clip needed and the
clip are undone together), and a failing step leaves the project as it was. Several actions of one gesture
(deleting the selected clips) are applied together as one undo step too (`run_actions`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from kijkocut.edit import Editor
from kijkocut.edit.commands import Batch, Command
from kijkocut.edit.editor import EditResult
from kijkocut.errors import KijkoCutError, PathNotAllowedError
from kijkocut.model import History, Project
from kijkocut.paths import PathPolicy, confine_project_path, is_font_file, project_paths
from kijkocut.service.errors import NotFoundError, ServiceError
from kijkocut.service.store import ProjectStore, apply_checked
from kijkocut.validation_messages import describe_validation_error


class Params(BaseModel):
    """Base of every action's parameters: unknown names are errors, so a typo is never silently ignored."""

    model_config = ConfigDict(extra="forbid")


P = TypeVar("P", bound=Params)


@dataclass
class ActionContext:
    """What an action may need beyond the project: how to turn a path a client named into a confined real
    path (each front end has its own allowed folders), and the folder relative media paths resolve against."""

    resolve_path: Callable[[str], Path] | None = None
    project_dir: Path | None = None
    prepared: Any = None  # what the action's `prepare` step returned
    # The folders a project may name. With it, title fonts are confined too, and every file path an edit brings
    # into the project (however it came: a style or an effect list set as a property) is checked after the
    # edit; one outside takes the whole edit back.
    policy: PathPolicy | None = None

    def path(self, user_path: str) -> Path:
        if self.resolve_path is None:
            raise ServiceError("this front end cannot open files")
        return self.resolve_path(user_path)

    def font(self, font: str) -> str:
        """A title font as stored: a font file's confined real path (system font folders allowed too); a family
        name, or a bare font file name found nowhere here, unchanged for the renderer to look up."""
        if self.policy is None or not is_font_file(font):
            return font
        try:
            real = self.policy.confine(font.strip(), "font")
        except PathNotAllowedError as exc:
            raise PathNotAllowedError(
                f"font {exc}; name a font file in an allowed folder, or a font family"
            ) from None
        if real.is_file():
            return str(real)
        if "/" in font or "\\" in font or font.startswith("~"):
            raise NotFoundError(f"font file {font!r} does not exist")
        return font

    def path_check(self, project: Project) -> Callable[[Project], None] | None:
        """What `apply_checked` runs after an edit of `project`: each file path the edit added is confined."""
        if self.policy is None:
            return None
        policy, known = self.policy, {path.value for path in project_paths(project)}

        def check(edited: Project) -> None:
            for path in project_paths(edited):
                if path.value not in known:
                    confine_project_path(policy, path, self.project_dir)

        return check


@dataclass
class Plan:
    """The commands an action builds, and the ids it created for the caller to refer to."""

    commands: list[Command]
    created: dict[str, Any] = field(default_factory=dict)
    title: str | None = None


@dataclass(frozen=True)
class Action(Generic[P]):
    name: str
    label: str
    params: type[P]
    build: Callable[[Project, P, ActionContext], Plan | list[Command]]
    needs: str = ""
    changes: str = ""
    # Slow I/O (probing media files) done before the project's lock is taken; its result goes to `build`
    # as `ctx.prepared`.
    prepare: Callable[[P, ActionContext], Any] | None = None

    @property
    def description(self) -> str:
        return " ".join((self.build.__doc__ or self.label).split())

    def parse(self, params: P | dict[str, Any]) -> P:
        if isinstance(params, self.params):
            return params
        try:
            return self.params.model_validate(params)
        except ValidationError as exc:
            raise ServiceError(f"{self.name}: {describe_validation_error(exc)}") from None


ACTIONS: dict[str, Action[Any]] = {}


def action(
    name: str,
    label: str,
    params: type[P],
    *,
    needs: str = "",
    changes: str = "",
    prepare: Callable[[P, ActionContext], Any] | None = None,
) -> Callable[[Callable[[Project, P, ActionContext], Plan | list[Command]]], Action[P]]:
    """Declare a user action; the decorated function is its `build`, its docstring the description."""

    def register(build: Callable[[Project, P, ActionContext], Plan | list[Command]]) -> Action[P]:
        if name in ACTIONS:
            raise ValueError(f"action {name!r} is declared twice")
        declared = Action(
            name=name, label=label, params=params, build=build, needs=needs, changes=changes, prepare=prepare
        )
        ACTIONS[name] = declared
        return declared

    return register


def get_action(name: str) -> Action[Any]:
    _load_declarations()
    try:
        return ACTIONS[name]
    except KeyError:
        raise NotFoundError(f"unknown action {name!r}; known actions: {', '.join(sorted(ACTIONS))}") from None


def all_actions() -> dict[str, Action[Any]]:
    _load_declarations()
    return dict(ACTIONS)


def _load_declarations() -> None:
    # The declaring modules register themselves on import; imported here so any caller sees all of them.
    from kijkocut.service import append, captions, editing, effects, media, relink  # noqa: F401


@dataclass
class ActionOutcome:
    """What an applied action did: the engine's result (label, revision, entity changes), the ids the action
    created, and the project after it."""

    action: str
    result: EditResult
    created: dict[str, Any]
    project: Project


def _plan(declared: Action[Any], project: Project, params: Params, ctx: ActionContext) -> Plan:
    try:
        built = declared.build(project, params, ctx)
    except KeyError as exc:  # a look-up in the project model: name it as the client's error
        raise NotFoundError(str(exc.args[0]) if exc.args else "not found") from None
    return built if isinstance(built, Plan) else Plan(list(built))


def _one_step(plan: Plan) -> Command:
    if len(plan.commands) == 1 and plan.title is None:
        return plan.commands[0]
    return Batch(title=plan.title or " + ".join(c.label() for c in plan.commands), commands=plan.commands)


def _prepared(declared: Action[Any], params: Params, ctx: ActionContext) -> ActionContext:
    if declared.prepare is None:
        return ctx
    return replace(ctx, prepared=declared.prepare(params, ctx))


def apply_action(
    project: Project, name: str, params: Params | dict[str, Any], ctx: ActionContext | None = None
) -> ActionOutcome:
    """Apply an action to a project in memory (a ComfyUI node's timeline value): one history entry."""
    declared = get_action(name)
    parsed = declared.parse(params)
    ctx = _prepared(declared, parsed, ctx or ActionContext())
    plan = _plan(declared, project, parsed, ctx)
    if not plan.commands:  # already as asked (media imported before): nothing to record
        return ActionOutcome(name, EditResult(declared.label, project.revision, []), plan.created, project)
    result = apply_checked(Editor(project), _one_step(plan), ctx.path_check(project))
    return ActionOutcome(name, result, plan.created, project)


def step_history(project: Project, kind: Literal["undo", "redo"]) -> EditResult:
    """Undo or redo one step of a project in memory (a ComfyUI node's timeline value)."""
    editor = Editor(project)
    return editor.undo() if kind == "undo" else editor.redo()


def run_action(
    store: ProjectStore,
    project_id: str,
    name: str,
    params: Params | dict[str, Any],
    *,
    ctx: ActionContext | None = None,
    base_revision: int | None = None,
    origin: str = "",
) -> ActionOutcome:
    """Apply an action to a stored project under its lock, save it and publish the change."""
    declared = get_action(name)
    parsed = declared.parse(params)
    ctx = _prepared(declared, parsed, ctx or ActionContext(project_dir=store.directory(project_id)))
    plans: list[Plan] = []
    checks: list[Callable[[Project], None] | None] = []

    def build(project: Project) -> list[Command]:
        plans.append(_plan(declared, project, parsed, ctx))
        checks.append(ctx.path_check(project))
        return [_one_step(plans[-1])] if plans[-1].commands else []

    def check(project: Project) -> None:
        if checks[-1] is not None:
            checks[-1](project)

    result = store.apply(project_id, build, base_revision=base_revision, origin=origin, check=check)
    return ActionOutcome(name, result, plans[-1].created, store.get(project_id))


MAX_ACTIONS_PER_EDIT = 1000  # one gesture over a selection; a longer list is a script, not an edit

# (action name, its parameters) as a front end sends them
ActionRequest = tuple[str, "Params | dict[str, Any]"]


@dataclass
class ActionsOutcome:
    """What several actions applied as one edit did: the engine's result (one label, one revision, the entity
    changes of all of them), the ids each action created (in order), and the project after them."""

    actions: list[str]
    result: EditResult
    created: list[dict[str, Any]]
    project: Project


@dataclass(frozen=True)
class _Step:
    action: Action[Any]
    params: Params
    ctx: ActionContext


class _ActionSequence(Command):
    """Declared actions as ONE engine edit: the Editor runs this on its working copy, validates the outcome once
    and records one history entry. Each action is planned against the working copy as the actions before it
    left it (deleting two clips of a track with ripple: the second is found where the first pulled it), and
    the ids a plan creates are those the edited project keeps, since nothing runs twice."""

    op: Literal["actions"] = "actions"
    title: str
    actions: list[dict[str, Any]]  # the history's record: each action's name and parameters as issued
    label_template: ClassVar[str] = "{title}"
    _steps: list[_Step] = PrivateAttr(default_factory=list)
    _history: History | None = PrivateAttr(default=None)
    _created: list[dict[str, Any]] = PrivateAttr(default_factory=list)

    def run(self, project: Project) -> list[str]:
        # The working copy has no history; an action that names no element takes the newest one the history
        # added, so it plans against the project's own history (as it stood before this edit).
        if self._history is not None:
            project.history = self._history
        touched: list[str] = []
        self._created = []
        try:
            for index, step in enumerate(self._steps):
                try:
                    plan = _plan(step.action, project, step.params, step.ctx)
                    for command in plan.commands:
                        touched.extend(command.run(project))
                except (KijkoCutError, KeyError) as exc:
                    if len(self._steps) > 1 and exc.args and isinstance(exc.args[0], str):
                        exc.args = (
                            f"action {index + 1} of {len(self._steps)} ({step.action.name}): {exc.args[0]}",
                        )
                    raise
                self._created.append(plan.created)
        finally:
            project.history = History()
        return touched


def _steps(requests: Sequence[ActionRequest], ctx: ActionContext) -> list[_Step]:
    """Each request parsed and prepared (slow I/O, before any lock), or the first bad one's error, naming it."""
    if not requests:
        raise ServiceError("give at least one action")
    if len(requests) > MAX_ACTIONS_PER_EDIT:
        raise ServiceError(
            f"at most {MAX_ACTIONS_PER_EDIT} actions make one edit; {len(requests)} were given"
        )
    steps = []
    for index, (name, params) in enumerate(requests):
        try:
            declared = get_action(name)
            parsed = declared.parse(params)
        except ServiceError as exc:
            exc.args = (f"action {index + 1} of {len(requests)}: {exc}",)
            raise
        steps.append(_Step(declared, parsed, _prepared(declared, parsed, ctx)))
    return steps


def _sequence(steps: list[_Step], title: str | None, history: History) -> _ActionSequence:
    if title is None:
        labels: dict[str, int] = {}
        for step in steps:
            labels[step.action.label] = labels.get(step.action.label, 0) + 1
        title = " + ".join(label if n == 1 else f"{label} ×{n}" for label, n in labels.items())
    sequence = _ActionSequence(
        title=title[:200],
        actions=[{"name": s.action.name, "params": s.params.model_dump(mode="json")} for s in steps],
    )
    sequence._steps, sequence._history = steps, history
    return sequence


def apply_actions(
    project: Project,
    requests: Sequence[ActionRequest],
    ctx: ActionContext | None = None,
    *,
    title: str | None = None,
) -> ActionsOutcome:
    """Apply several actions to a project in memory as ONE history entry; when one fails, none is applied."""
    ctx = ctx or ActionContext()
    steps = _steps(requests, ctx)
    sequence = _sequence(steps, title, project.history)
    result = apply_checked(Editor(project), sequence, ctx.path_check(project))
    return ActionsOutcome([s.action.name for s in steps], result, sequence._created, project)


def run_actions(
    store: ProjectStore,
    project_id: str,
    requests: Sequence[ActionRequest],
    *,
    ctx: ActionContext | None = None,
    base_revision: int | None = None,
    origin: str = "",
    title: str | None = None,
) -> ActionsOutcome:
    """Apply several actions to a stored project as ONE undo step (one gesture over a selection: delete, split,
    paste), under its lock: each planned against the project as the previous ones left it, all or nothing, one
    save and one change event."""
    ctx = ctx or ActionContext(project_dir=store.directory(project_id))
    steps = _steps(requests, ctx)
    sequences: list[_ActionSequence] = []
    checks: list[Callable[[Project], None] | None] = []

    def build(project: Project) -> list[Command]:
        sequences.append(_sequence(steps, title, project.history))
        checks.append(ctx.path_check(project))
        return [sequences[-1]]

    def check(project: Project) -> None:
        if checks[-1] is not None:
            checks[-1](project)

    result = store.apply(project_id, build, base_revision=base_revision, origin=origin, check=check)
    return ActionsOutcome(
        [s.action.name for s in steps], result, sequences[-1]._created, store.get(project_id)
    )
