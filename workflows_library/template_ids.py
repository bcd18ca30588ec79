"""Template ids that stay stable across `comfyui-workflow-templates` versions, which rename and remove
templates: a template's id is that of its newest name whichever version is installed, an older name finds
the same card (an alias), and a removed one answers with the closest installed template, saying so (it
never runs in its place: another workflow needs other models and inputs).

What was renamed or removed comes from template_ids.json, written by benchmarks/search_template_ids.py,
with each removed template's closest match in the newest version (found by the hybrid search); an older
install that lacks that one gets the installed template sharing most of the removed one's words.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from pathlib import Path

from pydantic import BaseModel, Field

from workflows_library.cards import WorkflowCard, slugify
from workflows_library.loader import Library
from workflows_library.search.documents import keyword_fields
from workflows_library.search.keyword import KeywordIndex

TEMPLATE_PREFIX = "tpl_"
TEMPLATE_IDS_FILE = "template_ids.json"
# A removed template of another medium (an audio one for an image request) is a worse match.
_OTHER_MEDIUM = 0.5


def template_id(name: str) -> str:
    """The card id of a template name."""
    return TEMPLATE_PREFIX + slugify(name).replace("-", "_")


class RemovedTemplate(BaseModel):
    """What the last version that had a template said about it: enough to find the closest one now."""

    last_version: str
    closest: str | None = Field(None, description="the closest template name in the newest version")
    title: str = ""
    description: str = ""
    media_type: str = Field("", alias="mediaType")
    tags: list[str] = []

    def wording(self) -> str:
        """What it does; model names are left out, or the last template of a model family would win."""
        return " ".join([self.title, self.description, *self.tags])


class TemplateIds(BaseModel):
    newest_version: str
    renamed: dict[str, str] = Field(description="old template name -> its newest name")
    removed: dict[str, RemovedTemplate] = Field(description="names the newest version no longer has")


@functools.cache
def template_ids() -> TemplateIds:
    return TemplateIds.model_validate_json((Path(__file__).parent / TEMPLATE_IDS_FILE).read_text("utf-8"))


def current_name(name: str, ids: TemplateIds, installed: set[str]) -> str:
    """The name whose id a template gets: its newest, unless the installed index also has that one."""
    newest = ids.renamed.get(name)
    return newest if newest and newest not in installed else name


def closest_template(
    removed: RemovedTemplate, candidates: KeywordIndex, media_types: dict[str, str], library: Library
) -> WorkflowCard | None:
    """The installed template whose card shares most of the removed one's (rarity-weighted) wording."""
    ranked = []
    for card_id, share in candidates.shares(removed.wording()).items():
        same_medium = not removed.media_type or media_types.get(card_id) == removed.media_type
        ranked.append((-share * (1.0 if same_medium else _OTHER_MEDIUM), card_id))
    return library.cards[min(ranked)[1]] if ranked else None


def add_aliases(
    library: Library, media_types: dict[str, str], ids: TemplateIds, skip: Collection[str] = ()
) -> None:
    """Old ids of renamed templates find their cards; ids of removed ones name the closest template.

    `media_types`: card id -> the template's media type, for every template card in `library`; `skip`:
    removed names not to answer for (cloud templates when those are off)."""
    for old_name, new_name in ids.renamed.items():
        if template_id(new_name) in library.cards:
            library.add_alias(template_id(old_name), template_id(new_name))
    if not media_types:
        return
    candidates: KeywordIndex | None = None  # built only if a recorded closest match is not installed
    for name, removed in ids.removed.items():
        old_id = template_id(name)
        if name in skip or old_id in library.cards:
            continue
        closest = library.cards.get(template_id(removed.closest)) if removed.closest else None
        if closest is None:
            if candidates is None:
                candidates = KeywordIndex.build({i: keyword_fields(library.cards[i]) for i in media_types})
            closest = closest_template(removed, candidates, media_types, library)
        if closest is not None:
            reason = (
                f"not among the installed ComfyUI templates (comfyui-workflow-templates {removed.last_version} "
                f"was the last to have it); the closest match is {closest.id!r} ({closest.title})"
            )
            library.add_alias(old_id, closest.id, reason)
