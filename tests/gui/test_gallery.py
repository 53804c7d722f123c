"""File > New: the starter gallery lists every starter with a rendered thumbnail, and choosing
one opens it as an untitled document with the starter's content."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QDialog  # noqa: E402

from mailwright.app.document.storage import dumps_document, load_document  # noqa: E402
from mailwright.widgets import gallery as gallery_mod  # noqa: E402
from mailwright.widgets.gallery import BLANK, StarterGallery  # noqa: E402

from tests.gui.conftest import RENDER_TIMEOUT  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ROLE = Qt.ItemDataRole.UserRole


def _distinct_colours(pixmap) -> int:
    image = pixmap.toImage()
    return len({image.pixel(x, y) for x in range(0, image.width(), 6) for y in range(0, image.height(), 6)})


def test_gallery_lists_every_starter_with_a_rendered_thumbnail(qtbot):
    gallery_mod._cache.clear()
    dialog = StarterGallery(None, EXAMPLES)
    qtbot.addWidget(dialog)
    starters = sorted(EXAMPLES.glob("*.mwt"))
    assert len(starters) >= 3
    items = dialog.items()
    assert items[0].text() == BLANK and items[0].data(ROLE) is None
    assert [Path(i.data(ROLE)) for i in items[1:]] == starters
    subjects = [load_document(p).subject for p in starters]
    assert [i.data(gallery_mod.SUBJECT) for i in items[1:]] == subjects
    assert [i.text() for i in items[1:]] == [gallery_mod.caption(s) for s in subjects]
    assert all("<<" not in i.text() for i in items)  # merge tags read as their defaults
    placeholder = items[1].icon().pixmap(gallery_mod.THUMB)
    with qtbot.waitSignal(dialog.thumbnailsDone, timeout=RENDER_TIMEOUT * 2):
        dialog.show()
    assert dialog.pending == 0
    for item in items[1:]:
        thumb = item.icon().pixmap(gallery_mod.THUMB)
        assert _distinct_colours(thumb) > 8, f"{item.text()} has no picture"
        assert thumb.toImage() != placeholder.toImage()
    # the blank page is selected first; OK with it means "blank"
    assert dialog.list.currentItem() is items[0]
    dialog.buttons.accepted.emit()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.chosen is None


def test_captions_read_merge_tags_as_their_defaults():
    assert gallery_mod.caption('<< data:name | default("You") >>, you\'re in') == "You, you're in"
    assert gallery_mod.caption("Order << data:order.number >> confirmed") == "Order … confirmed"
    assert len(gallery_mod.caption("x" * 200)) == 64


def test_double_click_chooses_a_starter(qtbot):
    dialog = StarterGallery(None, EXAMPLES)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    target = next(i for i in dialog.items() if i.data(ROLE) and Path(i.data(ROLE)).name == "newsletter.mwt")
    dialog.list.scrollToItem(target)
    centre = dialog.list.visualItemRect(target).center()
    QTest.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    QTest.mouseDClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.chosen == EXAMPLES / "newsletter.mwt"
    assert not dialog.isVisible()


def test_file_new_opens_the_chosen_starter_untitled(qtbot, make_window, monkeypatch):
    window = make_window()
    seen = {}

    def choose(dialog):
        seen["items"] = [i.text() for i in dialog.items()]
        dialog.list.setCurrentItem(
            next(i for i in dialog.items() if i.data(ROLE) and Path(i.data(ROLE)).name == "welcome.mwt")
        )
        dialog.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(StarterGallery, "exec", choose)
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.a_new.trigger()
    assert len(seen["items"]) == 1 + len(list(EXAMPLES.glob("*.mwt")))
    session = window.session
    assert session.path is None and not session.dirty
    assert dumps_document(session.doc) == dumps_document(load_document(EXAMPLES / "welcome.mwt"))
    assert "welcome" in window.windowTitle()
    # Cancel keeps the current document
    before = window.session
    monkeypatch.setattr(StarterGallery, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    window.a_new.trigger()
    assert window.session is before
    # Blank
    monkeypatch.setattr(StarterGallery, "exec", lambda dialog: dialog.accept() or QDialog.DialogCode.Accepted)
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.a_new.trigger()
    assert window.session.doc.rows == []
