"""File > Export never writes over the template it exports (issue 14 item 1, the editor's half)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gui.conftest import small_document


def test_exporting_over_the_template_is_refused_and_the_template_is_kept(make_window, tmp_path: Path) -> None:
    from mailwright.app.outputs import OutputClash
    from mailwright.app.document.session import Session
    from mailwright.app.document.storage import save_document
    from mailwright.widgets.export_dialog import ExportDialog

    path = tmp_path / "news.mwt"
    save_document(small_document(), path)
    before = path.read_bytes()
    window = make_window(Session.open(path))
    dialog = ExportDialog(window)
    with pytest.raises(OutputClash, match="the export is the template"):
        dialog.export("html", target=str(path))
    assert path.read_bytes() == before
    out = dialog.export("html", target=str(tmp_path / "news.html"))
    assert Path(out).read_text(encoding="utf-8").startswith("<!doctype html>")
    dialog.deleteLater()


def test_exporting_over_a_picture_the_email_shows_is_refused(make_window, tmp_path: Path) -> None:
    import shutil

    from mailwright.app.outputs import OutputClash
    from mailwright.app.document.session import Session
    from mailwright.widgets.export_dialog import ExportDialog

    root = Path(__file__).resolve().parents[2] / "examples"
    shutil.copyfile(root / "welcome.mwt", tmp_path / "welcome.mwt")
    shutil.copytree(root / "assets", tmp_path / "assets")
    picture = tmp_path / "assets" / "tally-240x64.png"
    before = picture.read_bytes()
    window = make_window(Session.open(tmp_path / "welcome.mwt"))
    dialog = ExportDialog(window)
    with pytest.raises(OutputClash, match=r"the export is an image the email shows \(assets/tally-240x64.png\)"):
        dialog.export("html", target=str(picture))
    assert picture.read_bytes() == before
    dialog.deleteLater()
