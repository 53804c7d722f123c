"""The per-recipient fast paths give what the plain way gives: text tidying, constant parts,
one runtime for the four parts, one sandboxed call per output tag."""

from __future__ import annotations

import random
import re

import pytest

from mailwright.app.merge import CompiledTemplate, RenderError, parse
from mailwright.app.build.personalise import CompiledEmail, fit_underlines, tidy_text
from mailwright.app.build.pipeline import build_mjml_text

_UNDERLINED = re.compile(r"^(?P<title>[^\n]+)\n(?P<rule>={3,}|-{3,})$", re.M)


def reference_fit(text: str) -> str:
    """The pattern over the whole text, as the render did before it looked only where it must."""

    def fit(m: re.Match[str]) -> str:
        title = m.group("title")
        if set(title.strip()) <= {"-", "="}:
            return m.group(0)
        return f"{title}\n{m.group('rule')[0] * len(title)}"

    return _UNDERLINED.sub(fit, text)


def reference_tidy(text: str) -> str:
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n" if text.strip() else ""
    return reference_fit(text)


def random_texts(n: int, seed: int):
    rng = random.Random(seed)
    pieces = ["a", "Zoë", " ", "\t", "\n", "\n", "=", "=", "-", "-", "===", "---", "\r", "x\n===\n"]
    for _ in range(n):
        yield "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))


def test_fit_underlines_matches_the_whole_text_pattern():
    cases = [
        "",
        "Hi Zoë\n===",
        "Hi\n---\n---\n===",
        "---\n===\nTitle\n======",
        "\n===\nA\n--\nB\n---",
        "A\n===\n",
        "  \n---",
        "Long heading here\n===\ntext\n\nShort\n-----------\n",
    ]
    for text in [*cases, *random_texts(5000, 1)]:
        assert fit_underlines(text) == reference_fit(text), repr(text)


def test_tidy_text_matches_the_regex_passes():
    for text in random_texts(5000, 2):
        assert tidy_text(text) == reference_tidy(text), repr(text)


def test_a_part_without_tags_is_rendered_once_and_still_capped():
    t = CompiledTemplate(parse("Re:\r\n plain \u202etext", "s"), "header")
    assert t.static
    assert t.render({"a": 1}).text == "Re: plain text"
    assert t.render({}).missing == () and t.render({}).defaulted == ()
    html = CompiledTemplate(parse("<p>a & b</p>", "h", markup=True), "html")
    assert html.render({}).text == "<p>a & b</p>"
    with pytest.raises(RenderError, match="over"):
        html.render({}, max_chars=5)


def test_header_junk_is_stripped_from_values_and_from_the_template_text():
    nodes = parse("A\r\nB << data:x >>", "s")
    assert CompiledTemplate(nodes, "header").render({"x": "\n\x00y\u2066"}).text == "AB y"
    assert CompiledTemplate(parse("Hi << data:x >>", "s"), "header").render({"x": "a\r\nb"}).text == "Hi ab"


def test_one_sandboxed_call_per_output_tag_and_no_user_text_in_the_code():
    t = CompiledTemplate(
        parse(
            '<< data:n | trim | default("{{ x }}") | upper >>{% raw %}'
            "<% for i in data:l %><< i:v | truncate(3) >><% endfor %>",
            "t",
        ),
        "html",
    )
    assert t.source.count("m_show(") == 1 and t.source.count("m_show_item(") == 1
    assert "{{ x }}" not in t.source and "raw" not in t.source and "truncate" not in t.source
    out = t.render({"n": " ann ", "l": [{"v": "abcdef"}, {}]})
    assert out.text == "ANN{% raw %}ab…"
    assert out.missing == ("data:l[].v",)


def test_one_runtime_collects_missing_and_defaulted_in_part_order():
    built = build_mjml_text(
        '<mjml><mj-body><mj-section><mj-column><mj-text><a href="<< data:url >>">'
        'Hi << data:first >> << data:city | default("x") >> << data:zip >></a>'
        "</mj-text></mj-column></mj-section></mj-body></mjml>",
        source="m.mjml",
    )
    # first: covered by a default in the subject, missing in the HTML, so missing only.
    email = CompiledEmail(
        built._replace(
            subject='<< data:first | default("you") >> << data:plan >>',
            preheader="<< data:zip | default(1) >> << data:vip | default(1) >>",
        )
    )
    plain = email.render({"url": ""})
    assert plain.subject == "you "
    # url: empty, inside an attribute in the HTML (not counted there), shown in the text part.
    assert plain.missing == ("data:plan", "data:first", "data:zip", "data:url")
    assert plain.defaulted == ("data:vip", "data:city")
    marked = email.render({"url": ""}, mark_missing=True)
    assert '<mark class="mw-missing"' in marked.html and 'href=""' in marked.html
    assert "<mark" not in marked.text and "<mark" not in marked.subject and "mark" not in marked.preheader
    assert (marked.missing, marked.defaulted) == (plain.missing, plain.defaulted)
