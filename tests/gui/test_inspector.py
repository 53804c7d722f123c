"""The inspector, driven like a user would (real widgets, offscreen): every edit lands in the
document as a command, errors show next to the field, and the form follows undo."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtWidgets")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage  # noqa: E402
from PySide6.QtWidgets import QFileDialog, QMenu  # noqa: E402

from mailwright.app.document.commands import SetProp  # noqa: E402
from mailwright.app.document.session import Session  # noqa: E402
from mailwright.app.document.storage import load_document  # noqa: E402
from mailwright.blocks import REGISTRY  # noqa: E402
from mailwright.themes import load_theme  # noqa: E402
from mailwright.widgets.fields import build_merge_menu  # noqa: E402
from mailwright.widgets.inspector import Inspector  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "welcome.mwt"


@pytest.fixture
def session() -> Session:
    return Session(load_document(EXAMPLE), EXAMPLE)


@pytest.fixture
def inspector(qtbot, session) -> Inspector:
    widget = Inspector()
    qtbot.addWidget(widget)
    widget.resize(360, 900)
    widget.show()
    widget.set_session(session)
    return widget


def props(session: Session, node_id: str) -> dict:
    return session.doc.find(node_id).props.model_dump()


def test_selecting_a_button_shows_its_fields(inspector, session):
    assert inspector.title() == "Email settings"
    inspector.set_target("b16")
    assert inspector.title() == "Button · b16"
    names = set(inspector.editors())
    assert {f.name for f in REGISTRY["button"].fields} <= names
    assert {"condition", "repeat"} <= names
    label = inspector.editor("label")
    assert label.line.text() == "Set up my account"
    assert label.reset_button.isVisibleTo(inspector)  # overridden in the file
    colour = inspector.editor("background_color")
    assert colour.hex.text() == ""  # not overridden: the theme's colour
    assert load_theme("classic").colors["primary"] in colour.hex.placeholderText()
    assert not colour.reset_button.isVisibleTo(inspector)
    # a row and a column get their own titles
    inspector.set_target("r2")
    assert inspector.title() == "Row · r2"
    inspector.set_target("c3")
    assert inspector.title() == "Column · c3"
    inspector.set_target(None)
    assert inspector.title() == "Email settings"


def test_typing_a_label_is_one_undo_step(qtbot, inspector, session):
    inspector.set_target("b16")
    line = inspector.editor("label").line
    line.selectAll()
    qtbot.keyClicks(line, "Start ")
    inspector.set_target("b16")  # the main window re-syncs the selection after every change
    qtbot.keyClicks(line, "budgeting")
    assert props(session, "b16")["label"] == "Start budgeting"
    assert session.history.undo_label() == "Change button label"
    session.history.undo()
    assert props(session, "b16")["label"] == "Set up my account"
    assert not session.history.can_undo()  # all the keystrokes were one step
    assert line.text() == "Set up my account"  # the form followed the undo


def test_leaving_the_field_ends_the_undo_step(qtbot, inspector, session):
    inspector.set_target("b16")
    editor = inspector.editor("label")
    editor.line.selectAll()
    qtbot.keyClicks(editor.line, "One")
    editor.focus_left.emit()  # what a FocusOut reports
    qtbot.keyClicks(editor.line, " two")
    assert props(session, "b16")["label"] == "One two"
    session.history.undo()
    assert props(session, "b16")["label"] == "One"


def test_hex_field_changes_a_colour(qtbot, inspector, session):
    inspector.set_target("b16")
    editor = inspector.editor("background_color")
    qtbot.keyClicks(editor.hex, "#FF0000")
    qtbot.keyClick(editor.hex, Qt.Key.Key_Return)
    assert props(session, "b16")["background_color"] == "#ff0000"
    assert editor.reset_button.isVisibleTo(inspector)
    assert editor.message_text() == ""
    session.history.undo()
    assert "background_color" not in props(session, "b16")


def test_theme_swatch_sets_a_colour(qtbot, inspector, session):
    inspector.set_target("b16")
    editor = inspector.editor("text_color")
    accent = load_theme("classic").colors["accent"]
    swatch = editor.findChild(type(editor.swatch), "swatch_accent")
    qtbot.mouseClick(swatch, Qt.MouseButton.LeftButton)
    assert props(session, "b16")["text_color"] == accent


def test_invalid_colour_shows_an_inline_error_and_changes_nothing(qtbot, inspector, session):
    inspector.set_target("b16")
    before = session.snapshot()
    messages: list[str] = []
    inspector.status.connect(messages.append)
    editor = inspector.editor("background_color")
    qtbot.keyClicks(editor.hex, "notacolour")
    qtbot.keyClick(editor.hex, Qt.Key.Key_Return)
    assert "colour" in editor.message_text()
    assert editor.message.isVisibleTo(inspector)
    assert "#b91c1c" in editor.message.styleSheet()  # red
    assert messages and "colour" in messages[-1]
    assert session.snapshot() == before
    assert not session.history.can_undo()


def test_reset_removes_the_override(qtbot, inspector, session):
    inspector.set_target("b16")
    editor = inspector.editor("label")
    qtbot.mouseClick(editor.reset_button, Qt.MouseButton.LeftButton)
    assert "label" not in props(session, "b16")
    assert editor.line.text() == "Call to action"  # the block's default, shown
    assert not editor.reset_button.isVisibleTo(inspector)
    session.history.undo()
    assert props(session, "b16")["label"] == "Set up my account"


def test_number_shows_the_theme_default_as_placeholder(qtbot, inspector, session):
    inspector.set_target("b16")
    editor = inspector.editor("border_radius")
    spin = editor.spin
    radius = load_theme("classic").button["radius"]
    assert spin.lineEdit().text() == ""
    assert spin.lineEdit().placeholderText().startswith(f"{radius} px")
    assert "theme" in spin.lineEdit().placeholderText()
    qtbot.keyClicks(spin, "12")
    assert props(session, "b16")["border_radius"] == 12
    assert editor.reset_button.isVisibleTo(inspector)
    # emptying the box goes back to the theme's value
    spin.lineEdit().selectAll()
    qtbot.keyClick(spin, Qt.Key.Key_Backspace)
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert "border_radius" not in props(session, "b16")
    assert spin.lineEdit().text() == ""
    # an overridden value shows as a value with its unit
    inspector.set_target("b16")
    padding = inspector.editor("padding_y").spin
    assert padding.text() == "8 px"


def test_row_column_preset_changes_the_columns(qtbot, inspector, session):
    inspector.set_target("r6")
    layout = inspector.editor("layout")
    assert layout.combo.currentText() == "100"
    blocks = [b.id for c in session.doc.find("r6").columns for b in c.blocks]
    layout.choose("33 / 67")
    row = session.doc.find("r6")
    assert [c.width for c in row.columns] == [33.33, 66.67]
    assert [b.id for c in row.columns for b in c.blocks] == blocks  # nothing lost
    assert session.history.undo_label() == "Change columns"
    layout.choose("25 / 25 / 25 / 25")
    assert len(session.doc.find("r6").columns) == 4
    session.history.undo()
    assert len(session.doc.find("r6").columns) == 2
    assert layout.combo.currentText() == "33 / 67"


def test_custom_ratio_is_shown_as_such(inspector):
    inspector.set_target("r7")  # 22 / 78 in the example
    assert inspector.editor("layout").combo.currentText() == "Custom: 22 / 78"


def test_condition_is_validated_live(qtbot, inspector, session):
    inspector.set_target("r6")
    editor = inspector.editor("condition")
    qtbot.keyClicks(editor.line, "data:plan ==")
    assert "ends too early" in editor.message_text()
    assert "#b91c1c" in editor.message.styleSheet()
    assert session.doc.find("r6").condition != "data:plan =="  # an invalid condition is never stored
    qtbot.keyClicks(editor.line, ' "pro"')
    assert editor.message_text() == ""
    assert session.doc.find("r6").condition == 'data:plan == "pro"'
    session.history.undo()
    assert session.doc.find("r6").condition is None  # typing it was one step


def test_repeat_is_validated_and_gives_blocks_a_loop_variable(qtbot, inspector, session):
    inspector.set_target("r6")
    repeat = inspector.editor("repeat")
    repeat.line.setText("")
    qtbot.keyClicks(repeat.line, "item data:items")
    assert "expected 'in'" in repeat.message_text()
    repeat.line.clear()
    qtbot.keyClicks(repeat.line, "item in data:items")
    assert session.doc.find("r6").repeat == "item in data:items"
    # a block in the repeated row may use the loop variable in its condition
    inspector.set_target("b16")
    condition = inspector.editor("condition")
    qtbot.keyClicks(condition.line, "item:price > 5")
    assert condition.message_text() == ""
    assert session.doc.find("b16").condition == "item:price > 5"


def test_email_settings_theme_change(qtbot, inspector, session):
    inspector.set_target(None)
    theme = inspector.editor("settings.theme")
    assert theme.combo.currentData() == "classic"
    theme.select("bold")
    assert session.doc.settings.theme == "bold"
    assert session.history.undo_label() == "Switch theme to Bold"  # the same words as the toolbar
    primary = inspector.editor("settings.primary_color")
    assert load_theme("bold").colors["primary"] in primary.hex.placeholderText()
    session.history.undo()
    assert session.doc.settings.theme == "classic"
    assert theme.combo.currentData() == "classic"


def test_email_settings_subject_and_width(qtbot, inspector, session):
    subject = inspector.editor("subject")
    subject.line.selectAll()
    qtbot.keyClicks(subject.line, "Hello")
    assert session.doc.subject == "Hello"
    width = inspector.editor("settings.width").spin
    width.lineEdit().selectAll()
    qtbot.keyClicks(width, "640")
    assert session.doc.settings.width == 640


def test_variables_table_add_edit_rename_remove(qtbot, inspector, session):
    editor = inspector.editor("variables")
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert session.doc.variables == {"variable1": ""}
    editor.set_cell(0, 1, "Spring sale")
    assert session.doc.variables == {"variable1": "Spring sale"}
    editor.set_cell(0, 0, "campaign")
    assert session.doc.variables == {"campaign": "Spring sale"}
    assert session.history.undo_label() == "Rename template variable"
    editor.set_cell(0, 0, "not valid")
    assert "variable names" in editor.message_text()
    assert session.doc.variables == {"campaign": "Spring sale"}
    qtbot.waitUntil(lambda: editor.table.item(0, 0) is not None and editor.table.item(0, 0).text() == "campaign")
    editor.table.selectRow(0)
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert session.doc.variables == {}
    session.history.undo()
    assert editor.table.rowCount() == 1 and editor.table.item(0, 1).text() == "Spring sale"


def _png(path: Path, color: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    assert image.save(str(path))
    return path


def test_choose_file_copies_the_image_into_assets(qtbot, inspector, session, tmp_path, monkeypatch):
    (tmp_path / "email").mkdir()
    doc_path = session.save(tmp_path / "email" / "welcome.mwt")
    picked = [_png(tmp_path / "pictures" / "logo.png", "#ff0000")]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(picked[0]), "Images")))
    inspector.set_target("b1")
    editor = inspector.editor("src")
    qtbot.mouseClick(editor.choose_button, Qt.MouseButton.LeftButton)
    assert props(session, "b1")["src"] == "assets/logo.png"
    assert (doc_path.parent / "assets" / "logo.png").read_bytes() == picked[0].read_bytes()
    assert editor.line.text() == "assets/logo.png"
    assert editor.message_text() == ""  # found beside the document
    # the same picture again is not copied twice; another file with the same name is kept apart
    qtbot.mouseClick(editor.choose_button, Qt.MouseButton.LeftButton)
    assert props(session, "b1")["src"] == "assets/logo.png"
    picked[0] = _png(tmp_path / "other" / "logo.png", "#0000ff")
    qtbot.mouseClick(editor.choose_button, Qt.MouseButton.LeftButton)
    assert props(session, "b1")["src"] == "assets/logo-2.png"
    # (Save carried the starter's own pictures along; the picked ones are two files of their own)
    assert sorted(p.name for p in (doc_path.parent / "assets").iterdir() if p.name.startswith("logo")) == [
        "logo-2.png",
        "logo.png",
    ]


def test_choose_file_on_an_unsaved_email_asks_to_save(qtbot, inspector, session, tmp_path, monkeypatch):
    session.path = None
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: asked.append(a[1]) or QMessageBox.StandardButton.No)
    )
    opened: list[bool] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: opened.append(True) or ("", "")))
    inspector.set_target("b1")
    qtbot.mouseClick(inspector.editor("src").choose_button, Qt.MouseButton.LeftButton)
    assert asked and not opened
    # with a save handler that saves, the picture is copied
    target = tmp_path / "saved.mwt"
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    inspector.set_save_handler(lambda: session.save(target))
    picture = _png(tmp_path / "pic.png", "#00ff00")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(picture), "")))
    qtbot.mouseClick(inspector.editor("src").choose_button, Qt.MouseButton.LeftButton)
    assert props(session, "b1")["src"] == "assets/pic.png"
    assert (tmp_path / "assets" / "pic.png").is_file()


def test_inspector_refreshes_when_the_document_changes(qtbot, inspector, session):
    inspector.set_target("b16")
    label = inspector.editor("label")
    padding = inspector.editor("padding_x")
    session.history.push(SetProp("b16", "padding_x", 40, "Change padding"))
    assert padding.spin.text() == "40 px"
    assert padding.reset_button.isVisibleTo(inspector)
    session.history.push(SetProp("b16", "label", "From elsewhere", "Change label", False))
    assert label.line.text() == "From elsewhere"
    session.history.undo()
    session.history.undo()
    assert label.line.text() == "Set up my account"
    assert padding.spin.text() == ""
    # the block disappears (undo of its insertion, deletion): the inspector shows the settings
    from mailwright.app.document.commands import RemoveNode

    session.history.push(RemoveNode("b16"))
    assert inspector.title() == "Email settings"


def test_focused_field_keeps_its_text_and_cursor(qtbot, inspector, session):
    inspector.set_target("b16")
    label = inspector.editor("label")
    inspector.activateWindow()
    label.line.setFocus()
    qtbot.waitUntil(label.line.hasFocus)
    label.line.setCursorPosition(3)
    qtbot.keyClicks(label.line, "X")
    assert props(session, "b16")["label"] == "SetX up my account"
    assert label.line.cursorPosition() == 4
    # a change made elsewhere refreshes the other fields, not the one being typed in
    session.history.push(SetProp("b16", "padding_x", 40, "Change padding"))
    assert label.line.cursorPosition() == 4
    assert inspector.editor("padding_x").spin.text() == "40 px"
    form_before = inspector.editor("label")
    session.history.push(SetProp("b16", "align", "left", "Change alignment"))
    assert inspector.editor("label") is form_before  # refreshed, not rebuilt


def test_alt_text_looks_required(qtbot, inspector, session):
    inspector.set_target("b1")
    alt = inspector.editor("alt")
    assert alt.required
    from PySide6.QtWidgets import QLabel

    captions = [w.text() for w in inspector.findChildren(QLabel)]
    assert "Alt text *" in captions
    alt.line.selectAll()
    qtbot.keyClick(alt.line, Qt.Key.Key_Backspace)
    assert "screen readers" in alt.message_text()
    assert "#b45309" in alt.message.styleSheet()  # a warning, not an error


def test_url_warning_still_stores_the_value(qtbot, inspector, session):
    inspector.set_target("b16")
    href = inspector.editor("href")
    href.line.selectAll()
    qtbot.keyClicks(href.line, "example dot com")
    assert "does not look like a link" in href.message_text()
    assert props(session, "b16")["href"] == "example dot com"
    href.line.selectAll()
    qtbot.keyClicks(href.line, "https://x.com/?e=<< data:email | urlencode >>")
    assert href.message_text() == ""


def test_a_link_typed_without_https_is_completed_when_the_field_is_left(qtbot, inspector, session):
    inspector.set_target("b16")
    href = inspector.editor("href")
    href.line.selectAll()
    qtbot.keyClicks(href.line, "example.com/start")
    assert "it becomes https://example.com/start when you leave the field" in href.message_text()
    assert props(session, "b16")["href"] == "example.com/start"  # stored as typed while typing
    qtbot.keyClick(href.line, Qt.Key.Key_Return)  # or the focus leaving: editing finished
    assert props(session, "b16")["href"] == "https://example.com/start"
    assert href.line.text() == "https://example.com/start" and href.message_text() == ""


def test_a_form_torn_down_is_not_an_edit_of_its_link(qtbot, inspector, session):
    """Another selection (or an undo) rebuilds the form: the field it hides commits nothing."""
    inspector.set_target("b16")
    href = inspector.editor("href")
    href.line.setFocus()
    href.line.selectAll()
    qtbot.keyClicks(href.line, "example.com")
    revision = session.history.revision  # bumps on every change
    messages: list[str] = []
    inspector.status.connect(messages.append)
    inspector.set_target("b4")
    assert props(session, "b16")["href"] == "example.com" and messages == []
    assert session.history.revision == revision


def _answer_link_dialog(text: str, seen: dict) -> None:
    """Type `text` into the Link dialog once it is open, note what it says, press OK."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from mailwright.widgets.link_dialog import LinkDialog

    dialog = QApplication.activeModalWidget()
    if not isinstance(dialog, LinkDialog):
        QTimer.singleShot(30, lambda: _answer_link_dialog(text, seen))
        return
    dialog.line.setText(text)
    seen["note"] = dialog.note.text()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_the_rich_text_link_button_uses_the_link_dialog_and_an_empty_address_unlinks(qtbot, inspector, session):
    from PySide6.QtCore import QTimer

    inspector.set_target("b4")
    editor = inspector.editor("html")
    editor.edit.selectAll()
    qtbot.keyClicks(editor.edit, "Read more")
    editor.edit.selectAll()
    seen: dict = {}
    QTimer.singleShot(30, lambda: _answer_link_dialog("example.org/more", seen))
    editor.edit_link()
    assert seen["note"] == "Will link to https://example.org/more"
    assert 'href="https://example.org/more"' in props(session, "b4")["html"]
    editor.edit.selectAll()
    QTimer.singleShot(30, lambda: _answer_link_dialog("", seen))
    editor.edit_link()
    assert seen["note"] == "An empty address removes the link."
    assert "href" not in props(session, "b4")["html"] and "Read more" in props(session, "b4")["html"]


