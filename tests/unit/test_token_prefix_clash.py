"""Text that looks like a merge-tag token is the user's text, never a tag (the prefix check on
the rendered MJML, and its fallback to a longer prefix)."""

from mailwright.app.document.model import Document
from mailwright.app.build.mjml_render import document_to_mjml
from mailwright.app.build.pipeline import build_document


def _doc(heading: str, inline_css: str = "") -> Document:
    return Document.model_validate(
        {
            "version": 1,
            "subject": 'Hi << data:name | default("you") >>',
            "settings": {"inline_css": inline_css} if inline_css else {},
            "rows": [
                {
                    "id": "r1",
                    "columns": [
                        {
                            "id": "c1",
                            "width": 100,
                            "blocks": [
                                {"id": "b1", "type": "heading", "props": {"text": heading}},
                                {"id": "b2", "type": "text", "props": {"html": "<p>Dear << data:name >></p>"}},
                            ],
                        }
                    ],
                }
            ],
        }
    )


def test_text_without_the_prefix_keeps_the_short_one() -> None:
    assert "MWTAG00000Z" in document_to_mjml(_doc("Plain")).mjml


def test_a_heading_that_looks_like_a_token_is_printed_as_written() -> None:
    doc = _doc("Code MWTAG00000Z and mwtag00001z")
    out = document_to_mjml(doc)
    assert out.tokens.prefix != "MWTAG"
    result = build_document(doc)
    assert "Code MWTAG00000Z and mwtag00001z" in result.html
    assert "Dear << data:name >>" in result.html
    assert "Code MWTAG00000Z and mwtag00001z" in result.text


def test_the_prefix_in_inline_css_is_avoided_too() -> None:
    out = document_to_mjml(_doc("Plain", inline_css=".mwtag00000z { color: #123456; }"))
    assert out.tokens.prefix != "MWTAG"
