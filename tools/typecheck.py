"""Run mypy on the package as it installs: `mailwright.app` etc. from the top-level folders.

mypy names modules after folders and cannot follow setuptools' package-dir, so it is pointed at
`build/typecheck/mailwright`, a tree of links laid out as site-packages has it (the links are
remade each run, so a new or renamed folder is always seen). Arguments go on to mypy.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / "build" / "typecheck" / "mailwright"

sys.path.insert(0, str(ROOT / "packaging"))
from bundle import source_tree  # noqa: E402  (the one tree of links: the app's build and the bench read it too)


def link_tree() -> Path:
    """The tree of links mypy reads (pyproject's [tool.mypy] files names it)."""
    return source_tree(TREE.parent) / "mailwright"


def main(argv: list[str]) -> int:
    link_tree()
    result = subprocess.run([sys.executable, "-m", "mypy", *argv], cwd=ROOT, capture_output=True, text=True)
    # Name the files as they are in the repository, not as the links are.
    prefix = str(TREE.relative_to(ROOT)).replace(os.sep, "/") + "/"
    sys.stdout.write(re.sub(r"mailwright/(app|widgets|blocks|themes)/", r"\1/", result.stdout.replace(prefix, "")))
    sys.stderr.write(result.stderr)
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
