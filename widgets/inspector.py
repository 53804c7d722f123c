"""The inspector: a form generated from the selected node's field declarations (DESIGN.md §6).

A thin view. Every edit becomes a command pushed through `session.history`; the form is rebuilt
only when the target (or the node's type) changes, and otherwise refreshed from the document on
each history notification, leaving alone the field the user is typing in.

    inspector = Inspector()
    inspector.set_session(session)            # subscribes to session.history
    inspector.set_target("b7")                # a block, row or column id; None = email settings
    inspector.set_recipient_fields(["firstname", "email"])   # for the merge-tag menus
    inspector.status.connect(statusbar.showMessage)
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..app.document.commands import Command, SetDocField, SetNodeAttr, SetProp, locate, node_kind, set_columns
from ..app.document.model import resolve_fields
from ..app.document.layout_fields import COLUMN_FIELDS, ROW_FIELDS
from ..app.build.mjml_render import resolved_theme
from ..blocks import REGISTRY
from ..blocks.base import Field
from ..app.document.theme_reset import hand_set_styles, reset_to_theme
from ..themes import OVERRIDES, available_themes, display_name
from .fields import (
    BoolEditor,
    ChoiceEditor,
    ColorEditor,
    EditorContext,
    ExpressionEditor,
    FieldEditor,
    FontFamilyEditor,
    LayoutEditor,
    NumberEditor,
    TextEditor,
    VariablesEditor,
    editor_for,
)

try:  # shiboken tells whether the C++ side of a widget still exists
    from shiboken6 import isValid as _qt_alive
except ImportError:  # pragma: no cover

    def _qt_alive(obj: object) -> bool:  # type: ignore[misc]  # the stand-in when shiboken6 is missing
        return True


# --- the email settings form, declared like block fields ------------------------------------------

SUBJECT = Field(
    "subject", "text", "Subject", default="", hint="merge-aware; inboxes show roughly the first 40–60 characters"
)
PREHEADER = Field(
    "preheader",
    "text",
    "Preheader",
    default="",
    hint="the preview text shown after the subject in the inbox list; merge-aware",
)
WIDTH = Field(
    "width",
    "number",
    "Width",
    default=600,
    min=320,
    max=1200,
    unit="px",
    integer=True,
    hint="the email's width on desktop; 600 px suits most clients",
)
THEME = Field(
    "theme",
    "choice",
    "Theme",
    choices=available_themes(),
    hint="colours, fonts, button style and spacing; blocks without their own values follow it",
)
FONT = Field("font_family", "text", "Font", theme="fonts.body", hint="a web-safe font stack; empty: the theme's font")
SETTING_COLORS = (
    Field("background_color", "color", "Background", theme="colors.background", hint="around the email"),
    Field(
        "content_background",
        "color",
        "Content background",
        theme="colors.content",
        hint="behind rows without their own background",
    ),
    Field("primary_color", "color", "Primary colour", theme="colors.primary", hint="buttons and accents"),
    Field("text_color", "color", "Text colour", theme="colors.text"),
    Field("link_color", "color", "Link colour", theme="colors.link"),
)
TRANSACTIONAL = Field(
    "transactional",
    "bool",
    "Transactional email (no unsubscribe link needed)",
    default=False,
    hint="receipts, password resets: the checks stop asking for an unsubscribe link",
)
VARIABLES = Field(
    "variables", "items", "Template variables", hint="values for << var:name >> tags, the same for every recipient"
)
CONDITION = Field(
    "condition", "text", "Show when", hint='an expression such as data:plan == "pro"; empty: always shown'
)
REPEAT = Field(
    "repeat", "text", "Repeat for each", hint="item in data:order.items: render once per item of a list field"
)


LABEL_WIDTH = 112  # px; longer labels wrap, so the fields keep most of a narrow dock


@dataclass
class _Binding:
    editor: FieldEditor
    write: Callable[[Any, bool], Command]  # value, mergeable -> command
    reset: Callable[[], Command] | None = None


def _label_for(owner: str, field: Field) -> str:
    """An undo label such as "Change button colour"."""
    label = field.label.lower()
    owner = owner.lower()
    return f"Change {label}" if label.startswith(owner) or not owner else f"Change {owner} {label}"


def _normalise(field: Field, value: Any) -> Any:
    """A value equal to a fixed default is no override (documents store only overrides)."""
    if value is not None and field.theme is None and field.kind != "items" and value == field.default:
        return None
    return value


def _loop_var(repeat: str | None) -> str | None:
    if not repeat:
        return None
    head = repeat.strip().split(" in ", 1)[0].strip()
    return head if head.isidentifier() else None


class _Collapsible(QWidget):
    """A titled section that folds (the "Show when / repeat" part)."""

    def __init__(self, title: str, expanded: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        self.toggle = QToolButton()
        self.toggle.setText(title)
        self.toggle.setCheckable(True)
        self.toggle.setChecked(expanded)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.toggle.setStyleSheet("QToolButton { border: none; padding: 2px 0; }")
        font = self.toggle.font()
        font.setBold(True)
        self.toggle.setFont(font)
        self.toggle.toggled.connect(self.set_expanded)
        layout.addWidget(self.toggle)
        self.body = QWidget()
        self.form = _form_layout(self.body)
        self.body.setVisible(expanded)
        layout.addWidget(self.body)

    def set_expanded(self, on: bool) -> None:
        self.toggle.setChecked(on)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.body.setVisible(on)

    @property
    def expanded(self) -> bool:
        return self.toggle.isChecked()


def _form_layout(parent: QWidget) -> QFormLayout:
    form = QFormLayout(parent)
    form.setContentsMargins(0, 0, 0, 0)
    form.setHorizontalSpacing(8)
    form.setVerticalSpacing(5)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return form


def _dispatch(ref: "weakref.ReferenceType[Inspector]", change: Any) -> None:
    inspector = ref()
    if inspector is not None and _qt_alive(inspector):
        inspector._on_change(change)


class Inspector(QWidget):
    """Edits the selected block, row or column, or the email settings when nothing is selected."""

    status = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector")
        self._session: Any = None
        self._unsubscribe: Callable[[], None] | None = None
        self._target: str | None = None
        self._key: tuple | None = None
        self._bindings: dict[str, _Binding] = {}
        self._read: Callable[[], dict[str, tuple[Any, bool]]] = dict
        self._committing: FieldEditor | None = None
        self._logic: _Collapsible | None = None
        self._reset_button: QPushButton | None = None
        self._ctx = EditorContext()
        self._ctx.status = self.status.emit
        self._ctx.dialog_parent = self

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.setSpacing(2)
        self._title = QLabel()
        self._title.setObjectName("inspectorTitle")
        font = self._title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self._title.setFont(font)
        self._title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self._title)
        self._subtitle = QLabel()
        self._subtitle.setWordWrap(True)
        self._subtitle.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(self._subtitle)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self._scroll, 1)
        self.setMinimumWidth(260)
        self._rebuild()

    # --- public API ---------------------------------------------------------------------------
    def set_session(self, session: Any) -> None:
        """Show a document (or none); listens to its history until the next call."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._session = session
        self._ctx.session = session
        self._target = None
        if session is not None:
            self._unsubscribe = session.history.subscribe(lambda change, ref=weakref.ref(self): _dispatch(ref, change))
        self._rebuild()

    def session(self) -> Any:
        return self._session

    def set_target(self, node_id: str | None) -> None:
        """Edit a block, row or column by id; None (or an unknown id) shows the email settings."""
        target = (
            node_id if node_id and self._session is not None and self._session.doc.find(node_id) is not None else None
        )
        if target == self._target and self._compute_key() == self._key:
            return  # the same selection again (views re-sync after every change): keep merging
        if self._session is not None:
            self._session.history.seal()
        self._target = target
        if self._compute_key() != self._key:
            self._rebuild()
        else:
            self.refresh()

    def target(self) -> str | None:
        return self._target

    def editor_context(self) -> EditorContext:
        """What its merge-tag menus offer (recipients' fields, variables): the canvas's too."""
        return self._ctx

    def set_recipient_fields(self, names: list[str]) -> None:
        """Field names of the loaded recipients, offered by every merge-tag menu."""
        self._ctx.recipient_fields = list(names)

    def set_save_handler(self, handler: Callable[[], Any] | None) -> None:
        """Called when a picture is chosen for an unsaved email: should run Save As (the
        inspector checks `session.path` afterwards). Without one, the inspector asks for a file
        name itself and saves through the session."""
        self._ctx.save_handler = handler

    def title(self) -> str:
        return self._title.text()

    def editor(self, name: str) -> FieldEditor | None:
        """The editor of a field ("label", "background_color", "condition", "layout",
        "settings.theme", "subject", "variables", ...) in the current form."""
        binding = self._bindings.get(name)
        return binding.editor if binding else None

    def editors(self) -> dict[str, FieldEditor]:
        return {name: b.editor for name, b in self._bindings.items()}

    def focus_field(self, name: str) -> bool:
        """Put the keyboard in a field (e.g. double-click on a heading in the canvas)."""
        editor = self.editor(name)
        if editor is None:
            return False
        editor.focus_widget().setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def refresh(self, *, force: bool = False) -> None:
        """Show the document's current values; `force` also updates the field that has focus
        (after undo/redo), keeping its cursor where it was."""
        if self._session is None or not self._bindings:
            return
        doc = self._session.doc
        self._ctx.theme_colors = dict(resolved_theme(doc).colors)
        self._refresh_reset_button()
        snapshot = self._read()
        for name, binding in self._bindings.items():
            if name not in snapshot:
                continue
            value, overridden = snapshot[name]
            editor = binding.editor
            if isinstance(editor, ExpressionEditor):
                editor.scope = self._scope()
            if editor is self._committing:
                editor.overridden = overridden
                editor.reset_button.setVisible(bool(overridden and editor.resettable))
                editor._update_meta(value if not editor.KEEPS_CURSOR else editor.value)
                editor._render_message()
                continue
            typing = not force and editor.has_focus()
            editor.set_value(value, overridden, typing=typing)
            editor.context_changed()
        if self._logic is not None and not self._logic.expanded:
            if snapshot.get("condition", (None,))[0] or snapshot.get("repeat", (None,))[0]:
                self._logic.set_expanded(True)

    # --- history ------------------------------------------------------------------------------
    def _on_change(self, change: Any) -> None:
        if self._session is None:
            return
        key = self._compute_key()
        if key is None:  # the target disappeared (deleted, undone): email settings
            self._target = None
            key = self._compute_key()
        if change.kind == "reset" or key != self._key:
            self._rebuild()
        else:
            self.refresh(force=change.kind in ("undo", "redo"))

    def _compute_key(self) -> tuple | None:
        if self._session is None:
            return ("none",)
        if self._target is None:
            return ("settings",)
        node = self._session.doc.find(self._target)
        if node is None:
            return None
        return (self._target, node_kind(self._session.doc, self._target), getattr(node, "type", None))

    # --- pushing commands -----------------------------------------------------------------------
    def _push(self, editor: FieldEditor, build: Callable[[], Command], *, committing: bool = True) -> bool:
        if self._session is None:
            return False
        try:
            command = build()
            self._committing = editor if committing else None
            try:
                self._session.history.push(command)
            finally:
                self._committing = None
        except ValueError as e:  # CommandError, and anything a command could not apply
            message = str(e).replace("Value error, ", "")
            editor.show_error(message)
            self.status.emit(message)
            if not editor.KEEPS_CURSOR:
                QTimer.singleShot(0, lambda: self._resync(editor, message))
            return False
        editor.clear_error()
        return True

    def _resync(self, editor: FieldEditor, message: str) -> None:
        """After a refused edit in a table or list: show the document's value again."""
        if not _qt_alive(editor) or self._session is None:
            return
        for name, binding in self._bindings.items():
            if binding.editor is editor:
                value, overridden = self._read().get(name, (None, False))
                editor.set_value(value, overridden)
                editor.show_error(message)

    def _bind(
        self,
        name: str,
        editor: FieldEditor,
        write: Callable[[Any, bool], Command],
        reset: Callable[[], Command] | None = None,
    ) -> FieldEditor:
        self._bindings[name] = _Binding(editor, write, reset)
        editor.committed.connect(lambda value, mergeable, e=editor, w=write: self._push(e, lambda: w(value, mergeable)))
        editor.command.connect(lambda command, e=editor: self._push(e, lambda: command))
        editor.focus_left.connect(self._seal)
        if reset is not None:
            editor.reset_requested.connect(lambda e=editor, r=reset: self._reset(e, r))
        return editor

    def _reset(self, editor: FieldEditor, reset: Callable[[], Command]) -> None:
        if self._session is None:
            return
        self._session.history.seal()
        self._push(editor, reset, committing=False)

    def _seal(self) -> None:
        if self._session is not None:
            self._session.history.seal()

    # --- building forms ---------------------------------------------------------------------------
    def _rebuild(self) -> None:
        self._key = self._compute_key()
        if self._key is None:
            self._target = None
            self._key = self._compute_key()
        self._bindings = {}
        self._logic = None
        self._read = dict
        container = QWidget()
        container.setObjectName("inspectorForm")
        self._body = QVBoxLayout(container)
        self._body.setContentsMargins(0, 4, 4, 8)
        self._body.setSpacing(6)
        if self._session is None:
            self._title.setText("No document")
            self._subtitle.setText("Open or create an email to edit it here.")
        elif self._target is None:
            self._build_settings()
        else:
            assert self._key is not None  # computed with the target, above
            kind = self._key[1]
            if kind == "block":
                self._build_block()
            elif kind == "row":
                self._build_row()
            else:
                self._build_column()
        self._add_reset_button()
        self._body.addStretch(1)
        old = self._scroll.takeWidget()
        self._scroll.setWidget(container)
        if old is not None:
            old.hide()
            old.deleteLater()
        self.refresh()

    # --- Reset to theme ---------------------------------------------------------------------------
    def _add_reset_button(self) -> None:
        """ "Reset colours to theme" for the block, row, column or (nothing selected) the email."""
        self._reset_button = None
        if self._session is None:
            return
        button = QPushButton("Reset colours to theme")
        button.setObjectName("reset-to-theme")
        button.clicked.connect(self.reset_to_theme)
        self._body.insertWidget(0, button)
        self._reset_button = button

    def _refresh_reset_button(self) -> None:
        button = self._reset_button
        if button is None or not _qt_alive(button):
            return
        try:
            count = len(hand_set_styles(self._session.doc, self._target))
        except ValueError:
            count = 0
        where = "this email" if self._target is None else f"this {node_kind(self._session.doc, self._target)}"
        button.setEnabled(count > 0)
        button.setToolTip(
            f"Clear the {count} colour{'s' if count != 1 else ''} set by hand in {where} so the "
            f"{display_name(self._session.doc.settings.theme)} theme's apply (one undo step)"
            if count
            else f"Nothing in {where} is set by hand: the theme's colours apply"
        )

    def reset_to_theme(self) -> bool:
        """Clear the hand-set colours (and, for the email, typefaces) of the target: one command."""
        if self._session is None:
            return False
        command = reset_to_theme(self._session.doc, self._target)
        if command is None:
            return False
        self._session.history.seal()
        self._session.history.push(command)
        self._session.history.seal()
        return True

    def _section(self, title: str | None = None) -> QFormLayout:
        if title:
            header = QLabel(title)
            font = header.font()
            font.setBold(True)
            header.setFont(font)
            header.setContentsMargins(0, 6, 0, 0)
            self._body.addWidget(header)
        holder = QWidget()
        self._body.addWidget(holder)
        return _form_layout(holder)

    def _add_row(self, form: QFormLayout, editor: FieldEditor, label: str | None = None) -> None:
        text = label if label is not None else editor.field.label
        if editor.required:
            text += " *"
        if editor.SPANS:
            form.addRow(editor)
            return
        caption = QLabel(text)
        caption.setWordWrap(True)
        caption.setFixedWidth(LABEL_WIDTH)
        caption.setBuddy(editor.focus_widget())
        if editor.field.hint:
            caption.setToolTip(editor.field.hint)
            editor.focus_widget().setToolTip(editor.field.hint)
        caption.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        form.addRow(caption, editor)

    def _theme(self):
        return resolved_theme(self._session.doc)

    def _scope(self) -> tuple[str, ...]:
        """Loop variables visible to the target's condition/repeat (a repeated row's item)."""
        if self._target is None or self._session is None:
            return ()
        try:
            loc = locate(self._session.doc, self._target)
        except ValueError:
            return ()
        if loc.column is None:
            return ()
        var = _loop_var(loc.row.repeat)
        return (var,) if var else ()

    def _prop_form(self, form: QFormLayout, owner: str, fields: tuple[Field, ...]) -> None:
        node_id = self._target
        assert node_id is not None  # built only for a selected node
        more = None
        if any(f.advanced for f in fields):
            # Finer styling (per-side padding, a CSS class, ...) folds away; open when one is set.
            node = self._session.doc.find(node_id)
            props = node.props.model_dump() if node is not None else {}
            more = _Collapsible("More styling", any(props.get(f.name) is not None for f in fields if f.advanced))
        for f in fields:
            editor = editor_for(f, self._ctx)

            def write(value: Any, mergeable: bool, f: Field = f) -> Command:
                return SetProp(node_id, f.name, _normalise(f, value), _label_for(owner, f), mergeable)

            def reset(f: Field = f) -> Command:
                return SetProp(node_id, f.name, None, f"Reset {owner.lower()} {f.label.lower()}", False)

            self._bind(f.name, editor, write, reset)
            self._add_row(more.form if more is not None and f.advanced else form, editor)
        if more is not None:
            self._body.addWidget(more)

    def _logic_section(self, owner: str, expanded: bool) -> None:
        node_id = self._target
        assert node_id is not None  # built only for a selected node
        node = self._session.doc.find(node_id)
        section = _Collapsible("Show when / repeat", expanded or bool(node.condition or node.repeat))
        self._logic = section
        self._body.addWidget(section)
        for f in (CONDITION, REPEAT):
            editor = ExpressionEditor(f, self._ctx, scope=self._scope())

            def write(value: Any, mergeable: bool, f: Field = f) -> Command:
                return SetNodeAttr(
                    node_id, f.name, value, f"Change {owner.lower()} {'condition' if f is CONDITION else 'repeat'}"
                )

            self._bind(f.name, editor, write)
            self._add_row(section.form, editor)

    def _props_reader(self, fields: tuple[Field, ...], extra: Callable[[Any], dict[str, tuple[Any, bool]]]):
        def read() -> dict[str, tuple[Any, bool]]:
            node = self._session.doc.find(self._target)
            if node is None:
                return {}
            props = node.props.model_dump()
            values = resolve_fields(fields, props, self._theme())
            out = {f.name: (values[f.name], props.get(f.name) is not None) for f in fields}
            out.update(extra(node))
            return out

        return read

    def _build_block(self) -> None:
        node = self._session.doc.find(self._target)
        spec = REGISTRY[node.type]
        self._title.setText(f"{spec.label} · {node.id}")
        self._subtitle.setText(spec.description)
        self._prop_form(self._section(), spec.label, spec.fields)
        self._logic_section(spec.label, expanded=False)
        self._read = self._props_reader(
            spec.fields, lambda n: {"condition": (n.condition, False), "repeat": (n.repeat, False)}
        )

    def _build_row(self) -> None:
        row_id = self._target
        assert row_id is not None  # built only for a selected node
        self._title.setText(f"Row · {row_id}")
        self._subtitle.setText("A band of the email: 1 to 4 columns side by side (stacked on phones).")
        form = self._section()
        layout = LayoutEditor(
            Field(
                "layout",
                "choice",
                "Columns",
                hint="column count and ratio; blocks of removed columns move to the last one",
            ),
            self._ctx,
            resettable=False,
        )
        self._bind("layout", layout, lambda widths, mergeable: set_columns(self._session.doc, row_id, widths))
        self._add_row(form, layout)
        self._prop_form(form, "row", ROW_FIELDS)
        self._logic_section("row", expanded=True)
        self._read = self._props_reader(
            ROW_FIELDS,
            lambda n: {
                "layout": ([c.width for c in n.columns], False),
                "condition": (n.condition, False),
                "repeat": (n.repeat, False),
            },
        )

    def _build_column(self) -> None:
        column_id = self._target
        assert column_id is not None  # built only for a selected node
        loc = locate(self._session.doc, column_id)
        self._title.setText(f"Column · {column_id}")
        assert loc.column is not None  # the target is a column
        self._subtitle.setText(f"{loc.column.width:g}% of row {loc.row.id}; change the ratio on the row.")
        self._prop_form(self._section(), "column", COLUMN_FIELDS)
        self._read = self._props_reader(COLUMN_FIELDS, lambda n: {})

    def _build_settings(self) -> None:
        self._title.setText("Email settings")
        self._subtitle.setText("Nothing selected: settings of the whole email.")

        def doc_field(path: str, label: str) -> Callable[[Any, bool], Command]:
            return lambda value, mergeable: SetDocField(path, value, label)

        def settings_reset(name: str, label: str) -> Callable[[], Command]:
            return lambda: SetDocField(f"settings.{name}", None, f"Reset {label.lower()}")

        message = self._section("Message")
        for f in (SUBJECT, PREHEADER):
            editor: FieldEditor = TextEditor(f, self._ctx, resettable=False)
            self._bind(f.name, editor, doc_field(f.name, f"Change {f.label.lower()}"))
            self._add_row(message, editor)

        look = self._section("Layout and theme")
        width = NumberEditor(WIDTH, self._ctx, resettable=False)
        self._bind(
            "settings.width",
            width,
            lambda v, m: SetDocField("settings.width", v if v is not None else WIDTH.default, "Change email width"),
        )
        self._add_row(look, width)
        theme = ChoiceEditor(
            THEME, self._ctx, resettable=False, labels={name: display_name(name) for name in available_themes()}
        )
        self._bind(
            "settings.theme",
            theme,
            lambda value, mergeable: SetDocField("settings.theme", value, f"Switch theme to {display_name(value)}"),
        )
        self._add_row(look, theme)
        font = FontFamilyEditor(FONT, self._ctx)
        self._bind(
            "settings.font_family",
            font,
            doc_field("settings.font_family", "Change font"),
            settings_reset("font_family", "font"),
        )
        self._add_row(look, font)

        colors = self._section("Colours")
        for f in SETTING_COLORS:
            editor = ColorEditor(f, self._ctx)
            self._bind(
                f"settings.{f.name}",
                editor,
                doc_field(f"settings.{f.name}", f"Change {f.label.lower()}"),
                settings_reset(f.name, f.label),
            )
            self._add_row(colors, editor)

        delivery = self._section("Delivery")
        transactional = BoolEditor(TRANSACTIONAL, self._ctx, resettable=False)
        self._bind(
            "settings.transactional", transactional, doc_field("settings.transactional", "Change transactional setting")
        )
        self._add_row(delivery, transactional)

        variables = VariablesEditor(VARIABLES, self._ctx, resettable=False)
        self._bind("variables", variables, lambda v, m: SetDocField("variables", v))  # edits arrive as commands
        self._add_row(self._section(), variables)

        def read() -> dict[str, tuple[Any, bool]]:
            doc = self._session.doc
            settings = doc.settings.model_dump()
            theme = self._theme()
            out: dict[str, tuple[Any, bool]] = {
                "subject": (doc.subject, False),
                "preheader": (doc.preheader, False),
                "settings.width": (settings.get("width", WIDTH.default), True),
                "settings.theme": (doc.settings.theme, False),
                "settings.transactional": (bool(settings.get("transactional")), False),
                "variables": (dict(doc.variables), False),
            }
            for name in ("font_family", *(f.name for f in SETTING_COLORS)):
                override = settings.get(name)
                out[f"settings.{name}"] = (theme.get(OVERRIDES[name]), override is not None)
            return out

        self._read = read


__all__ = ["Inspector"]
