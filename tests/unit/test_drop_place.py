"""Where a drop lands, from any point of the canvas (app/drop.place): the grey margin maps to
the nearest valid place, the indicator line is computed with the landing place, and a drop
that would change nothing is refused."""

from __future__ import annotations

from mailwright.app.document.model import Document
from mailwright.app.document.drop import EMPTY_DOC, Payload, drop_command, place

TEXT = Payload("new-block", block_type="text")
LAYOUT = Payload("layout", widths=(50, 50))


def doc() -> Document:
    """r1: c1 [b1, b2] · r2: c2 [b3] | c3 [] · drawn 600 px wide from x=100, rows 200 px tall."""
    return Document.model_validate(
        {
            "rows": [
                {
                    "id": "r1",
                    "columns": [
                        {
                            "id": "c1",
                            "width": 100,
                            "blocks": [
                                {"id": "b1", "type": "text", "props": {"html": "<p>a</p>"}},
                                {"id": "b2", "type": "text", "props": {"html": "<p>b</p>"}},
                            ],
                        }
                    ],
                },
                {
                    "id": "r2",
                    "columns": [
                        {
                            "id": "c2",
                            "width": 50,
                            "blocks": [{"id": "b3", "type": "text", "props": {"html": "<p>c</p>"}}],
                        },
                        {"id": "c3", "width": 50, "blocks": []},
                    ],
                },
            ]
        }
    )


RECTS = {
    "r1": (100, 0, 600, 200),
    "c1": (100, 0, 600, 200),
    "b1": (100, 10, 600, 80),
    "b2": (100, 100, 600, 80),
    "r2": (100, 200, 600, 200),
    "c2": (100, 200, 300, 200),
    "b3": (100, 220, 300, 100),
    "c3": (400, 200, 300, 200),
}


def test_inside_a_column_the_gap_nearest_the_pointer():
    t = place(doc(), RECTS, 300, 40, TEXT)
    assert (t.kind, t.column_id, t.index) == ("column", "c1", 0)
    assert t.line == (100, 10 - 1.5, 600, 3.0)  # the line is drawn where it lands: above b1
    t = place(doc(), RECTS, 300, 95, TEXT)
    assert (t.column_id, t.index) == ("c1", 1) and t.line[1] == 90 - 1.5  # below b1, above b2


def test_the_grey_margin_left_of_a_row_lands_in_its_nearest_column():
    t = place(doc(), RECTS, 20, 300, TEXT)
    assert (t.kind, t.column_id, t.index) == ("column", "c2", 1)
    assert t.line[0] == 100 and t.line[2] == 300  # the line spans that column
    t = place(doc(), RECTS, 790, 300, TEXT)  # right margin: the right-hand (empty) column
    assert (t.column_id, t.index) == ("c3", 0) and t.line[1] == 300 - 1.5  # middle of the empty column


def test_the_margin_below_the_email_lands_at_the_end_of_the_last_column_not_a_new_row_off_screen():
    t = place(doc(), RECTS, 300, 900, TEXT)
    assert (t.kind, t.column_id, t.index) == ("column", "c2", 1)
    command = drop_command(doc(), TEXT, t)
    d = doc()
    command.apply(d)
    assert len(d.rows) == 2 and [b.id for b in d.find("c2").blocks][0] == "b3"


def test_layouts_go_between_rows_from_anywhere():
    assert place(doc(), RECTS, 10, 5, LAYOUT).index == 0
    t = place(doc(), RECTS, 10, 150, LAYOUT)
    assert (t.kind, t.index) == ("row", 1) and t.line == (100, 200 - 1.5, 600, 3.0)
    assert place(doc(), RECTS, 900, 2000, LAYOUT).index == 2


def test_a_move_that_changes_nothing_is_refused():
    assert place(doc(), RECTS, 300, 40, Payload("move-block", node_id="b1")) is None
    assert place(doc(), RECTS, 300, 95, Payload("move-block", node_id="b1")) is None
    assert place(doc(), RECTS, 300, 170, Payload("move-block", node_id="b1")).index == 2
    assert place(doc(), RECTS, 300, 50, Payload("move-row", node_id="r1")) is None
    assert place(doc(), RECTS, 300, 350, Payload("move-row", node_id="r1")).index == 2
    assert place(doc(), RECTS, 300, 50, Payload("move-block", node_id="gone")) is None


def test_an_empty_document_takes_the_drop_at_its_notice():
    empty = Document.model_validate({"rows": []})
    t = place(empty, {EMPTY_DOC: (100, 0, 600, 120)}, 5, 5, TEXT)
    assert (t.kind, t.index) == ("row", 0) and t.line == (100, 60 - 1.5, 600, 3.0)


def _where(target) -> tuple:
    return (target.kind, target.index, target.column_id)


def test_a_double_clicked_palette_item_lands_after_the_selection():
    from mailwright.app.document.drop import append_target

    d = doc()
    assert _where(append_target(d, "b1", TEXT)) == ("column", 1, "c1")  # right after the block
    assert _where(append_target(d, "c3", TEXT)) == ("column", 0, "c3")  # at the end of the column
    assert _where(append_target(d, "c2", TEXT)) == ("column", 1, "c2")
    assert _where(append_target(d, "r1", TEXT)) == ("row", 1, None)  # a new row after the row
    assert _where(append_target(d, "b3", LAYOUT)) == ("row", 2, None)  # layouts go after the row
    # Nothing selected: a new row at the end of the email, for a block and a layout alike.
    assert _where(append_target(d, None, TEXT)) == ("row", 2, None)
    assert _where(append_target(d, None, LAYOUT)) == ("row", 2, None)
