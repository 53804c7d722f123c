"""Issue 16: the standalone app (`make app`, packaging/mailwright.spec) bundles every data file the
package ships and every module, without building it (the build is not part of `make test`)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _bundle():
    spec = importlib.util.spec_from_file_location("mailwright_app_bundle", ROOT / "packaging" / "bundle.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tracked(*folders: str) -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked files are unknown")
    result = subprocess.run(["git", "ls-files", *folders], cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout.split()


def test_every_data_file_of_the_package_is_bundled_where_the_code_looks() -> None:
    # A new theme, icon or table that pyproject's package-data misses is missing from the wheel
    # and the app alike: the app's list is read from package-data, so this guards both.
    mapping = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-dir"]
    folders = {folder: name for name, folder in mapping.items() if name.count(".") <= 1}
    bundled = set(_bundle().data_files())
    for path in _tracked(*folders):
        if path.endswith(".py"):
            continue
        top, _, rest = path.partition("/")
        target = Path(*folders[top].split("."), rest).parent.as_posix()
        assert (str(ROOT / path), target) in bundled, f"{path} is not shipped (pyproject.toml package-data)"


def test_the_starter_templates_and_their_images_are_bundled() -> None:
    bundled = {Path(source).relative_to(ROOT).as_posix(): target for source, target in _bundle().data_files()}
    examples = _tracked("examples")
    assert any(path.endswith(".mwt") for path in examples)
    for path in examples:
        assert bundled.get(path) == str(Path("mailwright", path).parent.as_posix()), path


def test_every_module_is_a_hidden_import(tmp_path: Path) -> None:
    # The CLI commands, dialects and worker jobs are imported by name: the analysis sees them only
    # as hidden imports, which are read off the same tree of links the analysis reads.
    bundle = _bundle()
    modules = set(bundle.modules(bundle.source_tree(tmp_path / "src")))
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    data_only = {"mailwright.examples"}  # the starters: files, no module
    assert set(packages) - data_only <= modules
    for expected in ("mailwright.app.cli.build", "mailwright.app.merge.dialects.klaviyo", "mailwright.app.build.job"):
        assert expected in modules
