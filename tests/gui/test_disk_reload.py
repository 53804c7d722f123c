"""Issue 16 item 3: the editor notices when its file changes on disk: it reloads when there are
no unsaved edits, asks with a non-modal bar otherwise, and its own saves never count."""

from __future__ import annotations

import json
from pathlib import Path

from mailwright.app.document.commands import SetProp
from mailwright.app.document.session import Session
from mailwright.app.document.storage import save_document

from .conftest import small_document


def _external_edit(path: Path, heading: str) -> None:
    """Another program rewrites the file (a new file moved over it, as git and editors do)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["rows"][0]["columns"][0]["blocks"][0]["props"]["text"] = heading
    tmp = path.with_name("other-program.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(path)


def _heading(window) -> str:
    return window.session.doc.find("b1").props.text


def test_a_change_on_disk_reloads_a_document_without_edits(qtbot, make_window, tmp_path: Path) -> None:
    path = tmp_path / "news.mwt"
    save_document(small_document(), path)
    window = make_window(Session.open(path))
    _external_edit(path, "Changed by git")
    qtbot.waitUntil(lambda: _heading(window) == "Changed by git", timeout=5000)
    assert not window.session.dirty and not window.disk_watch.bar.isVisible()


def test_with_unsaved_edits_the_bar_asks_and_reload_takes_the_disk_version(qtbot, make_window, tmp_path: Path) -> None:
    path = tmp_path / "news.mwt"
    save_document(small_document(), path)
    window = make_window(Session.open(path))
    window.push(SetProp("b1", "text", "My unsaved edit", mergeable=False))
    _external_edit(path, "Changed elsewhere")
    qtbot.waitUntil(lambda: window.disk_watch.bar.isVisible(), timeout=5000)
    assert _heading(window) == "My unsaved edit"  # nothing lost while the question is open
    window.disk_watch.reload_action.trigger()
    assert _heading(window) == "Changed elsewhere" and not window.disk_watch.bar.isVisible()


def test_the_editors_own_save_does_not_count_as_a_change(qtbot, make_window, tmp_path: Path) -> None:
    path = tmp_path / "news.mwt"
    save_document(small_document(), path)
    window = make_window(Session.open(path))
    window.push(SetProp("b1", "text", "Saved by me", mergeable=False))
    assert window.save()
    window.push(SetProp("b1", "text", "Edited after saving", mergeable=False))
    qtbot.wait(600)  # the watcher's settle time and more
    assert not window.disk_watch.bar.isVisible() and _heading(window) == "Edited after saving"
