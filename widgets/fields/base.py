"""One small editor widget per field kind, generated from `Field` declarations (blocks/base.py).

Editors hold no business logic. Each shows a value it is given (`set_value`) and reports what the
user did through two signals:

- `committed(value, mergeable)`: store this value (None clears the override); the inspector turns
  it into a command (SetProp, SetDocField, SetNodeAttr, ...);
- `command(cmd)`: push this ready-made command (structural edits such as renaming a variable);
- `reset_requested()`: the ↺ button, clear the override;
- `focus_left()`: the user left the field (the inspector seals the undo step).

Every editor shows the effective value (the override, or the theme/default value), a ↺ button
while the field is overridden, and one line of inline messages (red errors, amber warnings).
"""

from __future__ import annotations

import filecmp
import functools
import re
import shutil
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QIcon,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QTextCharFormat,
    QTextCursor,
    QTextListFormat,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...app.document.commands import Batch, SetDocField, split_widths
from ...app.merge import MergeSyntaxError, parse_expression, parse_repeat
from ...blocks.base import Field

ERROR_COLOR = "#b91c1c"
WARNING_COLOR = "#b45309"
MERGE_TAG = re.compile(r"<<.*?>>|<%.*?%>", re.S)
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_BARE_HEX = re.compile(r"^(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_URL_OK = re.compile(r"^(?:https?://[^\s/$.?#][^\s]*|mailto:[^\s]*|tel:[+\d\s().-]+|cid:\S+|#\S*)$", re.I)
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.gif *.webp *.svg);;All files (*)"
LINKS = (("Unsubscribe link", "unsubscribe"), ("View online link", "view_online"), ("Preferences link", "preferences"))
EXAMPLE_FIELDS = ("firstname", "email")
WEB_SAFE_FONTS = (
    "Arial, Helvetica, sans-serif",
    "'Helvetica Neue', Helvetica, Arial, sans-serif",
    "Verdana, Geneva, sans-serif",
    "Tahoma, Geneva, sans-serif",
    "'Trebuchet MS', Helvetica, sans-serif",
    "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
    "Georgia, 'Times New Roman', Times, serif",
    "'Times New Roman', Times, serif",
    "'Palatino Linotype', 'Book Antiqua', Palatino, serif",
    "'Courier New', Courier, monospace",
)
LAYOUT_PRESETS: tuple[tuple[str, list[float]], ...] = (
    ("100", [100]),
    ("50 / 50", [50, 50]),
    ("33 / 67", [33.33, 66.67]),
    ("67 / 33", [66.67, 33.33]),
    ("33 / 33 / 33", split_widths(3)),
    ("25 / 25 / 25 / 25", [25, 25, 25, 25]),
    ("25 / 75", [25, 75]),
    ("75 / 25", [75, 25]),
)


# --- context shared by the editors of one inspector ------------------------------------------


class EditorContext:
    """What editors need from the outside: the session (document path for images, variables),
    the loaded recipients' field names, the theme colours, and a way to report status and to ask
    the application to save."""

    def __init__(self) -> None:
        self.session: Any = None
        self.recipient_fields: list[str] = []
        self.theme_colors: dict[str, str] = {}
        self.save_handler: Callable[[], Any] | None = None
        self.status: Callable[[str], None] = lambda message: None
        self.dialog_parent: QWidget | None = None

    @property
    def variables(self) -> list[str]:
        return list(self.session.doc.variables) if self.session is not None else []

    @property
    def doc_path(self) -> Path | None:
        return self.session.path if self.session is not None else None

    def request_save(self, parent: QWidget) -> bool:
        """Ask the application to save the document (Save As); True when it now has a path."""
        if self.session is None:
            return False
        if self.save_handler is not None:
            self.save_handler()
            return self.session.path is not None
        name, _ = QFileDialog.getSaveFileName(parent, "Save email", "", "Mailwright email (*.mwt)")
        if not name:
            return False
        path = Path(name)
        if path.suffix.lower() != ".mwt":
            path = path.with_suffix(".mwt")
        try:
            self.session.save(path)
        except (OSError, ValueError) as e:
            self.status(f"Could not save: {e}")
            return False
        self.status(f"Saved {path.name}")
        return True


# --- helpers ------------------------------------------------------------------------------------


def url_warning(value: str) -> str:
    """A warning for a link target that does not look like one (still stored as written)."""
    value = (value or "").strip()
    if not value or MERGE_TAG.search(value) or _URL_OK.match(value):
        return ""
    return "This does not look like a link (https://, mailto:, tel:, cid: or a merge tag); it is kept as written."


def normalise_color(text: str) -> str:
    text = text.strip()
    if _BARE_HEX.match(text):
        text = "#" + text
    return text.lower() if _HEX.match(text) or text.lower() == "transparent" else text


def is_color(text: str) -> bool:
    return bool(_HEX.match(text)) or text == "transparent" or bool(MERGE_TAG.fullmatch(text))


def color_pixmap(value: str | None, size: int = 16) -> QPixmap:
    """A swatch: the colour, a checkerboard for transparent, a slashed box for none."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    rect = pix.rect().adjusted(0, 0, -1, -1)
    color = QColor(value) if value and _HEX.match(value) else None
    if color is not None:
        painter.fillRect(rect, color)
    else:
        painter.fillRect(rect, QColor("#ffffff"))
        if value == "transparent":
            half = size // 2
            painter.fillRect(0, 0, half, half, QColor("#d1d5db"))
            painter.fillRect(half, half, half, half, QColor("#d1d5db"))
        else:
            painter.setPen(QPen(QColor(ERROR_COLOR), 1.5))
            painter.drawLine(rect.bottomLeft(), rect.topRight())
    painter.setPen(QColor("#9ca3af"))
    painter.drawRect(rect)
    painter.end()
    return pix


def fallback_text(name: str) -> str:
    return "there" if "name" in name.lower() else ""


def build_merge_menu(menu: QMenu, ctx: EditorContext, insert: Callable[[str], None]) -> None:
    """Fill a menu with merge tags: the loaded recipients' fields (plain and with a fallback),
    the template variables and the special links."""
    menu.clear()

    def add(target: QMenu, text: str, tag: str) -> None:
        action = target.addAction(text)
        action.setData(tag)
        action.setToolTip(tag)
        action.triggered.connect(lambda checked=False, t=tag: insert(t))

    names = list(ctx.recipient_fields)
    menu.addSection("Recipient fields")
    if not names:
        note = menu.addAction("No recipients loaded: common fields")
        note.setEnabled(False)
        names = list(EXAMPLE_FIELDS)
    for name in names:
        add(menu, f"data:{name}", f"<< data:{name} >>")
    fallback = menu.addMenu("With a fallback")
    for name in names:
        add(
            fallback,
            f'data:{name} | default("{fallback_text(name)}")',
            f'<< data:{name} | default("{fallback_text(name)}") >>',
        )
    variables = ctx.variables
    if variables:
        menu.addSection("Template variables")
        for name in variables:
            add(menu, f"var:{name}", f"<< var:{name} >>")
    menu.addSection("Links")
    for label, name in LINKS:
        add(menu, label, f"<< link:{name} >>")


class MergeButton(QToolButton):
    """The small "{ }" button that inserts a merge tag into its editor."""

    def __init__(self, ctx: EditorContext, insert: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText("{ }")
        self.setToolTip("Insert a merge tag (personalisation)")
        self.setAutoRaise(True)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        menu = QMenu(self)
        menu.aboutToShow.connect(lambda: build_merge_menu(menu, ctx, insert))
        self.setMenu(menu)
        build_merge_menu(menu, ctx, insert)


def copy_to_assets(source: Path, doc_path: Path) -> str:
    """Copy an image into `assets/` beside the document; the relative path to store.

    The file keeps its name; a different file with the same name gets `-2`, `-3`, ...; the same
    file chosen twice is not copied twice.
    """
    assets = doc_path.parent / "assets"
    assets.mkdir(exist_ok=True)
    target = assets / source.name
    n = 1
    while target.exists():
        if target.resolve() == source.resolve() or filecmp.cmp(target, source, shallow=False):
            return f"assets/{target.name}"
        n += 1
        target = assets / f"{source.stem}-{n}{source.suffix}"
    shutil.copy2(source, target)
    return f"assets/{target.name}"


def small_button(text: str, tooltip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tooltip)
    button.setAutoRaise(True)
    return button


class ComboBox(QComboBox):
    """A combo box that ignores the mouse wheel unless it has focus, so scrolling the inspector
    never changes a value by accident."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


# --- the base editor ----------------------------------------------------------------------------


class FieldEditor(QWidget):
    """Base of every editor: the input row, a ↺ reset button and a message line."""

    committed = Signal(object, bool)
    command = Signal(object)
    reset_requested = Signal()
    focus_left = Signal()

    # True: while the user types here, refreshes leave the input alone (cursor, selection).
    KEEPS_CURSOR = True
    # True: the editor shows its own label (a check box) and spans the form's two columns.
    SPANS = False

    def __init__(
        self, field: Field, ctx: EditorContext, parent: QWidget | None = None, *, resettable: bool = True
    ) -> None:
        super().__init__(parent)
        self.field = field
        self.ctx = ctx
        self.resettable = resettable
        self.overridden = False
        self.value: Any = None
        self._updating = False
        self._error = ""
        self._warning = ""
        self._watched: list[QWidget] = []

        self._outer = QVBoxLayout(self)
        self._outer.setContentsMargins(0, 0, 0, 0)
        self._outer.setSpacing(2)
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(3)
        self._outer.addLayout(self.row)
        self._build()
        self.reset_button = small_button("↺", "Reset to the theme or default value")
        self.reset_button.setObjectName("reset")
        self.reset_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        policy = self.reset_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.reset_button.setSizePolicy(policy)
        self.reset_button.clicked.connect(self.reset_requested)
        self.reset_button.setVisible(False)
        self.row.addWidget(self.reset_button, 0, Qt.AlignmentFlag.AlignTop)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        font = self.message.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        self.message.setFont(font)
        self._outer.addWidget(self.message)
        if field.hint:
            self.setToolTip(field.hint)

    # subclasses -------------------------------------------------------------------------------
    def _build(self) -> None:
        raise NotImplementedError

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        """Show a value in the inputs (signals from the inputs are ignored meanwhile)."""
        raise NotImplementedError

    def _update_meta(self, value: Any) -> None:
        """Things that never disturb typing: placeholders, swatches, warnings."""

    def focus_widget(self) -> QWidget:
        """The input a form label points at."""
        return self

    def context_changed(self) -> None:
        """The theme or document changed around the editor (theme swatches)."""

    # public -----------------------------------------------------------------------------------
    @property
    def required(self) -> bool:
        return False

    def set_value(self, value: Any, overridden: bool, *, typing: bool = False) -> None:
        """Show the effective value; `typing`: the user is typing here, keep the input as is."""
        self.overridden = overridden
        self.reset_button.setVisible(bool(overridden and self.resettable))
        if not (typing and self.KEEPS_CURSOR):
            self.value = value
            self._updating = True
            try:
                self._display(value, keep_cursor=typing)
            finally:
                self._updating = False
            if not typing:
                self._error = ""
        self._update_meta(value)
        self._render_message()

    def show_error(self, message: str) -> None:
        self._error = message
        self._render_message()

    def clear_error(self) -> None:
        if self._error:
            self._error = ""
            self._render_message()

    def set_warning(self, message: str) -> None:
        self._warning = message
        self._render_message()

    def message_text(self) -> str:
        """The inline message shown (error or warning), "" when none."""
        return "" if self.message.isHidden() else self.message.text()

    @property
    def error(self) -> str:
        return self._error

    @property
    def warning(self) -> str:
        return self._warning

    def has_focus(self) -> bool:
        widget = QApplication.focusWidget()
        return widget is not None and (widget is self or self.isAncestorOf(widget))

    # helpers for subclasses --------------------------------------------------------------------
    def _commit(self, value: Any, mergeable: bool = True) -> None:
        if self._updating:
            return
        self.value = value
        self.committed.emit(value, mergeable)

    def _watch(self, widget: QWidget) -> None:
        """Report focus leaving this input (ends the undo step of typing)."""
        widget.installEventFilter(self)
        self._watched.append(widget)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.FocusOut and obj in self._watched:
            self.focus_left.emit()
        return super().eventFilter(obj, event)

    def _render_message(self) -> None:
        text, color = (self._error, ERROR_COLOR) if self._error else (self._warning, WARNING_COLOR)
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {color};")
        self.message.setVisible(bool(text))


# --- text kinds ---------------------------------------------------------------------------------


class TextEditor(FieldEditor):
    """One line of merge-aware text."""

    MERGE = True

    def _build(self) -> None:
        self.line = QLineEdit()
        self.line.setClearButtonEnabled(False)
        self.line.textEdited.connect(self._edited)
        self._watch(self.line)
        self.row.addWidget(self.line, 1)
        if self.MERGE:
            self.merge_button = MergeButton(self.ctx, self.insert_tag)
            self.row.addWidget(self.merge_button)

    @property
    def required(self) -> bool:
        return self.field.name == "alt" or self.field.name.endswith("_alt")

    def focus_widget(self) -> QWidget:
        return self.line

    def insert_tag(self, tag: str) -> None:
        self.line.insert(tag)
        self.line.setFocus(Qt.FocusReason.OtherFocusReason)
        self._edited(self.line.text())

    def _edited(self, text: str) -> None:
        self._update_meta(text)
        self._render_message()
        self._commit(text)

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        text = "" if value is None else str(value)
        if self.line.text() != text:
            pos = self.line.cursorPosition()
            self.line.setText(text)
            if keep_cursor:
                self.line.setCursorPosition(min(pos, len(text)))
            else:
                self.line.setCursorPosition(0)

    def _update_meta(self, value: Any) -> None:
        if self.required:
            self._warning = (
                ""
                if (value or "").strip()
                else "Describe the image for screen readers and image-off clients "
                "(leave it empty only for a purely decorative image)."
            )


class UrlEditor(TextEditor):
    """A link target: validated (http(s), mailto, tel, cid or a merge tag), stored as written."""

    def _build(self) -> None:
        super()._build()
        self.line.setPlaceholderText("https://…")

    def _update_meta(self, value: Any) -> None:
        self._warning = url_warning(value or "")


class MultilineEditor(FieldEditor):
    """Several lines of merge-aware plain text."""

    MERGE = True
    LINES = 3

    def _build(self) -> None:
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        self._configure()
        metrics = self.edit.fontMetrics()
        self.edit.setFixedHeight(metrics.lineSpacing() * self.LINES + 14)
        self.edit.textChanged.connect(self._changed)
        self._watch(self.edit)
        self.row.addWidget(self.edit, 1)
        if self.MERGE:
            self.merge_button = MergeButton(self.ctx, self.insert_tag)
            self.row.addWidget(self.merge_button, 0, Qt.AlignmentFlag.AlignTop)

    def _configure(self) -> None:
        pass

    def focus_widget(self) -> QWidget:
        return self.edit

    def insert_tag(self, tag: str) -> None:
        self.edit.insertPlainText(tag)
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _changed(self) -> None:
        if self._updating:
            return
        text = self.edit.toPlainText()
        if text != self.value:
            self._commit(text)

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        text = "" if value is None else str(value)
        if self.edit.toPlainText() != text:
            pos = self.edit.textCursor().position()
            self.edit.setPlainText(text)
            if keep_cursor:
                cursor = self.edit.textCursor()
                cursor.setPosition(min(pos, len(text)))
                self.edit.setTextCursor(cursor)


class CodeEditor(MultilineEditor):
    """Raw HTML or MJML, monospace, kept exactly as written."""

    LINES = 8

    def _configure(self) -> None:
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.edit.setFont(font)
        self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.edit.setTabChangesFocus(False)
        self.edit.setTabStopDistance(self.edit.fontMetrics().horizontalAdvance(" ") * 2)


# --- rich text ----------------------------------------------------------------------------------


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
        current = self.edit.textCursor().charFormat().anchorHref()
        href, ok = QInputDialog.getText(
            self,
            "Link",
            "Link address (https://, mailto:, tel: or a merge tag);\nempty removes the link:",
            QLineEdit.EchoMode.Normal,
            current or "https://",
        )
        if ok:
            self.set_link(href.strip())

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
                    fmt = block.blockFormat()
                    fmt.setIndent(0)
                    QTextCursor(block).setBlockFormat(fmt)
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


# --- links and images ---------------------------------------------------------------------------


class ImageEditor(FieldEditor):
    """An image URL, or a local file copied into `assets/` beside the document."""

    def _build(self) -> None:
        self.line = QLineEdit()
        self.line.setPlaceholderText("https://… or assets/…")
        self.line.textEdited.connect(self._edited)
        self._watch(self.line)
        self.row.addWidget(self.line, 1)
        self.choose_button = QToolButton()
        self.choose_button.setText("Choose file…")
        self.choose_button.setToolTip("Copy a picture from this computer into the assets folder beside the email")
        self.choose_button.clicked.connect(self.choose_file)
        self.row.addWidget(self.choose_button)

    def focus_widget(self) -> QWidget:
        return self.line

    def _edited(self, text: str) -> None:
        self._update_meta(text)
        self._render_message()
        self._commit(text.strip())

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        text = value or ""
        if self.line.text() != text:
            self.line.setText(text)
            self.line.setCursorPosition(len(text) if keep_cursor else 0)

    def _update_meta(self, value: Any) -> None:
        value = (value or "").strip()
        self._warning = ""
        if value and not MERGE_TAG.search(value) and not re.match(r"^(https?:|cid:|data:image/)", value, re.I):
            doc_path = self.ctx.doc_path
            if doc_path is None:
                self._warning = "A local image needs the email to be saved (it is looked up beside the file)."
            elif not (doc_path.parent / value).is_file():
                self._warning = f"{value} was not found beside the email."

    def choose_file(self) -> None:
        session = self.ctx.session
        if session is None:
            return
        if session.path is None:
            answer = QMessageBox.question(
                self,
                "Save the email first",
                "A chosen picture is copied into an “assets” folder beside the email file, so the email "
                "must be saved first.\n\nSave it now?",
            )
            if answer != QMessageBox.StandardButton.Yes or not self.ctx.request_save(self):
                self.ctx.status("Save the email before adding a picture from this computer")
                return
        start = str(session.path.parent) if session.path else ""
        name, _ = QFileDialog.getOpenFileName(self, "Choose an image", start, IMAGE_FILTER)
        if not name:
            return
        try:
            relative = copy_to_assets(Path(name), session.path)
        except OSError as e:
            self.show_error(f"Could not copy the picture: {e}")
            self.ctx.status(f"Could not copy the picture: {e}")
            return
        self.line.setText(relative)
        self._update_meta(relative)
        self._render_message()
        self._commit(relative, False)
        self.ctx.status(f"Copied {Path(name).name} to {relative}")


# --- colour ---------------------------------------------------------------------------------------


class ColorEditor(FieldEditor):
    """A swatch (colour dialog), a hex field and the theme's colours; empty = theme default."""

    def _build(self) -> None:
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        top = QHBoxLayout()
        top.setSpacing(3)
        self.swatch = QToolButton()
        self.swatch.setToolTip("Choose a colour")
        self.swatch.setIconSize(QSize(16, 16))
        self.swatch.clicked.connect(self.pick)
        top.addWidget(self.swatch)
        self.hex = QLineEdit()
        self.hex.setMaximumWidth(140)
        self.hex.textEdited.connect(self._edited)
        self.hex.editingFinished.connect(self._finished)
        self._watch(self.hex)
        top.addWidget(self.hex, 1)
        top.addStretch(0)
        column.addLayout(top)
        self.swatches = QHBoxLayout()
        self.swatches.setSpacing(2)
        self.swatches.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.swatches)
        self._swatch_colors: dict[str, str] = {}
        self.row.addLayout(column, 1)

    def focus_widget(self) -> QWidget:
        return self.hex

    def context_changed(self) -> None:
        colors = dict(self.ctx.theme_colors)
        if colors == self._swatch_colors:
            return
        self._swatch_colors = colors
        while self.swatches.count():
            item = self.swatches.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for name, value in colors.items():
            button = QToolButton()
            button.setObjectName(f"swatch_{name}")
            button.setAutoRaise(True)
            button.setIcon(QIcon(color_pixmap(value, 11)))
            button.setIconSize(QSize(11, 11))
            button.setFixedSize(14, 14)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(f"Theme {name.replace('_', ' ')}: {value}")
            button.clicked.connect(lambda checked=False, v=value: self.choose(v))
            self.swatches.addWidget(button)
        self.swatches.addStretch(1)

    def choose(self, value: str) -> None:
        """Store a colour picked from a swatch or the dialog."""
        self.hex.setText(value)
        self.clear_error()
        self._paint(value)
        self._commit(value, False)

    def pick(self) -> None:
        current = self.hex.text().strip() or self.value or "#ffffff"
        color = QColorDialog.getColor(
            QColor(current if _HEX.match(current) else "#ffffff"), self, f"Choose {self.field.label.lower()}"
        )
        if color.isValid():
            self.choose(color.name())

    def _edited(self, text: str) -> None:
        value = normalise_color(text)
        if value and is_color(value):
            self._paint(value)
            self.clear_error()
            self._commit(value)

    def _finished(self) -> None:
        text = self.hex.text().strip()
        if not text:
            if self.overridden:
                self._commit(None, False)
            return
        value = normalise_color(text)
        if value == self.value and self.overridden:
            return
        # Valid or not, the command decides; an invalid colour comes back as an inline error.
        self._commit(value, False)

    def _paint(self, value: str | None) -> None:
        self.swatch.setIcon(QIcon(color_pixmap(value)))

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        text = (value or "") if self.overridden else ""
        if self.hex.text() != text:
            self.hex.setText(text)

    def _update_meta(self, value: Any) -> None:
        source = "theme" if self.field.theme else "default"
        self.hex.setPlaceholderText(f"{value} ({source})" if value else "none")
        self._paint(value or None)
        self.context_changed()


