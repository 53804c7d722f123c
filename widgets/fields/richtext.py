"""The editor of `richtext` fields: a small formatting toolbar over a QTextEdit."""

from __future__ import annotations

import functools
import re
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPalette, QTextCharFormat, QTextCursor, QTextListFormat
from PySide6.QtWidgets import QColorDialog, QHBoxLayout, QMenu, QTextEdit, QToolButton, QWidget

from .base import FieldEditor, small_button
from .merge_menu import MergeButton
from .swatch import color_pixmap
from .values import url_warning


def _format_action(method: Callable[..., Any]) -> Callable[..., Any]:
    """A rich-text toolbar action: one undo step of its own (see RichTextEditor._run)."""

    @functools.wraps(method)
    def wrapper(self: "RichTextEditor", *args: Any, **kwargs: Any) -> Any:
        if self._in_action:
            return method(self, *args, **kwargs)
        self._run(lambda: method(self, *args, **kwargs))

    return wrapper


def _qt_to_stored(qt_html: str, link_color: str | None = None) -> str:
    """QTextEdit.toHtml() to the document's compact rich text (app/build/richtext_clean.py)."""
    try:
        from ...app.build.richtext_clean import clean_rich_html
    except ImportError:
        match = re.search(r"<body[^>]*>(.*)</body>", qt_html, re.S | re.I)
        return (match.group(1) if match else qt_html).strip()
    if link_color:
        try:
            return clean_rich_html(qt_html, link_color=link_color)
        except TypeError:
            pass
    return clean_rich_html(qt_html)


def _stored_to_qt(html: str) -> str:
    try:
        from ...app.build.richtext_clean import rich_to_qt
    except ImportError:
        return html
    return rich_to_qt(html)


