"""A document saved in another folder takes its relative images along (a starter saved in
the user's folder keeps its pictures), never overwriting and never writing outside."""

from __future__ import annotations

import shutil
from pathlib import Path

from mailwright.app.export import export_bundle
from mailwright.app.document.session import Session

ROOT = Path(__file__).resolve().parents[2]


def test_a_starter_saved_elsewhere_keeps_its_pictures(tmp_path):
    session = Session.new(ROOT / "examples" / "newsletter.mwt")  # as the gallery opens it
    (tmp_path / "mine").mkdir()
    session.save(tmp_path / "mine" / "letter.mwt")
    copied = sorted(p.name for p in (tmp_path / "mine" / "assets").iterdir())
    assert copied == [
        "dry-border-600x480.png",
        "seed-library-600x480.png",
        "the-wisteria-walk-in-may-1200x720.png",
        "workshops-600x480.png",
    ]
    export_bundle(tmp_path / "mine" / "letter.mwt", tmp_path / "letter.zip")
    import zipfile

    names = zipfile.ZipFile(tmp_path / "letter.zip").namelist()
    assert sum(n.startswith("images/") for n in names) == 4


def test_nothing_is_overwritten_or_written_outside(tmp_path):
    old = tmp_path / "old"
    (old / "assets").mkdir(parents=True)
    shutil.copy(ROOT / "examples" / "assets" / "tally-240x64.png", old / "assets" / "logo.png")
    shutil.copy(ROOT / "examples" / "assets" / "tally-240x64.png", tmp_path / "up.png")
    doc_path = old / "d.mwt"
    session = Session.new(ROOT / "examples" / "welcome.mwt")
    session.save(doc_path)
    from mailwright.app.document.commands import InsertBlock, new_block_json

    for src in ("assets/logo.png", "../up.png"):
        block = new_block_json(session.doc, "image")
        block.setdefault("props", {})["src"] = src
        session.history.push(InsertBlock(session.doc.rows[0].columns[0].id, 0, block))
    new = tmp_path / "new"
    (new / "assets").mkdir(parents=True)
    (new / "assets" / "logo.png").write_bytes(b"mine")
    session.save(new / "d.mwt")
    assert (new / "assets" / "logo.png").read_bytes() == b"mine"  # kept
    assert sorted(p.name for p in new.iterdir()) == ["assets", "d.mwt"]  # nothing beside, nothing above
    assert (new / "assets" / "tally-240x64.png").exists()  # the starter's own picture came along


def test_pictures_named_inside_markup_come_along_too(tmp_path):
    # A raw HTML block (or an imported element kept as written) names its pictures inside its
    # markup: Save As left them behind, broken on the canvas and missing from the bundle.
    from mailwright.app.document.commands import InsertBlock, new_block_json

    old, new = tmp_path / "old", tmp_path / "new"
    (old / "pics").mkdir(parents=True)
    shutil.copy(ROOT / "examples" / "assets" / "maya-160x160.png", old / "pics" / "maya.png")
    session = Session.new(ROOT / "examples" / "password_reset.mwt")
    session.save(old / "d.mwt")
    block = new_block_json(session.doc, "html")
    block.setdefault("props", {})["html"] = '<p>Hi</p><img src="pics/maya.png" alt="Maya" width="80">'
    session.history.push(InsertBlock(session.doc.rows[0].columns[0].id, 0, block))
    new.mkdir()
    session.save(new / "d.mwt")
    assert (new / "pics" / "maya.png").read_bytes() == (old / "pics" / "maya.png").read_bytes()
