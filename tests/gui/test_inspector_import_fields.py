"""The inspector shows the fields MJML import fills (issue 13 item 6): every field of the text,
heading, image, button and divider blocks and of rows has an editor, the finer ones fold into
"More styling" (open when one is set), and an edit there lands in the document and the email."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6.QtWidgets")

from PySide6.QtWidgets import QToolButton  # noqa: E402

from mailwright.app.importer.mjml_import import import_mjml  # noqa: E402
from mailwright.app.document.layout_fields import ROW_FIELDS  # noqa: E402
from mailwright.app.build.pipeline import build_document  # noqa: E402
from mailwright.app.document.session import Session  # noqa: E402
from mailwright.blocks import REGISTRY  # noqa: E402
from mailwright.widgets.inspector import Inspector  # noqa: E402

SOURCE = """<mjml><mj-body><mj-section border-left="2px solid #e5e5e6"><mj-column>
  <mj-text line-height="22px" padding-bottom="4px">Hello</mj-text>
  <mj-text><h4>Title</h4></mj-text>
  <mj-image src="https://example.com/a.png" height="60px" width="120px" />
  <mj-button href="https://example.com" border="1px solid #0d3d85">Go</mj-button>
  <mj-divider width="30px" />
</mj-column></mj-section></mj-body></mjml>"""


@pytest.fixture
def imported(qtbot):
    session = Session(import_mjml(SOURCE, "imported.mjml").document)
    widget = Inspector()
    qtbot.addWidget(widget)
    widget.resize(360, 900)
    widget.show()
    widget.set_session(session)
    return widget, session


def _more_styling(widget: Inspector) -> QToolButton:
    found = [b for b in widget.findChildren(QToolButton) if b.text() == "More styling" and b.isVisibleTo(widget)]
    assert len(found) == 1
    return found[0]


def test_every_imported_field_has_an_editor_and_the_set_ones_are_unfolded(imported):
    widget, session = imported
    blocks = list(session.doc.iter_blocks())
    assert [b.type for b in blocks] == ["text", "heading", "image", "button", "divider"]
    for block in blocks:
        widget.set_target(block.id)
        assert {f.name for f in REGISTRY[block.type].fields} <= set(widget.editors()), block.type
        # Each of these blocks holds an imported value in a finer field: the section is open.
        assert _more_styling(widget).isChecked(), block.type
    widget.set_target(session.doc.rows[0].id)
    assert {f.name for f in ROW_FIELDS} <= set(widget.editors())
    assert widget.editor("border_left").line.text() == "2px solid #e5e5e6"


def test_more_styling_is_folded_on_a_block_that_sets_none_of_it(imported):
    widget, session = imported
    session.doc.rows[0].columns[0].blocks[1].props.theme_style = None  # the heading back to the theme style
    session.doc.rows[0].columns[0].blocks[1].props.tag_style = None
    widget.set_target(session.doc.rows[0].columns[0].blocks[1].id)
    assert not _more_styling(widget).isChecked()


def test_editing_a_per_side_padding_changes_the_document_and_the_email(imported, qtbot):
    widget, session = imported
    text = next(session.doc.iter_blocks())
    widget.set_target(text.id)
    editor = widget.editor("padding_bottom")
    assert editor.spin.text().startswith("4")
    editor.spin.setValue(18)
    assert session.doc.find(text.id).props.padding_bottom == 18
    assert "padding:10px 25px 18px 25px" in build_document(session.doc).html
