"""Typed view of a ComfyUI server's `/object_info`: which nodes exist, their inputs, outputs and choices."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

WIDGET_TYPES = {"INT", "FLOAT", "STRING", "BOOLEAN", "COMBO"}
MODEL_EXTENSIONS = (".safetensors", ".ckpt", ".pt", ".pth", ".bin", ".gguf", ".onnx", ".sft")


class InputDef(BaseModel):
    name: str
    type: str = Field(description="ComfyUI type name; COMBO for choice lists")
    required: bool
    choices: list[Any] | None = None
    minimum: float | None = None
    maximum: float | None = None

    @property
    def is_widget(self) -> bool:
        return self.type in WIDGET_TYPES


class NodeDef(BaseModel):
    class_type: str
    inputs: dict[str, InputDef]
    outputs: list[str]
    output_node: bool = False
    python_module: str = ""


def _input_def(name: str, spec: Any, required: bool) -> InputDef:
    kind: Any = spec[0] if isinstance(spec, list | tuple) and spec else spec
    options = (
        spec[1] if isinstance(spec, list | tuple) and len(spec) > 1 and isinstance(spec[1], dict) else {}
    )
    if isinstance(kind, list):  # classic combo: the choices are the type
        return InputDef(name=name, type="COMBO", required=required, choices=kind)
    if kind == "COMBO":  # V3 schema combo: choices live in the options
        return InputDef(name=name, type="COMBO", required=required, choices=list(options.get("options", [])))
    return InputDef(
        name=name,
        type=str(kind),
        required=required,
        minimum=options.get("min"),
        maximum=options.get("max"),
    )


def parse_object_info(raw: dict[str, Any]) -> dict[str, NodeDef]:
    nodes = {}
    for class_type, entry in raw.items():
        inputs: dict[str, InputDef] = {}
        order = entry.get("input_order") or {}
        for section, required in (("required", True), ("optional", False)):
            specs = entry.get("input", {}).get(section) or {}
            # Widget values in UI workflows are positional, so the declared order matters; JSON tooling
            # may have sorted the keys, which is why ComfyUI also sends `input_order`.
            for name in order.get(section) or list(specs):
                if name in specs:
                    inputs[name] = _input_def(name, specs[name], required)
        outputs = [t if isinstance(t, str) else "COMBO" for t in entry.get("output", [])]
        nodes[class_type] = NodeDef(
            class_type=class_type,
            inputs=inputs,
            outputs=outputs,
            output_node=bool(entry.get("output_node")),
            python_module=entry.get("python_module", ""),
        )
    return nodes


def model_choices(nodes: dict[str, NodeDef]) -> set[str]:
    """Every model-looking file name offered by any loader's choice list: what the server has installed."""
    return {
        str(choice)
        for node in nodes.values()
        for spec in node.inputs.values()
        for choice in spec.choices or []
        if str(choice).lower().endswith(MODEL_EXTENSIONS)
    }
