"""What an export or import tells its caller besides the file: the files written and one warning per element
and property a format could not carry. Front ends show the warnings as they are (one line each)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class InterchangeWarning(BaseModel):
    """One thing a format could not keep (or kept only approximately): which element (or track, marker,
    setting), which property, and what became of it."""

    model_config = ConfigDict(frozen=True)

    format: str = Field(description="the format's name, e.g. 'FCP XML'")
    subject: str = Field(description="what it is about, as a person names it: \"clip 'logo' on track 'PiP'\"")
    element_id: str | None = Field(None, description="the element, track, transition or marker id, if any")
    property: str = Field(description="the property path, e.g. 'transform.rotation' or 'effects'")
    message: str = Field(description="what the format does with it")

    def __str__(self) -> str:
        return f"{self.format}: {self.subject}: {self.property}: {self.message}"


class ExportReport(BaseModel):
    """The file written and what it could not carry."""

    path: Path
    format: str
    warnings: list[InterchangeWarning] = Field(default_factory=list)
