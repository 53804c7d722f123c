"""The status bar's two permanent readouts: the exported HTML's size against Gmail's clipping
limit, and the checks' error and warning counts."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtWidgets import QLabel, QStatusBar

GMAIL_CLIP = 102 * 1024  # Gmail clips a message whose HTML is larger
_DESIGN_IDS = re.compile(r" ?mw-id-[A-Za-z0-9_-]+")  # the canvas's ids, never exported


class StatusReadout:
    def __init__(self, bar: QStatusBar) -> None:
        self.size_label = QLabel(bar)
        self.size_label.setObjectName("html-size")
        self.warn_label = QLabel(bar)
        self.warn_label.setObjectName("warning-count")
        bar.addPermanentWidget(self.warn_label)
        bar.addPermanentWidget(self.size_label)
        self.html_bytes = 0

    def show_size(self, design_html: str) -> None:
        """The size the exported email will have (the design build without its ids)."""
        self.html_bytes = size = len(_DESIGN_IDS.sub("", design_html).encode("utf-8"))
        over = size > GMAIL_CLIP
        self.size_label.setText(f"{size / 1024:.1f} KB of 102 KB" + (" — Gmail will clip this email" if over else ""))
        self.size_label.setStyleSheet("color:#b91c1c;font-weight:bold;" if over else "")

    def show_build_failed(self) -> None:
        self.size_label.setText("build failed")

    def show_findings(self, findings: list[dict[str, Any]]) -> None:
        errors = sum(f["severity"] == "error" for f in findings)
        warnings = sum(f["severity"] == "warning" for f in findings)
        self.warn_label.setText(f"{errors} errors · {warnings} warnings" if findings else "No problems found")
        self.warn_label.setStyleSheet("color:#b91c1c;" if errors else "")
