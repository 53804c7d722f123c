"""Rich text in the plain subset is read without lxml (app/build/markup.py, _simple_parts). What
it gives must be exactly what the lxml walk gives for the same text, and everything outside the
subset must go to lxml. Random texts from a grammar close to the subset (and just outside it:
entities, white space, odd tags, bad nesting) are compared both ways."""

from __future__ import annotations

import random

import pytest

from mailwright.app.build.markup import _emit_children, _sanitize, _simple_parts, fragment_root

PIECES = [
    "Hello",
    "world",
    " ",
    "  ",
    "\n",
    "\t",
    "MWTAG00001Z",
    "a > b",
    "&amp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&nbsp;",
    "&#183;",
    "&#8594;",
    "&#x201C;",
    "&#32;",
    "&#0;",
    "&#128;",
    "&#xD800;",
    "&apos;",
    "&copy;",
    "&amp",
    "& ",
    "é",
    "日本",
    "😀",
    "\u00a0",
    "\u2003",
    "\r",
    "\x85",
    "'",
    '"',
    "=",
    "/",
]
INLINE = ["strong", "b", "em", "i", "u", "s", "sup", "sub", "span", "a", "font", "h1", "p", "li", "ul"]
ATTRS = [
    'style="color:#7c2d12;font-size:12px"',
    'style="text-align:center"',
    'style="color:red; text-decoration:underline"',
    'style="background:url(x)"',
    'href="https://example.com/x"',
    'href="MWTAG00002Z"',
    'href="javascript:alert(1)"',
    'href=""',
    'title="A title"',
    'target="_blank"',
    'target="_self"',
    'class="x"',
    'style=""',
    'href="a" href="b"',
    "href='single'",
    'HREF="upper"',
    'data-x="1"',
    # query strings: "&name=" is kept as written; other "&"s are entities, or not, to libxml2
    'href="https://example.com/?a=1&utm_source=email&b-c=2"',
    'href="x?a&gt=b&lt=c&amp=d"',
    'href="x?a=1&amp;b=2"',
    'href="x?a&gt"',
    'href="x?a&quot b"',
    'href="x?a&#38=1"',
    'href="x?a&=1"',
    'href="x&"',
    'title="A &amp; B"',
    'style="color:red&x=1"',
]


def _text(rnd: random.Random) -> str:
    return "".join(rnd.choice(PIECES) for _ in range(rnd.randint(1, 4)))


def _inline(rnd: random.Random, depth: int) -> str:
    out = []
    for _ in range(rnd.randint(0, 3)):
        roll = rnd.random()
        if roll < 0.45 or depth > 3:
            out.append(_text(rnd))
        elif roll < 0.55:
            out.append(rnd.choice(["<br>", "<br/>", "<br />", "<br  />", "</br>", '<br x="1">']))
        else:
            tag = rnd.choice(INLINE)
            attrs = "".join(" " + rnd.choice(ATTRS) for _ in range(rnd.choice([0, 0, 1, 2])))
            inner = _inline(rnd, depth + 1)
            close = f"</{tag}>" if rnd.random() > 0.05 else ""
            out.append(f"<{tag}{attrs}{rnd.choice(['', '', ' '])}>{inner}{close}")
    return "".join(out)


def _document(rnd: random.Random) -> str:
    paragraphs = []
    for _ in range(rnd.randint(1, 3)):
        attrs = " " + rnd.choice(ATTRS) if rnd.random() < 0.3 else ""
        paragraphs.append(f"<p{attrs}>{_inline(rnd, 0)}</p>")
    html = rnd.choice(["", "", "", " ", "\n"]).join(paragraphs)
    if rnd.random() < 0.05:
        html = rnd.choice([" ", "x", "<div>"]) + html
    return html


def _lxml_parts(html: str) -> list:
    parts: list = []
    _emit_children(fragment_root(html), parts)
    return parts


@pytest.mark.parametrize("seed", range(8))
def test_the_plain_subset_reads_as_lxml_reads_it(seed: int) -> None:
    rnd = random.Random(seed)
    simple = 0
    for _ in range(2500):
        html = _document(rnd)
        parts = _simple_parts(html)
        if parts is not None:
            simple += 1
            assert parts == _lxml_parts(html), html
    assert simple > 200  # the grammar does reach the subset


@pytest.mark.parametrize(
    "html",
    [
        "<p>Issue MWTAG00000Z &#183; May 2025</p>",
        # white space between inline elements, and alone in one (event_invitation's calendar links)
        '<p><strong><span style="color:#f8fafc">Add:</span></strong> <a href="https://x.test/?a=1&text=b">G</a></p>',
        "<p><b> </b></p>",
        "<p>x<br> <b>y</b></p>",
        "<p><sup>1</sup>\n<i>y</i></p>",
        '<p><a href="MWTAG00001Z" style="color:#67615c">View in your browser</a></p>',
        "<p><em>Notes</em></p><p>Second <strong>bold</strong> line</p>",
        '<p><span style="color:#7c2d12;font-size:12px">IN THE BEDS</span></p>',
        '<p style="text-align:center">Centred &amp; <u>underlined</u><br>next</p>',
    ],
)
def test_editor_texts_take_the_short_way_and_match(html: str) -> None:
    parts = _simple_parts(html)
    assert parts is not None
    assert parts == _lxml_parts(html)
    assert _sanitize(html, 12)  # and the whole sanitiser still writes them


@pytest.mark.parametrize(
    "html",
    [
        "<p>a</p> <p>b</p>",  # white space between paragraphs
        "<p>&apos;</p>",
        "<p>a &amp b</p>",
        "<p><b><b>x</b></b></p>",
        "<p><a href='x'>y</a></p>",
        "<p>a<p>b</p></p>",
        "<ul><li>x</li></ul>",
        "<p>x\r\ny</p>",
        '<p><a href="a&amp;b">x</a></p>',
        '<p><a href="a&gt">x</a></p>',
        '<p><a href="a&_b=1">x</a></p>',
        "<P>x</P>",
    ],
)
def test_texts_outside_the_subset_go_to_lxml(html: str) -> None:
    assert _simple_parts(html) is None
