"""The import contract: layers (cli > api > workers > crawlers | search > earful) and no cycles.

Checked with import-linter on the real tree, and on a copy with a deliberate upward import and a
deliberate cycle, which must each break the contract.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("cli", "api", "workers", "crawlers", "search", "earful")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports over the packages under ``root`` (found there first, not in the installed tree)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def add_line(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_the_tree_keeps_the_contracts() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_the_copy_keeps_them_too(copy: Path) -> None:
    result = lint_imports(copy)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_upward_import_breaks_the_layers(copy: Path) -> None:
    add_line(copy / "earful" / "models.py", "import api.schemas  # noqa: E402")
    result = lint_imports(copy)
    assert result.returncode != 0
    assert "Layers" in result.stdout and "BROKEN" in result.stdout
    assert "earful.models -> api.schemas" in result.stdout


def test_crawlers_and_search_stay_independent(copy: Path) -> None:
    add_line(copy / "crawlers" / "base.py", "import search.base  # noqa: E402")
    result = lint_imports(copy)
    assert result.returncode != 0 and "crawlers.base -> search.base" in result.stdout


def test_an_import_cycle_breaks_the_contract(copy: Path) -> None:
    add_line(copy / "earful" / "params.py", "import earful.sources  # noqa: E402")  # sources imports params
    result = lint_imports(copy)
    assert result.returncode != 0
    assert "No import cycles" in result.stdout and "BROKEN" in result.stdout
