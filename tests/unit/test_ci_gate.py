"""Issue 16 item 9: CI runs the lint and type gate on its own, before the tests."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ci_runs_make_lint_before_make_test_and_still_installs_xvfb() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert "set -euo pipefail" in commands  # a failing lint stops the run
    assert "make lint" in commands and "make test" in commands
    assert commands.index("make lint") < commands.index("make test")
    # Every package the X11 tests need is checked one by one and installed when missing.
    packages = re.search(r'X11_PACKAGES="([^"]*)"', script)
    assert packages and {"xvfb", "xdotool", "libxcb-cursor0"} <= set(packages.group(1).split())
    assert re.search(r"apt-get install .*\$missing", script.replace("\\\n", " "))


def test_make_lint_runs_ruff_and_mypy() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "ruff check mailwright app widgets blocks themes" in recipe and "ruff format --check" in recipe
    assert "tools/typecheck.py" in recipe  # mypy, on the package laid out as installed
