"""File > New: a gallery of starters (a blank email and each `examples/*.mwt`) with thumbnails
rendered by the real pipeline.

Thumbnails are drawn one at a time in a web view that never shows on screen: build the HTML,
load it, grab the page once it has painted, scale it into the item's icon. Items show a
placeholder until then, so the dialog opens at once; thumbnails are kept for the session.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

ROLE = Qt.ItemDataRole.UserRole
SUBJECT = Qt.ItemDataRole.UserRole + 1
THUMB = QSize(180, 234)  # the icon: a page in portrait
RENDER = QSize(640, 832)  # the page is rendered at this size, then scaled down
BLANK = "Blank email"

# (path, mtime_ns) -> thumbnail; rendering a starter costs a build and a page load.
_cache: dict[tuple[str, int], QPixmap] = {}


def _page(text: str, *, dashed: bool) -> QPixmap:
    """A plain page: the blank email, or a placeholder while the thumbnail renders."""
    pixmap = QPixmap(THUMB)
    pixmap.fill(QColor("#f1f5f9"))
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(8, 8, THUMB.width() - 16, THUMB.height() - 16)
    p.setBrush(QColor("white"))
    p.setPen(QPen(QColor("#94a3b8"), 1.5, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine))
    p.drawRoundedRect(rect, 6, 6)
    font = QFont()
    font.setPixelSize(40 if dashed else 13)
    p.setFont(font)
    p.setPen(QColor("#64748b"))
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
    p.end()
    return pixmap


def _uniform(image: QImage) -> bool:
    """True while the page has not painted yet (one colour everywhere we look)."""
    first = image.pixel(0, 0)
    step_x = max(1, image.width() // 24)
    step_y = max(1, image.height() // 24)
    return all(
        image.pixel(x, y) == first for x in range(0, image.width(), step_x) for y in range(0, image.height(), step_y)
    )


def _subject(path: Path) -> str:
    try:
        from ..app.document.storage import load_document

        return load_document(path).subject.strip() or path.stem.replace("_", " ").capitalize()
    except Exception:  # noqa: BLE001 - a broken starter still shows, by its file name
        return path.stem.replace("_", " ").capitalize()


_DEFAULT = re.compile(r"""<<[^>]*?\bdefault\(\s*("([^"]*)"|'([^']*)')\s*\)[^>]*>>""")
_TAG = re.compile(r"<<.*?>>|<%.*?%>", re.S)


def caption(subject: str, limit: int = 64) -> str:
    """A subject as a caption: merge tags read as their default (or …), long ones shortened."""
    text = _DEFAULT.sub(lambda m: m.group(2) if m.group(2) is not None else m.group(3), subject)
    text = " ".join(_TAG.sub("…", text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class StarterGallery(QDialog):
    """Choose what a new email starts from. After exec(): `chosen` is the starter's Path, or
    None for a blank email."""

    thumbnailsDone = Signal()

    GRAB_DELAY_MS = 120  # a loaded page paints shortly after loadFinished
    GRAB_RETRIES = 15

    def __init__(self, parent: QWidget | None = None, examples_dir: str | Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("starter-gallery")
        self.setWindowTitle("New email")
        self.resize(860, 620)
        self.chosen: Path | None = None
        self.examples_dir = Path(examples_dir) if examples_dir else Path(__file__).resolve().parents[1] / "examples"

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Start from a blank email or from one of the starters:", self))
        self.list = QListWidget(self)
        self.list.setObjectName("starters")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(THUMB)
        self.list.setGridSize(QSize(THUMB.width() + 28, THUMB.height() + 52))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setWordWrap(True)
        self.list.setSpacing(6)
        self.list.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        layout.addWidget(self.list, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        blank = QListWidgetItem(QIcon(_page("+", dashed=True)), BLANK, self.list)
        blank.setData(ROLE, None)
        blank.setToolTip("An empty email: drag layouts and blocks onto it")
        self._queue: list[tuple[QListWidgetItem, Path]] = []
        for path in sorted(self.examples_dir.glob("*.mwt")):
            subject = _subject(path)
            item = QListWidgetItem(caption(subject), self.list)
            item.setData(ROLE, str(path))
            item.setData(SUBJECT, subject)
            item.setToolTip(f"{subject}\n{path.name}")
            key = self._key(path)
            if key in _cache:
                item.setIcon(QIcon(_cache[key]))
            else:
                item.setIcon(QIcon(_page("Rendering…", dashed=False)))
                self._queue.append((item, path))
        self.list.setCurrentItem(blank)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.list.currentItemChanged.connect(
            lambda cur, _prev: self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(cur is not None)
        )

        self._view = None
        self._current: tuple[QListWidgetItem, Path] | None = None
        self._tries = 0
        self._grab_timer = QTimer(self)
        self._grab_timer.setSingleShot(True)
        self._grab_timer.setInterval(self.GRAB_DELAY_MS)
        self._grab_timer.timeout.connect(self._grab)
        if self._queue:
            QTimer.singleShot(0, self, self._next)
        else:
            QTimer.singleShot(0, self, self.thumbnailsDone.emit)

    # --- choosing ----------------------------------------------------------------------------
    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def accept(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        value = item.data(ROLE)
        self.chosen = Path(value) if value else None
        super().accept()

    def done(self, result: int) -> None:
        self._stop()
        super().done(result)

    @property
    def pending(self) -> int:
        """Thumbnails still to render."""
        return len(self._queue) + (self._current is not None)

    # --- thumbnails --------------------------------------------------------------------------
    @staticmethod
    def _key(path: Path) -> tuple[str, int]:
        try:
            return str(path.resolve()), path.stat().st_mtime_ns
        except OSError:
            return str(path), 0

    def _ensure_view(self):
        if self._view is None:
            from .email_view import EmailView

            # Its own window that never appears on screen; the dialog owns (and deletes) it.
            view = EmailView(self, scrollbars=False)
            view.setWindowFlag(Qt.WindowType.Window, True)
            view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
            view.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
            view.resize(RENDER)
            view.loadFinished.connect(self._loaded)
            view.show()
            self._view = view
        return self._view

    def _next(self) -> None:
        self._current = None
        while self._queue:
            item, path = self._queue.pop(0)
            try:
                from ..app.build.pipeline import build_file

                html = build_file(path, with_text=False).html  # a thumbnail shows no text part
            except Exception:  # noqa: BLE001 - a starter that does not build keeps its placeholder
                item.setIcon(QIcon(_page("No preview", dashed=False)))
                continue
            self._current = (item, path)
            self._tries = 0
            self._ensure_view().set_email_html(html)
            return
        self._stop()
        self.thumbnailsDone.emit()

    def _loaded(self, ok: bool) -> None:
        if self._current is None:
            return
        if not ok:
            self._current[0].setIcon(QIcon(_page("No preview", dashed=False)))
            QTimer.singleShot(0, self, self._next)
            return
        self._grab_timer.start()

    def _grab(self) -> None:
        if self._current is None or self._view is None:
            return
        item, path = self._current
        image = self._view.grab().toImage()
        self._tries += 1
        if _uniform(image) and self._tries < self.GRAB_RETRIES:
            self._grab_timer.start()  # not painted yet
            return
        thumb = QPixmap.fromImage(image).scaled(
            THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        _cache[self._key(path)] = thumb
        item.setIcon(QIcon(thumb))
        QTimer.singleShot(0, self, self._next)

    def _stop(self) -> None:
        self._grab_timer.stop()
        self._queue.clear()
        self._current = None
        if self._view is not None:
            view, self._view = self._view, None
            view.release()
            view.hide()
            view.deleteLater()