# --- numbers, choices, toggles -------------------------------------------------------------------


class _OptionalSpin:
    """A spin box that can be empty (no override): the effective value shows as placeholder."""

    def _init_optional(self) -> None:
        self._empty = False
        self._unit = ""

    def set_unit(self, unit: str) -> None:
        self._unit = unit
        if not self._empty:
            self.setSuffix(unit)  # type: ignore[attr-defined]  # a mixin: the spin box it goes into has it

    def set_empty(self, empty: bool) -> None:
        self._empty = empty
        self.setSuffix("" if empty else self._unit)  # type: ignore[attr-defined]  # a mixin: the spin box it goes into has it
        if empty:
            self.lineEdit().setText("")  # type: ignore[attr-defined]  # a mixin: the spin box it goes into has it

    def is_empty(self) -> bool:
        return self._empty

    def textFromValue(self, value):  # noqa: N802 (Qt name)
        return "" if self._empty else super().textFromValue(value)

    def validate(self, text, pos):
        from PySide6.QtGui import QValidator

        if text.strip() == "":
            return (QValidator.State.Acceptable, text, pos)
        return super().validate(text, pos)

    def valueFromText(self, text):  # noqa: N802 (Qt name)
        if text.strip() == "":
            self._empty = True
            self.setSuffix("")
            return self.value()
        return super().valueFromText(text)

    def keyPressEvent(self, event):  # noqa: N802 (Qt name)
        if self._empty and event.text().strip():
            self._empty = False
        super().keyPressEvent(event)

    def stepBy(self, steps):  # noqa: N802 (Qt name)
        if self._empty:
            self._empty = False
            self.setSuffix(self._unit)
        super().stepBy(steps)

    def wheelEvent(self, event):  # noqa: N802 (Qt name)
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # scrolling the inspector, not this value

    def focusOutEvent(self, event):  # noqa: N802 (Qt name)
        super().focusOutEvent(event)
        if not self._empty and self.suffix() != self._unit:
            self.setSuffix(self._unit)


