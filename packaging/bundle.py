"""What the standalone app bundles besides code, read from pyproject.toml (packaging/mailwright.spec).

Plain Python without PyInstaller, so tests/unit/test_app_bundle.py can check it without a build:
the source tree the analysis reads and the data files (package-data and the starter templates).
"""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def source_tree(dest: Path) -> Path:
    """A folder holding `mailwright/` as site-packages has it, made of links to the top-level folders.

    PyInstaller cannot follow the editable install's import hook (pyinstaller issue 7524) nor
    setuptools' package-dir, so its analysis is pointed here. Remade each build: a new folder or
    module is always seen. Returns the folder to put on the analysis path.
    """
    shutil.rmtree(dest, ignore_errors=True)
    package = dest / "mailwright"
    package.mkdir(parents=True)
    mapping: dict[str, str] = _setuptools()["package-dir"]
    for entry in (ROOT / mapping["mailwright"]).iterdir():
        if entry.suffix == ".py":
            os.symlink(entry, package / entry.name)
    for name, folder in mapping.items():
        if name.count(".") == 1:  # mailwright.app -> app/ (its subpackages come along)
            os.symlink(ROOT / folder, package / name.split(".")[1], target_is_directory=True)
    return dest


def modules(tree: Path) -> list[str]:
    """Every module of the package in `tree` (from source_tree), dotted and sorted.

    PyInstaller's collect_submodules sees none of them through the editable install (its
    package-dir mapping hides the subpackages from pkgutil), so they are read off the links.
    """
    names = []
    for folder, _, files in os.walk(tree / "mailwright", followlinks=True):  # the links are folders
        for file in files:
            if file.endswith(".py"):
                parts = (Path(folder) / file).relative_to(tree).with_suffix("").parts
                names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(names)


def _folder(package: str, mapping: dict[str, str]) -> Path:
    """The repository folder of a dotted package name under package-dir (mailwright.app.checks -> app/checks)."""
    parts = package.split(".")
    for cut in range(len(parts), 0, -1):
        head = ".".join(parts[:cut])
        if head in mapping:
            return ROOT / mapping[head] / Path(*parts[cut:])
    raise KeyError(package)


def data_files() -> list[tuple[str, str]]:
    """(file, folder in the bundle) for every file pyproject's package-data ships (the starter
    templates and their images among them, as mailwright.examples), sorted (a reproducible
    bundle). Absolute paths: PyInstaller reads relative ones from the spec's folder."""
    config = _setuptools()
    mapping: dict[str, str] = config["package-dir"]
    found: set[tuple[str, str]] = set()
    for package, patterns in config.get("package-data", {}).items():
        folder = _folder(package, mapping)
        for pattern in patterns:
            for path in folder.glob(pattern):
                if path.is_file():
                    inner = path.parent.relative_to(folder)
                    target = Path(*package.split(".")) / inner
                    found.add((str(path), target.as_posix()))
    return sorted(found)
