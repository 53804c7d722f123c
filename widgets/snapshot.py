"""A full-height PNG of an email at an exact CSS width, through the hardened email view.

Used by `mailwright preview` (app/cli/preview.py imports this lazily) and by tests. The view
runs no page JavaScript and blocks every request but its own document; the page height is
measured by a script in the ApplicationWorld, which page content cannot reach.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..app.build.preview_html import Scheme, preview_html

MAX_HEIGHT = 20_000
HEIGHT_JS = (
    "Math.max(document.documentElement ? document.documentElement.scrollHeight : 0,"
    " document.body ? document.body.scrollHeight : 0)"
)
PAINT_TIMEOUT_MS = 30_000  # how long the whole picture may take to paint (a busy computer)

# "Fully painted" signal: a strip of saturated colours in MARK_ROWS extra rows below the
# picture (the view is that much taller; the rows are cut off). It is placed only once the
# renderer has the final size (innerHeight), so a grab showing it is a frame drawn after the
# resize: on a busy computer a grab taken on a timer showed the 120 px frame from before it,
# the rest blank. It is absolutely positioned, so it is drawn with the email's own bottom
# rows (a fixed element gets a layer of its own), and Chromium shows a frame only once every
# tile in view is drawn. Saturated colours survive the forced dark mode; the strip is a
# custom element with inline !important styles, so the email's CSS does not reach it.
MARK_ROWS = 4
MARK_COLOURS = ((255, 0, 255), (0, 255, 0))
MARK_SEGMENTS = 6


def _mark_style(top: int) -> str:
    stops = []
    for i in range(MARK_SEGMENTS):
        r, g, b = MARK_COLOURS[i % len(MARK_COLOURS)]
        stops += [
            f"rgb({r},{g},{b}) {100 * i / MARK_SEGMENTS:.3f}%",
            f"rgb({r},{g},{b}) {100 * (i + 1) / MARK_SEGMENTS:.3f}%",
        ]
    return (
        "all:initial !important; display:block !important; position:absolute !important; left:0 !important;"
        f" top:{top}px !important; width:100% !important; height:{MARK_ROWS}px !important;"
        f" background:linear-gradient(to right,{','.join(stops)}) !important; z-index:2147483647 !important;"
        " pointer-events:none !important; visibility:visible !important; opacity:1 !important;"
        " transform:none !important; filter:none !important;"
    )


# Places the mark; true when it sits in the extra rows and the email's CSS on <html> can
# neither move it nor change its colours or clip it (else there is no signal to wait for).
MARK_JS = """(function(h, rows, style){
  var old = document.querySelector('mailwright-paint-mark'); if (old) old.remove();
  var m = document.createElement('mailwright-paint-mark');
  m.setAttribute('style', style);
  var root = document.documentElement;
  root.appendChild(m);
  var r = m.getBoundingClientRect(), cs = getComputedStyle(root);
  var plain = cs.filter === 'none' && cs.opacity === '1' && cs.mixBlendMode === 'normal'
    && cs.clipPath === 'none' && (cs.maskImage || cs.webkitMaskImage || 'none') === 'none'
    && (cs.contain === 'none' || cs.contain === '') && (cs.backdropFilter || 'none') === 'none';
  return plain && Math.round(r.top) === h && Math.round(r.height) === rows && innerHeight === h + rows;
})(%d, %d, %s)"""


class SnapshotError(RuntimeError):
    """The page could not be rendered (a load failure or a timeout)."""


@dataclass(frozen=True)
class Snapshot:
    width: int
    height: int  # of the PNG
    page_height: int  # of the page (more than `height` when capped)
    blocked: tuple[str, ...]  # requests the view refused while rendering

    @property
    def capped(self) -> bool:
        return self.page_height > self.height


def _wait(app, condition, timeout_ms: int) -> bool:
    from PySide6.QtCore import QDeadlineTimer, QEventLoop

    deadline = QDeadlineTimer(timeout_ms)
    while not condition():
        if deadline.hasExpired():
            return False
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    return True


def _pause(app, ms: int) -> None:
    from PySide6.QtCore import QElapsedTimer, QEventLoop

    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < ms:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def run_script(view, script: str, timeout_ms: int = 10_000):
    """Run `script` in the ApplicationWorld of the view's page and return its result."""
    from PySide6.QtWebEngineCore import QWebEngineScript
    from PySide6.QtWidgets import QApplication

    box: list = []
    view.page().runJavaScript(script, QWebEngineScript.ScriptWorldId.ApplicationWorld, lambda r: box.append(r))
    if not _wait(QApplication.instance(), lambda: bool(box), timeout_ms):
        raise SnapshotError("the page did not answer in time")
    return box[0]


