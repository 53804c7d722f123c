"""A space typed beside a merge-tag token on the canvas is stored as a space: Chromium wrote it as
a no-break space (seen in a real X11 edit: "Hello dear\\xa0<< data:firstname >>\\xa0welcome"), which
keeps the words and the name from wrapping on a phone."""

from __future__ import annotations

import pytest

from mailwright.app.build.richtext_clean import clean_rich_html, plain_spaces_beside_tags


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("<p>Hello dear\xa0<< data:firstname >>\xa0welcome</p>", "<p>Hello dear << data:firstname >> welcome</p>"),
        ("<p><< data:a >>\xa0<< data:b >></p>", "<p><< data:a >> << data:b >></p>"),
        ("<p>Hi <b><< data:a >></b>\xa0there</p>", "<p>Hi <b><< data:a >></b>\xa0there</p>"),  # an element between
        # Where a plain space would collapse, or was typed on purpose, it stays no-break.
        ("<p>\xa0<< data:a >></p>", "<p>\xa0<< data:a >></p>"),
        ("<p><< data:a >>\xa0</p>", "<p><< data:a >>\xa0</p>"),
        ("<p>a\xa0\xa0<< data:a >></p>", "<p>a\xa0\xa0<< data:a >></p>"),
        ("<p>10\xa0km</p>", "<p>10\xa0km</p>"),
    ],
)
def test_a_space_typed_beside_a_tag_is_a_space(typed: str, stored: str) -> None:
    assert plain_spaces_beside_tags(typed) == stored


def test_what_the_canvas_reads_back_is_stored_with_plain_spaces() -> None:
    # innerHTML as READ_JS returns it: the token back to text, escaped, the spaces as &nbsp;.
    read = "<p>Hello dear&nbsp;&lt;&lt; data:firstname &gt;&gt;&nbsp;welcome</p>"
    assert plain_spaces_beside_tags(clean_rich_html(read, link_color=None)) == (
        "<p>Hello dear << data:firstname >> welcome</p>"
    )
