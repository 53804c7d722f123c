"""Start the editor: `mailwright [FILE] [--screenshot OUT.png [--size WxH]]`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

from .editor_settings import editor_settings
from .icon import ICON

if TYPE_CHECKING:  # Qt is imported only once the environment is prepared (run_editor)
    from PySide6.QtWidgets import QMainWindow


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mailwright", description="Open the Mailwright editor.")
    parser.add_argument("file", nargs="?", help="a .mwt template (or .mjml / .html to import)")
    parser.add_argument(
        "--screenshot",
        metavar="OUT.png",
        help="open the window offscreen, save a PNG of it once the canvas has rendered, exit",
    )
    parser.add_argument("--size", default="1440x900", metavar="WxH", help="window size for --screenshot")
    parser.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="Linux: add Mailwright to the desktop's applications menu (a .desktop file and "
        "an icon under $XDG_DATA_HOME, ~/.local/share by default), then exit",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the editor does on stderr too")
    parser.add_argument("--debug", action="store_true", help="log every step on stderr")
    return parser.parse_args(argv)


def no_display() -> str | None:
    """Why no window can be shown here, or None. Only Linux can lack a display server."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so the editor's window cannot be "
        "shown; run it on a desktop, or see it as a picture: mailwright FILE --screenshot OUT.png "
        "(make screenshot)"
    )


def prepare_environment(offscreen: bool) -> None:
    """Qt settings that must exist before the first Qt object."""
    if offscreen:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to run as root with its sandbox; only root (CI, containers) loses it.
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    wanted = ["--disable-background-networking"]
    if _no_gpu():
        # Without a screen or a GPU, Chromium would emulate one in software (Mesa llvmpipe:
        # ~60 MB in our process) only to composite pages it draws as well without: the same
        # pixels, as `mailwright preview` and the tests already render.
        wanted.append("--disable-gpu")
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    for flag in wanted:
        if flag not in flags.split():
            flags += " " + flag
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = flags.strip()


def _no_gpu() -> bool:
    """Offscreen (no screen at all), or Linux with no GPU device node (a server, a container,
    a VM without graphics): any GL there would be software rendering."""
    if os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] == "offscreen":
        return True
    return sys.platform.startswith("linux") and not any(os.path.exists(node) for node in GPU_NODES)


# Where Linux shows a GPU: DRM (Intel, AMD, nouveau, nvidia-drm), NVIDIA's own driver, WSL2.
GPU_NODES = ("/dev/dri", "/dev/nvidiactl", "/dev/dxg")


def show_fitting_the_screen(window: QMainWindow, *, remembered: bool) -> None:
    """Show the window; on a first run (no remembered geometry) at most as large as the screen's
    free area. The 1440x900 default ran off a 1366x768 laptop's screen, the inspector cut off."""
    screen = window.screen()
    if not remembered and screen is not None:
        free = screen.availableGeometry()
        if window.width() > free.width() or window.height() > free.height():
            window.setGeometry(free)  # no window manager (Xvfb, kiosk): nothing else would fit it
            # The bottom docks keep the share of the height they have at 900 px (150 px).
            from PySide6.QtCore import Qt
            from PySide6.QtWidgets import QDockWidget

            checks = window.findChild(QDockWidget, "dock-checks")
            if checks is not None:
                window.resizeDocks([checks], [free.height() // 6], Qt.Orientation.Vertical)
            window.showMaximized()  # a window manager fits it, its title bar included
            return
    window.show()


def run_editor(argv: list[str]) -> int:
    args = _parse(argv)
    if args.install_desktop_entry:
        from .desktop_entry import install_desktop_entry

        return install_desktop_entry()
    if not args.screenshot:
        reason = no_display()
        if reason:
            print(f"mailwright: {reason}", file=sys.stderr)
            return 2
    size: tuple[int, int] | None = None
    if args.screenshot:
        try:
            w, h = (int(v) for v in args.size.lower().split("x"))
            size = (w, h)
        except ValueError:
            print(f"mailwright: --size {args.size!r}: write WIDTHxHEIGHT, e.g. 1440x900", file=sys.stderr)
            return 2
    if args.file and not Path(args.file).exists():
        print(f"mailwright: {args.file}: no such file", file=sys.stderr)
        return 2
    prepare_environment(offscreen=bool(args.screenshot))

    from ..app.logs import setup_logging

    log = setup_logging(verbose=args.verbose, debug=args.debug, redact=True).getChild("editor")
    log.info("editor starting (%s)", " ".join(argv))
    from .email_view import register_scheme

    register_scheme()
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))  # a widgets app, never a core one
    app.setApplicationName("Mailwright")
    app.setOrganizationName("Mailwright")
    app.setDesktopFileName("mailwright")  # Wayland: the window's icon comes from mailwright.desktop
    app.setWindowIcon(QIcon(str(ICON)))
    from .crash import install_excepthook

    install_excepthook(headless=bool(args.screenshot))
    from .main_window import MainWindow

    scratch = None
    if args.screenshot:
        # A screenshot shows the default layout, never the user's remembered one, and leaves
        # no settings behind: a throwaway ini file.
        import tempfile

        scratch = tempfile.TemporaryDirectory(prefix="mailwright-screenshot-")
        settings = QSettings(str(Path(scratch.name) / "editor.ini"), QSettings.Format.IniFormat)
        # Nor any data: the test inbox, autosaves and saved blocks live in the throwaway folder
        # too (the window started the inbox in the user's data folder, and showed its mail).
        os.environ.setdefault("MAILWRIGHT_DATA_DIR", str(Path(scratch.name) / "data"))
    else:
        settings = editor_settings()
    window = MainWindow(settings=settings)
    if os.environ.get("MAILWRIGHT_TIMING") == "1":  # for bench/run.py: when the canvas showed a build
        import time

        window.rendered.connect(
            lambda: print(f"mailwright-timing: rendered {time.time():.6f}", file=sys.stderr, flush=True)
        )
    if args.file and not window.open_path(args.file):
        return 2
    if not args.screenshot:
        from .recovery import offer_recovery

        offer_recovery(window)
        window.refresh_saved_blocks()
        show_fitting_the_screen(window, remembered=settings.value("window/geometry") is not None)
        return app.exec()

    assert size is not None  # parsed above for --screenshot
    window.resize(*size)
    window.show()
    status = {"code": 1}

    def shoot() -> None:
        out = Path(args.screenshot)
        ok = window.grab().save(str(out))
        status["code"] = 0 if ok else 1
        if not ok:
            print(f"mailwright: could not write {out}", file=sys.stderr)
        assert window.session is not None  # the window holds a document
        window.session.history.mark_saved()
        window.close()
        app.quit()

    # Wait for the canvas to draw the document, then give the compositor a moment.
    window.rendered.connect(lambda: QTimer.singleShot(700, shoot))
    QTimer.singleShot(
        60_000, lambda: (print("mailwright: the canvas did not render in time", file=sys.stderr), app.quit())
    )
    app.exec()
    settings.sync()
    if scratch is not None:
        if os.environ.get("MAILWRIGHT_DATA_DIR", "").startswith(scratch.name):
            del os.environ["MAILWRIGHT_DATA_DIR"]  # an in-process caller (a test) runs on
        scratch.cleanup()
    return status["code"]
