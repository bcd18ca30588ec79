"""The version lives in one place, pyproject.toml (the Comfy Registry reads it there): an installed package
reports it from its metadata, a ComfyUI checkout (not pip-installed) reads it from the file beside the code."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def package_version() -> str:
    declared = (
        re.search(r'^version\s*=\s*"([^"]+)"', PYPROJECT.read_text(encoding="utf-8"), re.MULTILINE)
        if PYPROJECT.is_file()
        else None
    )
    if declared:  # a checkout (also an editable install): the file is the truth even before a reinstall
        return declared.group(1)
    try:
        return metadata.version("kijkocut")
    except metadata.PackageNotFoundError:
        return "0+unknown"
