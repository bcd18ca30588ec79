"""The layers of ARCHITECTURE.md, checked from the source: what each layer may import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FRONT_ENDS = ("mcp_server", "nodes", "agents", "kijkocut.cli", "kijkocut.service")
HOSTS = ("comfy", "comfy_api", "folder_paths", "server", "mcp")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports inside functions count too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def _hits(path: Path, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        name
        for name in imported_modules(path)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    )


def engine_files() -> list[Path]:
    return [
        p
        for p in (ROOT / "kijkocut").rglob("*.py")
        if "service" not in p.relative_to(ROOT / "kijkocut").parts
        and p.name != "cli.py"
        and p.relative_to(ROOT / "kijkocut").parts[0] != "cli"
    ]


@pytest.mark.parametrize("path", engine_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_engine_imports_nothing_above_it(path):
    assert not _hits(path, ("workflows_library", *FRONT_ENDS, *HOSTS))


@pytest.mark.parametrize(
    "path", sorted((ROOT / "kijkocut" / "service").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_the_service_layer_imports_no_front_end_and_no_host(path):
    assert not _hits(path, ("mcp_server", "nodes", "agents", "kijkocut.cli", *HOSTS))


@pytest.mark.parametrize(
    "path", sorted((ROOT / "mcp_server").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_the_mcp_server_builds_no_edit_below_the_service_layer(path):
    assert not _hits(path, ("kijkocut.edit",))


def test_the_scan_sees_imports():
    assert "kijkocut.edit.commands" in imported_modules(ROOT / "kijkocut" / "service" / "editing.py")
    assert len(engine_files()) > 50


@pytest.mark.parametrize(
    "path", sorted((ROOT / "nodes").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_the_nodes_build_edits_through_the_service_layer_only(path):
    assert not _hits(path, ("kijkocut.edit",))
