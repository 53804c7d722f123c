"""Issue 16 items 6 and 7: the desktop entry, no display, the crash dialog, settings and logs
in the config folder, and a screenshot that leaves nothing in the user's config."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "home" / ".config"),
        MAILWRIGHT_CONFIG_DIR=str(tmp_path / "config"),
        **extra,
    )
    return env


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="freedesktop.org desktop entries")
def test_install_desktop_entry_writes_an_entry_and_icon_under_xdg_data_home(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = subprocess.run(
        [sys.executable, "-m", "mailwright", "--install-desktop-entry"],
        capture_output=True,
        text=True,
        env=_env(tmp_path, XDG_DATA_HOME=str(data)),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    entry = (data / "applications" / "mailwright.desktop").read_text()
    assert "Name=Mailwright" in entry and "Icon=mailwright" in entry
    exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
    assert Path(exec_line.removeprefix("Exec=").split(" ")[0].strip('"')).exists()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "mailwright.svg").read_text().startswith("<svg")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="only Linux runs without a display server")
def test_without_a_display_the_editor_says_so_in_one_line_and_exits(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mailwright", str(ROOT / "examples" / "newsletter.mwt")],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0] and "--screenshot" in lines[0]


def test_a_screenshot_leaves_nothing_in_the_users_config_or_data(tmp_path: Path) -> None:
    pytest.importorskip("PySide6.QtWebEngineWidgets")
    out = tmp_path / "editor.png"
    env = _env(tmp_path)
    for name in ("MAILWRIGHT_CONFIG_DIR", "MAILWRIGHT_DATA_DIR", "XDG_DATA_HOME"):
        env.pop(name, None)  # the user's real folders (under the temporary HOME)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mailwright",
            str(ROOT / "examples" / "welcome.mwt"),
            "--screenshot",
            str(out),
            "--size",
            "900x600",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
    )
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 1000
    home_config = tmp_path / "home" / ".config"
    assert not home_config.exists() or not any(home_config.rglob("*")), list(home_config.rglob("*"))
    # The test inbox made ~/.local/share/mailwright/inbox (and listed the user's mail there).
    assert not (tmp_path / "home" / ".local" / "share" / "mailwright").exists()


def test_the_cli_logs_to_the_config_folder_without_secrets(tmp_path: Path) -> None:
    env = _env(tmp_path, MAILWRIGHT_SMTP_PASSWORD="hunter2-very-secret")
    result = subprocess.run(
        [sys.executable, "-m", "mailwright", "themes", "--verbose"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0
    log = tmp_path / "config" / "logs" / "mailwright.log"
    assert "mailwright themes" in log.read_text() and f"log file: {log}" in result.stderr
    from mailwright.app.send.secrets import redact, register_secret

    register_secret("hunter2-very-secret")
    assert "hunter2" not in redact("password hunter2-very-secret")


def test_log_dir_can_be_chosen(tmp_path: Path) -> None:
    env = _env(tmp_path, MAILWRIGHT_LOG_DIR=str(tmp_path / "logs-here"))
    subprocess.run([sys.executable, "-m", "mailwright", "blocks"], capture_output=True, env=env, timeout=60)
    assert "mailwright blocks" in (tmp_path / "logs-here" / "mailwright.log").read_text()
