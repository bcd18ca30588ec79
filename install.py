"""ComfyUI-Manager install hook (also runnable by hand: `python install.py` with ComfyUI's interpreter).

Installs requirements.txt into the interpreter running it when one of its modules is missing. This is the only
place the pack installs anything: nothing installs packages at run time, and torch is never touched."""

import importlib.util
import os
import subprocess
import sys

REQUIREMENTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "requirements.txt")
# requirement name -> module it provides
MODULES = {
    "av": "av",
    "numpy": "numpy",
    "pillow": "PIL",
    "pydantic": "pydantic",
    "platformdirs": "platformdirs",
}


def missing_modules() -> list[str]:
    return [name for name, module in MODULES.items() if importlib.util.find_spec(module) is None]


if __name__ == "__main__":
    missing = missing_modules()
    if missing:
        print(f"KijkoCut: installing {', '.join(missing)} from requirements.txt")
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-r", REQUIREMENTS])
    else:
        print("KijkoCut: all requirements present")
