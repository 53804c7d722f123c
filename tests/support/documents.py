"""Small documents for tests: one block of a given kind in an email, with a second row after it."""

from __future__ import annotations

from mailwright.app.document.model import Document


def one_block_doc(block: dict, *, fills_row: bool = False) -> Document:
    return Document.model_validate(
        {
            "subject": "Hostile",
            "rows": [
                {"id": "r1", "columns": [{"id": "c1", "width": 100, "blocks": [block]}]},
                {
                    "id": "r2",
                    "columns": [
                        {
                            "id": "c2",
                            "width": 100,
                            "blocks": [{"id": "b9", "type": "text", "props": {"html": "<p>The rest of the email</p>"}}],
                        }
                    ],
                },
            ],
        }
    )


def raw_mjml_doc(text: str, *, fills_row: bool = False) -> Document:
    return one_block_doc({"id": "b1", "type": "mjml", "props": {"mjml": text, "fills_row": fills_row}})


def html_doc(html: str) -> Document:
    return one_block_doc({"id": "b1", "type": "html", "props": {"html": html}})
