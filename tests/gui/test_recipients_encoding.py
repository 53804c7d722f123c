"""Issue 16 item 10: the Recipients dock says which encoding it guessed for a file that is not
UTF-8 ("Read as cp1250 — change…") and re-reads the file in the encoding chosen from its list."""

from __future__ import annotations

from pathlib import Path

import pytest

POLISH = "email;nazwisko;miasto\nanna@x.pl;Łękawska;Łódź\njan@x.pl;Żółć;Kraków\n"


@pytest.fixture
def panel(qtbot):
    from mailwright.widgets.recipients_panel import RecipientsPanel

    widget = RecipientsPanel()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _choose(panel, qtbot, codec: str) -> None:
    """Opens the dock's encoding list and clicks the item, as a person does."""
    from PySide6.QtCore import Qt

    box = panel.encoding_row.box
    index = box.findData(codec)
    assert index >= 0, f"{codec} is not in the list"
    box.showPopup()
    view = box.view()
    qtbot.waitUntil(view.isVisible)
    view.scrollTo(view.model().index(index, 0))
    rect = view.visualRect(view.model().index(index, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible())


def _cell(panel, row: int, column: int) -> str:
    return panel.model.data(panel.model.index(row, column))


def test_a_cp1250_file_says_its_guess_and_reloads_in_the_chosen_encoding(panel, qtbot, tmp_path: Path) -> None:
    path = tmp_path / "polish.csv"
    path.write_bytes(POLISH.encode("cp1250"))
    assert panel.load(path)
    assert panel.encoding_row.isVisible()
    assert panel.encoding_row.label.text().startswith("Read as cp1250 — change…")
    assert panel.encoding_row.box.currentData() == "cp1250"
    assert _cell(panel, 0, 1) == "Łękawska"
    panel.set_row(2)

    with qtbot.waitSignal(panel.recipientChanged) as changed:
        _choose(panel, qtbot, "cp1252")
    assert _cell(panel, 0, 1) == "£êkawska"  # what a wrong reading looks like, as the person asked for
    assert changed.args[0]["nazwisko"] == "¯ó³æ"  # the chosen row stays chosen, re-read
    assert panel.current == 2
    assert panel.encoding_row.label.text().startswith("Read as cp1252 — change…")

    _choose(panel, qtbot, "cp1250")
    assert _cell(panel, 1, 1) == "Żółć" and _cell(panel, 1, 2) == "Kraków"
    assert panel.recipients is not None and panel.recipients.encoding == "cp1250"


def test_the_list_holds_the_common_encodings(panel, tmp_path: Path) -> None:
    path = tmp_path / "polish.csv"
    path.write_bytes(POLISH.encode("cp1250"))
    panel.load(path)
    codecs = {panel.encoding_row.box.itemData(i) for i in range(panel.encoding_row.box.count())}
    assert {"utf-8", "cp1250", "cp1251", "cp1252", "iso8859-1", "shift_jis"} <= codecs


def test_a_utf8_file_shows_no_encoding_choice(panel, tmp_path: Path) -> None:
    path = tmp_path / "utf8.csv"
    path.write_text(POLISH, encoding="utf-8")
    assert panel.load(path)
    assert not panel.encoding_row.isVisible()
    assert _cell(panel, 0, 1) == "Łękawska"


def test_a_cyrillic_file_read_wrongly_is_put_right_from_the_list(panel, qtbot, tmp_path: Path) -> None:
    path = tmp_path / "ru.csv"
    path.write_bytes("email,имя\nivan@x.ru,Иван Петров\n".encode("cp1251"))
    assert panel.load(path)
    _choose(panel, qtbot, "iso8859-1")
    assert _cell(panel, 0, 1) != "Иван Петров"
    _choose(panel, qtbot, "cp1251")
    assert _cell(panel, 0, 1) == "Иван Петров"
    assert panel.file_label.text().startswith("ru.csv: 1 recipient(s)")


def test_choosing_utf8_for_a_file_that_is_not_keeps_the_choice_to_go_back(panel, qtbot, tmp_path: Path) -> None:
    path = tmp_path / "polish.csv"
    path.write_bytes(POLISH.encode("cp1250"))
    panel.load(path)
    _choose(panel, qtbot, "utf-8")
    assert "\ufffd" in _cell(panel, 0, 1)  # not UTF-8: the letters it cannot read are marked
    assert panel.encoding_row.isVisible() and panel.encoding_row.label.text().startswith("Read as UTF-8")
    assert "not valid utf-8" in panel.file_label.toolTip()
    _choose(panel, qtbot, "cp1250")
    assert _cell(panel, 0, 1) == "Łękawska"