def render_image(
    html: str,
    *,
    width: int = 600,
    scheme: Scheme = "light",
    images: bool = True,
    max_height: int = MAX_HEIGHT,
    timeout_ms: int = 60_000,
    base: Path | None = None,
):
    """Render the email; returns (QImage, Snapshot). Needs a QApplication (scheme registered).
    `base`: the folder its relative (local) images are read from, by the canvas' rules."""
    from PySide6.QtCore import QSize
    from PySide6.QtWebEngineCore import QWebEngineSettings
    from PySide6.QtWidgets import QApplication

    from .email_view import EmailView

    app = QApplication.instance()
    if app is None:
        raise SnapshotError("no QApplication")
    view = EmailView(None, remote_images=False, scrollbars=False)
    view.set_base(base)
    try:
        view.page().settings().setAttribute(QWebEngineSettings.WebAttribute.ForceDarkMode, scheme == "forced")
        blocked_before = len(view.interceptor.blocked)
        view.resize(QSize(width, 120))
        view.show()
        loaded: list[bool] = []
        view.loadFinished.connect(lambda ok: loaded.append(bool(ok)))
        view.set_email_html(preview_html(html, scheme, images=images))
        if not _wait(app, lambda: bool(loaded), timeout_ms):
            raise SnapshotError(f"the email did not finish loading within {timeout_ms // 1000} s")
        if not any(loaded):
            # A refused navigation (a <meta http-equiv=refresh>, say) also reports a failed
            # load; what counts is whether our document is there.
            _pause(app, 100)
            here = run_script(view, "location.protocol === 'mwemail:' && !!document.body")
            if not any(loaded) and here is not True:
                raise SnapshotError("the email could not be loaded into the preview")
        page_height = int(float(run_script(view, HEIGHT_JS) or 0)) or 120
        height = max(1, min(page_height, max_height))
        _resize(app, view, width, height)
        # The page may reflow once it is as tall as its content (e.g. 100vh rules): measure again.
        again = int(float(run_script(view, HEIGHT_JS) or 0)) or page_height
        if again != page_height and again > height:
            page_height = again
            height = max(1, min(page_height, max_height))
        image = _grab_painted(app, view, width, height)
        blocked = tuple(view.interceptor.blocked[blocked_before:])
        return image, Snapshot(width, height, page_height, blocked)
    finally:
        view.release()
        view.hide()
        view.deleteLater()
        from PySide6.QtCore import QCoreApplication, QEvent

        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        _pause(app, 10)


def _marked(image, y: int, width: int) -> bool:
    """True when row y of the grab shows the paint mark (each segment in its colour)."""
    if image.isNull() or image.height() <= y or image.width() < width:
        return False
    for i in range(MARK_SEGMENTS):
        want = MARK_COLOURS[i % len(MARK_COLOURS)]
        c = image.pixelColor(int((i + 0.5) * width / MARK_SEGMENTS), y)
        if max(abs(c.red() - want[0]), abs(c.green() - want[1]), abs(c.blue() - want[2])) > 24:
            return False
    return True


def _resize(app, view, width: int, height: int, timeout_ms: int = PAINT_TIMEOUT_MS) -> None:
    """Resize the view and wait until the page has the new size (the renderer learns it later,
    much later on a busy computer; until then scripts measure, and grabs show, the old one)."""
    from PySide6.QtCore import QDeadlineTimer, QSize

    view.resize(QSize(width, height))
    deadline = QDeadlineTimer(timeout_ms)
    while int(float(run_script(view, "innerHeight") or 0)) != height:
        if deadline.hasExpired():
            raise SnapshotError(
                f"the preview did not take its size of {width}x{height} px within "
                f"{timeout_ms // 1000} s (is the computer very busy?); try again"
            )
        _pause(app, 50)


