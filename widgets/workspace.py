"""The main window's centre: a Design tab (theme notice bar over the canvas) and a Preview tab.

The preview used to be a window of its own that covered the editor and the recipient controls;
as a tab it shares the window with the docks (recipients, checks) and Ctrl+P flips between the
two. The preview workspace is made the first time its tab is shown (its web views cost memory
and a compile of the export build), and builds only while it is visible (PreviewState.use).
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QSizePolicy, QTabWidget, QVBoxLayout, QWidget

from .theme_notice import ThemeNotice

DESIGN, PREVIEW = 0, 1


class Workspace(QTabWidget):
    """Design | Preview. `make_preview()` returns the preview workspace widget (called once)."""

    def __init__(self, canvas: QWidget, push: Callable[[Any], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspace")
        self.setDocumentMode(True)
        self.canvas = canvas
        self.make_preview: Callable[[], QWidget] | None = None
        self.preview: QWidget | None = None

        design = QWidget(self)
        design.setObjectName("design-page")
        layout = QVBoxLayout(design)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.theme_notice = ThemeNotice(push, design)
        layout.addWidget(self.theme_notice)
        layout.addWidget(canvas, 1)
        self.addTab(design, "Design")

        self._preview_page = QWidget(self)
        self._preview_page.setObjectName("preview-page")
        self._preview_layout = QVBoxLayout(self._preview_page)
        self._preview_layout.setContentsMargins(0, 0, 0, 0)
        # The preview's controls are wide: they must not widen the window or squeeze the docks.
        self._preview_page.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.addTab(self._preview_page, "Preview")
        self.setTabToolTip(DESIGN, "Edit the email (Ctrl+P: preview)")
        self.setTabToolTip(PREVIEW, "The email as readers get it, per device and recipient (Ctrl+P, Esc: back)")
        self.currentChanged.connect(self._changed)
        back = QShortcut(QKeySequence("Esc"), self._preview_page)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.show_design)

    def set_session(self, session: Any) -> None:
        self.theme_notice.set_session(session)

    # --- tabs ---------------------------------------------------------------------------------
    def preview_widget(self) -> QWidget | None:
        """The preview workspace, made now if it was not yet."""
        if self.preview is None and self.make_preview is not None:
            self.preview = self.make_preview()
            self._preview_layout.addWidget(self.preview)
        return self.preview

    def show_preview(self) -> QWidget | None:
        preview = self.preview_widget()
        self.setCurrentIndex(PREVIEW)
        return preview

    def show_design(self) -> None:
        self.setCurrentIndex(DESIGN)
        self.canvas.setFocus(Qt.FocusReason.OtherFocusReason)

    def toggle_preview(self) -> None:
        self.show_design() if self.currentIndex() == PREVIEW else self.show_preview()

    def _changed(self, index: int) -> None:
        if index == PREVIEW:
            self.preview_widget()


__all__ = ["Workspace", "DESIGN", "PREVIEW"]
