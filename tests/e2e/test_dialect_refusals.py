"""Refusals that are honest and complete (issue 12 item 7): a dialect refuses only what its ESP
cannot say, never writes two fields as one tag, and never leaves text its ESP would read as a tag."""

from __future__ import annotations

import pytest

from mailwright.app.merge import parse
from mailwright.app.merge.dialects import ExportContext, ExportError, get_dialect
from tests.support import campaignmonitor_engine


def _export(dialect: str, src: str, part: str = "html") -> str:
    return get_dialect(dialect).export(parse(src, "t.html"), ExportContext(part))


def test_campaign_monitor_refuses_two_fields_written_as_one_tag() -> None:
    src = '<< data:firstname >> and << data:"first name" >>'
    with pytest.raises(ExportError) as e:
        _export("campaignmonitor", src)
    assert 'data:firstname and data:"first name" as [firstname]' in str(e.value)
    assert str(e.value).startswith("t.html:1:")


def test_campaign_monitor_refuses_literal_text_it_would_read_as_a_tag() -> None:
    src = "Type [firstname] to greet, << data:firstname >>"
    # What Campaign Monitor would send: the literal shows the subscriber's name too.
    assert (
        campaignmonitor_engine.render("Type [firstname] to greet, [firstname]", {"firstname": "Ana"})
        == "Type Ana to greet, Ana"
    )
    for text in (src, "[if:plan=pro] is how CM writes it << data:plan >>", "Click [unsubscribe] << data:x >>"):
        with pytest.raises(ExportError, match="would read it as its own tag"):
            _export("campaignmonitor", text)


def test_campaign_monitor_leaves_outlook_comments_and_other_brackets() -> None:
    out = _export("campaignmonitor", "<!--[if mso]><b>x</b><![endif]--> [note] << data:firstname >>")
    assert out == "<!--[if mso]><b>x</b><![endif]--> [note] [firstname]"


@pytest.mark.parametrize("dialect", ["liquid", "customerio"])
def test_liquid_field_names_with_spaces_and_mixed_and_or_are_exported(dialect: str) -> None:
    assert '["first name"]' in _export(dialect, '<< data:"first name" >>')
    assert "or" in _export(dialect, "<% if data:a and data:b or data:c %>Y<% endif %>", "text")
    with pytest.raises(ExportError, match="groups on both sides"):
        _export(dialect, "<% if data:a and data:b or data:c and data:d %>Y<% endif %>")


@pytest.mark.parametrize("dialect", ["handlebars", "mailgun", "ses", "iterable", "postmark", "mailchimp"])
def test_and_or_are_nested_conditions_where_the_esp_tests_one_thing(dialect: str) -> None:
    either = _export(dialect, "<% if data:a or data:b %>X<% else %>Y<% endif %>", "text")
    both = _export(dialect, "<% if data:a and data:b %>X<% else %>Y<% endif %>", "text")
    assert either.count("X") == 2 and both.count("Y") == 2  # the shared branch written twice


def test_sendgrid_nests_and_or_its_helpers_cannot_take() -> None:
    out = _export("sendgrid", '<% if data:a and data:plan == "pro" %>A<% else %>B<% endif %>', "text")
    assert out == '{{#if a}}{{#equals plan "pro"}}A{{else}}B{{/equals}}{{else}}B{{/if}}'


def test_a_refused_export_lists_every_construct_the_esp_cannot_express(tmp_path) -> None:
    import subprocess
    import sys

    src = tmp_path / "two.mjml"
    src.write_text(
        "<mjml><mj-body><mj-section><mj-column><mj-text>"
        "<< data:order.total >> <% for item in data:items %><< item:name >><% endfor %>"
        " << data:firstname | truncate(3) >></mj-text></mj-column></mj-section></mj-body></mjml>\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "mailwright", "build", str(src), "--esp", "mailchimp"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    lines = [line for line in run.stderr.splitlines() if "Mailchimp cannot express" in line]
    assert len(lines) == 3, run.stderr
    assert any("data:order.total" in x for x in lines) and any("loop" in x for x in lines)
    assert any("'truncate'" in x for x in lines)
    assert all(str(src) in x for x in lines) and "Traceback" not in run.stderr
