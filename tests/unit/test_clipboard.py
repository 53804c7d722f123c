"""Copy, cut, paste and duplicate of blocks and rows, within and across documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mjml import mjml2html

from mailwright.app.document.clipboard import (
    MIME_TYPE,
    copy_nodes,
    cut_commands,
    duplicate_command,
    inserted_ids,
    paste_commands,
    remove_command,
)
from mailwright.app.document.commands import CommandError, History, InsertRow, new_block_json, new_row_json
from mailwright.app.document.model import Document
from mailwright.app.build.pipeline import build_document, build_mjml_text
from mailwright.app.document.storage import dumps_document, load_document

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def welcome() -> Document:
    return load_document(EXAMPLES / "welcome.mwt")


def newsletter() -> Document:
    return load_document(EXAMPLES / "newsletter.mwt")


def ids_of(doc: Document) -> list[str]:
    return [n.id for n in doc.iter_nodes()]


def column_of(doc: Document, block_id: str):
    for row in doc.rows:
        for column in row.columns:
            if any(b.id == block_id for b in column.blocks):
                return row, column
    raise AssertionError(block_id)


def test_copy_blocks_gives_our_json_mjml_and_text():
    d = welcome()
    data = copy_nodes(d, ["b4", "b3"])  # selection order does not matter: document order
    payload = json.loads(data.json_text)
    assert payload["format"] == "mailwright-nodes" and payload["version"] == 1
    assert payload["kind"] == "blocks"
    assert [n["id"] for n in payload["nodes"]] == ["b3", "b4"]
    assert [n["type"] for n in payload["nodes"]] == ["heading", "text"]
    assert data.mjml_text.startswith("<mj-text") and "</mj-text>" in data.mjml_text
    heading = d.find("b3").props.text
    assert heading in data.plain_text
    assert "<" not in data.plain_text.replace("<<", "").replace(">>", "")  # readable, no markup
    assert data.mime_items()[MIME_TYPE] == data.json_text
    assert data.mime_items()["text/plain"] == data.mjml_text


def test_copy_does_not_change_the_document():
    d = welcome()
    before = dumps_document(d)
    copy_nodes(d, ["r3", "b16"])
    assert dumps_document(d) == before


def test_paste_blocks_after_the_selected_block_with_fresh_ids_and_one_undo():
    d = welcome()
    h = History(d)
    before = dumps_document(d)
    ids_before = set(ids_of(d))
    data = copy_nodes(d, ["b3", "b4"])
    cmd = paste_commands(d, data.json_text, "b3")
    h.push(cmd)
    _, column = column_of(d, "b3")
    new = inserted_ids(cmd)
    assert len(new) == 2 and not set(new) & ids_before
    assert [b.id for b in column.blocks] == ["b3", new[0], new[1], "b4"]
    assert [d.find(i).type for i in new] == ["heading", "text"]
    assert d.find(new[0]).props.text == d.find("b3").props.text
    assert len(set(ids_of(d))) == len(ids_of(d))
    assert h.undo_label() == "Paste 2 blocks"
    h.undo()
    assert dumps_document(d) == before
    h.redo()
    assert [b.id for b in column_of(d, "b3")[1].blocks] == ["b3", new[0], new[1], "b4"]


def test_paste_blocks_into_a_column_goes_to_its_end():
    d = welcome()
    data = copy_nodes(d, ["b16"])
    cmd = paste_commands(d, data.json_text, "c3")
    History(d).push(cmd)
    column = next(c for r in d.rows for c in r.columns if c.id == "c3")
    assert column.blocks[-1].id == inserted_ids(cmd)[0]
    assert column.blocks[-1].type == "button"


def test_paste_blocks_with_a_row_selected_makes_a_new_one_column_row_after_it():
    d = welcome()
    rows_before = [r.id for r in d.rows]
    data = copy_nodes(d, ["b3", "b4"])
    cmd = paste_commands(d, data.json_text, "r1")
    History(d).push(cmd)
    assert len(d.rows) == len(rows_before) + 1
    new_row = d.rows[1]
    assert new_row.id not in rows_before
    assert len(new_row.columns) == 1 and new_row.columns[0].width == 100
    assert [b.type for b in new_row.columns[0].blocks] == ["heading", "text"]
    assert inserted_ids(cmd) == [new_row.id]  # what the editor selects after the paste


def test_paste_without_selection_appends():
    d = welcome()
    blocks = copy_nodes(d, ["b5"])
    History(d).push(paste_commands(d, blocks.json_text, None))
    assert d.rows[-1].columns[0].blocks[0].type == "divider"
    rows = copy_nodes(d, ["r2"])
    History(d).push(paste_commands(d, rows.json_text, None))
    assert d.rows[-1].columns[0].blocks[0].type == "image"


def test_copy_and_paste_rows_after_the_selected_row():
    d = welcome()
    h = History(d)
    before = dumps_document(d)
    data = copy_nodes(d, ["r5", "r3"])
    assert json.loads(data.json_text)["kind"] == "rows"
    cmd = paste_commands(d, data.json_text, "b16")  # a block in r6: rows go after r6
    h.push(cmd)
    order = [r.id for r in d.rows]
    new = inserted_ids(cmd)
    assert order.index(new[0]) == order.index("r6") + 1 and order.index(new[1]) == order.index(new[0]) + 1
    copy3 = d.find(new[1])
    assert [len(c.blocks) for c in copy3.columns] == [3, 3, 3]
    assert [c.width for c in copy3.columns] == [33.33, 33.33, 33.34]
    assert len(set(ids_of(d))) == len(ids_of(d))
    h.undo()
    assert dumps_document(d) == before


def test_mixed_selection_copies_rows_and_keeps_the_loose_block():
    d = welcome()
    data = copy_nodes(d, ["r1", "b16", "b1"])  # b1 is inside r1: covered by the row
    payload = json.loads(data.json_text)
    assert payload["kind"] == "rows" and len(payload["nodes"]) == 2
    assert payload["nodes"][1]["columns"][0]["blocks"][0]["type"] == "button"


def test_paste_into_another_document():
    src, dst = welcome(), newsletter()
    h = History(dst)
    before = dumps_document(dst)
    blocks = copy_nodes(src, ["b16", "b17"])  # welcome's button and text
    rows = copy_nodes(src, ["r5"])
    h.push(paste_commands(dst, blocks.json_text, "b4"))
    h.push(paste_commands(dst, rows.json_text, "r2"))
    assert len(set(ids_of(dst))) == len(ids_of(dst))
    assert dst.rows[2].columns[0].blocks[0].type == "image" and len(dst.rows[2].columns) == 3
    build_document(dst)  # still a valid email
    h.undo()
    h.undo()
    assert dumps_document(dst) == before


def test_pasted_ids_do_not_clash_with_the_target_document():
    src = welcome()
    dst = Document()
    History(dst).push(paste_commands(dst, copy_nodes(src, ["r5", "r6"]).json_text, None))
    # Pasting the same again (ids already taken now) still gives fresh ones.
    History(dst).push(paste_commands(dst, copy_nodes(src, ["r5", "r6"]).json_text, None))
    assert len(dst.rows) == 4 and len(set(ids_of(dst))) == len(ids_of(dst))


def test_cut_removes_and_undo_restores():
    d = welcome()
    h = History(d)
    before = dumps_document(d)
    data, cmd = cut_commands(d, ["b7", "b9", "r2"])
    h.push(cmd)
    assert d.find("b7") is None and d.find("b9") is None and d.find("r2") is None
    assert d.find("b8") is not None
    assert h.undo_label() == "Cut 3 rows"  # r2 plus the two loose blocks, carried as rows
    h.undo()
    assert dumps_document(d) == before
    # The cut content pastes back: r2, then b7 and b9 each in a one-column row.
    h.redo()
    h.push(paste_commands(d, data.json_text, None))
    assert [r.columns[0].blocks[0].type for r in d.rows[-3:]] == ["image", "image", "text"]


def test_cut_blocks_only():
    d = welcome()
    h = History(d)
    before = dumps_document(d)
    data, cmd = cut_commands(d, ["b3", "b4"])
    h.push(cmd)
    assert json.loads(data.json_text)["kind"] == "blocks"
    assert d.find("b3") is None and d.find("b4") is None
    h.undo()
    assert dumps_document(d) == before


def test_delete_selection_is_one_step():
    d = welcome()
    h = History(d)
    before = dumps_document(d)
    h.push(remove_command(d, ["b7", "b10", "b13"]))
    assert all(d.find(i) is None for i in ("b7", "b10", "b13"))
    h.undo()
    assert dumps_document(d) == before


def test_duplicate_block_and_row():
    d = welcome()
    h = History(d)
    before = dumps_document(d)
    cmd = duplicate_command(d, "b16")
    h.push(cmd)
    _, column = column_of(d, "b16")
    new = inserted_ids(cmd)[0]
    assert [b.id for b in column.blocks][:2] == ["b16", new]
    assert d.find(new).props.label == d.find("b16").props.label
    assert h.undo_label() == "Duplicate block"
    cmd = duplicate_command(d, "r7")
    h.push(cmd)
    order = [r.id for r in d.rows]
    assert order[order.index("r7") + 1] == inserted_ids(cmd)[0]
    h.undo()
    h.undo()
    assert dumps_document(d) == before


def test_duplicate_a_hero_duplicates_its_row():
    d = Document()
    hero = new_block_json(d, "hero", headline="Big sale")
    InsertRow(0, new_row_json(d, [100], [[hero]])).apply(d)
    row_id = d.rows[0].id
    data = copy_nodes(d, [hero["id"]])
    assert json.loads(data.json_text)["kind"] == "rows"
    History(d).push(duplicate_command(d, hero["id"]))
    assert len(d.rows) == 2 and d.rows[0].id == row_id
    assert d.rows[1].columns[0].blocks[0].type == "hero"
    # Hero blocks pasted "into" a column land in their own row (a hero fills its row).
    other = welcome()
    n = len(other.rows)
    blocks_json = json.dumps(
        {
            "format": "mailwright-nodes",
            "version": 1,
            "kind": "blocks",
            "nodes": [d.rows[0].columns[0].blocks[0].model_dump(mode="json")],
        }
    )
    History(other).push(paste_commands(other, blocks_json, "b3"))
    assert len(other.rows) == n + 1 and other.rows[3].columns[0].blocks[0].type == "hero"


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "invalid JSON"),
        ("not json", "invalid JSON"),
        ("<mj-section><mj-column></mj-column></mj-section>", "invalid JSON"),
        ('{"format": "mailwright", "version": 1}', "does not hold Mailwright blocks"),
        ('{"format": "mailwright-nodes", "version": 2, "kind": "blocks", "nodes": [{}]}', "newer Mailwright"),
        ('{"format": "mailwright-nodes", "version": 1, "kind": "columns", "nodes": [{}]}', '"kind"'),
        ('{"format": "mailwright-nodes", "version": 1, "kind": "blocks", "nodes": []}', "no blocks"),
        (
            '{"format": "mailwright-nodes", "version": 1, "kind": "blocks", "nodes": [{"type": "rocket"}]}',
            "unknown block type",
        ),
        (
            '{"format": "mailwright-nodes", "version": 1, "kind": "blocks", "nodes": ['
            '{"type": "button", "props": {"padding_y": -5}}]}',
            "nodes[0]",
        ),
        ('{"format": "mailwright-nodes", "version": 1, "kind": "rows", "nodes": [{"columns": []}]}', "nodes[0]"),
        ('{"format": "mailwright-nodes", "version": 1, "kind": "rows", "nodes": [{"type": "text"}]}', "nodes[0]"),
        ('{"format": "mailwright-nodes", "version": 1, "kind": "blocks", "nodes": [{"a": 1, "a": 2}]}', "duplicate"),
    ],
)
def test_invalid_clipboard_is_refused_clearly(text, message):
    d = welcome()
    before = dumps_document(d)
    with pytest.raises(CommandError) as err:
        paste_commands(d, text, "b3")
    assert message in str(err.value)
    assert str(err.value).startswith("Cannot paste")
    assert dumps_document(d) == before


def test_copying_a_column_or_nothing_is_refused():
    d = welcome()
    with pytest.raises(CommandError, match="column"):
        copy_nodes(d, ["c3"])
    with pytest.raises(CommandError, match="nothing"):
        copy_nodes(d, [])
    with pytest.raises(CommandError, match="no row, column or block"):
        copy_nodes(d, ["nope"])


def test_mjml_of_copied_rows_compiles_in_a_body():
    d = newsletter()  # merge tags, a menu, images, a two-column row
    data = copy_nodes(d, ["r1", "r6", "r9", "r11"])
    wrapped = f"<mjml><mj-body>{data.mjml_text}</mj-body></mjml>"
    result = build_mjml_text(wrapped)  # merge tags allowed, as in an .mjml file
    assert "<< link:view_online >>" in result.html
    assert "<mj-" not in result.html


def test_mjml_of_copied_blocks_compiles_in_a_section_and_column():
    d = welcome()
    data = copy_nodes(d, ["b3", "b4", "b16", "b5", "b7"])
    assert "<mj-section" not in data.mjml_text
    wrapped = f"<mjml><mj-body><mj-section><mj-column>{data.mjml_text}</mj-column></mj-section></mj-body></mjml>"
    html = build_mjml_text(wrapped).html
    assert d.find("b3").props.text in html
    assert html.count("<img") == 1  # b7, the image
    assert "mw-id-" not in data.mjml_text  # no editor ids in what other apps get
    if "<<" not in wrapped and "<%" not in wrapped:
        mjml2html(wrapped, fonts={})  # plain MJML: the reference compiler takes it as is


def test_mjml_keeps_merge_tags_as_written():
    d = Document()
    block = new_block_json(d, "text", html='<p>Hi << data:firstname | default("there") >></p>')
    button = new_block_json(d, "button", label="Go", href="<< data:url >>")
    button["id"] = "b2"
    InsertRow(0, new_row_json(d, [100], [[block, button]])).apply(d)
    data = copy_nodes(d, [block["id"], "b2"])
    assert '<< data:firstname | default("there") >>' in data.mjml_text
    assert 'href="<< data:url >>"' in data.mjml_text
    assert '<< data:firstname | default("there") >>' in data.plain_text
    wrapped = f"<mjml><mj-body><mj-section><mj-column>{data.mjml_text}</mj-column></mj-section></mj-body></mjml>"
    assert '<< data:firstname | default("there") >>' in build_mjml_text(wrapped).html
