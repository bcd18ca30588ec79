import re
from pathlib import Path

import kijkocut

ROOT = Path(__file__).resolve().parents[2]


def test_the_version_is_declared_once_in_pyproject():
    declared = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.MULTILINE).group(1)
    assert kijkocut.__version__ == declared
    written_elsewhere = [str(p.relative_to(ROOT)) for p in ROOT.glob("*/**/*.py")
                         if ".venv" not in p.parts and f'"{declared}"' in p.read_text(encoding="utf-8")]
    assert written_elsewhere == []
