"""Putting a pane into one of the main window's docks (replacing its placeholder)."""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget, QWidget


def put_in_dock(window, dock_name: str, widget: QWidget) -> QDockWidget | None:
    """Show `widget` in the window's dock named `dock_name`; the old content is deleted."""
    dock = window.findChild(QDockWidget, dock_name)
    if dock is None:
        return None
    old = dock.widget()
    dock.setWidget(widget)
    if old is not None and old is not widget:
        old.hide()
        old.deleteLater()
    return dock
