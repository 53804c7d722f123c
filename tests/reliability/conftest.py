"""Shared fixtures for the reliability suite (bad-inputs.md rows, fuzzing, the corpus).

Every test here runs with its own data folder (autosaves, inbox, crash inputs) so nothing of
the user's is read or written, and the compile worker is shared by the whole session: a
worker start costs an interpreter and MRML import, and a crash restarts it anyway.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
POSIX = os.name == "posix"


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "mailwright-data"
    monkeypatch.setenv("MAILWRIGHT_DATA_DIR", str(folder))
    monkeypatch.setenv("MAILWRIGHT_CONFIG_DIR", str(tmp_path / "mailwright-config"))
    return folder


@pytest.fixture(scope="session")
def crash_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("crashes")


@pytest.fixture(scope="session")
def compile_worker(crash_dir: Path) -> Iterator["CompileWorker"]:  # noqa: F821
    """The editor's real compile worker (pipeline.build_job in a child process)."""
    from mailwright.app.worker import CompileWorker

    with CompileWorker("mailwright.app.build.job:build_job", timeout=30, crash_dir=str(crash_dir)) as worker:
        yield worker


@pytest.fixture(scope="session")
def import_worker(crash_dir: Path) -> Iterator["CompileWorker"]:  # noqa: F821
    """`import_file` in a child process: an MJML import compiles with MRML, which must never
    take the test process down (the editor imports the same way before showing a document)."""
    from mailwright.app.worker import CompileWorker

    with CompileWorker("tests.reliability.helpers:import_file_summary", timeout=30, crash_dir=str(crash_dir)) as worker:
        yield worker


def importer_available() -> bool:
    try:
        import mailwright.app.importer.mjml_import  # noqa: F401
    except ImportError:
        return False
    return True


needs_posix = pytest.mark.skipif(not POSIX, reason="POSIX only")
needs_rlimit = pytest.mark.skipif(
    sys.platform == "win32" or not hasattr(os, "fork"), reason="RLIMIT_FSIZE and SIGXFSZ are POSIX"
)
