"""Read-only MJML, final HTML and plain text, with syntax highlighting, search and copy.

Shown as the "Code" tab of the preview workspace. The compiled HTML is minified; the view
breaks lines between tags for reading, and Copy always copies the exact original text.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QKeySequence,
    QShortcut,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

HIGHLIGHT_LIMIT = 600_000  # characters; larger sources are shown plain (highlighting would stall)


def _format(color: str, *, bold: bool = False, italic: bool = False, background: str | None = None) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(color))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    if italic:
        fmt.setFontItalic(True)
    if background:
        fmt.setBackground(QColor(background))
    return fmt


class MarkupHighlighter(QSyntaxHighlighter):
    """Tags, attribute names, strings, comments, entities and merge tags (HTML and MJML)."""

    TAG = re.compile(r"</?[A-Za-z][\w:.-]*|/?>")
    ATTR = re.compile(r"(?<=\s)[A-Za-z_:][\w:.-]*(?=\s*=)")
    STRING = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'")
    ENTITY = re.compile(r"&#?\w+;")
    MERGE = re.compile(r"<<.*?>>|<%.*?%>|<#.*?#>")
    COMMENT_START, COMMENT_END = "<!--", "-->"

    def __init__(self, document: QTextDocument, *, markup: bool = True) -> None:
        super().__init__(document)
        self.markup = markup
        self.formats = {
            "tag": _format("#1d4ed8"),
            "attr": _format("#b45309"),
            "string": _format("#047857"),
            "entity": _format("#0e7490"),
            "comment": _format("#6b7280", italic=True),
            "merge": _format("#7c3aed", bold=True, background="#ede9fe"),
        }

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt API)
        if self.markup:
            for m in self.TAG.finditer(text):
                self.setFormat(m.start(), m.end() - m.start(), self.formats["tag"])
            for m in self.ATTR.finditer(text):
                self.setFormat(m.start(), m.end() - m.start(), self.formats["attr"])
            for m in self.STRING.finditer(text):
                self.setFormat(m.start(), m.end() - m.start(), self.formats["string"])
            for m in self.ENTITY.finditer(text):
                self.setFormat(m.start(), m.end() - m.start(), self.formats["entity"])
            self._comments(text)
        for m in self.MERGE.finditer(text):
            self.setFormat(m.start(), m.end() - m.start(), self.formats["merge"])

    def _comments(self, text: str) -> None:
        self.setCurrentBlockState(0)
        start = 0 if self.previousBlockState() == 1 else text.find(self.COMMENT_START)
        while start >= 0:
            end = text.find(self.COMMENT_END, start)
            if end < 0:
                self.setCurrentBlockState(1)
                length = len(text) - start
            else:
                length = end - start + len(self.COMMENT_END)
            self.setFormat(start, length, self.formats["comment"])
            start = text.find(self.COMMENT_START, start + length)


def readable(source: str, markup: bool) -> str:
    """Line breaks between tags, for reading minified HTML (display only)."""
    if not markup:
        return source
    return re.sub(r">[ \t]*<(?=[A-Za-z/!])", ">\n<", source)


class SourcePane(QWidget):
    """One source: a read-only editor with its highlighter."""

    def __init__(self, name: str, *, markup: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"code-{name}")
        self.markup = markup
        self.source = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName(f"code-edit-{name}")
        self.edit.setReadOnly(True)
        self.edit.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        layout.addWidget(self.edit)
        self.note = QLabel(self)
        self.note.hide()
        layout.addWidget(self.note)
        self.highlighter = MarkupHighlighter(self.edit.document(), markup=markup)

    def set_source(self, source: str) -> None:
        if source == self.source and self.edit.document().characterCount() > 1:
            return
        self.source = source
        big = len(source) > HIGHLIGHT_LIMIT
        self.highlighter.setDocument(None if big else self.edit.document())
        self.note.setText(f"{len(source) / 1024:.0f} KB: shown without colours" if big else "")
        self.note.setVisible(big)
        self.edit.setPlainText(readable(source, self.markup))


class CodeView(QWidget):
    """MJML / HTML / text tabs, a search field (Ctrl+F, Enter/F3 next, Shift+Enter/Shift+F3
    previous) and a Copy button."""

    copied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("code-view")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setObjectName("code-search")
        self.search.setPlaceholderText("Find (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.find_next)
        self.search.textChanged.connect(lambda _t: self._count())
        bar.addWidget(self.search, 1)
        prev_b = QPushButton("◀ Previous", self)
        prev_b.setObjectName("code-prev")
        prev_b.clicked.connect(self.find_previous)
        bar.addWidget(prev_b)
        next_b = QPushButton("Next ▶", self)
        next_b.setObjectName("code-next")
        next_b.clicked.connect(self.find_next)
        bar.addWidget(next_b)
        self.case = QCheckBox("Match case", self)
        self.case.toggled.connect(lambda _on: self._count())
        bar.addWidget(self.case)
        self.matches = QLabel(self)
        self.matches.setObjectName("code-matches")
        self.matches.setMinimumWidth(90)
        bar.addWidget(self.matches)
        self.wrap = QCheckBox("Wrap lines", self)
        self.wrap.setChecked(True)
        self.wrap.toggled.connect(self._set_wrap)
        bar.addWidget(self.wrap)
        copy = QPushButton("Copy", self)
        copy.setObjectName("code-copy")
        copy.setToolTip("Copy the whole source of this tab, exactly as built")
        copy.clicked.connect(self.copy)
        bar.addWidget(copy)
        layout.addLayout(bar)

        self.tabs = QTabWidget(self)
        self.panes = {
            "mjml": SourcePane("mjml", parent=self),
            "html": SourcePane("html", parent=self),
            "text": SourcePane("text", markup=False, parent=self),
            "personal": SourcePane("personal", parent=self),
        }
        self.tabs.addTab(self.panes["mjml"], "MJML")
        self.tabs.addTab(self.panes["html"], "HTML")
        self.tabs.addTab(self.panes["text"], "Plain text")
        self.tabs.currentChanged.connect(lambda _i: self._count())
        layout.addWidget(self.tabs, 1)

        for keys, slot in (
            (QKeySequence.StandardKey.Find, self.focus_search),
            (QKeySequence.StandardKey.FindNext, self.find_next),
            (QKeySequence.StandardKey.FindPrevious, self.find_previous),
            ("Shift+Return", self.find_previous),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # --- content -------------------------------------------------------------------------------
    def set_sources(self, *, mjml: str, html: str, text: str = "", personal_html: str | None = None) -> None:
        self.panes["mjml"].set_source(mjml)
        self.panes["html"].set_source(html)
        self.panes["text"].set_source(text)
        index = self.tabs.indexOf(self.panes["personal"])
        if personal_html is not None:
            self.panes["personal"].set_source(personal_html)
            if index < 0:
                self.tabs.addTab(self.panes["personal"], "HTML for this recipient")
        elif index >= 0:
            self.tabs.removeTab(index)
        self._count()

    def current(self) -> SourcePane:
        return self.tabs.currentWidget()  # type: ignore[return-value]  # every tab is a SourcePane

    def show_tab(self, name: str) -> None:
        self.tabs.setCurrentWidget(self.panes[name])

    # --- search --------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _flags(self, backward: bool = False) -> QTextDocument.FindFlag:
        flags = QTextDocument.FindFlag(0)
        if backward:
            flags |= QTextDocument.FindFlag.FindBackward
        if self.case.isChecked():
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        return flags

    def _find(self, backward: bool) -> bool:
        needle = self.search.text()
        if not needle:
            return False
        edit = self.current().edit
        if edit.find(needle, self._flags(backward)):
            return True
        # wrap around
        cursor = edit.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start)
        edit.setTextCursor(cursor)
        return edit.find(needle, self._flags(backward))

    def find_next(self) -> bool:
        found = self._find(False)
        self._count(found)
        return found

    def find_previous(self) -> bool:
        found = self._find(True)
        self._count(found)
        return found

    def _count(self, found: bool | None = None) -> int:
        needle = self.search.text()
        if not needle:
            self.matches.setText("")
            return 0
        text = self.current().edit.toPlainText()
        if self.case.isChecked():
            n = text.count(needle)
        else:
            n = text.lower().count(needle.lower())
        self.matches.setText(f"{n} match{'es' if n != 1 else ''}" if n else "no match")
        self.matches.setStyleSheet("" if n else "color:#b91c1c")
        return n

    # --- copy / wrap -----------------------------------------------------------------------------
    def copy(self) -> str:
        source = self.current().source
        QApplication.clipboard().setText(source)
        self.copied.emit(source)
        return source

    def _set_wrap(self, on: bool) -> None:
        mode = QPlainTextEdit.LineWrapMode.WidgetWidth if on else QPlainTextEdit.LineWrapMode.NoWrap
        for pane in self.panes.values():
            pane.edit.setLineWrapMode(mode)
