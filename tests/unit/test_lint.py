"""Issue 16 item 9: the package passes ruff with the rule set chosen in pyproject.toml."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_package_passes_ruff() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "mailwright"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert "No module named ruff" not in result.stderr, "install the test extras: pip install -e '.[test]'"
    assert result.returncode == 0, result.stdout + result.stderr
