"""Loads the curated library: every card is validated, and checked against the workflow it describes."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from workflows_library.cards import WorkflowCard
from workflows_library.errors import CardError, UnknownWorkflowError
from workflows_library.workflow_format import ApiWorkflow, parse_api_workflow

CARD_SUFFIX = ".card.json"


def builtin_workflows_dir() -> Path:
    return Path(str(resources.files("workflows_library") / "workflows"))


def check_card_against_workflow(card: WorkflowCard, workflow: ApiWorkflow) -> list[str]:
    """Problems where the card points at nodes or fields the workflow does not have."""
    problems = []
    for spec in card.inputs:
        for target in spec.targets:
            node = workflow.get(target.node_id)
            if node is None:
                problems.append(f"input {spec.name!r} targets missing node {target.node_id}")
            elif target.field not in node.get("inputs", {}):
                problems.append(
                    f"input {spec.name!r} targets {node['class_type']}.{target.field} (node {target.node_id}),"
                    " which the workflow does not set"
                )
    for output in card.outputs:
        if output.node_id not in workflow:
            problems.append(f"output node {output.node_id} is not in the workflow")
    return problems


def load_card_pair(card_path: Path) -> tuple[WorkflowCard, ApiWorkflow]:
    workflow_path = card_path.with_name(card_path.name[: -len(CARD_SUFFIX)] + ".json")
    try:
        card = WorkflowCard.model_validate_json(card_path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise CardError(f"{card_path.name}: invalid card:\n{exc}") from exc
    if card.id != workflow_path.stem:
        raise CardError(f"{card_path.name}: card id {card.id!r} does not match its file name")
    try:
        workflow = parse_api_workflow(json.loads(workflow_path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise CardError(f"{card_path.name}: workflow file {workflow_path.name} is missing") from None
    except (ValueError, ValidationError) as exc:
        raise CardError(f"{workflow_path.name}: not an API-format workflow: {exc}") from exc
    problems = check_card_against_workflow(card, workflow)
    if problems:
        raise CardError(f"{card_path.name}: " + "; ".join(problems))
    return card, workflow


@dataclass
class Library:
    """Cards by id, with their workflows loaded on first use (templates can be hundreds)."""

    cards: dict[str, WorkflowCard] = field(default_factory=dict)
    _workflows: dict[str, ApiWorkflow] = field(default_factory=dict, repr=False)
    _loaders: dict[str, Callable[[], ApiWorkflow]] = field(default_factory=dict, repr=False)
    _node_types: dict[str, list[str]] = field(default_factory=dict, repr=False)
    # Ids workflows had before (ComfyUI renames and removes templates between versions, see templates.py):
    # old id -> (id now, None for the same workflow renamed, or why it is another one, for a removed one).
    _aliases: dict[str, tuple[str, str | None]] = field(default_factory=dict, repr=False)

    def add(
        self,
        card: WorkflowCard,
        workflow: ApiWorkflow | None = None,
        loader: Callable[[], ApiWorkflow] | None = None,
        node_types: list[str] | None = None,
    ) -> None:
        if card.id in self.cards:
            raise CardError(f"duplicate workflow id {card.id!r}")
        self.cards[card.id] = card
        if workflow is not None:
            self._workflows[card.id] = workflow
        elif loader is not None:
            self._loaders[card.id] = loader
        if node_types is not None:
            self._node_types[card.id] = sorted(set(node_types))

    def add_alias(self, old_id: str, workflow_id: str, reason: str | None = None) -> None:
        """`old_id` finds `workflow_id`; with a reason, only names it (a different workflow: never run)."""
        self._aliases.setdefault(old_id, (workflow_id, reason))

    def card(self, workflow_id: str) -> WorkflowCard:
        try:
            return self.cards[workflow_id]
        except KeyError:
            target, reason = self._aliases.get(workflow_id, ("", None))
            if target in self.cards:
                if reason is None:
                    return self.cards[target]
                raise UnknownWorkflowError(workflow_id, [target], reason) from None
            close = difflib.get_close_matches(workflow_id, list(self.cards), n=3, cutoff=0.5)
            raise UnknownWorkflowError(workflow_id, close) from None

    def workflow(self, workflow_id: str) -> ApiWorkflow:
        """The API-format workflow; template workflows are converted on first access."""
        workflow_id = self.card(workflow_id).id
        if workflow_id not in self._workflows:
            loader = self._loaders.get(workflow_id)
            if loader is None:
                raise CardError(f"workflow {workflow_id!r} has no workflow file")
            self._workflows[workflow_id] = loader()
        return self._workflows[workflow_id]

    def node_types(self, workflow_id: str) -> list[str]:
        """Node types the workflow uses (known without converting templates)."""
        if workflow_id not in self._node_types:
            workflow_id = self.card(workflow_id).id
        if workflow_id not in self._node_types:
            self._node_types[workflow_id] = sorted(
                {n["class_type"] for n in self.workflow(workflow_id).values()}
            )
        return self._node_types[workflow_id]

    def __len__(self) -> int:
        return len(self.cards)

    def __iter__(self):
        return iter(self.cards.values())

    def extend(self, other: Library) -> None:
        for card in other:
            self.add(
                card,
                other._workflows.get(card.id),
                other._loaders.get(card.id),
                other._node_types.get(card.id),
            )
        for old_id, (workflow_id, reason) in other._aliases.items():
            self.add_alias(old_id, workflow_id, reason)


def load_library(directories: Iterable[Path] | None = None) -> Library:
    """The curated cards (or those in `directories`); any invalid card is an error naming its file."""
    library = Library()
    for directory in directories if directories is not None else [builtin_workflows_dir()]:
        for card_path in sorted(Path(directory).glob(f"*{CARD_SUFFIX}")):
            library.add(*load_card_pair(card_path))
    return library
