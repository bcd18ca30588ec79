#!/usr/bin/env bash
# The timeline panel: its pure JS modules under Node's test runner, its routes, and the end-to-end tests (and the
# graph editor's, tests/host/test_graph_editor_browser.py) in
# Debian's chromium (Playwright, no browser download) against the real ComfyUI that .ci/run set up
# (COMFYUI_PATH/COMFYUI_PYTHON exported). Screenshots land in /tmp/panel-shots.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v chromium >/dev/null; then
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
fi
if ! command -v node >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs >/dev/null
fi
.venv/bin/python -c "import playwright" 2>/dev/null || .venv/bin/pip install -q playwright
: "${COMFYUI_PATH:?the browser tests of the panel need the ComfyUI host, which .ci/run exports}"
node --test tests/panel/
# -rs lists skips; none is allowed here: chromium, playwright and ComfyUI are all present.
out=$(.venv/bin/python -m pytest -q -p no:cacheprovider -rs tests/panel tests/host/test_graph_editor_browser.py 2>&1) || { echo "$out"; exit 1; }
echo "$out" | tail -5
if echo "$out" | grep -q "SKIPPED"; then echo "panel tests were skipped in the panel check"; exit 1; fi
