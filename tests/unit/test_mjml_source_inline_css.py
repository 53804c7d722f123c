"""`build --mjml` writes MJML that builds to the same email, CSS to inline included."""

from pathlib import Path

from mailwright.app.build.pipeline import build_document, build_mjml_text
from mailwright.app.document.storage import load_document

NEWSLETTER = Path(__file__).resolve().parents[2] / "examples" / "newsletter.mwt"


def _with_css(css: str):
    doc = load_document(NEWSLETTER)
    return doc.model_copy(update={"settings": doc.settings.model_copy(update={"inline_css": css})})


def test_the_mjml_of_a_document_with_css_to_inline_builds_to_the_same_email() -> None:
    built = build_document(_with_css("p { letter-spacing: 0.01em; } a { text-decoration: underline; }"))
    assert '<mj-style inline="inline">' in built.mjml
    again = build_mjml_text(built.mjml)
    assert again.html == built.html and again.text == built.text


def test_css_cannot_close_the_style_element() -> None:
    built = build_document(_with_css("p { color: #123456; } /* </mj-style><mj-raw>x</mj-raw> */"))
    assert built.mjml.count("</mj-style>") == built.mjml.count("<mj-style")
    build_mjml_text(built.mjml)  # still well-formed MJML


def test_no_css_no_style_element() -> None:
    assert 'inline="inline"' not in build_document(load_document(NEWSLETTER)).mjml
