"""Issue 16 item 8: `check --data` over many recipients shows a progress bar on a terminal's
stderr (never in a pipe), and its summary says how many recipients were checked."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ROWS = 10_000  # about a second of rendering: longer than the bar's 0.2 s delay even on a fast machine


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("many")
    shutil.copy(EXAMPLES / "welcome.mwt", folder / "welcome.mwt")
    shutil.copytree(EXAMPLES / "assets", folder / "assets")  # its pictures, so the check finds no error
    lines = ["email,firstname,lastname,plan,city,order_number"]
    lines += [f"p{i}@example.com,Name{i},Last,pro,Paris,HC-{i}" for i in range(ROWS)]
    (folder / "people.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["TERM"] = "xterm"
    return env


def _run_with_terminal_stderr(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Runs the CLI with stderr on a pseudo-terminal and stdout on a pipe: (code, stdout, terminal)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mailwright", *args],
        cwd=cwd,
        env=_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    seen = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                proc.kill()
                pytest.fail("no output from the CLI in 60 s")
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        out = proc.stdout.read().decode("utf-8")  # type: ignore[union-attr]
        return proc.wait(timeout=60), out, seen.decode("utf-8", errors="replace")
    finally:
        os.close(master)
        if proc.stdout:
            proc.stdout.close()


def test_a_terminal_sees_a_bar_that_is_erased_when_the_check_ends(many: Path) -> None:
    code, out, terminal = _run_with_terminal_stderr(["check", "welcome.mwt", "--data", "people.csv"], many)
    assert code == 0, terminal
    assert f"/{ROWS:,}" in terminal and "checking recipients [" in terminal
    assert terminal.endswith("\r\x1b[K")  # the last thing written erases the bar
    assert f"checked {ROWS:,} recipients" in out.splitlines()[-1]
    assert "\r" not in out


def test_a_pipe_gets_no_bar_and_the_summary_counts_the_recipients(many: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mailwright", "check", "welcome.mwt", "--data", "people.csv"],
        cwd=many,
        env=_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1].endswith(f"; checked {ROWS:,} recipients")


def test_json_summary_counts_recipients_only_when_given(many: Path) -> None:
    with_data = subprocess.run(
        [sys.executable, "-m", "mailwright", "check", "welcome.mwt", "--data", "people.csv", "--format", "json"],
        cwd=many,
        env=_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert json.loads(with_data.stdout)["summary"]["recipients"] == ROWS
    without = subprocess.run(
        [sys.executable, "-m", "mailwright", "check", "welcome.mwt", "--format", "json"],
        cwd=many,
        env=_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert list(json.loads(without.stdout)["summary"]) == ["errors", "warnings", "html_bytes"]


def test_several_files_summary_names_the_recipients_once(many: Path) -> None:
    shutil.copy(many / "welcome.mwt", many / "again.mwt")
    small = many / "three.csv"
    small.write_text("email,firstname\na@x.com,A\nb@x.com,B\nc@x.com,C\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mailwright", "check", "welcome.mwt", "again.mwt", "--data", "three.csv"],
        cwd=many,
        env=_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    (many / "again.mwt").unlink()
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("checked 2 files against 3 recipients:")
