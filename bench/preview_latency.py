"""Preview latency, run by bench/run.py in its own process (Qt offscreen).

Editor side: the real MainWindow on a starter (compiles in its worker process, as the app
does). A sample is the time from pushing a property-change command on the window's session
history to the window's `rendered` signal (the canvas shows that build). Values alternate so
every sample really changes the email. After the first load the canvas does not load a new
page per edit: it swaps the document's head and body in place and forces layout
(widgets/email_view.py `patch_email_html`); `rendered` fires once that layout is done.

Bare side: a plain QWebEngineView (default profile and settings) of the canvas' size, loading
the very HTML the canvas just showed with setHtml until loadFinished.

Samples interleave (editor, bare, editor, bare, …) so noise from other processes hits both
sides alike; the first few of each are warm-up and are dropped. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", help="a .mwt starter")
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=4)
    parser.add_argument(
        "--idle-ms", type=int, default=350, help="quiet time between samples (lets the checks pass and timers settle)"
    )
    parser.add_argument(
        "--debounce-ms",
        type=int,
        default=None,
        help="what-if: override the compiler's debounce (default: the shipped value)",
    )
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="mw-bench-preview-")
    atexit.register(shutil.rmtree, scratch, True)
    os.environ.setdefault("MAILWRIGHT_DATA_DIR", str(Path(scratch) / "data"))
    from mailwright.widgets.app import prepare_environment

    prepare_environment(offscreen=True)
    from mailwright.widgets.email_view import register_scheme

    register_scheme()
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWebEngineWidgets import QWebEngineView
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])  # noqa: F841 (kept alive for the run)
    from mailwright.app.document.commands import SetProp
    from mailwright.app.document.session import Session
    from mailwright.widgets.main_window import MainWindow

    if args.debounce_ms is not None:
        from mailwright.widgets.compiler import Compiler

        Compiler.DEBOUNCE_MS = args.debounce_ms
    settings = QSettings(str(Path(scratch) / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Session.open(args.file), settings=settings)
    window.resize(1440, 900)
    window.show()

    def wait_for(signal, timeout_ms: int = 30_000) -> bool:
        loop = QEventLoop()
        fired = {"ok": False}

        def on(*_a) -> None:
            fired["ok"] = True
            loop.quit()

        signal.connect(on)
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(timeout_ms)
        loop.exec()
        timer.stop()
        signal.disconnect(on)
        return fired["ok"]

    def idle(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    if not wait_for(window.rendered, 60_000):
        print(json.dumps({"error": "the canvas never rendered the starter"}))
        return 1
    idle(1000)

    # The edit: the text of the first heading (else the first text-like prop found).
    doc = window.session.doc
    target = None
    for block in doc.iter_blocks():
        if block.type == "heading" and getattr(block.props, "text", None):
            target = (block.id, "text", block.props.text)
            break
    if target is None:
        print(json.dumps({"error": "no heading block to edit in this starter"}))
        return 1
    node_id, prop, original = target
    values = (original + " ·", original)

    bare_window = QWebEngineView()
    bare_window.resize(window.canvas.view.size())
    bare_window.show()

    compiled_at: dict[str, float] = {}
    window.compiler.finished.connect(lambda rev, _r: compiled_at.__setitem__("t", time.perf_counter()))

    editor, bare, to_compiled, push_ms, sizes = [], [], [], [], []
    failures = 0
    total = args.samples + args.warmup
    for i in range(total):
        value = values[i % 2]
        compiled_at.clear()
        t0 = time.perf_counter()
        window.session.history.push(SetProp(node_id, prop, value))
        t_pushed = time.perf_counter()
        ok = wait_for(window.rendered)
        t1 = time.perf_counter()
        if not ok:
            failures += 1
            idle(args.idle_ms)
            continue
        html = (window._last_result or {}).get("html", "")
        idle(args.idle_ms)

        data = html.encode("utf-8")
        if len(data) >= 2 * 1024 * 1024:
            print(json.dumps({"error": f"the HTML is {len(data)} bytes: setHtml takes under 2 MB"}))
            return 1
        b0 = time.perf_counter()
        bare_window.setHtml(html)
        ok_bare = wait_for(bare_window.loadFinished)
        b1 = time.perf_counter()
        idle(args.idle_ms)
        if i < args.warmup or not ok_bare:
            failures += 0 if ok_bare else 1
            continue
        editor.append((t1 - t0) * 1000)
        push_ms.append((t_pushed - t0) * 1000)
        if "t" in compiled_at:
            to_compiled.append((compiled_at["t"] - t0) * 1000)
        bare.append((b1 - b0) * 1000)
        sizes.append(len(data))

    out = {
        "file": args.file,
        "edit": f"SetProp({node_id!r}, {prop!r}) alternating two values",
        "editor_ms": editor,
        "push_ms": push_ms,
        "to_compiled_ms": to_compiled,
        "bare_ms": bare,
        "html_bytes": max(sizes) if sizes else 0,
        "debounce_ms": window.compiler.DEBOUNCE_MS,
        "failures": failures,
    }
    window.session.history.mark_saved()
    window.close()
    bare_window.close()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
