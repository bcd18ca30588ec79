#!/usr/bin/env bash
# Privacy: the connection trace (tests/privacy/test_no_outbound.py) for real. The plain pytest run skips it
# where strace is missing; here strace is installed and every scenario (demo, first workflow search, the MCP
# server over stdio, a node workflow on the real ComfyUI host, the production demo) runs twice: on the normal
# network, then inside a network namespace with only loopback up, where anything reaching out would also fail.
# Then the rest of tests/privacy (encryption, kill and tamper tests, storage, bundles) once.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v strace >/dev/null || ! command -v ip >/dev/null; then
    apt-get update -q && apt-get install -y -q strace iproute2
fi
.venv/bin/python -m pytest -q -p no:cacheprovider tests/privacy
echo "== tests/privacy/test_no_outbound.py inside unshare -n (loopback only)"
unshare -n bash -c 'ip link set lo up && exec .venv/bin/python -m pytest -q -p no:cacheprovider tests/privacy/test_no_outbound.py'
