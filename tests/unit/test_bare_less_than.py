"""A bare "<" and an unquoted attribute value: a bare "<" in MJML text (`a < b`, `<5 items`) builds as node's MJML builds it, as text, where
mjml-python refused the whole file ("unable to parse next template"): bad-inputs row 3. Node mjml
5.4.1 writes such text as it is; Mailwright writes &lt;, which every browser reads the same."""

from __future__ import annotations

import pytest

from mailwright.app.build.pipeline import BuildError, build_mjml_text
from mailwright.app.build.plaintext import html_to_text
from tests.support.documents import html_doc

WRAP = "<mjml>{head}<mj-body><mj-section><mj-column>{body}</mj-column></mj-section></mj-body></mjml>"


def build(body: str, head: str = ""):
    return build_mjml_text(WRAP.format(head=head, body=body), source="t.mjml", web_fonts=False)


@pytest.mark.parametrize(
    "text, shown",
    [
        ("a < b", "a &lt; b"),
        ("<5 items", "&lt;5 items"),
        ("x<=y, 3 <  4", "x&lt;=y, 3 &lt;  4"),
        ("the end <", "the end &lt;"),
    ],
)
def test_a_bare_less_than_in_a_text_is_text(text: str, shown: str) -> None:
    result = build(f"<mj-text>{text} << data:x | default('y') >></mj-text>")
    assert shown in result.html
    assert html_to_text(result.html).startswith(text.replace("  ", " "))
    assert "<< data:x" in result.html  # merge tags are untouched


def test_css_and_comments_keep_their_less_than_signs() -> None:
    head = "<mj-head><mj-style>@media (width < 600px) { .x { color: red; } }</mj-style></mj-head>"
    result = build("<mj-text>a < b<!-- a <b> comment --></mj-text>", head=head)
    assert "(width < 600px)" in result.html and "a &lt; b" in result.html


def test_a_file_with_a_bare_less_than_and_another_error_still_says_where() -> None:
    with pytest.raises(BuildError, match=r"t\.mjml:1:\d+: .*a bare '<'"):
        build('<mj-text>a < b</mj-text><mj-image src="x.png" ="c" />')


@pytest.mark.parametrize(
    "body, written",
    [
        (
            '<mj-image src=https://x.test/a.png width=100px alt="A b=c" />',
            ['src="https://x.test/a.png"', 'width="100"', 'alt="A b=c"'],
        ),
        (
            "<mj-text><a href=https://x.test/p?a=1>l</a> <img src=x.png alt=x></mj-text>",
            ['href="https://x.test/p?a=1"'],
        ),
    ],
)
def test_an_unquoted_attribute_value_builds_as_node_reads_it(body: str, written: list[str]) -> None:
    # node's MJML (and every browser) reads `width=100px` and `<a href=https://…>`; mjml-python
    # refused the file ("AttValue: \" or ' expected"). A quoted value is kept as it was.
    html = build(body).html
    assert all(w in html for w in written), html


@pytest.mark.parametrize(
    "html, shown",
    [
        ("<p>Orders < 5 ship free</p>", "Orders &lt; 5 ship free"),
        ("<p><a href=https://x.test/>Shop</a></p>", 'href="https://x.test/"'),
        # cut at its "=", this link was written as text: "<a href=https://x.test/?a=1>Shop" showed
        ("<p><a href=https://x.test/?a=1>Shop</a></p>", '<a href="https://x.test/?a=1"'),
    ],
)
def test_a_document_html_block_with_such_markup_builds(html: str, shown: str) -> None:
    from mailwright.app.build.pipeline import build_document

    assert shown in build_document(html_doc(html)).html


@pytest.mark.parametrize(
    "body, shown",
    [
        ("<mj-text><p>one<p>two</mj-text>", "<p>one</p><p>two</p>"),
        ("<mj-text><ul><li>one<li>two</ul></mj-text>", "<ul><li>one</li><li>two</li></ul>"),
        ("<mj-text><b>bold</mj-text>", "<b>bold</b>"),
        ("<mj-text>x</b>y</mj-text>", "xy"),
        ("<mj-text>a<!-- x -- y -->b</mj-text>", "a<!-- x - - y -->b"),
        ("<mj-text>5 &lt; 6 <p>and<p>more</mj-text>", "5 &lt; 6 <p>and</p><p>more</p>"),
    ],
)
def test_html_a_browser_closes_itself_builds(body: str, shown: str) -> None:
    # Optional end tags, an unclosed <b>, a stray </b>, a "--" in a comment: node's MJML copies
    # the text's HTML as written and browsers close it; mjml-python refused the whole file.
    assert shown in build(body).html


def test_mjml_that_compiles_is_not_rewritten(monkeypatch) -> None:
    # The lenient reading runs only after a compile failed: valid MJML keeps its markup exactly.
    import mailwright.app.build.lenient_markup as lenient_markup

    def never(_mjml: str) -> None:
        raise AssertionError("valid MJML was rewritten")

    monkeypatch.setattr(lenient_markup, "as_node_reads_it", never)
    assert "<p>one</p>" in build("<mj-text><p>one</p><br>&nbsp;</mj-text>").html