def _grab_painted(app, view, width: int, height: int, timeout_ms: int = PAINT_TIMEOUT_MS):
    """The view's picture, width x height, grabbed once it is painted to its bottom row.

    A grab taken too early (a busy computer) is blank, or blank at the bottom; the mark
    below the picture says when it is not. Raises SnapshotError when the picture does not
    paint in time.
    """
    from PySide6.QtCore import QDeadlineTimer, QRect

    _resize(app, view, width, height + MARK_ROWS, timeout_ms)
    placed = run_script(view, MARK_JS % (height, MARK_ROWS, json.dumps(_mark_style(height))))
    row = height + MARK_ROWS // 2
    deadline = QDeadlineTimer(timeout_ms)
    if placed is not True:
        # The email's CSS moved the mark (a transform on <html>, say): no signal to wait for,
        # so wait as long as a page this tall usually takes (the size, at least, is final).
        _pause(app, 400 + height // 40)
        return view.grab(QRect(0, 0, width, height)).toImage().copy(0, 0, width, height)
    while True:
        # Polling the strip alone is cheap; the whole picture is grabbed once it shows.
        if _marked(view.grab(QRect(0, height, width, MARK_ROWS)).toImage(), MARK_ROWS // 2, width):
            image = view.grab().toImage()
            if _marked(image, row, width):
                return image.copy(0, 0, width, height)
        if deadline.hasExpired():
            raise SnapshotError(
                f"the picture was not completely painted within {timeout_ms // 1000} s "
                "(is the computer very busy?); try again"
            )
        _pause(app, 100)


@contextlib.contextmanager
def quiet_stderr():
    """Chromium and Qt write warnings straight to file descriptor 2 (GPU, D-Bus, sandbox).
    Keep them away from the user; yields a function returning what was written."""
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield lambda: ""
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    log = tempfile.TemporaryFile()
    os.dup2(log.fileno(), fd)

    def captured() -> str:
        log.seek(0)
        return log.read().decode("utf-8", "replace")

    try:
        yield captured
    finally:
        sys.stderr.flush()
        os.dup2(saved, fd)
        os.close(saved)
        log.close()


def snapshot_png(
    html: str,
    out_path: str,
    *,
    width: int = 600,
    scheme: Scheme = "light",
    images: bool = True,
    max_height: int = MAX_HEIGHT,
    base: Path | None = None,
) -> Snapshot:
    """The whole job for the command line: start Qt offscreen, render, write the PNG.

    Raises SnapshotError when rendering fails and OSError when the PNG cannot be written.
    """
    from .app import prepare_environment

    prepare_environment(offscreen=True)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # never a window on the user's screen
    os.environ["QT_ENABLE_HIGHDPI_SCALING"] = "0"  # device pixel ratio 1: 1 CSS px = 1 pixel
    os.environ["QT_SCALE_FACTOR"] = "1"
    os.environ.pop("QT_SCREEN_SCALE_FACTORS", None)
    os.environ.setdefault("QT_LOGGING_RULES", "*.debug=false;qt.qpa.*=false;qt.webenginecontext=false")
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    for flag in ("--disable-gpu", "--log-level=3", "--force-device-scale-factor=1"):
        if flag.split("=")[0] not in flags:
            flags += " " + flag
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = flags.strip()

    with quiet_stderr() as captured:
        from .email_view import register_scheme

        register_scheme()
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "mailwright"])
        try:
            image, info = render_image(
                html, width=width, scheme=scheme, images=images, max_height=max_height, base=base
            )
        except SnapshotError as e:
            noise = captured().strip().splitlines()
            detail = f" (Qt said: {noise[-1][:200]})" if noise else ""
            raise SnapshotError(f"{e}{detail}") from None
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not image.save(buffer, "PNG"):
            raise SnapshotError("the picture could not be encoded as PNG")
        buffer.close()
        png = bytes(data.data())  # the stubs allow a memoryview; PySide6 gives bytes
        del app
    from ..app.document.atomic import atomic_write_bytes

    atomic_write_bytes(out_path, png, backup=False)
    return info
