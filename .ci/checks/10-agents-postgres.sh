#!/usr/bin/env bash
# Production agents on PostgreSQL: installs Debian's postgresql (binaries only; no system cluster is used),
# then runs the agents' PostgreSQL tests against a throwaway cluster they start on a loopback port (as the
# `postgres` user when run as root). No skip is allowed here. Then the whole agents suite once more, and the
# offline demo the README shows.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v pg_config >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
    && ! command -v initdb >/dev/null; then
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
fi
.venv/bin/python -c "import langgraph.checkpoint.postgres, psycopg" 2>/dev/null \
    || .venv/bin/pip install -q 'langgraph-checkpoint-postgres>=3' 'psycopg[binary]>=3.2'
out=$(.venv/bin/python -m pytest -q -p no:cacheprovider -rs tests/agents 2>&1) || { echo "$out"; exit 1; }
echo "$out" | tail -3
if echo "$out" | grep -q "SKIPPED"; then echo "agents tests were skipped in the PostgreSQL check"; exit 1; fi
demo=$(mktemp -d)
.venv/bin/kijkocut produce demo --quiet --data-dir "$demo/data" --out "$demo/out" >/dev/null
test -s "$demo/out/script.fountain" && test -s "$demo/out/shot_list.csv" && test -s "$demo/out/budget.md"
rm -rf "$demo"
echo "agents on PostgreSQL: ok"
