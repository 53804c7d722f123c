"""Personalised rendering: what each recipient reads, safely escaped, with every gap reported."""

from __future__ import annotations

import pytest

from mailwright.app.document.model import Document
from mailwright.app.merge import CompiledTemplate, RenderError, parse
from mailwright.app.build.personalise import CompiledEmail
from mailwright.app.build.pipeline import BuildError, build_document, build_mjml_text


def render(text: str, data=None, mode="html", **kw):
    return CompiledTemplate(parse(text, "t"), mode).render(data or {}, **kw)


def test_values_are_html_escaped_in_html_and_literal_in_headers():
    assert render("Hi << data:n >>", {"n": 'Ann <b> & "Co"'}).text == "Hi Ann &lt;b&gt; &amp; &#34;Co&#34;"
    assert render("Hi << data:n >>", {"n": "Ann <b>"}, mode="text").text == "Hi Ann <b>"
    header = render("Re: << data:s >>", {"s": "Bob\r\nBcc: x@evil.test\x00 \u202eevil"}, mode="header").text
    assert header == "Re: BobBcc: x@evil.test evil"


def test_a_value_is_never_rendered_twice():
    out = render("<< data:a >>", {"a": "<< data:password >> <% if data:x %>"}).text
    assert out == "&lt;&lt; data:password &gt;&gt; &lt;% if data:x %&gt;"


def test_every_missing_field_is_collected_not_just_the_first():
    r = render("<< data:first >> << data:last >> << data:city | default('?') >> <% if data:vip %><% endif %>", {})
    assert r.missing == ("data:first", "data:last")
    assert r.defaulted == ("data:city", "data:vip")


@pytest.mark.parametrize("value", [None, "", [], 0, False])
def test_default_applies_to_missing_null_and_empty(value):
    data = {} if value is None else {"n": value}
    assert render('<< data:n | default("there") >>', data).text == "there"
    assert render('<< data:n | default("there") >>', {"n": None}).text == "there"


@pytest.mark.parametrize("value", ["   ", "0", "no", "false"])
def test_default_keeps_text_that_is_not_empty_as_every_engine_does(value):
    # issue 12 item 3: Jinja, Liquid, Django and Handlebars all keep "   "; `trim` first to drop it.
    assert render('<< data:n | default("there") >>', {"n": value}, mode="text").text == value
    assert render('<< data:n | trim | default("there") >>', {"n": "   "}, mode="text").text == "there"


def test_filters():
    d = {"n": "  zoë o'neil  ", "p": "1234.5", "q": "a b&c"}
    assert render("<< data:n | trim | upper >>", d, mode="text").text == "ZOË O'NEIL"
    # title and capitalize as Jinja (and Liquid's capitalize) do: the rest of a word lower-cased.
    assert render("<< data:n | trim | title >>", d, mode="text").text == "Zoë O'neil"
    assert render("<< data:n | trim | capitalize >>", d, mode="text").text == "Zoë o'neil"
    assert render("<< data:m | capitalize >>", {"m": "mcDONALD élan"}, mode="text").text == "Mcdonald élan"
    assert render("<< data:p | number(2) >>", d).text == "1234.50"
    assert render("<< data:n | trim | truncate(5) >>", d, mode="text").text == "zoë …"
    assert render("<< data:q | urlencode >>", d).text == "a%20b%26c"


def test_conditions_compare_csv_text_as_numbers_and_missing_as_false():
    # issue 12 items 2 and 4: text is true unless it is ""; text with a number compares with a number.
    t = '<% if data:seats > 5 and data:plan == "pro" %>big<% elif data:seats %>small<% else %>none<% endif %>'
    assert render(t, {"seats": "12", "plan": "pro"}).text == "big"
    assert render(t, {"seats": "3", "plan": "pro"}).text == "small"
    assert render(t, {}).text == "none"
    assert render("<% if data:vip %>y<% else %>n<% endif %>", {"vip": "false"}).text == "y"
    assert render("<% if data:vip %>y<% else %>n<% endif %>", {"vip": ""}).text == "n"
    assert render("<% if data:vip %>y<% else %>n<% endif %>", {"vip": "Yes"}).text == "y"
    assert render('<% if "b" in data:tags %>y<% endif %>', {"tags": ["a", "b"]}).text == "y"
    assert render("<% if not (data:a or data:b) %>y<% endif %>", {}).text == "y"


def test_loops_over_lists_and_report_missing_item_fields():
    t = "<% for it in data:items %>[<< it:name >>:<< it:qty >>]<% endfor %>"
    r = render(t, {"items": [{"name": "Tea", "qty": 2}, {"name": "Cup"}]})
    assert r.text == "[Tea:2][Cup:]"
    assert r.missing == ("data:items[].qty",)


