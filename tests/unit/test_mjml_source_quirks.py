"""Issue 13 items 1-2: files saved by Windows editors (CRLF, or a lone CR) build like LF files, and
attribute values written over several lines or with backslashes reach the HTML as written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailwright.app.build.pipeline import BuildError, build_document, build_mjml_text
from mailwright.app.document.storage import loads_document

ROOT = Path(__file__).resolve().parents[2]
HELLO = (ROOT / "examples" / "hello.mjml").read_text(encoding="utf-8")


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_an_mjml_file_with_windows_line_endings_builds_the_same_email(ending: str) -> None:
    assert (
        build_mjml_text(HELLO.replace("\n", ending), source="hello.mjml").html
        == build_mjml_text(HELLO, source="hello.mjml").html
    )


def test_positions_in_a_crlf_file_are_the_users_lines() -> None:
    text = '<mjml>\r\n<mj-body>\r\n<mj-text>a</mj-text><mj-image src="x.png" ="c" />\r\n</mj-body></mjml>\r\n'
    with pytest.raises(BuildError, match=r"^x\.mjml:3:\d+: "):
        build_mjml_text(text, source="x.mjml")


def test_a_raw_mjml_block_pasted_with_crlf_builds() -> None:
    data = json.loads((ROOT / "examples" / "newsletter.mwt").read_text(encoding="utf-8"))
    navbar = '<mj-navbar>\r\n<mj-navbar-link href="https://x.test">\r\nHome</mj-navbar-link>\r\n</mj-navbar>'
    data["rows"][1]["columns"][0]["blocks"].append({"id": "nav9", "type": "mjml", "props": {"mjml": navbar}})
    html = build_document(loads_document(json.dumps(data), "n.mwt"), source="n.mwt").html
    assert "Home" in html and "\r" not in html


def test_a_style_written_over_several_lines_reaches_the_html_intact() -> None:
    """issue 13 item 2: MRML wrote the line breaks as a literal \\n and browsers dropped the style."""
    text = (
        '<mjml><mj-body><mj-section><mj-column><mj-text><h1 style="\n  color:#ffffff;\n  font-size:55px">Sale'
        '</h1></mj-text><mj-button href="https://x.test"><span style="\n\tcolor: red;\n">Go</span></mj-button>'
        "</mj-column></mj-section></mj-body></mjml>"
    )
    html = build_mjml_text(text, source="sale.mjml").html
    assert '<h1 style="   color:#ffffff;   font-size:55px">' in html
    assert '<span style="  color: red; ">' in html
    assert "\\n" not in html and "\\t" not in html


def test_a_literal_backslash_n_the_user_wrote_is_kept() -> None:
    text = '<mjml><mj-body><mj-text><p title="C:\\new">x</p></mj-text></mj-body></mjml>'
    # MRML doubled every backslash of an attribute; the entity reads as the one the user wrote.
    assert 'title="C:&#92;new"' in build_mjml_text(text, source="t.mjml").html


def test_an_mrml_error_in_a_file_with_backslashes_still_points_at_the_users_line() -> None:
    text = '<mjml>\n<mj-body>\n<mj-text><p title="a\\b\\c\\d">x</p></mj-text>\n<mj-image src="x.png" ="c" /></mj-body></mjml>'
    with pytest.raises(BuildError, match=r"^t\.mjml:4:23: "):
        build_mjml_text(text, source="t.mjml")


WRAPPER = """<mjml><mj-body>
  <mj-wrapper background-color="#eeeeee" padding="10px">
    <!-- Header section -->
    <mj-section><mj-column><mj-text>One <!-- kept --></mj-text></mj-column></mj-section>
    <!-- Body section -->
    <mj-section><mj-column><mj-text>Two</mj-text></mj-column></mj-section>
  </mj-wrapper>
</mj-body></mjml>"""


def test_comments_between_the_sections_of_a_wrapper_leave_no_stray_markup() -> None:
    """issue 13 item 4: MRML put them inside its Outlook conditional comment, whose end they
    ended early: a stray <tr><td> and <![endif]--> showed in every other client. node MJML's
    HTML has the same elements as the MJML without the comments."""
    import re

    def outside_comments(html: str) -> str:
        return re.sub(r"<!--.*?-->", "", html, flags=re.S)

    with_comments = build_mjml_text(WRAPPER, source="w.mjml").html
    without = build_mjml_text(
        WRAPPER.replace("<!-- Header section -->", "").replace("<!-- Body section -->", ""), source="w.mjml"
    ).html
    assert outside_comments(with_comments) == outside_comments(without)
    assert "<!-- kept -->" in with_comments  # comments inside content stay


PLAIN = "<mjml><mj-body><mj-section><mj-column><mj-text>{}</mj-text></mj-column></mj-section></mj-body></mjml>"
UBUNTU = "https://fonts.googleapis.com/css?family=Ubuntu:300,400,500,700"


def test_mjml_default_fonts_are_linked_as_node_mjml_links_them() -> None:
    """issue 13 item 5: MJML's default font is Ubuntu, and node links it; documents keep their theme's rule."""
    result = build_mjml_text(PLAIN.format("Hi"), source="p.mjml")
    head = result.html.split("</head>")[0]
    assert f'<link href="{UBUNTU}" rel="stylesheet" type="text/css">' in head
    assert f"@import url({UBUNTU});" in head and result.web_fonts == ("Ubuntu",)
    assert UBUNTU in result.html_tokens  # personalised and ESP exports get it too
    assert "googleapis" not in build_mjml_text(PLAIN.format("Hi"), source="p.mjml", web_fonts=False).html


def test_a_family_counts_in_any_case_and_one_the_author_declares_is_theirs() -> None:
    text = PLAIN.replace("<mj-text>", '<mj-text font-family="open Sans, Arial">').format("Hi")
    assert build_mjml_text(text, source="o.mjml").web_fonts == ("Open Sans",)
    declared = text.replace(
        "<mjml>", '<mjml><mj-head><mj-font name="Open Sans" href="https://cdn.test/os.css" /></mj-head>'
    )
    assert build_mjml_text(declared, source="o.mjml").web_fonts == ()
    arial = PLAIN.replace("<mj-text>", '<mj-text font-family="Arial">').format("Hi")
    assert build_mjml_text(arial, source="a.mjml").web_fonts == ()


def test_build_says_which_fonts_it_linked(tmp_path, capsys) -> None:
    from mailwright.app.cli.main import main

    src = tmp_path / "p.mjml"
    src.write_text(PLAIN.format("Hi"), encoding="utf-8")
    assert main(["build", str(src), "-o", str(tmp_path / "p.html")]) == 0
    assert "web fonts linked as MJML does: Ubuntu (--no-web-fonts leaves them out)" in capsys.readouterr().err
    assert main(["build", str(src), "-o", str(tmp_path / "p.html"), "--no-web-fonts"]) == 0
    assert "web fonts left out (--no-web-fonts)" in capsys.readouterr().err
    assert "googleapis" not in (tmp_path / "p.html").read_text(encoding="utf-8")


def test_text_that_looks_like_an_attribute_is_left_as_written() -> None:
    """Only start tags are rewritten: `= "a\\b"` in the copy keeps its backslash and line break."""
    text = '<mjml><mj-body><mj-text><p>path = "C:\\new\nline"</p></mj-text></mj-body></mjml>'
    html = build_mjml_text(text, source="t.mjml").html
    assert 'path = "C:\\new\nline"' in html.replace("&quot;", '"')
