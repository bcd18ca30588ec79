"""Checks an API workflow against a server's `/object_info` before anything is queued."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field

from workflows_library.cards import ModelRequirement
from workflows_library.object_info import MODEL_EXTENSIONS, InputDef, NodeDef, model_choices
from workflows_library.workflow_format import ApiWorkflow, is_link


class IssueKind(str, Enum):
    unknown_node = "unknown_node"
    unknown_input = "unknown_input"
    missing_input = "missing_input"
    bad_value = "bad_value"
    out_of_range = "out_of_range"
    bad_type = "bad_type"
    broken_link = "broken_link"
    missing_model = "missing_model"
    no_output = "no_output"


class ValidationIssue(BaseModel):
    kind: IssueKind
    message: str
    node_id: str | None = None
    class_type: str | None = None
    input_name: str | None = None
    model_file: str | None = Field(None, description="for missing_model: the file to install")


class ValidationReport(BaseModel):
    issues: list[ValidationIssue] = []

    @property
    def ok(self) -> bool:
        return not self.issues

    def of_kind(self, kind: IssueKind) -> list[ValidationIssue]:
        return [issue for issue in self.issues if issue.kind is kind]

    def summary(self) -> str:
        return "\n".join(issue.message for issue in self.issues) or "ok"


def _types_compatible(produced: str, expected: str) -> bool:
    if "*" in (produced, expected):
        return True
    return bool(set(produced.split(",")) & set(expected.split(",")))


def _literal_issue(value: Any, spec: InputDef, required_files: set[str]) -> tuple[IssueKind, str] | None:
    if spec.type == "COMBO":
        if spec.choices is not None and value not in spec.choices:
            text = str(value)
            if text in required_files or text.lower().endswith(MODEL_EXTENSIONS):
                return IssueKind.missing_model, f"model file {text!r} is not installed on the server"
            shown = ", ".join(map(str, spec.choices[:8])) + (" …" if len(spec.choices) > 8 else "")
            return IssueKind.bad_value, f"{value!r} is not one of: {shown or '(no choices)'}"
        return None
    if spec.type in ("INT", "FLOAT"):
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if not numeric or (spec.type == "INT" and isinstance(value, float) and not value.is_integer()):
            return IssueKind.bad_type, f"expects {spec.type}, got {value!r}"
        if spec.minimum is not None and value < spec.minimum:
            return IssueKind.out_of_range, f"{value} is below the minimum {spec.minimum}"
        if spec.maximum is not None and value > spec.maximum:
            return IssueKind.out_of_range, f"{value} is above the maximum {spec.maximum}"
    elif spec.type == "BOOLEAN" and not isinstance(value, bool):
        return IssueKind.bad_type, f"expects BOOLEAN, got {value!r}"
    elif spec.type == "STRING" and not isinstance(value, str):
        return IssueKind.bad_type, f"expects STRING, got {value!r}"
    return None


def validate_workflow(
    workflow: ApiWorkflow,
    nodes: dict[str, NodeDef],
    required_models: Iterable[ModelRequirement] = (),
    skip_choice_check: Iterable[tuple[str, str]] = (),
) -> ValidationReport:
    """All problems at once, each naming its node and input.

    `skip_choice_check` lists (node_id, field) pairs filled by uploads at run time (LoadImage files do not
    exist on the server until then). `required_models` are also checked against every model file the
    server's loaders offer, so a missing LoRA is reported even when no loader names it literally.
    """
    required = list(required_models)
    required_files = {model.filename for model in required}
    skipped = set(skip_choice_check)
    issues: list[ValidationIssue] = []

    def add(
        kind: IssueKind,
        node_id: str | None,
        class_type: str | None,
        name: str | None,
        text: str,
        model: str | None = None,
    ) -> None:
        where = f"node {node_id} ({class_type})" if node_id else "workflow"
        where += f" input {name!r}" if name else ""
        issues.append(
            ValidationIssue(
                kind=kind,
                message=f"{where}: {text}",
                node_id=node_id,
                class_type=class_type,
                input_name=name,
                model_file=model,
            )
        )

    has_output = False
    for node_id, node in workflow.items():
        class_type = node.get("class_type", "")
        definition = nodes.get(class_type)
        if definition is None:
            add(
                IssueKind.unknown_node,
                node_id,
                class_type,
                None,
                f"unknown node type {class_type!r} (custom node pack missing?)",
            )
            continue
        has_output = has_output or definition.output_node
        given = node.get("inputs", {})
        for name in given.keys() - definition.inputs.keys():
            add(IssueKind.unknown_input, node_id, class_type, name, "no such input on this node type")
        for name, spec in definition.inputs.items():
            if name not in given:
                if spec.required:
                    add(IssueKind.missing_input, node_id, class_type, name, "required input is not set")
                continue
            value = given[name]
            if is_link(value):
                source_id, slot = str(value[0]), value[1]
                source = workflow.get(source_id)
                source_def = nodes.get(source.get("class_type", "")) if source else None
                if source is None:
                    add(
                        IssueKind.broken_link, node_id, class_type, name, f"links to missing node {source_id}"
                    )
                elif source_def is not None and not 0 <= slot < len(source_def.outputs):
                    add(
                        IssueKind.broken_link,
                        node_id,
                        class_type,
                        name,
                        f"links to output {slot} of node {source_id}, which has {len(source_def.outputs)} outputs",
                    )
                elif source_def is not None and not _types_compatible(source_def.outputs[slot], spec.type):
                    add(
                        IssueKind.broken_link,
                        node_id,
                        class_type,
                        name,
                        f"expects {spec.type} but node {source_id} output {slot} is {source_def.outputs[slot]}",
                    )
            elif (node_id, name) not in skipped:
                problem = _literal_issue(value, spec, required_files)
                if problem:
                    model = str(value) if problem[0] is IssueKind.missing_model else None
                    add(problem[0], node_id, class_type, name, problem[1], model)
    if workflow and not has_output:
        add(
            IssueKind.no_output,
            None,
            None,
            None,
            "no output node (SaveImage, SaveVideo, …): nothing would run",
        )

    reported = {
        str(workflow[i.node_id]["inputs"][i.input_name]) for i in issues if i.kind is IssueKind.missing_model
    }
    installed = model_choices(nodes)
    for model in required:
        if not model.auto_download and model.filename not in installed | reported:
            add(
                IssueKind.missing_model,
                None,
                None,
                None,
                f"model {model.filename!r} ({model.folder}) is not installed; get it from {model.source or 'its publisher'}",
            )
    return ValidationReport(issues=issues)