def test_links_render_to_configurable_test_urls():
    assert render("<< link:unsubscribe >>").text.startswith("https://")
    assert render("<< link:unsubscribe >>", links={"unsubscribe": "https://t.test/u"}).text == "https://t.test/u"


def test_preview_marks_missing_fields_but_never_inside_attributes():
    html = build_mjml_text(
        '<mjml><mj-body><mj-section><mj-column><mj-text><a href="<< data:url >>">Hi << data:x >></a>'
        "</mj-text></mj-column></mj-section></mj-body></mjml>",
        source="m.mjml",
    )
    out = CompiledEmail(html).render({}, mark_missing=True).html
    assert '<mark class="mw-missing"' in out and "data:x</mark>" in out
    assert 'href=""' in out
    assert "<mark" not in CompiledEmail(html).render({}).html


def test_output_size_is_capped():
    t = "<% for a in data:l %><% for b in data:l %><< data:s >><% endfor %><% endfor %>"
    with pytest.raises(RenderError, match="over"):
        render(t, {"l": list(range(3000)), "s": "x" * 100}, max_chars=1_000_000)


def _doc(**extra) -> Document:
    return Document.model_validate(
        {
            "subject": 'Hello << data:first | default("there") >>',
            "preheader": "For << data:first >>",
            "variables": {"campaign": "Spring"},
            "rows": [
                {
                    "id": "r1",
                    "columns": [
                        {
                            "id": "c1",
                            "width": 100,
                            "blocks": [
                                {
                                    "id": "b1",
                                    "type": "heading",
                                    "props": {"text": "<< var:campaign >> sale for << data:first >>"},
                                },
                                {
                                    "id": "b2",
                                    "type": "text",
                                    "props": {"html": "<p>Only for pros</p>"},
                                    "condition": 'data:plan == "pro"',
                                },
                                {
                                    "id": "b3",
                                    "type": "text",
                                    "props": {"html": "<p>Item: << item:name >></p>"},
                                    "repeat": "item in data:items",
                                },
                            ],
                        }
                    ],
                },
                {
                    "id": "r2",
                    "condition": "data:vip",
                    "columns": [
                        {
                            "id": "c2",
                            "width": 100,
                            "blocks": [{"id": "b4", "type": "text", "props": {"html": "<p>VIP corner</p>"}}],
                        }
                    ],
                },
            ],
            **extra,
        }
    )


def test_document_conditions_and_repeats_render_per_recipient():
    email = CompiledEmail(build_document(_doc(), source="d.mwt"))
    pro = email.render({"first": "Ann", "plan": "pro", "vip": "yes", "items": [{"name": "Tea"}, {"name": "Cup"}]})
    assert pro.subject == "Hello Ann"
    assert "Spring sale for Ann" in pro.html and "Only for pros" in pro.html and "VIP corner" in pro.html
    assert "Item: Tea" in pro.html and "Item: Cup" in pro.html
    assert "Item: Tea" in pro.text and "VIP corner" in pro.text
    basic = email.render({"plan": "basic"})
    assert basic.subject == "Hello there"
    assert "Only for pros" not in basic.html and "VIP corner" not in basic.html and "Item:" not in basic.html
    assert basic.missing == ("data:first", "data:items")


def test_bad_tags_in_a_document_name_the_block_and_field():
    doc = _doc()
    doc.rows[0].columns[0].blocks[0].props.text = "Hi << Prev | Next >>"
    with pytest.raises(BuildError, match=r"d\.mwt: b1\.props\.text:1:7: 'Prev' is not a field"):
        build_document(doc, source="d.mwt")
    doc = _doc()
    doc.rows[1].condition = "data:vip =="
    with pytest.raises(BuildError, match=r"d\.mwt: r2\.condition:1:"):
        build_document(doc, source="d.mwt")


def test_line_items_block_repeats_its_rows():
    doc = Document.model_validate(
        {
            "rows": [
                {"id": "r1", "columns": [{"id": "c1", "width": 100, "blocks": [{"id": "b1", "type": "line_items"}]}]}
            ]
        }
    )
    email = CompiledEmail(build_document(doc))
    out = email.render(
        {
            "order": {
                "items": [{"name": "Tea", "quantity": 2, "price": "$4"}, {"name": "Mug", "quantity": 1, "price": "$9"}],
                "subtotal": "$17",
                "shipping": "$0",
                "total": "$17",
            }
        }
    )
    assert out.html.count("<strong>Tea</strong>") == 1 and "<strong>Mug</strong>" in out.html
    assert "$17" in out.html and "Tea" in out.text
