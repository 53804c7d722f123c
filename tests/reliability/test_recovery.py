"""bad-inputs.md row 35 and issue 8 point 4: the editor is killed (SIGKILL) mid-edit with autosave
on; a new process finds the autosave and restores every edit older than the autosave delay, as a
modified document, without touching the original.

The child is the real MainWindow (tests/reliability/editor_child.py), offscreen, with the
autosave delay shortened to keep the test fast. tests/unit/test_autosave.py covers the core
(lock files, a live session's autosave is not an orphan, corrupt autosaves, adopt/discard).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mailwright.app.document.autosave import find_orphans
from tests.reliability.conftest import ROOT

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")

DELAY_MS = 200
SLACK_S = 1.0  # a loaded machine may run the child's timers late


class Editor:
    def __init__(self, original: Path, tmp_path: Path, every_ms: int) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.reliability.editor_child",
                str(original),
                str(DELAY_MS),
                str(every_ms),
                str(tmp_path / "settings.ini"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.edits: list[tuple[int, float]] = []
        self.ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            data = json.loads(line)
            if "ready" in data:
                self.ready.set()
            else:
                self.edits.append((data["edit"], data["t"]))

    def wait_for_edits(self, n: int, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while len(self.edits) < n:
            if time.monotonic() > end or self.proc.poll() is not None:
                raise AssertionError(f"the editor made {len(self.edits)} edits (exit {self.proc.poll()})")
            time.sleep(0.02)

    def kill(self) -> float:
        killed_at = time.monotonic()
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self._reader.join(5)
        self.proc.stdout.close()
        return killed_at


def restore_in_a_new_process() -> dict:
    """What the next start of Mailwright does (widgets/recovery.py), in a fresh interpreter."""
    code = (
        "import json; from mailwright.app.document.autosave import find_orphans\n"
        "orphans = find_orphans()\n"
        "out = [{'ok': o.ok, 'error': o.error, 'original': str(o.original_path)} for o in orphans]\n"
        "s = orphans[0].restore() if orphans and orphans[0].ok else None\n"
        "print(json.dumps({'orphans': out, 'subject': s and s.doc.subject, 'dirty': s and s.dirty,\n"
        "                  'recovered': s and s.recovered, 'path': s and str(s.path)}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def original(tmp_path: Path) -> Path:
    path = tmp_path / "docs" / "welcome.mwt"
    path.parent.mkdir()
    shutil.copyfile(ROOT / "examples" / "welcome.mwt", path)
    return path


def check_recovery(editor: Editor, killed_at: float, original: Path, before: bytes) -> list[int]:
    due = [n for n, t in editor.edits if t < killed_at - DELAY_MS / 1000 - SLACK_S]
    assert due, "the test made no edit old enough to be autosaved"
    result = restore_in_a_new_process()
    assert len(result["orphans"]) == 1, result
    assert result["orphans"][0]["ok"] and result["orphans"][0]["original"] == str(original)
    restored = [int(n) for n in result["subject"].removeprefix("edits ").split(",")]
    assert restored == list(range(1, len(restored) + 1))  # a prefix of the edits, in order
    missing = [n for n in due if n not in restored]
    assert not missing, f"edits older than the autosave delay were lost: {missing} (restored {restored})"
    assert result["dirty"] and result["recovered"] and result["path"] in (None, "None")  # Save asks where
    assert original.read_bytes() == before
    return restored


def test_row35_sigkill_mid_edit_restores_every_autosaved_edit(original, tmp_path):
    before = original.read_bytes()
    editor = Editor(original, tmp_path, every_ms=DELAY_MS * 2)
    try:
        editor.wait_for_edits(3)
        assert find_orphans() == []  # a live session's autosave is not offered to another instance
        editor.wait_for_edits(5)
    finally:
        killed_at = editor.kill()
    check_recovery(editor, killed_at, original, before)


def test_row35_continuous_editing_is_autosaved_too(original, tmp_path):
    before = original.read_bytes()
    editor = Editor(original, tmp_path, every_ms=DELAY_MS // 4)
    try:
        editor.wait_for_edits(2)
        time.sleep(DELAY_MS / 1000 + SLACK_S + 0.6)
    finally:
        killed_at = editor.kill()
    check_recovery(editor, killed_at, original, before)