class RichTextEditor(FieldEditor):
    """Limited rich text: bold, italic, underline, links, lists, alignment, colour, merge tags."""

    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(1)
        self.tools: dict[str, QToolButton] = {}

        def tool(
            name: str,
            text: str,
            tip: str,
            slot: Callable[[], None] | None,
            checkable: bool = False,
            style: Callable[[QFont], None] | None = None,
        ) -> QToolButton:
            button = small_button(text, tip)
            button.setCheckable(checkable)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            if style is not None:
                font = button.font()
                style(font)
                button.setFont(font)
            if slot is not None:
                button.clicked.connect(lambda checked=False: self._run(slot))
            bar.addWidget(button)
            self.tools[name] = button
            return button

        tool("bold", "B", "Bold (Ctrl+B)", self.toggle_bold, True, lambda f: f.setBold(True))
        tool("italic", "I", "Italic (Ctrl+I)", self.toggle_italic, True, lambda f: f.setItalic(True))
        tool("underline", "U", "Underline (Ctrl+U)", self.toggle_underline, True, lambda f: f.setUnderline(True))
        tool("link", "Link", "Link the selection (merge tags allowed in the address)", self.edit_link)
        tool("bullets", "•", "Bulleted list", lambda: self.toggle_list(QTextListFormat.Style.ListDisc), True)
        tool("numbers", "1.", "Numbered list", lambda: self.toggle_list(QTextListFormat.Style.ListDecimal), True)
        align = tool("align", "≡", "Alignment", None)
        align.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        align_menu = QMenu(align)
        for label, flag in (
            ("Left", Qt.AlignmentFlag.AlignLeft),
            ("Centre", Qt.AlignmentFlag.AlignHCenter),
            ("Right", Qt.AlignmentFlag.AlignRight),
            ("Justify", Qt.AlignmentFlag.AlignJustify),
        ):
            align_menu.addAction(label).triggered.connect(
                lambda checked=False, a=flag: self._run(lambda: self.set_alignment(a))
            )
        align.setMenu(align_menu)
        color = tool("color", "A", "Text colour", None)
        color.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        color_menu = QMenu(color)
        color_menu.aboutToShow.connect(lambda: self._fill_color_menu(color_menu))
        color.setMenu(color_menu)
        for button in (align, color):
            button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        self.merge_button = MergeButton(self.ctx, self.insert_tag)
        bar.addWidget(self.merge_button)
        bar.addStretch(1)
        self._outer.insertLayout(0, bar)

        self._source: str | None = None
        self._in_action = False
        self.edit = QTextEdit()
        self.edit.setAcceptRichText(True)
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(120)
        self.edit.textChanged.connect(self._changed)
        self.edit.currentCharFormatChanged.connect(lambda fmt: self._update_tools())
        self.edit.cursorPositionChanged.connect(self._update_tools)
        self._watch(self.edit)
        self.row.addWidget(self.edit, 1)

    def focus_widget(self) -> QWidget:
        return self.edit

    # formatting ------------------------------------------------------------------------------
    def _run(self, action: Callable[[], None]) -> None:
        """A toolbar action: one undo step of its own, not merged with the typing around it."""
        self._in_action = True
        try:
            action()
        finally:
            self._in_action = False
        html = self.stored_html()
        if html != self._source:
            self._source = html
            self._commit(html, False)

    def _merge_format(self, fmt: QTextCharFormat) -> None:
        cursor = self.edit.textCursor()
        if not cursor.hasSelection():
            cursor.select(QTextCursor.SelectionType.WordUnderCursor)
        cursor.mergeCharFormat(fmt)
        self.edit.mergeCurrentCharFormat(fmt)

    @_format_action
    def toggle_bold(self) -> None:
        fmt = QTextCharFormat()
        fmt.setFontWeight(QFont.Weight.Bold if self.tools["bold"].isChecked() else QFont.Weight.Normal)
        self._merge_format(fmt)

    @_format_action
    def toggle_italic(self) -> None:
        fmt = QTextCharFormat()
        fmt.setFontItalic(self.tools["italic"].isChecked())
        self._merge_format(fmt)

    @_format_action
    def toggle_underline(self) -> None:
        fmt = QTextCharFormat()
        fmt.setFontUnderline(self.tools["underline"].isChecked())
        self._merge_format(fmt)

    @_format_action
    def set_link(self, href: str) -> None:
        """Link the selection (or the word at the cursor) to `href`; empty removes the link."""
        cursor = self.edit.textCursor()
        if not cursor.hasSelection():
            cursor.select(QTextCursor.SelectionType.WordUnderCursor)
        fmt = QTextCharFormat()
        if href:
            if not cursor.hasSelection():
                cursor.insertText(href)
                cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(href))
            fmt.setAnchor(True)
            fmt.setAnchorHref(href)
        else:
            fmt.setAnchor(False)
            fmt.setAnchorHref("")
        cursor.mergeCharFormat(fmt)
        self.set_warning(url_warning(href))
        self._reload()

    @_format_action
    def edit_link(self) -> None:
        from ..link_dialog import ask_link  # the canvas's Link dialog: checked, completed on OK

        current = self.edit.textCursor().charFormat().anchorHref()
        href = ask_link(self, current or "https://", removable=True)
        if href is not None:
            self.set_link(href)

    @_format_action
    def toggle_list(self, style: QTextListFormat.Style) -> None:
        cursor = self.edit.textCursor()
        current = cursor.currentList()
        cursor.beginEditBlock()
        if current is not None and current.format().style() == style:
            start, end = cursor.selectionStart(), cursor.selectionEnd()
            block = self.edit.document().findBlock(start)
            while block.isValid() and block.position() <= end:
                lst = block.textList()
                if lst is not None:
                    lst.remove(block)
                    block_fmt = block.blockFormat()
                    block_fmt.setIndent(0)
                    QTextCursor(block).setBlockFormat(block_fmt)
                block = block.next()
        elif current is not None:
            fmt = current.format()
            fmt.setStyle(style)
            current.setFormat(fmt)
        else:
            fmt = QTextListFormat()
            fmt.setStyle(style)
            cursor.createList(fmt)
        cursor.endEditBlock()
        self._update_tools()

    @_format_action
    def set_alignment(self, alignment: Qt.AlignmentFlag) -> None:
        self.edit.setAlignment(alignment)

    @_format_action
    def set_color(self, value: str | None) -> None:
        fmt = QTextCharFormat()
        if value:
            fmt.setForeground(QColor(value))
        else:
            fmt.clearForeground()
        cursor = self.edit.textCursor()
        if not cursor.hasSelection():
            cursor.select(QTextCursor.SelectionType.WordUnderCursor)
        if value:
            cursor.mergeCharFormat(fmt)
        else:
            current = cursor.charFormat()
            current.clearForeground()
            cursor.setCharFormat(current)

    def _fill_color_menu(self, menu: QMenu) -> None:
        menu.clear()
        for name, hex_value in self.ctx.theme_colors.items():
            action = menu.addAction(
                QIcon(color_pixmap(hex_value)), f"{name.replace('_', ' ').capitalize()}  {hex_value}"
            )
            action.triggered.connect(lambda checked=False, v=hex_value: self._run(lambda: self.set_color(v)))
        menu.addSeparator()
        menu.addAction("Other colour…").triggered.connect(lambda: self._run(self._pick_color))
        menu.addAction("Remove colour").triggered.connect(lambda: self._run(lambda: self.set_color(None)))

    @_format_action
    def _pick_color(self) -> None:
        color = QColorDialog.getColor(self.edit.textColor(), self, "Text colour")
        if color.isValid():
            self.set_color(color.name())

    def insert_tag(self, tag: str) -> None:
        self.edit.textCursor().insertText(tag)
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_tools(self) -> None:
        fmt = self.edit.currentCharFormat()
        self.tools["bold"].setChecked(fmt.fontWeight() >= QFont.Weight.Bold)
        self.tools["italic"].setChecked(fmt.fontItalic())
        self.tools["underline"].setChecked(fmt.fontUnderline() and not fmt.isAnchor())
        lst = self.edit.textCursor().currentList()
        style = lst.format().style() if lst is not None else None
        self.tools["bullets"].setChecked(style == QTextListFormat.Style.ListDisc)
        self.tools["numbers"].setChecked(style == QTextListFormat.Style.ListDecimal)

    # values ------------------------------------------------------------------------------------
    def stored_html(self) -> str:
        # Qt paints links in the palette's link colour and writes it into toHtml(); the
        # cleaner drops that colour so links keep the theme's.
        return _qt_to_stored(self.edit.toHtml(), self.edit.palette().color(QPalette.ColorRole.Link).name())

    def _changed(self) -> None:
        if self._updating or self._in_action:
            return
        html = self.stored_html()
        if html != self._source:
            self._source = html
            self._commit(html)

    def _reload(self) -> None:
        """Show the stored form again (after a link edit), keeping the cursor."""
        html = self.stored_html()
        if html != self._source:
            self._source = html
            self._commit(html, False)
        self._updating = True
        try:
            self._display(self._source, keep_cursor=True, force=True)
        finally:
            self._updating = False

    def _display(self, value: Any, *, keep_cursor: bool = False, force: bool = False) -> None:
        html = value or ""
        if not force and html == self._source:
            return
        pos = self.edit.textCursor().position()
        self.edit.setHtml(_stored_to_qt(html))
        self._source = html
        if keep_cursor:
            cursor = self.edit.textCursor()
            cursor.setPosition(min(pos, max(0, self.edit.document().characterCount() - 1)))
            self.edit.setTextCursor(cursor)
