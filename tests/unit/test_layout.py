"""Issue 17: the repository's top level is the design card's (app/, widgets/, blocks/, themes/),
installed as parts of the one `mailwright` package."""

from __future__ import annotations

import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("app", "widgets", "blocks", "themes")


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_the_four_folders_are_at_the_top_and_map_into_mailwright() -> None:
    mapping = _config()["package-dir"]
    for folder in FOLDERS:
        assert (ROOT / folder / "__init__.py").is_file(), folder
        assert mapping[f"mailwright.{folder}"] == folder
    assert not any((ROOT / "mailwright" / folder).exists() for folder in FOLDERS)


def test_every_package_folder_is_listed_for_the_wheel() -> None:
    # setuptools installs only the listed packages: a new subpackage left off would vanish from the
    # wheel while the editable install still found it.
    on_disk = {"mailwright"} | {
        "mailwright." + ".".join(init.parent.relative_to(ROOT).parts)
        for folder in FOLDERS
        for init in (ROOT / folder).rglob("__init__.py")
    }
    # The starters ship as data beside the code (File > New looks in mailwright/examples).
    assert set(_config()["packages"]) == on_disk | {"mailwright.examples"}
    assert _config()["package-dir"]["mailwright.examples"] == "examples"


def test_the_installed_modules_come_from_the_top_level_folders() -> None:
    import mailwright.app
    import mailwright.blocks
    import mailwright.themes
    import mailwright.widgets

    for module, folder in (
        (mailwright.app, "app"),
        (mailwright.blocks, "blocks"),
        (mailwright.themes, "themes"),
        (mailwright.widgets, "widgets"),
    ):
        assert Path(module.__file__).resolve().parent == ROOT / folder


def test_a_built_wheel_holds_only_the_mailwright_package(tmp_path: Path) -> None:
    # `pip install .` puts what the wheel holds into site-packages: one top-level name, no `app`.
    import subprocess
    import sys

    import pytest

    try:
        import setuptools
    except ImportError:
        pytest.skip("setuptools is not installed in this venv (make dist installs it)")
    if int(setuptools.__version__.split(".")[0]) < 68:
        pytest.skip(f"setuptools {setuptools.__version__} is older than pyproject's build-system asks")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=240,
        cwd=tmp_path,
    )
    names = zipfile.ZipFile(next(tmp_path.glob("mailwright-*.whl"))).namelist()
    tops = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert tops == {"mailwright"}
    for expected in (
        "mailwright/app/worker.py",
        "mailwright/app/checks/caniemail.json",
        "mailwright/app/checks/css_baseline.json",
        "mailwright/themes/classic.json",
        "mailwright/widgets/resources/mailwright.svg",
        "mailwright/blocks/button.py",
        "mailwright/examples/newsletter.mwt",
        "mailwright/examples/assets/kiln-co-300x80.png",
    ):
        assert expected in names, expected
