"""The plain-text part, judged as a recipient reading it would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from mjml import mjml2html

from mailwright.app.build.plaintext import html_to_text


def body(inner: str) -> str:
    return f"<!doctype html><html><head><title>T</title></head><body>{inner}</body></html>"


# --- robustness -----------------------------------------------------------------------------


def test_empty_and_blank_input() -> None:
    assert html_to_text("") == ""
    assert html_to_text("  \n ") == ""
    assert html_to_text("<!-- only a comment -->") == ""
    assert html_to_text(body("<style>p{}</style>")) == ""


def test_fragment_without_body() -> None:
    assert html_to_text("Hello <b>world</b>") == "Hello world\n"


def test_huge_input() -> None:
    row = '<tr><td><div><p>Hi &lt;&lt; data:name &gt;&gt; <a href="https://e.com/">go</a></p></div></td></tr>'
    html = body('<table role="presentation">' + row * (10_000_000 // len(row)) + "</table>")
    text = html_to_text(html)
    assert text.startswith("Hi << data:name >> go (https://e.com/)\n\nHi")
    assert "\n\n\n" not in text


def test_deep_nesting_and_stray_brackets_do_not_fail() -> None:
    assert html_to_text("<div>" * 5000 + "x" + "</div>" * 5000) in ("", "x\n")
    assert html_to_text("<<" * 100_000 + "&lt;&lt;" * 10_000).startswith("<<<<")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            list("ab <>/&;#%\t\u00a0\u200b")
            + [
                "<p>",
                "</p>",
                "<br>",
                "<h1>",
                "</h1>",
                "<li>",
                "<ul>",
                "</ul>",
                "<td>",
                "<tr>",
                "<hr>",
                '<a href="u">',
                "</a>",
                "<<",
                ">>",
                "&lt;&lt;",
                "&gt;&gt;",
                "<!--",
                "-->",
            ]
        )
    ).map("".join)
)
def test_output_discipline_on_arbitrary_input(html: str) -> None:
    # No "\n" in the alphabet: merge tags are kept verbatim, newlines inside them included.
    text = html_to_text(html)
    assert text == html_to_text(html)  # deterministic
    if text:
        assert text.endswith("\n") and not text.endswith("\n\n")
        assert not text.startswith("\n")
        assert "\n\n\n" not in text
        assert all(line == line.rstrip() for line in text.split("\n"))


# --- what must not show ---------------------------------------------------------------------


def test_preheader_and_hidden_content_absent() -> None:
    html = body(
        '<div style="display: none; max-height:0">Preview text&#847;&zwnj;&nbsp;&#8203;</div>'
        '<div style="mso-hide:all">Outlook-hidden</div>'
        '<div class="x mw-hide-desktop">Mobile copy</div>'
        "<p>Visible</p>"
    )
    assert html_to_text(html) == "Visible\n"


def test_css_scripts_and_comments_absent() -> None:
    html = (
        "<html><head><title>Subject</title><style>.a{color:red}</style></head><body>"
        "<script>alert(1)</script><!-- a comment -->"
        "<!--[if mso | IE]><table><tr><td>Outlook only<![endif]-->"
        "<p>Text</p>"
        "<!--[if !mso]><!--><p>Everyone else</p><!--<![endif]-->"
        "</body></html>"
    )
    assert html_to_text(html) == "Text\n\nEveryone else\n"


def test_zero_width_removed_and_nbsp_is_space() -> None:
    assert html_to_text(body("<p>a\u200b\ufeffb&nbsp;c\u034f \u200c d</p>")) == "ab c d\n"


# --- layout ---------------------------------------------------------------------------------


def test_headings() -> None:
    html = body("<h1>Big news</h1><p>Body</p><h2>Sub  title</h2><h3>Small</h3><p>End</p>")
    assert html_to_text(html) == ("Big news\n========\n\nBody\n\nSub title\n---------\n\nSmall\n\nEnd\n")


def test_blank_line_discipline_and_whitespace_collapse() -> None:
    html = body(
        "<p>  one\n\t two   </p><p></p><p>&nbsp;</p><div><br><br><br></div>"
        "<p>three</p><div>four</div><div>five<br>six<br><br>seven</div>"
    )
    assert html_to_text(html) == "one two\n\nthree\n\nfour\nfive\nsix\n\nseven\n"


def test_hr() -> None:
    assert html_to_text(body("<p>a</p><hr><p>b</p>")) == "a\n\n" + "-" * 20 + "\n\nb\n"


def test_lists() -> None:
    html = body(
        "<p>Intro</p><ul><li>One</li><li>Two<ul><li>Deep</li></ul></li></ul>"
        '<ol><li>First</li><li>Second</li></ol><ol start="4"><li>Fourth</li></ol><p>Outro</p>'
    )
    assert html_to_text(html) == ("Intro\n\n- One\n- Two\n  - Deep\n\n1. First\n2. Second\n\n4. Fourth\n\nOutro\n")


def test_tables() -> None:
    data = body("<table><tr><th>Item</th><th>Price</th></tr><tr><td>Tea</td><td>3 €</td></tr></table>")
    assert html_to_text(data) == "Item  Price\nTea  3 €\n"
    layout = body(
        '<table role="presentation"><tr><td><div>Left</div></td><td><div>Right</div></td></tr>'
        "<tr><td></td><td>&nbsp;</td></tr></table>"
    )
    text = html_to_text(layout)
    assert text == "Left\n\nRight\n"
    assert "|" not in text


# --- links, buttons, images -----------------------------------------------------------------


def test_links() -> None:
    html = body(
        '<p>See <a href="https://e.com/a">our site</a>.</p>'
        '<p><a href="https://e.com/">https://e.com/</a></p>'
        '<p>Mail <a href="mailto:hi@e.com">us</a> or <a href="mailto:hi@e.com">hi@e.com</a></p>'
        '<p><a href="#">Top</a> <a href="">Empty</a> <a href="javascript:void(0)">JS</a> <a>None</a></p>'
        '<p>go<a href="https://e.com/b"> here </a>now</p>'
    )
    assert html_to_text(html) == (
        "See our site (https://e.com/a).\n\n"
        "https://e.com/\n\n"
        "Mail us (hi@e.com) or hi@e.com\n\n"
        "Top Empty JS None\n\n"
        "go here (https://e.com/b) now\n"
    )


def test_buttons() -> None:
    html = body(
        '<p>Intro</p><table role="presentation"><tr><td role="presentation">'
        '<a href="https://example.com/sale" style="display: inline-block; padding:10px">Shop the sale</a>'
        '</td></tr></table><p>Or <a class="mw-button" href="https://e.com/x">Join</a> now</p>'
    )
    assert html_to_text(html) == (
        "Intro\n\nShop the sale: https://example.com/sale\n\nOr\n\nJoin: https://e.com/x\n\nnow\n"
    )


def test_images() -> None:
    html = body(
        '<p><img src="a.png" alt="Our logo"> <img src="spacer.gif" alt=""> <img src="b.png"></p>'
        '<p><a href="https://e.com/"><img src="c.png" alt="Product"></a></p>'
        '<p><a href="https://e.com/"><img src="d.png" alt=""></a></p>'
    )
    assert html_to_text(html) == "[Our logo]\n\n[Product] (https://e.com/)\n"


# --- merge tags -----------------------------------------------------------------------------

TAG = '<< data:firstname | default("there") >>'


def test_merge_tags_raw_and_escaped_in_text() -> None:
    raw = body(
        f'<p>Hi {TAG},</p><p><% if data:plan == "pro" and data:seats > 5 %>Pro<% endif %></p>'
        "<p><# note  to   self #>\\<< literal</p>"
    )
    assert html_to_text(raw) == (
        f'Hi {TAG},\n\n<% if data:plan == "pro" and data:seats > 5 %>Pro<% endif %>\n\n'
        "<# note  to   self #>\\<< literal\n"
    )
    escaped = body(
        "<p>Hi &lt;&lt; data:firstname | default(&quot;there&quot;) &gt;&gt;,</p>"
        "<p>&lt;% if data:plan == &quot;pro&quot; %&gt;Pro&lt;% endif %&gt;</p>"
    )
    assert html_to_text(escaped) == f'Hi {TAG},\n\n<% if data:plan == "pro" %>Pro<% endif %>\n'


def test_merge_tags_in_href_and_headings() -> None:
    html = body(
        "<h1>Hello &lt;&lt; data:firstname &gt;&gt;</h1>"
        '<p><a href="<< link:unsubscribe >>">Unsubscribe</a> '
        '<a href="https://e.com/?id=&lt;&lt; data:id | urlencode &gt;&gt;&amp;x=1">Profile</a> '
        '<a href="<< link:view_online >>">&lt;&lt; link:view_online &gt;&gt;</a></p>'
        '<a class="mw-button" href="<< var:cta_url >>">Go</a>'
    )
    assert html_to_text(html) == (
        "Hello << data:firstname >>\n==========================\n\n"
        "Unsubscribe (<< link:unsubscribe >>) "
        "Profile (https://e.com/?id=<< data:id | urlencode >>&x=1) "
        "<< link:view_online >>\n\n"
        "Go: << var:cta_url >>\n"
    )


def test_stray_angle_brackets_are_plain_text() -> None:
    html = body("<p>&lt;&lt; Back</p><p>Next &gt;&gt;</p><p>Read more &gt;&gt;</p>")
    assert html_to_text(html) == "<< Back\n\nNext >>\n\nRead more >>\n"


# --- a real MJML email ----------------------------------------------------------------------

MJML = """
<mjml>
  <mj-head><mj-preview>Our biggest sale starts now</mj-preview></mj-head>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-image src="https://example.com/logo.png" alt="Acme" href="https://example.com"></mj-image>
        <mj-text>
          <h1>Summer sale</h1>
          <p>Hi &lt;&lt; data:firstname | default("there") &gt;&gt;,</p>
          <p>Everything is <b>30% off</b> until Sunday. Read the
             <a href="https://example.com/terms">terms</a>.</p>
          <ul><li>Free shipping</li><li>Easy returns</li></ul>
        </mj-text>
        <mj-button href="https://example.com/sale">Shop the sale</mj-button>
        <mj-image src="https://example.com/hero.png" alt=""></mj-image>
        <mj-divider></mj-divider>
        <mj-text>Acme Inc.<br>1 Main St</mj-text>
        <mj-text><a href="<< link:unsubscribe >>">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""


def test_realistic_mjml_email() -> None:
    html = mjml2html(MJML, fonts={})
    assert "Our biggest sale" in html and "[if mso" in html  # the traps really are there
    assert html_to_text(html) == (
        "[Acme] (https://example.com)\n"
        "\n"
        "Summer sale\n"
        "===========\n"
        "\n"
        'Hi << data:firstname | default("there") >>,\n'
        "\n"
        "Everything is 30% off until Sunday. Read the terms (https://example.com/terms).\n"
        "\n"
        "- Free shipping\n"
        "- Easy returns\n"
        "\n"
        "Shop the sale: https://example.com/sale\n"
        "\n"
        "--------------------\n"
        "\n"
        "Acme Inc.\n"
        "1 Main St\n"
        "\n"
        "Unsubscribe (<< link:unsubscribe >>)\n"
    )
