"""Issue 16 item 9: the tree passes ruff with the rule set chosen in pyproject.toml, and is laid out
as `ruff format` lays it out (the one formatting commit, then kept)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TREE = ["mailwright", "app", "widgets", "blocks", "themes", "tests", "bench", "tools", "packaging"]


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--no-cache", *TREE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "No module named ruff" not in result.stderr, "install the test extras: pip install -e '.[test]'"
    return result


def test_the_tree_passes_ruff_check() -> None:
    result = _ruff("check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_tree_is_formatted_by_ruff_format() -> None:
    result = _ruff("format", "--check")
    assert result.returncode == 0, "run: ruff format " + " ".join(TREE) + "\n" + result.stdout + result.stderr
