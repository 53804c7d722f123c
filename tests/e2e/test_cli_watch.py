"""Issue 16 item 3: build --watch rebuilds on every save, says so in one line, survives a bad
save, and Ctrl-C ends it with exit 0. A real subprocess and real files."""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class Lines:
    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.q: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen) -> None:
        for line in proc.stderr:
            self.q.put(line)

    def wait_for(self, word: str, timeout: float = 8.0) -> str:
        end = time.monotonic() + timeout
        seen = []
        while time.monotonic() < end:
            try:
                line = self.q.get(timeout=0.1)
            except queue.Empty:
                continue
            seen.append(line)
            if word in line:
                return line
        raise AssertionError(f"no line with {word!r} in {timeout} s; saw {seen}")


@contextlib.contextmanager
def watching(*args: str, cwd: Path):
    """`mailwright ARGS` running in the background, its stderr lines to wait for; Ctrl-C must
    end it with exit 0, and it is stopped whatever happens."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "mailwright", *args],
        cwd=cwd,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        yield Lines(proc)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child")
def test_watch_rebuilds_on_save_and_survives_a_bad_one(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "welcome.mwt", tmp_path / "welcome.mwt")
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "footer.mjml").write_text("<mj-text>Old footer</mj-text>\n")
    (tmp_path / "hello.mjml").write_text(
        "<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text>"
        '<mj-include path="parts/footer.mjml" /></mj-column></mj-section></mj-body></mjml>\n'
    )
    with watching("build", "welcome.mwt", "hello.mjml", "-o", "out/", "--watch", cwd=tmp_path) as lines:
        assert "out/welcome.html" in lines.wait_for("built in", timeout=20)
        lines.wait_for("watching")
        (tmp_path / "welcome.mwt").write_text("{broken")
        line = lines.wait_for("error in")
        assert line.startswith("[") and "welcome.mwt:1:" in line
        assert lines.proc.poll() is None, "a bad save must not end the watch"
        shutil.copy(EXAMPLES / "welcome.mwt", tmp_path / "welcome.mwt")
        lines.wait_for("built in")
        (tmp_path / "parts" / "footer.mjml").write_text("<mj-text>New footer</mj-text>\n")
        lines.wait_for("built in")
        deadline = time.monotonic() + 5
        while "New footer" not in (tmp_path / "out" / "hello.html").read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "New footer" in (tmp_path / "out" / "hello.html").read_text()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child")
def test_preview_watch_draws_the_png_again_on_save(tmp_path: Path) -> None:
    pytest.importorskip("PySide6.QtWebEngineWidgets")
    src = tmp_path / "hello.mjml"
    tall = "".join(f"<mj-text>Line {i}</mj-text>" for i in range(30))
    src.write_text(f"<mjml><mj-body><mj-section><mj-column>{tall}</mj-column></mj-section></mj-body></mjml>\n")
    with watching("preview", "hello.mjml", "-o", "p.png", "--watch", cwd=tmp_path) as lines:
        first = lines.wait_for("built in", timeout=60)
        lines.wait_for("watching")
        tall_height = int(first.split("600x")[1].split(" ")[0])
        src.write_text(
            "<mjml><mj-body><mj-section><mj-column><mj-text>One line</mj-text>"
            "</mj-column></mj-section></mj-body></mjml>\n"
        )
        second = lines.wait_for("built in", timeout=30)
        assert int(second.split("600x")[1].split(" ")[0]) < tall_height
        from PySide6.QtGui import QImage

        assert QImage(str(tmp_path / "p.png")).height() < tall_height