def test_merge_menu_offers_recipient_fields_and_links(qtbot, inspector, session):
    inspector.set_recipient_fields(["firstname", "plan"])
    inspector.set_target("b16")
    editor = inspector.editor("label")
    menu = QMenu()
    build_merge_menu(menu, editor.ctx, editor.insert_tag)
    tags = [a.data() for a in menu.actions() if a.data()]
    tags += [a.data() for m in menu.findChildren(QMenu) for a in m.actions() if a.data()]
    assert "<< data:plan >>" in tags
    assert '<< data:firstname | default("there") >>' in tags
    assert "<< link:unsubscribe >>" in tags and "<< link:view_online >>" in tags
    editor.line.setCursorPosition(len(editor.line.text()))
    next(a for a in menu.actions() if a.data() == "<< data:plan >>").trigger()
    assert props(session, "b16")["label"] == "Set up my account<< data:plan >>"


def test_rich_text_edits_are_stored(qtbot, inspector, session):
    inspector.set_target("b4")
    editor = inspector.editor("html")
    editor.edit.selectAll()
    qtbot.keyClicks(editor.edit, "Hello there")
    assert "Hello there" in props(session, "b4")["html"]
    editor.edit.selectAll()
    editor.tools["bold"].click()
    html = props(session, "b4")["html"]
    assert "<strong>" in html or "font-weight" in html
    editor.edit.selectAll()
    editor.set_link("https://example.com/a <<")
    assert "does not look like a link" in editor.message_text()
    editor.edit.selectAll()
    editor.set_link("<< link:view_online >>")
    assert 'href="<< link:view_online >>"' in props(session, "b4")["html"]
    assert editor.message_text() == ""
    # each toolbar action is an undo step of its own; the typing before them is one more
    session.history.undo()
    session.history.undo()
    session.history.undo()
    html = props(session, "b4")["html"]
    assert "Hello there" in html and "<strong>" not in html and "font-weight" not in html
    session.history.undo()
    assert props(session, "b4")["html"].startswith("<p>Thanks for signing up.")
    assert editor.edit.toPlainText().startswith("Thanks for signing up.")


