""" "Read as cp1250 — change… [list]": which encoding a file that is not UTF-8 was read in, and a
list of the common ones to read it again in (the Recipients dock; `--encoding` on the command line).

The encoding of such a file is a guess (app/encodings.py), so the guess is said and undoable.
"""

from __future__ import annotations

import codecs

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

__all__ = ["COMMON_ENCODINGS", "EncodingChoice", "short_name"]

# (codec, short name, what it is for), the encodings CSV exports are met in, most common first.
COMMON_ENCODINGS: tuple[tuple[str, str, str], ...] = (
    ("utf-8", "UTF-8", "any language"),
    ("cp1250", "cp1250", "Central European: Polish, Czech, Hungarian…"),
    ("cp1251", "cp1251", "Cyrillic: Russian, Ukrainian, Bulgarian…"),
    ("cp1252", "cp1252", "Western European"),
    ("iso8859-1", "latin-1", "Western European, ISO 8859-1"),
    ("iso8859-2", "ISO 8859-2", "Central European"),
    ("iso8859-15", "ISO 8859-15", "Western European with €"),
    ("koi8-r", "KOI8-R", "Russian"),
    ("cp1253", "cp1253", "Greek"),
    ("cp1254", "cp1254", "Turkish"),
    ("cp1257", "cp1257", "Baltic"),
    ("shift_jis", "Shift_JIS", "Japanese"),
    ("cp932", "cp932", "Japanese, Windows' Shift_JIS"),
    ("euc_jp", "EUC-JP", "Japanese"),
    ("gb18030", "GB18030", "Chinese, simplified"),
    ("big5", "Big5", "Chinese, traditional"),
    ("euc_kr", "EUC-KR", "Korean"),
    ("utf-16", "UTF-16", "with a byte-order mark"),
)
_SHORT = {codec: short for codec, short, _ in COMMON_ENCODINGS}


def _canonical(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def short_name(encoding: str) -> str:
    """`cp1250`, `latin-1`, `Shift_JIS`: how the list names an encoding (else the codec's own name)."""
    return _SHORT.get(_canonical(encoding), encoding)


class EncodingChoice(QWidget):
    """Hidden until :meth:`show_for` gets a file's encoding; `chosen(codec)` when the user picks one."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recipients-encoding")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel("", self)
        self.label.setObjectName("recipients-encoding-label")
        layout.addWidget(self.label)
        self.box = QComboBox(self)
        self.box.setObjectName("recipients-encoding-box")
        self.box.setToolTip("Read the file again in this encoding: choose the one its letters look right in")
        for codec, short, what in COMMON_ENCODINGS:
            self.box.addItem(f"{short} — {what}", codec)
        self.box.activated.connect(self._activated)  # the user's choice only, not show_for's
        layout.addWidget(self.box)
        layout.addStretch(1)
        self.hide()

    def show_for(self, encoding: str | None, *, chosen: bool = False) -> None:
        """Say which encoding the file was read in; None, or UTF-8 the user did not choose, hides it."""
        codec = _canonical(encoding) if encoding else None
        if codec is None or (codec in ("utf-8", "utf-8-sig") and not chosen):
            if not self.isHidden():
                self.hide()
            return
        codec = "utf-8" if codec == "utf-8-sig" else codec
        if self.box.findData(codec) < 0:  # read in one the list lacks (e.g. --encoding mac-roman)
            self.box.addItem(codec, codec)
        self.box.setCurrentIndex(self.box.findData(codec))
        self.label.setText(f"Read as {short_name(codec)} — change…")
        self.label.setToolTip(
            "The file is not UTF-8, so its encoding was guessed. If letters look wrong "
            "(“£êkawska” for “Łękawska”), choose the encoding it was saved in."
        )
        self.show()

    def _activated(self, index: int) -> None:
        codec = self.box.itemData(index)
        if codec:
            self.chosen.emit(str(codec))
