"""The one dependency rule (DESIGN.md §1): app/, blocks/ and themes/ never import Qt.

So the CLI starts fast and runs without a display, and everything can be tested headless.
Two checks: a static scan of every import statement (including ones inside functions and
`importlib.import_module("PySide6...")`), and a fresh interpreter that imports every module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "blocks", "themes")
QT_ROOTS = frozenset({"PySide6", "PySide2", "PyQt5", "PyQt6", "shiboken6", "shiboken2", "sip", "PyQt4"})


def _is_qt(module: str | None) -> bool:
    return bool(module) and module.split(".")[0] in QT_ROOTS  # type: ignore[union-attr]


def qt_imports(source: str, filename: str) -> list[str]:
    """`file:line: statement` for every Qt import anywhere in the source."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__", "find_spec"):
                names = [node.args[0].value]
        for name in names:
            if _is_qt(name):
                found.append(f"{filename}:{node.lineno}: imports {name}")
    return found


def _python_files() -> list[Path]:
    files = sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))
    assert files, "no sources found: wrong ROOT?"
    return files


def test_scanner_finds_every_kind_of_qt_import() -> None:
    source = (
        "import os\n"
        "import PySide6\n"
        "from PySide6.QtCore import QObject\n"
        "def later():\n"
        "    import shiboken6 as s\n"
        "    from PyQt6 import QtWidgets\n"
        "    import importlib\n"
        "    importlib.import_module('PySide6.QtGui')\n"
        "from .widgets import x\n"
        "import PySide6x\n"
    )
    assert qt_imports(source, "m.py") == [
        "m.py:2: imports PySide6",
        "m.py:3: imports PySide6.QtCore",
        "m.py:5: imports shiboken6",
        "m.py:6: imports PyQt6",
        "m.py:8: imports PySide6.QtGui",
    ]


def test_headless_packages_never_import_qt() -> None:
    problems = []
    for path in _python_files():
        rel = path.relative_to(ROOT).as_posix()
        problems += qt_imports(path.read_text(encoding="utf-8"), rel)
    assert not problems, "Qt imported outside widgets/ (DESIGN.md §1):\n" + "\n".join(problems)


def test_importing_every_headless_module_leaves_qt_unloaded() -> None:
    modules = []
    for path in _python_files():
        rel = path.relative_to(ROOT).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        modules.append(".".join(("mailwright", *parts)))  # installed as mailwright.app, mailwright.blocks, …
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"qt = sorted(m for m in sys.modules if m.split('.')[0] in {sorted(QT_ROOTS)!r})\n"
        "print('\\n'.join(qt))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"these imports pulled in Qt: {result.stdout.split()}"
    assert len(modules) >= 20


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_has_sources(package: str) -> None:
    assert any((ROOT / package).glob("*.py"))