def test_items_table_add_move_remove(qtbot, inspector, session):
    inspector.set_target("b20")
    editor = inspector.editor("items")
    assert editor.table.rowCount() == 3
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    items = props(session, "b20")["items"]
    assert len(items) == 4
    editor.set_cell(3, "network", "github")
    editor.set_cell(3, "url", "https://github.com/tally")
    assert props(session, "b20")["items"][3] == {"network": "github", "url": "https://github.com/tally"}
    editor.move_row(-1, 3)
    assert [i["network"] for i in props(session, "b20")["items"]] == ["x", "instagram", "github", "linkedin"]
    editor.remove_row(0)
    assert [i["network"] for i in props(session, "b20")["items"]] == ["instagram", "github", "linkedin"]
    session.history.undo()
    assert editor.table.rowCount() == 4


def test_no_session_and_session_switch(qtbot, session):
    widget = Inspector()
    qtbot.addWidget(widget)
    assert widget.title() == "No document"
    widget.set_session(session)
    widget.set_target("b16")
    other = Session(load_document(EXAMPLE), EXAMPLE)
    widget.set_session(other)
    assert widget.title() == "Email settings"
    session.history.push(SetProp("b16", "label", "Old session", "x"))  # no longer listened to
    widget.set_target("b16")
    assert widget.editor("label").line.text() == "Set up my account"
