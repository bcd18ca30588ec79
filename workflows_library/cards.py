"""The workflow card: typed, versioned metadata that explains one ComfyUI workflow to people and agents."""

from __future__ import annotations

import builtins
import re
from enum import Enum
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CARD_SCHEMA_VERSION: Final = 1
ID_PATTERN = r"^[a-z0-9][a-z0-9_.\-]{1,79}$"


class Category(str, Enum):
    generation = "generation"
    enhancement = "enhancement"
    composition = "composition"
    effects = "effects"
    audio = "audio"


class Task(str, Enum):
    text_to_video = "text-to-video"
    image_to_video = "image-to-video"
    first_last_frame_to_video = "first-last-frame-to-video"
    video_to_video = "video-to-video"
    text_to_image = "text-to-image"
    image_to_image = "image-to-image"
    inpaint = "inpaint"
    upscale = "upscale"
    frame_interpolation = "frame-interpolation"
    music = "music"
    speech = "speech"
    sound_effects = "sound-effects"
    audio_to_audio = "audio-to-audio"
    video_edit = "video-edit"
    compositing = "compositing"
    color = "color"
    other = "other"


class MediaKind(str, Enum):
    image = "image"
    video = "video"
    audio = "audio"
    text = "text"
    other = "other"


class InputType(str, Enum):
    text = "text"
    string = "string"
    int = "int"
    float = "float"
    bool = "bool"
    enum = "enum"
    seed = "seed"
    image = "image"
    video = "video"
    audio = "audio"

    @property
    def is_media(self) -> builtins.bool:  # `bool` here would name the member above
        return self in (InputType.image, InputType.video, InputType.audio)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ModelRequirement(_Strict):
    filename: str = Field(description="file name as ComfyUI lists it")
    folder: str = Field(description="ComfyUI model folder, e.g. checkpoints, diffusion_models, vae")
    size_bytes: int | None = Field(None, ge=0)
    source: str = Field("", description="where to obtain it (URL or instructions)")
    auto_download: bool = Field(False, description="the custom node pack fetches it itself on first use")


class InputTarget(_Strict):
    node_id: str
    field: str


class InputSpec(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: InputType
    description: str
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    choices: list[str] | None = None
    required: bool = Field(False, description="must be given even though the workflow has a value")
    targets: list[InputTarget] = Field(min_length=1, description="node inputs this value sets")

    @model_validator(mode="after")
    def _consistent(self) -> InputSpec:
        if self.type is InputType.enum and not self.choices:
            raise ValueError(f"input {self.name!r}: enum inputs need choices")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"input {self.name!r}: minimum > maximum")
        if self.default is not None:
            from workflows_library.inputs import coerce_value  # local: inputs imports this module

            coerce_value(self, self.default)
        return self

    @property
    def needs_value(self) -> bool:
        """A user must supply it: media inputs and inputs marked required have no usable default."""
        return self.required or (self.type.is_media and self.default is None)


class OutputSpec(_Strict):
    node_id: str
    kind: MediaKind
    description: str = ""


class Estimates(_Strict):
    vram_gb: float | None = Field(None, ge=0, description="peak VRAM at the default settings")
    seconds: float | None = Field(None, ge=0, description="wall time at the default settings")
    reference_gpu: str = Field("RTX 4090 24 GB", description="hardware the estimates refer to")


class Example(_Strict):
    request: str = Field(description="a natural-language request this workflow answers")
    inputs: dict[str, Any] = Field(default_factory=dict)


class WorkflowCard(_Strict):
    schema_version: Literal[1] = CARD_SCHEMA_VERSION
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=3)
    description: str = Field(min_length=10)
    category: Category
    tasks: list[Task] = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)
    models: list[ModelRequirement] = Field(default_factory=list)
    custom_nodes: list[str] = Field(default_factory=list, description="custom node packs needed, by name")
    inputs: list[InputSpec] = Field(default_factory=list)
    outputs: list[OutputSpec] = Field(default_factory=list)
    estimates: Estimates = Field(default_factory=Estimates)
    example: Example | None = None
    source: Literal["library", "template"] = "library"
    format: Literal["api", "ui"] = Field("api", description="format of the stored workflow file")

    @field_validator("tags")
    @classmethod
    def _tags_lower(cls, tags: list[str]) -> list[str]:
        return [t.strip().lower() for t in tags if t.strip()]

    @model_validator(mode="after")
    def _unique_inputs(self) -> WorkflowCard:
        names = [spec.name for spec in self.inputs]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate input names: {', '.join(duplicates)}")
        if self.example:
            unknown = sorted(set(self.example.inputs) - set(names))
            if unknown:
                raise ValueError(f"example sets unknown inputs: {', '.join(unknown)}")
        return self

    def input(self, name: str) -> InputSpec:
        for spec in self.inputs:
            if spec.name == name:
                return spec
        known = ", ".join(s.name for s in self.inputs) or "none"
        raise KeyError(f"workflow {self.id!r} has no input {name!r} (inputs: {known})")

    @property
    def inputs_needed(self) -> list[str]:
        return [spec.name for spec in self.inputs if spec.needs_value]


def slugify(text: str) -> str:
    """A card id from free text (template names contain spaces, dots and capitals)."""
    slug = re.sub(r"[^a-z0-9_.\-]+", "-", text.lower()).strip("-.")
    return slug[:80] or "workflow"
