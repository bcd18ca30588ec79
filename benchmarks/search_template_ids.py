"""Template ids across `comfyui-workflow-templates` versions: records what the library needs to keep ids
stable, and measures how many ids of each recorded version resolve on the newest.

    python benchmarks/search_template_ids.py [--download-dir DIR] [--versions 0.1.0 ... 0.11.97]

Needs PyPI (pip download, no install). For each sampled version it reads the template index (`index.json`,
in the package itself up to 0.3, in `-media-other` from 0.4, in `-json` from 0.11), then writes:

- workflows_library/template_ids.json: renamed template names (old -> newest) and removed ones with their
  closest match in the newest version (the hybrid search, bundled MiniLM) and what finding another at run
  time needs (title, description, tags, media type), for older installs; shipped with the library;
- tests/workflows_library/data/template_ids/<version>.json: the compact index of the oldest version the
  test extra allows, of the one ComfyUI 0.3.64 pins, and of the newest, for tests without network.

A rename is a name that disappears between two sampled versions while a new one appears with the same
description (normalised, four words or more; titles repeat, 'Image to Video'), or a pair listed in
REVIEWED_RENAMES (checked by hand against the two workflows: same model files and nodes, new wording).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workflows_library.template_ids import TEMPLATE_IDS_FILE, template_id  # noqa: E402
from workflows_library.templates import is_cloud_template, template_card  # noqa: E402

PACKAGE = "comfyui-workflow-templates"
# Oldest on PyPI (the test extra has no lower bound), ComfyUI 0.3.64's pin, samples between (whose index
# package pin is on PyPI), the newest.
DEFAULT_VERSIONS = [
    *("0.1.0", "0.1.95", "0.2.11", "0.4.10", "0.5.1", "0.6.8", "0.7.50", "0.7.65", "0.8.0", "0.8.25"),
    *("0.9.40", "0.9.98", "0.10.7", "0.11.0", "0.11.20", "0.11.50", "0.11.70", "0.11.97"),
]
RECORDED_VERSIONS = ("0.1.0", "0.1.95")  # plus the newest sampled
TEST_DATA = ROOT / "tests/workflows_library/data/template_ids"
DESCRIPTION_CHARS = 160
# Renames whose wording changed too much for the automatic match; each checked by hand (model files).
REVIEWED_RENAMES = {
    "hunyuan-3d-multiview-elf": "3d_hunyuan3d_multiview_to_model",  # hunyuan3d-dit-v2-mv
    "hunyuan-3d-turbo": "3d_hunyuan3d_multiview_to_model_turbo",  # hunyuan3d-dit-v2-mv-turbo
    "hunyuan3d-non-multiview-train": "3d_hunyuan3d_image_to_model",  # hunyuan3d-dit-v2
    "stable_audio_example": "audio_stable_audio_example",  # stable-audio-open-1.0
}
_INDEX_PACKAGES = (f"{PACKAGE}-json", f"{PACKAGE}-media-other")


def _download(requirement: str, folder: Path) -> Path | None:
    name, version = requirement.split("==")
    stem = name.replace("-", "_")
    cached = list(folder.glob(f"{stem}-{version}-*.whl"))
    if cached:
        return cached[0]
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(folder), requirement],
        capture_output=True,
        text=True,
    )
    found = list(folder.glob(f"{stem}-{version}-*.whl"))
    if done.returncode or not found:
        print(f"  {requirement}: not downloadable, skipped", file=sys.stderr)
        return None
    return found[0]


def _read_index(wheel: Path) -> list[dict[str, Any]] | None:
    with zipfile.ZipFile(wheel) as archive:
        names = [n for n in archive.namelist() if n.endswith("/templates/index.json")]
        return json.loads(archive.read(names[0])) if names else None


def _pins(wheel: Path) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA")))
    pins = {}
    for line in metadata.decode().splitlines():
        found = re.match(r"Requires-Dist: ([\w.-]+)==([\w.]+)$", line.strip())
        if found:
            pins[found[1]] = found[2]
    return pins


def fetch_index(version: str, folder: Path) -> list[dict[str, Any]] | None:
    """The template index a version installs, wherever that version keeps it."""
    wheel = _download(f"{PACKAGE}=={version}", folder)
    if wheel is None:
        return None
    index = _read_index(wheel)
    if index is not None:
        return index
    pins = _pins(wheel)
    for package in _INDEX_PACKAGES:
        if package in pins:
            bundle = _download(f"{package}=={pins[package]}", folder)
            return _read_index(bundle) if bundle else None
    return None


def compact(index: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What cards and closest matches need from an index entry; no thumbnails, sizes or dates."""
    entries = []
    for section in index:
        for entry in section.get("templates", []):
            kept = {
                key: entry[key]
                for key in ("name", "title", "description", "mediaType", "tags", "models", "openSource")
                if entry.get(key) not in (None, "", [])
            }
            entries.append({"section": section.get("title", ""), **kept})
    return entries


def recorded(version: str, entries: list[dict[str, Any]]) -> str:
    """A version's compact index for the tests, one template a line; cloud templates by name only and
    descriptions cut, which keeps the newest index under 200 KB."""
    lines = []
    for entry in entries:
        if is_cloud_template(entry):
            entry = {"section": entry["section"], "name": entry["name"], "openSource": False}
        elif "description" in entry:
            entry = {**entry, "description": entry["description"][:DESCRIPTION_CHARS]}
        lines.append(json.dumps(entry, ensure_ascii=False))
    body = ",\n".join(lines)
    return f'{{"package": "{PACKAGE}", "version": "{version}", "templates": [\n{body}\n]}}\n'


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def find_renames(before: list[dict], after: list[dict]) -> dict[str, str]:
    """Names gone from `before` -> names new in `after` with the same description."""
    old = {e["name"]: e for e in before}
    new = {e["name"]: e for e in after}
    gone, added = set(old) - set(new), set(new) - set(old)
    renames = {}
    for name in sorted(gone):
        if name in REVIEWED_RENAMES and REVIEWED_RENAMES[name] in added:
            renames[name] = REVIEWED_RENAMES[name]
            continue
        wording = _norm(old[name].get("description", ""))
        if len(wording.split()) < 4:
            continue
        matches = [n for n in sorted(added) if _norm(new[n].get("description", "")) == wording]
        if len(matches) == 1:
            renames[name] = matches[0]
    return renames


