"""The real editor window in a child process, editing a document with autosave on.

Used by test_recovery.py: ``python -m tests.reliability.editor_child FILE DELAY_MS EVERY_MS SETTINGS``
opens FILE in a MainWindow (offscreen), sets the autosave delay to DELAY_MS and makes one edit
every EVERY_MS through the window's own undo stack, printing one JSON line per edit with its
time (CLOCK_MONOTONIC, which the parent shares). The parent kills it with SIGKILL.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    path, delay_ms, every_ms, settings_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    from mailwright.widgets.app import prepare_environment

    prepare_environment(offscreen=True)
    from mailwright.widgets.email_view import register_scheme

    register_scheme()
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from mailwright.app.document.commands import SetDocField
    from mailwright.app.document.session import Session
    from mailwright.widgets.main_window import MainWindow

    window = MainWindow(
        Session.open(path), in_process_compile=True, settings=QSettings(settings_path, QSettings.Format.IniFormat)
    )
    window.files.autosave_timer.setInterval(delay_ms)
    done: list[int] = []

    def edit() -> None:
        done.append(len(done) + 1)
        window.push(SetDocField("subject", "edits " + ",".join(map(str, done))))
        print(json.dumps({"edit": done[-1], "t": time.monotonic()}), flush=True)

    timer = QTimer()
    timer.timeout.connect(edit)
    timer.start(every_ms)
    print(json.dumps({"ready": time.monotonic()}), flush=True)
    app.exec()


if __name__ == "__main__":
    main()