class OptionalSpinBox(_OptionalSpin, QSpinBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        QSpinBox.__init__(self, parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._init_optional()


class OptionalDoubleSpinBox(_OptionalSpin, QDoubleSpinBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        QDoubleSpinBox.__init__(self, parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._init_optional()


class NumberEditor(FieldEditor):
    """A number with min/max and unit; empty = the theme/default value, shown as placeholder."""

    def _build(self) -> None:
        f = self.field
        whole = f.integer or f.unit in ("px", "%")
        self.spin = OptionalSpinBox() if whole else OptionalDoubleSpinBox()
        lo = f.min if f.min is not None else 0
        hi = f.max if f.max is not None else 100000
        if whole:
            self.spin.setRange(int(lo), int(hi))
        else:
            self.spin.setDecimals(2)
            self.spin.setSingleStep(0.1 if hi - lo <= 10 else 1)
            self.spin.setRange(float(lo), float(hi))
        self.spin.set_unit(f" {f.unit}" if f.unit else "")
        self.spin.setKeyboardTracking(True)
        self.spin.setAccelerated(True)
        self.spin.setMinimumWidth(120)
        self.spin.valueChanged.connect(self._changed)
        self.spin.editingFinished.connect(self._finished)
        self._watch(self.spin)
        self.row.addWidget(self.spin)
        self.row.addStretch(1)

    def focus_widget(self) -> QWidget:
        return self.spin

    def _number(self, value: float) -> int | float:
        if isinstance(self.spin, QSpinBox):
            return int(value)
        value = round(float(value), 2)
        return int(value) if value.is_integer() else value

    def _changed(self, value: float) -> None:
        if self._updating or self.spin.is_empty():
            return
        self._commit(self._number(value))

    def _finished(self) -> None:
        if self.spin.is_empty() and self.overridden and not self._updating:
            self._commit(None, False)

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        if self.overridden and value is not None:
            self.spin.set_empty(False)
            self.spin.setValue(value)
            # setValue does not redraw an unchanged value that was shown empty.
            text = self.spin.prefix() + self.spin.textFromValue(self.spin.value()) + self.spin.suffix()
            if self.spin.lineEdit().text() != text:
                self.spin.lineEdit().setText(text)
        else:
            if value is not None:
                self.spin.setValue(value)  # the arrows start from the effective value
            self.spin.set_empty(True)

    def _update_meta(self, value: Any) -> None:
        if value is None:
            hint = self.field.hint.removeprefix("empty: ") if self.field.hint.startswith("empty:") else ""
            text = f"auto ({hint})" if hint else "auto"
        else:
            number = self._number(value)
            unit = f" {self.field.unit}" if self.field.unit else ""
            text = f"{number}{unit} ({'theme' if self.field.theme else 'default'})"
        self.spin.lineEdit().setPlaceholderText(text)


def _choice_label(value: str) -> str:
    return value[:1].upper() + value[1:] if value else value


class ChoiceEditor(FieldEditor):
    """One of the field's choices."""

    KEEPS_CURSOR = False

    def __init__(
        self,
        field: Field,
        ctx: EditorContext,
        parent: QWidget | None = None,
        *,
        resettable: bool = True,
        labels: dict[str, str] | None = None,
    ) -> None:
        self._labels = labels or {}
        super().__init__(field, ctx, parent, resettable=resettable)

    def _build(self) -> None:
        self.combo = ComboBox()
        for choice in self.field.choices:
            self.combo.addItem(self._labels.get(choice, _choice_label(choice)), choice)
        self.combo.currentIndexChanged.connect(self._changed)
        self._watch(self.combo)
        self.row.addWidget(self.combo, 1)

    def focus_widget(self) -> QWidget:
        return self.combo

    def select(self, value: str) -> None:
        """Choose a value as a user would."""
        index = self.combo.findData(value)
        if index >= 0:
            self.combo.setCurrentIndex(index)

    def _changed(self, index: int) -> None:
        if index >= 0:
            self._commit(self.combo.itemData(index))

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        index = self.combo.findData(value)
        if index < 0 and value is not None:
            self.combo.addItem(f"{value} (unknown)", value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)


class BoolEditor(FieldEditor):
    """A check box labelled with the field's label."""

    KEEPS_CURSOR = False
    SPANS = True

    def _build(self) -> None:
        self.check = QCheckBox(self.field.label)
        self.check.toggled.connect(lambda on: self._commit(bool(on), False))
        self._watch(self.check)
        self.row.addWidget(self.check, 1)

    def focus_widget(self) -> QWidget:
        return self.check

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        self.check.setChecked(bool(value))


class FontFamilyEditor(FieldEditor):
    """An editable list of web-safe font stacks; empty = the theme's font."""

    def _build(self) -> None:
        self.combo = ComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for stack in WEB_SAFE_FONTS:
            self.combo.addItem(stack.split(",")[0].strip("'"), stack)
            self.combo.setItemData(self.combo.count() - 1, stack, Qt.ItemDataRole.ToolTipRole)
        self.combo.activated.connect(self._activated)
        line = self.combo.lineEdit()
        line.textEdited.connect(lambda text: self._commit(text.strip() or None))
        self._watch(self.combo)
        self.row.addWidget(self.combo, 1)

    def focus_widget(self) -> QWidget:
        return self.combo

    def _activated(self, index: int) -> None:
        stack = self.combo.itemData(index)
        self.combo.setEditText(stack)
        self._commit(stack, False)

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        self.combo.setCurrentIndex(-1)
        self.combo.setEditText(value if self.overridden and value else "")

    def _update_meta(self, value: Any) -> None:
        self.combo.lineEdit().setPlaceholderText(f"{value} (theme)" if value else "")


# --- lists ---------------------------------------------------------------------------------------


class _TableEditor(FieldEditor):
    """Shared parts of the small table editors: a compact table and add/remove/move buttons."""

    KEEPS_CURSOR = False
    SPANS = True
    MAX_VISIBLE_ROWS = 6

    def _make_table(self, headers: list[str]) -> None:
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.itemChanged.connect(self._item_changed)
        self._watch(self.table)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        title = QLabel(self.field.label)
        column.addWidget(title)
        column.addWidget(self.table)
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(1)
        self.add_button = small_button("+", "Add")
        self.remove_button = small_button("−", "Remove the selected row")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(lambda: self.remove_row())
        self.buttons.addWidget(self.add_button)
        self.buttons.addWidget(self.remove_button)
        column.addLayout(self.buttons)
        self.row.addLayout(column, 1)

    def _fit_height(self) -> None:
        rows = max(1, min(self.table.rowCount(), self.MAX_VISIBLE_ROWS))
        row_height = max(
            [self.table.verticalHeader().defaultSectionSize()]
            + [self.table.rowHeight(r) for r in range(min(self.table.rowCount(), rows))]
        )
        height = (
            self.table.horizontalHeader().sizeHint().height()
            + rows * row_height
            + self.table.horizontalScrollBar().sizeHint().height()
            + 2 * self.table.frameWidth()
            + 2
        )
        self.table.setFixedHeight(height)

    def current_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else self.table.currentRow()

    def focus_widget(self) -> QWidget:
        return self.table

    def add_row(self) -> None:
        raise NotImplementedError

    def remove_row(self, row: int | None = None) -> None:
        raise NotImplementedError

    def _item_changed(self, item: QTableWidgetItem) -> None:
        raise NotImplementedError


class ItemsEditor(_TableEditor):
    """A list of small records (social networks, menu links, totals) as a table."""

    def _build(self) -> None:
        self._fields = self.field.item_fields
        self._items: list[dict[str, Any]] = []
        self._make_table([f.label for f in self._fields])
        self.up_button = small_button("↑", "Move up")
        self.down_button = small_button("↓", "Move down")
        self.up_button.clicked.connect(lambda: self.move_row(-1))
        self.down_button.clicked.connect(lambda: self.move_row(1))
        self.buttons.addWidget(self.up_button)
        self.buttons.addWidget(self.down_button)
        self.buttons.addStretch(1)

    @property
    def items(self) -> list[dict[str, Any]]:
        return [dict(i) for i in self._items]

    def _stored(self) -> list[dict[str, Any]]:
        out = []
        for item in self._items:
            record = {}
            for f in self._fields:
                value = item.get(f.name)
                if value is None or (value == f.default and f.kind != "choice"):
                    continue
                record[f.name] = value
            out.append(record)
        return out

    def _store(self, select: int | None = None) -> None:
        self._populate()
        if select is not None and 0 <= select < self.table.rowCount():
            self.table.selectRow(select)
        self._commit(self._stored(), False)

    def set_cell(self, row: int, name: str, value: Any) -> None:
        """Change one cell as a user would."""
        self._items[row][name] = value
        self._store(row)

    def add_row(self) -> None:
        self._items.append({f.name: f.default for f in self._fields})
        self._store(len(self._items) - 1)

    def remove_row(self, row: int | None = None) -> None:
        row = self.current_row() if row is None else row
        if 0 <= row < len(self._items):
            del self._items[row]
            self._store(min(row, len(self._items) - 1))

    def move_row(self, delta: int, row: int | None = None) -> None:
        row = self.current_row() if row is None else row
        target = row + delta
        if 0 <= row < len(self._items) and 0 <= target < len(self._items):
            self._items[row], self._items[target] = self._items[target], self._items[row]
            self._store(target)

    def _populate(self) -> None:
        self._updating = True
        try:
            self.table.clearContents()
            self.table.setRowCount(len(self._items))
            for r, item in enumerate(self._items):
                for c, f in enumerate(self._fields):
                    value = item.get(f.name)
                    if f.kind == "choice":
                        combo = ComboBox()
                        combo.setFrame(False)
                        for choice in f.choices:
                            combo.addItem(_choice_label(choice), choice)
                        combo.setCurrentIndex(max(0, combo.findData(value)))
                        self.table.setRowHeight(r, max(self.table.rowHeight(r), combo.sizeHint().height()))
                        combo.currentIndexChanged.connect(
                            lambda i, box=combo, row=r, name=f.name: self._combo_changed(row, name, box.itemData(i))
                        )
                        self.table.setCellWidget(r, c, combo)
                    elif f.kind == "bool":
                        cell = QTableWidgetItem()
                        cell.setFlags(
                            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
                        )
                        cell.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
                        self.table.setItem(r, c, cell)
                    else:
                        cell = QTableWidgetItem("" if value is None else str(value))
                        if f.kind == "color" and value:
                            cell.setIcon(QIcon(color_pixmap(str(value), 12)))
                        if f.hint:
                            cell.setToolTip(f.hint)
                        self.table.setItem(r, c, cell)
            for c, f in enumerate(self._fields):
                if f.kind in ("choice", "bool", "color"):
                    self.table.resizeColumnToContents(c)
                else:
                    self.table.setColumnWidth(c, max(self.table.columnWidth(c), 110))
        finally:
            self._updating = False
        self._fit_height()

    def _combo_changed(self, row: int, name: str, value: Any) -> None:
        if self._updating or row >= len(self._items):
            return
        self._items[row][name] = value
        self._commit(self._stored(), False)

    def _item_changed(self, cell: QTableWidgetItem) -> None:
        if self._updating:
            return
        row, column = cell.row(), cell.column()
        if row >= len(self._items):
            return
        f = self._fields[column]
        if f.kind == "bool":
            value: Any = cell.checkState() == Qt.CheckState.Checked
        elif f.kind == "color":
            value = normalise_color(cell.text()) or None
        else:
            value = cell.text()
        self._items[row][f.name] = value
        self._commit(self._stored(), False)

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        selected = self.current_row()
        self._items = [dict(item) for item in (value or [])]
        self._populate()
        if 0 <= selected < len(self._items):
            self.table.selectRow(selected)

    def _update_meta(self, value: Any) -> None:
        problems = []
        for i, item in enumerate(value or [], 1):
            for f in self._fields:
                if f.kind == "url" and url_warning(item.get(f.name) or ""):
                    problems.append(f"row {i}: {f.label.lower()} does not look like a link")
        self._warning = "; ".join(problems)


class VariablesEditor(_TableEditor):
    """The template variables (`<< var:name >>`): a name/value table."""

    def _build(self) -> None:
        self._vars: list[tuple[str, str]] = []
        self._make_table(["Name", "Value"])
        self.buttons.addStretch(1)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, 110)

    def _fresh_name(self) -> str:
        names = {n for n, _ in self._vars}
        n = 1
        while f"variable{n}" in names:
            n += 1
        return f"variable{n}"

    def add_row(self, name: str | None = None, value: str = "") -> None:
        name = name or self._fresh_name()
        self._vars.append((name, value))
        self._populate()
        self.table.selectRow(len(self._vars) - 1)
        self.command.emit(SetDocField(f"variables.{name}", value, "Add template variable"))

    def remove_row(self, row: int | None = None) -> None:
        row = self.current_row() if row is None else row
        if 0 <= row < len(self._vars):
            name, _ = self._vars.pop(row)
            self._populate()
            self.command.emit(SetDocField(f"variables.{name}", None, "Delete template variable"))

    def set_cell(self, row: int, column: int, text: str) -> None:
        """Edit a cell as a user would (0: name, 1: value)."""
        item = self.table.item(row, column)
        item.setText(text)

    def _item_changed(self, cell: QTableWidgetItem) -> None:
        if self._updating:
            return
        row = cell.row()
        if row >= len(self._vars):
            return
        name, value = self._vars[row]
        if cell.column() == 1:
            self._vars[row] = (name, cell.text())
            self.command.emit(SetDocField(f"variables.{name}", cell.text(), "Change template variable"))
            return
        new = cell.text().strip()
        if new == name:
            return
        if any(n == new for n, _ in self._vars):
            self.show_error(f"There is already a variable called {new!r}")
            self._populate()
            return
        self._vars[row] = (new, value)
        self.command.emit(
            Batch(
                [SetDocField(f"variables.{name}", None), SetDocField(f"variables.{new}", value)],
                "Rename template variable",
            )
        )

    def _populate(self) -> None:
        self._updating = True
        try:
            self.table.clearContents()
            self.table.setRowCount(len(self._vars))
            for r, (name, value) in enumerate(self._vars):
                self.table.setItem(r, 0, QTableWidgetItem(name))
                self.table.setItem(r, 1, QTableWidgetItem(value))
        finally:
            self._updating = False
        self._fit_height()

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        self._vars = list((value or {}).items())
        self._populate()


# --- row and node attributes ---------------------------------------------------------------------


class LayoutEditor(FieldEditor):
    """A row's columns: presets of count and ratio."""

    KEEPS_CURSOR = False

    def _build(self) -> None:
        self.combo = ComboBox()
        self.combo.activated.connect(self._activated)
        self._watch(self.combo)
        self.row.addWidget(self.combo, 1)

    def focus_widget(self) -> QWidget:
        return self.combo

    @staticmethod
    def preset_of(widths: list[float]) -> int:
        for i, (_, preset) in enumerate(LAYOUT_PRESETS):
            if len(preset) == len(widths) and all(abs(a - b) < 0.6 for a, b in zip(preset, widths)):
                return i
        return -1

    def choose(self, label: str) -> None:
        """Pick a preset by its label ("33 / 67") as a user would."""
        index = self.combo.findText(label)
        if index >= 0:
            self.combo.setCurrentIndex(index)
            self._activated(index)

    def _activated(self, index: int) -> None:
        widths = self.combo.itemData(index)
        if widths is not None and widths != self.value:
            self._commit(list(widths), False)

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        widths = list(value or [])
        self.combo.clear()
        index = self.preset_of(widths)
        if index < 0:
            self.combo.addItem("Custom: " + " / ".join(f"{w:g}" for w in widths), None)
        for label, preset in LAYOUT_PRESETS:
            self.combo.addItem(label, list(preset))
        self.combo.setCurrentIndex(0 if index < 0 else self.combo.findText(LAYOUT_PRESETS[index][0]))


class ExpressionEditor(FieldEditor):
    """A row's or block's `condition` or `repeat`, validated live with the merge-language parser.

    Only valid text (or empty) is committed; a syntax error shows in red and is not stored.
    """

    def __init__(
        self, field: Field, ctx: EditorContext, parent: QWidget | None = None, *, scope: tuple[str, ...] = ()
    ) -> None:
        self.scope = scope
        super().__init__(field, ctx, parent, resettable=False)

    def _build(self) -> None:
        self.line = QLineEdit()
        self.line.setPlaceholderText(
            'data:plan == "pro"' if self.field.name == "condition" else "item in data:order.items"
        )
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.line.setFont(font)
        self.line.textEdited.connect(self._edited)
        self._watch(self.line)
        self.row.addWidget(self.line, 1)

    def focus_widget(self) -> QWidget:
        return self.line

    def check(self, text: str) -> str:
        """The syntax error of an expression, or "" when it is valid (or empty)."""
        if not text.strip():
            return ""
        try:
            if self.field.name == "repeat":
                parse_repeat(text.strip(), self.field.name, scope=self.scope)
            else:
                parse_expression(text.strip(), self.field.name, scope=self.scope)
        except MergeSyntaxError as e:
            return f"Not applied: column {e.pos.col}: {e.reason}" if e.pos.col > 0 else f"Not applied: {e.reason}"
        return ""

    def _edited(self, text: str) -> None:
        problem = self.check(text)
        if problem:
            self.show_error(problem)
            return
        self.clear_error()
        self._commit(text.strip() or None)

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        text = value or ""
        if self.line.text() != text:
            pos = self.line.cursorPosition()
            self.line.setText(text)
            self.line.setCursorPosition(min(pos, len(text)) if keep_cursor else 0)


# --- the factory -----------------------------------------------------------------------------------

EDITORS: dict[str, type[FieldEditor]] = {
    "text": TextEditor,
    "multiline": MultilineEditor,
    "richtext": RichTextEditor,
    "code": CodeEditor,
    "url": UrlEditor,
    "image": ImageEditor,
    "color": ColorEditor,
    "number": NumberEditor,
    "choice": ChoiceEditor,
    "bool": BoolEditor,
    "items": ItemsEditor,
}


def editor_for(field: Field, ctx: EditorContext, parent: QWidget | None = None, **options: Any) -> FieldEditor:
    """The editor for a field declaration."""
    try:
        cls = EDITORS[field.kind]
    except KeyError:
        raise ValueError(f"no editor for field kind {field.kind!r}") from None
    return cls(field, ctx, parent, **options)

