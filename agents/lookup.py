"""A production's artefact for readers outside the graph (the ComfyUI node): from the checkpoint database when
one is configured (`KIJKOCUT_AGENTS_DATABASE_URL`), so a production another worker runs is found wherever it
published; otherwise, or when the database cannot say (no LangGraph here, no such production there, the server
down), from the plain JSON the agents publish in `<data dir>/productions/<id>/`. Ids are checked before they
name a folder, and that folder is confined to the data directory."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from agents.artefacts import ARTEFACT_KINDS, Artefact, parse_artefact
from agents.sealing import read_published_text

PRODUCTION_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{2,63}$")
DATABASE_ENV = "KIJKOCUT_AGENTS_DATABASE_URL"


def production_folder(production_id: str, data_dir: Path) -> Path:
    """The production's published folder, confined to the data directory (ids cannot name a path)."""
    if not PRODUCTION_ID.match(production_id):
        raise ValueError(
            "production id: lowercase letters, digits, - and _ (as `kijkocut produce list` shows)"
        )
    root = Path(os.path.realpath(data_dir / "productions"))
    folder = Path(os.path.realpath(root / production_id))
    if os.path.commonpath([root, folder]) != str(root):
        raise ValueError(f"production {production_id!r} points outside the data directory")
    return folder


def _approved(production_id: str, artefact: str, model: Artefact, approved: dict[str, Any]) -> Artefact:
    if approved.get(artefact) != model.version:
        raise ValueError(
            f"the {artefact} of {production_id!r} (v{model.version}) is not approved yet: "
            f"`kijkocut produce review {production_id}`, or untick approved_only"
        )
    return model


def from_database(
    production_id: str, artefact: str, data_dir: Path, url: str
) -> tuple[Artefact | None, dict]:
    """(the artefact or None when the production has none yet, its status as JSON) from the checkpoints.
    LookupError when the database cannot say: the caller falls back to the published files."""
    try:
        from agents.brains import OfflineBrain
        from agents.productions import ProductionError, Productions, open_checkpointer
    except ImportError:
        raise LookupError("LangGraph is not installed here") from None
    try:
        with open_checkpointer(data_dir, url) as saver:
            productions = Productions(saver, OfflineBrain(), None)  # reads only: no brain is called
            status = productions.status(production_id)
            model = productions.artefact(production_id, artefact) if artefact in status.artefacts else None
            return model, status.model_dump(exclude={"gate", "log"})
    except ProductionError as error:
        raise LookupError(str(error)) from None
    except Exception as error:  # the server down, a refused login: never echo the URL (it holds the password)
        raise LookupError(f"the checkpoint database could not be read ({type(error).__name__})") from None


def from_published(production_id: str, artefact: str, data_dir: Path) -> tuple[Artefact | None, dict]:
    folder = production_folder(production_id, data_dir)
    if not (folder / "status.json").is_file():
        raise FileNotFoundError(f"no production {production_id!r} in the data directory (KIJKOCUT_DATA_DIR)")
    status = json.loads(read_published_text(folder / "status.json", data_dir))
    if not (folder / f"{artefact}.json").is_file():
        return None, status
    return parse_artefact(
        artefact, json.loads(read_published_text(folder / f"{artefact}.json", data_dir))
    ), status


def read_production(
    production_id: str,
    artefact: str,
    approved_only: bool,
    data_dir: Path,
    url: str | None = None,
) -> Artefact:
    """The artefact, from the database at `url` when given (see the module), else from the published files."""
    if artefact not in ARTEFACT_KINDS:
        raise ValueError(f"artefact: one of {', '.join(ARTEFACT_KINDS)}")
    production_folder(production_id, data_dir)  # the id is checked whichever source answers
    database_said = ""
    found: tuple[Artefact | None, dict] | None = None
    if url:
        try:
            found = from_database(production_id, artefact, data_dir, url)
        except LookupError as error:
            database_said = str(error)
    if found is None:
        try:
            found = from_published(production_id, artefact, data_dir)
        except FileNotFoundError as error:
            raise ValueError(f"{error}{'; database: ' + database_said if database_said else ''}") from None
    model, status = found
    if model is None:
        raise ValueError(f"production {production_id!r} has no {artefact} yet (state: {status['state']})")
    return _approved(production_id, artefact, model, status.get("approved") or {}) if approved_only else model


def fingerprint(production_id: str, data_dir: Path, url: str | None = None) -> Any:
    """What changes when the production does: its versions and approvals in the database, else the published
    status file's size and time; NaN (never equal, so never cached) when neither can be read."""
    if url:
        try:
            _, status = from_database(production_id, "vrd", data_dir, url)
            return json.dumps([status.get("artefacts"), status.get("approved"), status.get("state")])
        except (LookupError, ValueError):
            pass
    try:
        stat = (production_folder(production_id, data_dir) / "status.json").stat()
        return (stat.st_mtime_ns, stat.st_size)
    except (OSError, ValueError):
        return float("nan")