def build_id_table(indexes: dict[str, list[dict]]) -> dict[str, Any]:
    """renamed: every older name -> its newest name; removed: names with no successor in the newest."""
    versions = list(indexes)
    successor: dict[str, str] = {}
    for before, after in zip(versions, versions[1:]):
        successor.update(find_renames(indexes[before], indexes[after]))

    def newest_name(name: str) -> str:
        seen = set()
        while name in successor and name not in seen:
            seen.add(name)
            name = successor[name]
        return name

    newest = {e["name"] for e in indexes[versions[-1]]}
    renamed, removed = {}, {}
    for version in versions:
        for entry in indexes[version]:
            name = entry["name"]
            final = newest_name(name)
            if final in newest:
                if final != name:
                    renamed[name] = final
            else:  # the last version that had it describes it
                removed[name] = {
                    "last_version": version,
                    **{k: entry[k] for k in ("title", "description", "mediaType", "tags") if k in entry},
                }
    return {
        "about": (
            f"Generated by benchmarks/search_template_ids.py from {PACKAGE} "
            f"{', '.join(versions)}: names of templates renamed since (old -> newest name) and of "
            "templates removed since (with their closest match in the newest and what finding another needs)."
        ),
        "newest_version": versions[-1],
        "renamed": dict(sorted(renamed.items())),
        "removed": dict(sorted(removed.items())),
    }


def closest_names(removed: dict[str, dict], newest: list[dict]) -> dict[str, str]:
    """Removed name -> the newest local template the hybrid search finds for its title, description and
    tags, preferring one of the same media type (computed here once, with the bundled MiniLM)."""
    from workflows_library.search.embedder import MiniLMEmbedding
    from workflows_library.search.hybrid import HybridSearcher
    from workflows_library.search.index import VectorIndex

    local = {template_id(e["name"]): e for e in newest if not is_cloud_template(e)}
    cards = [template_card(entry, entry["section"], {}) for entry in local.values()]
    found = {}
    with tempfile.TemporaryDirectory() as folder:
        index = VectorIndex(Path(folder), MiniLMEmbedding())
        index.sync(cards)
        searcher = HybridSearcher(cards, index)
        for name, entry in removed.items():
            wording = " ".join([entry.get("title", ""), entry.get("description", ""), *entry.get("tags", [])])
            hits = searcher.search(wording or name.replace("_", " "), limit=10)
            same_medium = [h for h in hits if local[h.id].get("mediaType") == entry.get("mediaType")]
            if hits:
                found[name] = local[(same_medium or hits)[0].id]["name"]
    return found


def resolution_table(indexes: dict[str, list[dict]], table: dict[str, Any]) -> list[tuple]:
    """Per recorded version: how its ids fare on the newest, before (same name only) and now."""
    newest = {template_id(e["name"]) for e in indexes[table["newest_version"]]}
    rows = []
    for version, entries in indexes.items():
        ids = {template_id(e["name"]): e["name"] for e in entries}
        same = sum(1 for i in ids if i in newest)
        renamed = sum(1 for i, name in ids.items() if i not in newest and name in table["renamed"])
        removed = sum(1 for i, name in ids.items() if i not in newest and name in table["removed"])
        rows.append((version, len(ids), same, renamed, removed, len(ids) - same - renamed - removed))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--download-dir", type=Path, default=Path("/tmp/kijkocut-template-ids"))
    parser.add_argument("--versions", nargs="+", default=DEFAULT_VERSIONS)
    args = parser.parse_args()
    args.download_dir.mkdir(parents=True, exist_ok=True)
    indexes: dict[str, list[dict]] = {}
    for version in args.versions:
        index = fetch_index(version, args.download_dir)
        if index is None:
            print(f"{PACKAGE} {version}: no template index found, skipped", file=sys.stderr)
            continue
        indexes[version] = compact(index)
    table = build_id_table(indexes)
    closest = closest_names(table["removed"], indexes[table["newest_version"]])
    for name, entry in table["removed"].items():
        entry["closest"] = closest.get(name)
    (ROOT / "workflows_library" / TEMPLATE_IDS_FILE).write_text(json.dumps(table, indent=1) + "\n")
    TEST_DATA.mkdir(parents=True, exist_ok=True)
    for version in [*RECORDED_VERSIONS, table["newest_version"]]:
        if version in indexes:
            (TEST_DATA / f"{version}.json").write_text(recorded(version, indexes[version]))
    print(
        f"{len(table['renamed'])} renamed, {len(table['removed'])} removed since; newest {table['newest_version']}"
    )
    print(
        f"\nids of each version on {table['newest_version']} (before: only ids that did not change resolved)\n"
    )
    print("| version | ids | same id | renamed (alias) | removed (closest match) | unresolved |")
    print("|---------|-----|---------|-----------------|-------------------------|------------|")
    for version, count, same, renamed, removed, unresolved in resolution_table(indexes, table):
        print(f"| {version} | {count} | {same} | {renamed} | {removed} | {unresolved} |")


if __name__ == "__main__":
    main()
