#!/usr/bin/env bash
# Offline demo: installs what it needs, then runs `earful demo` (pass --port N to change the port).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/earful demo "$@"
