#!/usr/bin/env bash
# Installs everything the test suite needs (venv, pinned packages, redis-server, docker-compose
# to validate docker-compose.yml, Debian's chromium for the dashboard's browser tests), then runs it.
# Extra arguments go to pytest. Exit code 5 (no tests collected) is a failure here.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
missing=""
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
command -v docker-compose >/dev/null 2>&1 || missing="$missing docker-compose"
[ -x /usr/bin/chromium ] || missing="$missing chromium"  # Playwright drives it; it never downloads a browser
if [ -n "$missing" ]; then
  echo "installing$missing with apt-get …" >&2
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq $missing >/dev/null
fi
echo "ruff, mypy and the import contracts …" >&2
.venv/bin/ruff check --quiet .
.venv/bin/mypy --no-error-summary cli earful crawlers workers search api
# The import contracts ([tool.importlinter] in pyproject.toml): layers, and no cycles.
contracts="$(.venv/bin/lint-imports --no-cache --no-logo 2>&1)" || { echo "$contracts" >&2; exit 1; }
# A local Elasticsearch-compatible emulator (noida-db) for the Elasticsearch backend's tests,
# on a free port, stopped on exit. EARFUL_TEST_REQUIRE_ES makes an unreachable one a failure.
es_dir="$(mktemp -d)"
es_port="$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
setsid .venv/bin/noida-db start --data-dir "$es_dir/data" --only elasticsearch --elasticsearch-port "$es_port" \
  >"$es_dir/noida-db.log" 2>&1 &
es_pid=$!
stop_es() { kill -TERM -- "-$es_pid" 2>/dev/null || true; wait "$es_pid" 2>/dev/null || true; rm -rf "$es_dir" 2>/dev/null || true; }
trap stop_es EXIT
export EARFUL_TEST_ES_URL="http://127.0.0.1:$es_port" EARFUL_TEST_REQUIRE_ES=1
es_up() { .venv/bin/python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
  "$EARFUL_TEST_ES_URL/" >/dev/null 2>&1; }
for _ in $(seq 1 150); do es_up && break; sleep 0.2; done
es_up || { echo "noida-db did not answer on $EARFUL_TEST_ES_URL; its log:" >&2; cat "$es_dir/noida-db.log" >&2; }
set +e
# Two worker processes (EARFUL_TEST_WORKERS; 0 runs in this process), each module's tests in one of them:
# much of the suite waits on real servers and processes, so two cores get through it sooner.
.venv/bin/python -m pytest -n "${EARFUL_TEST_WORKERS:-2}" --dist loadfile "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit "$rc"
