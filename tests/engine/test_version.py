import re
from pathlib import Path

import kijkocut

ROOT = Path(__file__).resolve().parents[2]
CODE = ("kijkocut", "nodes", "mcp_server", "workflows_library", "agents")


def test_the_version_is_declared_once_in_pyproject():
    declared = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.MULTILINE).group(
        1
    )
    assert kijkocut.__version__ == declared
    assignment = re.compile(r'version\s*[=:]\s*["\']' + re.escape(declared), re.IGNORECASE)
    written_elsewhere = [
        str(p.relative_to(ROOT))
        for folder in CODE
        for p in (ROOT / folder).rglob("*.py")
        if assignment.search(p.read_text(encoding="utf-8"))
    ]
    assert written_elsewhere == []
