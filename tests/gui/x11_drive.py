"""Child process of tests/gui/test_x11_gestures.py: the real editor in a real X11 server
(Xvfb), driven by xdotool as a designer's mouse would, printing what happened as JSON.

Usage: python -m tests.gui.x11_drive SCENARIO DOCUMENT OUT_DIR
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, QTimer
from PySide6.QtWidgets import QApplication


def xdo(*args: str) -> None:
    subprocess.run(["xdotool", *args], check=True, timeout=10)


def main() -> int:
    scenario, document, out_dir = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    os.environ["MAILWRIGHT_DATA_DIR"] = str(out_dir / "data")
    from mailwright.widgets.email_view import register_scheme

    register_scheme()
    app = QApplication(["mailwright"])
    from mailwright.app.document.session import Session
    from mailwright.widgets.main_window import MainWindow

    settings = QSettings(str(out_dir / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Session.open(document), in_process_compile=True, settings=settings)
    window.resize(1280, 860)
    window.move(0, 0)
    window.show()
    canvas = window.canvas
    result: dict = {}
    steps: list = []

    def run_js(code: str, key: str) -> None:
        canvas.view.page().runJavaScript(code, 1, lambda r: result.__setitem__(key, r))

    def gpos(widget, point: QPoint) -> tuple[int, int]:
        g = widget.mapToGlobal(point)
        return g.x(), g.y()

    def palette_point(label: str) -> tuple[int, int]:
        tree = window.palette.tree
        item = next(i for i in window.palette.items() if i.text(0) == label)
        tree.scrollToItem(item)
        rect = tree.visualItemRect(item)
        return gpos(tree.viewport(), rect.center())

    def move_to(x: int, y: int) -> None:
        xdo("mousemove", str(x), str(y))

    view_point = lambda x, y: gpos(canvas.view, QPoint(x, y))  # noqa: E731

    def shot(name: str) -> None:
        window.grab().save(str(out_dir / f"{name}.png"))
        result.setdefault("shots", []).append(str(out_dir / f"{name}.png"))

    def scroll_y(key: str) -> None:
        run_js("window.scrollY", key)

    def record(key: str, fn) -> None:
        result[key] = fn()

    vw, vh = lambda: canvas.view.width(), lambda: canvas.view.height()  # noqa: E731

    def first_of(kind: str):
        node = next(b for b in window.session.doc.iter_nodes() if getattr(b, "type", "") == kind)
        result["target"] = node.id
        return node

    def double_click(node, y_of) -> list:
        """The steps of a real double-click 40 px into the block, at y_of(its rect), that start an
        edit in place; then whether one started."""
        rect: dict = {}
        return [
            lambda: canvas.rects([node.id], lambda r: rect.update(r=r[node.id])),
            None,
            lambda: move_to(*view_point(int(rect["r"][0] + 40), int(y_of(rect["r"])))),
            lambda: xdo("click", "--repeat", "2", "--delay", "80", "1"),
            None,
            None,
            None,
            lambda: record("editing", lambda: canvas.editing),
        ]

    ids_before = {n.id for n in window.session.doc.iter_nodes()}
    if scenario == "drag":
        steps += [
            lambda: scroll_y("scroll_start"),
            lambda: move_to(*palette_point("Text")),
            lambda: xdo("mousedown", "1"),
            lambda: move_to(palette_point("Text")[0] + 30, palette_point("Text")[1]),
            lambda: move_to(*view_point(vw() // 2, vh() // 2)),
            lambda: move_to(*view_point(vw() // 2 + 5, vh() // 2)),
            lambda: scroll_y("scroll_before_wheel"),
            lambda: xdo("click", "5"),
            lambda: xdo("click", "5"),
            lambda: xdo("click", "5"),
            None,
            None,
            lambda: scroll_y("scroll_after_wheel"),
            lambda: xdo("click", "4"),
            None,
            None,
            lambda: scroll_y("scroll_after_wheel_up"),
            lambda: scroll_y("scroll_before_edge"),
            # near the bottom edge: the canvas scrolls on its own
            lambda: move_to(*view_point(vw() // 2, vh() - 6)),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            lambda: scroll_y("scroll_after_edge"),
            # the grey margin left of the email body, half way down the view
            lambda: move_to(*view_point(8, vh() // 2)),
            lambda: move_to(*view_point(10, vh() // 2)),
            None,
            None,
            lambda: record("line_in_margin", lambda: canvas.overlay.line.getRect() if canvas.overlay.line else None),
            lambda: record("target_in_margin", lambda: repr(canvas.drop)),
            lambda: shot("x11-drag-margin-line"),
            lambda: xdo("mouseup", "1"),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            lambda: record("added", lambda: sorted({n.id for n in window.session.doc.iter_nodes()} - ids_before)),
            lambda: record("selection", lambda: window.selection),
            lambda: run_js(
                "(function(){var e=document.getElementsByClassName('mw-id-%s')[0];"
                "if(!e)return 'none';var r=e.getBoundingClientRect();return JSON.stringify([r.top,r.bottom,"
                "window.innerHeight]);})()" % (window.selection or ""),
                "landed_rect",
            ),
            None,
            None,
            lambda: shot("x11-drag-landed"),
        ]
    elif scenario == "edit":
        target = first_of("heading")
        steps += [
            *double_click(target, lambda r: r[1] + r[3] / 2),
            lambda: xdo("key", "End"),
            lambda: xdo("type", "--delay", "30", " today"),
            None,
            None,
            None,
            None,
            lambda: record("live", lambda: window.session.doc.find(target.id).props.text),
            lambda: shot("x11-edit-live"),
            lambda: xdo("key", "Escape"),
            None,
            None,
            None,
            None,
            None,
            lambda: record("editing_after", lambda: canvas.editing),
            lambda: record("final", lambda: window.session.doc.find(target.id).props.text),
            lambda: record(
                "undo_label",
                lambda: window.session.history.undo_label() if hasattr(window.session.history, "undo_label") else "",
            ),
            lambda: shot("x11-edit-done"),
        ]
    elif scenario == "tag":
        # A rich text: type, a merge tag from the canvas's own { } menu, type again, Esc.
        target = first_of("text")

        def click_widget(widget, point) -> None:
            move_to(*gpos(widget, point))
            xdo("click", "1")

        def choose(label: str) -> None:
            menu = canvas.tag_menu
            action = next(a for a in menu.actions() if a.text() == label)
            click_widget(menu, menu.actionGeometry(action).center())

        steps += [
            *double_click(target, lambda r: r[1] + 12),  # the first line of a paragraph
            lambda: xdo("key", "ctrl+End"),
            lambda: xdo("type", "--delay", "30", " dear "),
            None,
            None,
            lambda: click_widget(canvas.text_bar.buttons["tag"], canvas.text_bar.buttons["tag"].rect().center()),
            None,
            None,
            None,
            lambda: record("menu", lambda: [a.text() for a in canvas.tag_menu.actions()] if canvas.tag_menu else None),
            lambda: choose("data:firstname"),
            None,
            None,
            None,
            lambda: xdo("type", "--delay", "30", " welcome"),
            None,
            None,
            None,
            lambda: shot("x11-tag-live"),
            lambda: xdo("key", "Escape"),
            None,
            None,
            None,
            None,
            None,
            lambda: record("final", lambda: window.session.doc.find(target.id).props.html),
        ]
    else:
        raise SystemExit(f"unknown scenario {scenario}")

    def tick() -> None:
        if not steps:
            window.session.history.mark_saved()
            print("RESULT " + json.dumps(result), flush=True)
            app.quit()
            return
        step = steps.pop(0)
        if step is not None:
            step()
        QTimer.singleShot(120, tick)

    def start() -> None:
        QTimer.singleShot(800, tick)

    canvas.rendered.connect(lambda: (not result.get("_started")) and (result.__setitem__("_started", True), start()))
    QTimer.singleShot(60_000, app.quit)
    app.exec()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
