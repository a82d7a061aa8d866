#!/usr/bin/env bash
# Installs everything the test suite needs (venv, pinned packages, redis-server, docker-compose
# to validate docker-compose.yml), then runs it.
# Extra arguments go to pytest. Exit code 5 (no tests collected) is a failure here.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
missing=""
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
command -v docker-compose >/dev/null 2>&1 || missing="$missing docker-compose"
if [ -n "$missing" ]; then
  echo "installing$missing with apt-get …" >&2
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq $missing >/dev/null
fi
echo "ruff and mypy …" >&2
.venv/bin/ruff check --quiet .
.venv/bin/mypy --no-error-summary earful crawlers workers search api
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit "$rc"
