"""Saved blocks in the user data folder: save, list, rename, delete, insert with fresh ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailwright.app.document.clipboard import inserted_ids
from mailwright.app.document.commands import CommandError, History
from mailwright.app.document.model import Document
from mailwright.app.document.saved_blocks import (
    SavedBlockError,
    delete_saved,
    get_saved,
    insert_command,
    list_saved,
    rename,
    rename_saved,
    save_block,
    saved_blocks_dir,
    slugify,
)
from mailwright.app.document.storage import dumps_document, load_document

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MAILWRIGHT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def welcome() -> Document:
    return load_document(EXAMPLES / "welcome.mwt")


def test_save_a_block_writes_one_json_file(data_dir):
    d = welcome()
    saved = save_block(d, "b16", "  Big   CTA button ")
    assert saved.name == "Big CTA button" and saved.kind == "block" and saved.block_type == "button"
    assert saved.path == data_dir / "saved_blocks" / "big-cta-button.json"
    assert saved_blocks_dir() == data_dir / "saved_blocks"
    data = json.loads(saved.path.read_text(encoding="utf-8"))
    assert {"name", "kind", "created", "node"} <= set(data)
    assert data["node"]["type"] == "button" and data["node"]["props"] == d.find("b16").props.model_dump()
    assert data["created"].endswith("+00:00")
    assert not list((data_dir / "saved_blocks").glob(".*"))  # no temp files left behind


def test_save_a_row_and_list_sorted_by_name():
    d = welcome()
    save_block(d, "r5", "three steps")
    save_block(d, "b3", "Welcome heading")
    save_block(d, "b21", "footer")
    items = list_saved()
    assert [s.name for s in items] == ["footer", "three steps", "Welcome heading"]
    row = items[1]
    assert row.kind == "row" and len(row.node["columns"]) == 3 and row.block_type is None


def test_names_are_validated_and_unique():
    d = welcome()
    save_block(d, "b16", "CTA")
    with pytest.raises(SavedBlockError, match="already exists"):
        save_block(d, "b3", "cta")  # case does not make a different name
    for bad in ("", "   ", "\n\t", "x" * 81):
        with pytest.raises(SavedBlockError):
            save_block(d, "b3", bad)
    with pytest.raises(CommandError):
        save_block(d, "c3", "a column")  # a column alone is not a block or row
    assert [s.name for s in list_saved()] == ["CTA"]


@pytest.mark.parametrize(
    "name, slug",
    [
        ("Hero: Spring sale!", "hero-spring-sale"),
        ("../../etc/passwd", "etc-passwd"),
        ("C:\\Windows\\evil", "c-windows-evil"),
        ("Café crème", "cafe-creme"),
        ("CON", "con-block"),
        ("nul", "nul-block"),
    ],
)
def test_slugs_are_safe_file_names(name, slug):
    assert slugify(name) == slug


def test_names_without_ascii_letters_still_get_distinct_files():
    d = welcome()
    a = save_block(d, "b3", "見出し")
    b = save_block(d, "b4", "本文")
    assert a.path != b.path and a.path.parent == b.path.parent == saved_blocks_dir()
    assert a.path.stem.startswith("block-")
    assert {s.name for s in list_saved()} == {"見出し", "本文"}


def test_names_with_the_same_slug_get_different_files():
    d = welcome()
    a = save_block(d, "b3", "Hero!")
    b = save_block(d, "b4", "Hero?")
    assert a.path.name == "hero.json" and b.path.name == "hero-2.json"
    assert [s.name for s in list_saved()] == ["Hero!", "Hero?"]


def test_rename_and_delete():
    d = welcome()
    saved = save_block(d, "b16", "CTA")
    save_block(d, "b3", "Heading")
    renamed = rename_saved("cta", "Primary button")
    assert renamed.path.name == "primary-button.json" and not saved.path.exists()
    assert renamed.created == saved.created and renamed.node == saved.node
    assert [s.name for s in list_saved()] == ["Heading", "Primary button"]
    with pytest.raises(SavedBlockError, match="already exists"):
        rename("Primary button", "heading")
    again = rename(renamed, "PRIMARY button")  # only the case changes: same file
    assert again.path == renamed.path and get_saved("primary button").name == "PRIMARY button"
    delete_saved("heading")
    assert [s.name for s in list_saved()] == ["PRIMARY button"]
    with pytest.raises(SavedBlockError, match="no saved block"):
        delete_saved("Heading")


def test_insert_a_saved_block_with_fresh_ids_and_undo():
    src = welcome()
    saved = save_block(src, "b16", "CTA")
    d = load_document(EXAMPLES / "newsletter.mwt")
    h = History(d)
    before = dumps_document(d)
    cmd = insert_command(d, saved, "b4")
    h.push(cmd)
    new = inserted_ids(cmd)[0]
    column = next(c for r in d.rows for c in r.columns if any(b.id == "b4" for b in c.blocks))
    ids = [b.id for b in column.blocks]
    assert ids[ids.index("b4") + 1] == new and d.find(new).type == "button"
    assert h.undo_label() == "Insert CTA"
    # Inserting the same saved block twice gives two different ids.
    h.push(insert_command(d, "cta", "b4"))
    all_ids = [n.id for n in d.iter_nodes()]
    assert len(all_ids) == len(set(all_ids))
    h.undo()
    h.undo()
    assert dumps_document(d) == before


def test_insert_a_saved_row():
    saved = save_block(welcome(), "r5", "Three steps")
    d = Document()
    History(d).push(insert_command(d, saved, None))
    assert len(d.rows) == 1 and [len(c.blocks) for c in d.rows[0].columns] == [3, 3, 3]


def test_damaged_files_are_skipped_and_reported(data_dir):
    save_block(welcome(), "b16", "CTA")
    folder = data_dir / "saved_blocks"
    (folder / "broken.json").write_text('{"format": "mailwright-saved-block", "vers', encoding="utf-8")
    (folder / "other.json").write_text('{"hello": 1}', encoding="utf-8")
    (folder / "badnode.json").write_text(
        json.dumps(
            {
                "format": "mailwright-saved-block",
                "version": 1,
                "name": "Bad",
                "kind": "block",
                "created": "",
                "node": {"id": "b1", "type": "rocket", "props": {}},
            }
        ),
        encoding="utf-8",
    )
    (folder / "binary.json").write_bytes(b"\xff\xfe\x00garbage")
    errors: list[str] = []
    items = list_saved(errors)
    assert [s.name for s in items] == ["CTA"]
    assert len(errors) == 4
    assert any("broken.json" in e and "invalid JSON" in e for e in errors)
    assert any("badnode.json" in e and "rocket" in e for e in errors)


def test_list_is_empty_without_a_folder():
    assert list_saved() == []
