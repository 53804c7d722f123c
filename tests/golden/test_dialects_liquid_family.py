"""The `{{ … }}` / `{% … %}` ESP dialects: liquid, jinja, customerio, braze, klaviyo, brevo, hubspot.

Golden files: `tests/fixtures/dialect_sample.mjml` built with `campaign=Spring` and exported
per dialect into `tests/golden/dialects/<name>.html`, `.txt`, `.subject.txt`. To accept a
change, rewrite them and review the diff:

    make golden            # MAILWRIGHT_UPDATE_GOLDEN=1 pytest tests/golden

Braze has no "view online" page and HubSpot contact properties hold no lists, so those two
refuse one tag of the sample (tested below); their golden files come from the sample without
that tag. The focused tests after the golden ones check each mapping, each refusal (a located
message that says what to do), attribute-safe quoting and field maps.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mailwright.app.merge import parse
from mailwright.app.merge.dialects import ExportContext, ExportError, get_dialect
from mailwright.app.merge.render import CompiledTemplate
from mailwright.app.build.personalise import CompiledEmail, export_for_esp
from mailwright.app.build.pipeline import BuildError, BuildResult, build_mjml_text

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "dialect_sample.mjml"
GOLDEN = HERE / "dialects"
UPDATE = os.environ.get("MAILWRIGHT_UPDATE_GOLDEN") == "1"

DIALECTS = ("liquid", "jinja", "customerio", "braze", "klaviyo", "brevo", "hubspot")
VIEW_ONLINE = ' · <a href="<< link:view_online >>">View online</a>'
LOOP = "<mj-text><% for item in data:items %><p><< item:name >> x << item:quantity >></p><% endfor %></mj-text>"
ADAPT = {"braze": VIEW_ONLINE, "hubspot": LOOP}


def sample_source(name: str | None = None) -> str:
    src = FIXTURE.read_text(encoding="utf-8")
    if name in ADAPT:
        assert ADAPT[name] in src, "the sample changed: update ADAPT"
        src = src.replace(ADAPT[name], "")
    return src


def build(src: str, source: str = "dialect_sample.mjml") -> BuildResult:
    return build_mjml_text(src, source=source, variables={"campaign": "Spring"})


def check_golden(path: Path, actual: str) -> None:
    """Compare with the golden file byte for byte (or rewrite it when updating)."""
    data = actual.encode("utf-8")
    rel = path.relative_to(ROOT)
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        return
    if not path.exists():
        pytest.fail(
            f"golden file {rel} does not exist yet: run `make golden` (MAILWRIGHT_UPDATE_GOLDEN=1) "
            "and review the new file before committing",
            pytrace=False,
        )
    expected = path.read_bytes()
    if expected != data:
        i = next((k for k, (a, b) in enumerate(zip(expected, data)) if a != b), min(len(expected), len(data)))
        window = slice(max(0, i - 120), i + 120)
        pytest.fail(
            f"{rel} differs from the current output at byte {i}\n"
            f"  golden: {expected[window].decode('utf-8', 'replace')!r}\n"
            f"  now:    {data[window].decode('utf-8', 'replace')!r}\n"
            "If the change is intended, run `make golden` and review the diff.",
            pytrace=False,
        )


@pytest.mark.parametrize("name", DIALECTS)
def test_golden_export(name):
    exported = export_for_esp(build(sample_source(name)), name)
    check_golden(GOLDEN / f"{name}.html", exported.html)
    check_golden(GOLDEN / f"{name}.txt", exported.text)
    check_golden(GOLDEN / f"{name}.subject.txt", exported.subject + "\n")
    assert "<<" not in exported.html and "<%" not in exported.html


@pytest.mark.parametrize(
    "name, where, what",
    [
        ("braze", "dialect_sample.mjml:15:78", "<< link:view_online >>"),
        ("hubspot", "dialect_sample.mjml:13:18", "<% for item in data:items %>"),
    ],
)
def test_the_unadapted_sample_is_refused_with_a_located_message(name, where, what):
    with pytest.raises(BuildError) as e:
        export_for_esp(build(sample_source()), name)
    message = str(e.value)
    assert message.startswith(where + ": ") and what in message and "; " in message


# --- helpers for the focused tests ----------------------------------------------------------


def exp(name: str, text: str, part: str = "text", field_map: dict | None = None, variables: dict | None = None) -> str:
    """A merge-language string exported by one dialect (no HTML pipeline)."""
    tree = parse(text, "t.txt")
    return get_dialect(name).export(tree, ExportContext(part, dict(field_map or {}), dict(variables or {})))


def refusal(name: str, text: str, part: str = "text") -> str:
    with pytest.raises(ExportError) as e:
        exp(name, text, part)
    return str(e.value)


def mjml(body: str) -> str:
    return (
        "<mjml><mj-head><mj-title>T</mj-title></mj-head><mj-body><mj-section><mj-column>"
        f"{body}</mj-column></mj-section></mj-body></mjml>"
    )


# --- variables and defaults -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name, text_out, html_out",
    [
        ("liquid", "{{ firstname }}", "{{ firstname | escape }}"),
        ("jinja", "{{ firstname }}", "{{ firstname | escape }}"),
        ("customerio", "{{customer.firstname | default: ''}}", "{{customer.firstname | escape | default: ''}}"),
        ("braze", "{{${first_name}}}", "{{${first_name} | escape}}"),
        ("klaviyo", "{{ first_name }}", "{{ first_name }}"),
        ("brevo", "{{ contact.FIRSTNAME }}", "{{ contact.FIRSTNAME }}"),
        ("hubspot", "{{ contact.firstname }}", "{{ contact.firstname|escape }}"),
    ],
)
def test_variable(name, text_out, html_out):
    assert exp(name, "Hi << data:firstname >>!") == f"Hi {text_out}!"
    assert exp(name, "Hi << data:firstname >>!", "html") == f"Hi {html_out}!"


@pytest.mark.parametrize(
    "name, text_out, html_out",
    [
        ("liquid", "{{ firstname | default: 'there' }}", "{{ firstname | escape | default: 'there' }}"),
        ("jinja", "{{ firstname | default('there', true) }}", "{{ firstname | default('there', true) | escape }}"),
        (
            "customerio",
            "{{customer.firstname | default: 'there'}}",
            "{{customer.firstname | escape | default: 'there'}}",
        ),
        ("braze", "{{${first_name} | default: 'there'}}", "{{${first_name} | escape | default: 'there'}}"),
        ("klaviyo", "{{ first_name|default:'there' }}", "{{ first_name|default:'there' }}"),
        ("brevo", "{{ contact.FIRSTNAME|default:'there' }}", "{{ contact.FIRSTNAME|default:'there' }}"),
        (
            "hubspot",
            "{{ personalization_token('contact.firstname', 'there') }}",
            "{{ personalization_token('contact.firstname', 'there')|escape }}",
        ),
    ],
)
def test_default(name, text_out, html_out):
    assert exp(name, '<< data:firstname | default("there") >>') == text_out
    assert exp(name, '<< data:firstname | default("there") >>', "html") == html_out


@pytest.mark.parametrize(
    "name, expected",
    [
        # The default is shown HTML-escaped exactly once: escaped here where the ESP outputs the
        # literal as it is, left to the ESP where it escapes the default with the value.
        ("liquid", "{{ city | escape | default: 'Tom &amp; Jerry&#x27;s &lt;b&gt;' }}"),
        ("jinja", "{{ city | default('Tom \\x26 Jerry\\'s \\x3cb\\x3e', true) | escape }}"),
        ("klaviyo", "{{ person|lookup:'city'|default:'Tom &amp; Jerry&#x27;s &lt;b&gt;' }}"),
        ("brevo", "{{ contact.CITY|default:'Tom &amp; Jerry&#x27;s &lt;b&gt;' }}"),
        (
            "hubspot",
            "{% if contact.city %}{{ contact.city|escape }}{% else %}Tom &amp; Jerry&#x27;s &lt;b&gt;{% endif %}",
        ),
    ],
)
def test_html_defaults_are_escaped_once(name, expected):
    assert exp(name, '<< data:city | default("Tom & Jerry\'s <b>") >>', "html") == expected


def test_text_defaults_keep_their_quotes():
    assert exp("liquid", '<< data:x | default("it\'s") >>') == '{{ x | default: "it\'s" }}'
    assert exp("jinja", '<< data:x | default("it\'s \\"ok\\"") >>') == "{{ x | default('it\\'s \"ok\"', true) }}"
    assert exp("klaviyo", '<< data:x | default("it\'s") >>') == "{{ person|lookup:'x'|default:\"it's\" }}"


def test_filters_after_a_default_apply_to_it():
    # Written order in the text part; in the HTML part the later filters are applied to the
    # default at export time so the (escaped) default can come last.
    assert exp("liquid", '<< data:x | default("a&b") | upper >>') == "{{ x | default: 'a&b' | upcase }}"
    assert (
        exp("liquid", '<< data:x | default("a&b") | upper >>', "html")
        == "{{ x | upcase | escape | default: 'A&amp;B' }}"
    )
    assert (
        exp("klaviyo", '<< data:x | default("a&b") | upper >>', "html")
        == "{{ person|lookup:'x'|upper|default:'A&amp;B' }}"
    )
    assert (
        exp("klaviyo", '<< data:x | default("ab") | upper >>', "html") == "{{ person|lookup:'x'|default:'ab'|upper }}"
    )
    assert (
        exp("hubspot", '<< data:x | upper | default("ab") >>')
        == "{% if contact.x %}{{ contact.x|upper }}{% else %}ab{% endif %}"
    )


@pytest.mark.parametrize(
    "name, expected",
    [
        # url_encode writes a space as %20 and keeps '/', as the preview does
        (
            "liquid",
            "{{ x | upcase | downcase | capitalize | strip | truncate: 5, '…' | url_encode"
            " | replace: '+', '%20' | replace: '%2F', '/' }}",
        ),
        ("jinja", "{{ x | upper | lower | capitalize | trim | string | truncate(5, true, '…', 0) | urlencode }}"),
        ("hubspot", "{{ contact.x|upper|lower|capitalize|trim|truncate(5, true, '…')|urlencode }}"),
    ],
)
def test_filters(name, expected):
    assert exp(name, "<< data:x | upper | lower | capitalize | trim | truncate(5) | urlencode >>") == expected


def test_django_filters():
    assert (
        exp("klaviyo", "<< data:x | upper | lower | capitalize | title | truncate(5) | urlencode | number(2) >>")
        == "{{ person|lookup:'x'|upper|lower|lower|capfirst|title|truncatechars:5|urlencode|floatformat:2 }}"
    )
    assert exp("brevo", "<< data:x | number >>") == "{{ contact.X|floatformat:0 }}"


# --- conditions -----------------------------------------------------------------------------

COND = '<% if data:plan == "pro" %>A<% elif data:vip %>B<% else %>C<% endif %>'


def flag(field: str, n: int = 1) -> str:
    """How Liquid dialects capture the truth of a bare field (0 and empty are false, as in the preview)."""
    return (
        f"{{% capture _mw{n} %}}{{% if {field} == 0 or {field} == empty %}}{{% elsif {field} %}}1{{% endif %}}"
        f"{{% endcapture %}}"
    )


@pytest.mark.parametrize(
    "name, expected",
    [
        ("liquid", flag("vip") + "{% if plan == 'pro' %}A{% elsif _mw1 == '1' %}B{% else %}C{% endif %}"),
        ("jinja", "{% if plan == 'pro' %}A{% elif vip %}B{% else %}C{% endif %}"),
        (
            "customerio",
            flag("customer.vip") + "{% if customer.plan == 'pro' %}A{% elsif _mw1 == '1' %}B{% else %}C{% endif %}",
        ),
        (
            "braze",
            flag("custom_attribute.${vip}")
            + "{% if custom_attribute.${plan} == 'pro' %}A{% elsif _mw1 == '1' %}B{% else %}C{% endif %}",
        ),
        ("klaviyo", "{% if person|lookup:'plan' == 'pro' %}A{% elif person|lookup:'vip' %}B{% else %}C{% endif %}"),
        ("brevo", "{% if contact.PLAN == 'pro' %}A{% else %}{% if contact.VIP %}B{% else %}C{% endif %}{% endif %}"),
        ("hubspot", "{% if contact.plan == 'pro' %}A{% elif contact.vip %}B{% else %}C{% endif %}"),
    ],
)
def test_condition_with_elif_and_else(name, expected):
    assert exp(name, COND) == expected


def test_liquid_conditions():
    # a number comparison is captured too: true only when n reads as a number (as in the preview)
    digits = "".join(f" | remove: '{c}'" for c in "0123456789.-")
    assert exp("liquid", '<% if "gold" in data:tags and data:n >= 2 %>x<% endif %>') == (
        "{% capture _mw1 %}{% assign _mws = n | strip %}"
        f"{{% assign _mwc = _mws{digits} %}}"
        "{% if _mws != '' and _mwc == '' %}{% assign _mwn = _mws | plus: 0 %}{% if _mwn >= 2 %}1{% endif %}{% endif %}"
        "{% endcapture %}{% if tags contains 'gold' and _mw1 == '1' %}x{% endif %}"
    )
    # mixed and/or: written in the order Liquid reads them (right to left), each field a flag
    assert (
        exp("liquid", "<% if data:a and data:b or data:c %>x<% endif %>")
        == flag("c", 1)
        + flag("a", 2)
        + flag("b", 3)
        + "{% if _mw1 == '1' or _mw2 == '1' and _mw3 == '1' %}x{% endif %}"
    )
    assert (
        exp("liquid", "<% if not data:vip %>x<% else %>y<% endif %>")
        == flag("vip") + "{% unless _mw1 == '1' %}x{% else %}y{% endunless %}"
    )
    assert exp("liquid", "<% if data:a not in data:b %>x<% endif %>") == "{% unless b contains a %}x{% endunless %}"
    assert exp("liquid", '<% if not data:a == "x" %>y<% endif %>') == "{% if a != 'x' %}y{% endif %}"
    # A negated branch among elifs: written with the test and the branches swapped.
    # (each flag is captured just before its test, so the name _mw1 can be reused)
    assert (
        exp("liquid", "<% if not data:a %>x<% elif data:b %>y<% else %>z<% endif %>")
        == flag("a")
        + "{% if _mw1 == '1' %}"
        + flag("b")
        + "{% if _mw1 == '1' %}y{% else %}z{% endif %}{% else %}x{% endif %}"
    )
    assert (
        exp("liquid", "<% if data:a %>x<% elif not data:b %>y<% endif %>")
        == flag("a")
        + "{% if _mw1 == '1' %}x{% else %}"
        + flag("b")
        + "{% unless _mw1 == '1' %}y{% endunless %}{% endif %}"
    )


def test_liquid_mixed_and_or_renders_like_our_preview():
    liquid = pytest.importorskip("liquid")  # python-liquid, when installed
    src = "<% if data:a and data:b or data:c %>x<% endif %>"
    code = exp("liquid", src)
    compiled = CompiledTemplate(parse(src, "t.txt"), "text")
    rows = [{"a": a, "b": b, "c": c} for a in ("", "y") for b in ("", "y") for c in ("", "y")]
    ours = [compiled.render(row, rules=get_dialect("liquid").rules).text for row in rows]
    assert [liquid.Environment().from_string(code).render(**row) for row in rows] == ours
    assert ours.count("x") == 5  # (a and b) or c, not a and (b or c)


def test_jinja_and_hubl_express_everything():
    src = "<% if not (data:a or data:b) and data:c not in data:d %>x<% endif %>"
    assert exp("jinja", src) == "{% if not (a or b) and c not in (d if d is iterable else '') %}x{% endif %}"
    assert exp("hubspot", src) == (
        "{% if not (contact.a or contact.b) and contact.c not in (contact.d if contact.d is iterable else '') %}"
        "x{% endif %}"
    )


def test_django_conditions_without_parentheses():
    assert (
        exp("klaviyo", "<% if data:a or data:b and not data:c %>x<% endif %>")
        == "{% if person|lookup:'a' or person|lookup:'b' and not person|lookup:'c' %}x{% endif %}"
    )
    # not (a and b) needs no parentheses once De Morgan has been applied.
    assert (
        exp("brevo", "<% if not (data:a and data:b) %>x<% endif %>")
        == "{% if not contact.A or not contact.B %}x{% endif %}"
    )


def test_template_variables_in_conditions_are_decided_at_export():
    src = '<% if var:campaign == "Spring" %>S<% else %>O<% endif %>'
    assert exp("liquid", src, variables={"campaign": "Spring"}) == "{% if true %}S{% else %}O{% endif %}"
    assert exp("klaviyo", src, variables={"campaign": "Fall"}) == "{% if False %}S{% else %}O{% endif %}"


# --- loops ----------------------------------------------------------------------------------

LOOP_SRC = "<% for item in data:items %>[<< item:name >>]<% endfor %>"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("liquid", "{% for item in items %}[{{ item.name }}]{% endfor %}"),
        # Jinja would iterate a text by characters and a dict by its keys: a list only.
        (
            "jinja",
            "{% for item in (items if items is iterable and items is not string and items is not mapping "
            "else []) %}[{{ item.name }}]{% endfor %}",
        ),
        ("customerio", "{% for item in customer.items %}[{{item.name | default: ''}}]{% endfor %}"),
        ("braze", "{% for item in custom_attribute.${items} %}[{{item.name}}]{% endfor %}"),
        ("klaviyo", "{% for item in person|lookup:'items' %}[{{ item.name }}]{% endfor %}"),
        # Brevo: contact attributes are flat values, so a list comes from the API params.
        ("brevo", "{% for item in params.items %}[{{ item.name }}]{% endfor %}"),
    ],
)
def test_loop(name, expected):
    assert exp(name, LOOP_SRC) == expected


def test_loops_nest_and_avoid_the_esps_own_names():
    src = "<% for o in data:orders %><% for line in o:lines %><< line:sku >><% endfor %><% endfor %>"
    assert exp("liquid", src) == "{% for o in orders %}{% for line in o.lines %}{{ line.sku }}{% endfor %}{% endfor %}"
    assert (
        exp("customerio", "<% for customer in data:friends %><< customer:name >><% endfor %>")
        == "{% for customer_ in customer.friends %}{{customer_.name | default: ''}}{% endfor %}"
    )


def test_brevo_reads_a_looped_list_from_params_everywhere():
    src = "<% if data:items %><% for i in data:items %><< i:name >><% endfor %><% endif %><< data:order.total >>"
    assert (
        exp("brevo", src)
        == "{% if params.items %}{% for i in params.items %}{{ i.name }}{% endfor %}{% endif %}{{ params.order.total }}"
    )


# --- links ----------------------------------------------------------------------------------

LINKS_SRC = "<< link:unsubscribe >> << link:view_online >> << link:preferences >>"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("liquid", "{{ unsubscribe_url }} {{ view_online_url }} {{ preferences_url }}"),
        ("jinja", "{{ unsubscribe_url }} {{ view_online_url }} {{ preferences_url }}"),
        ("klaviyo", "{% unsubscribe_link %} {% web_view_link %} {% manage_preferences_link %}"),
        ("brevo", "{{ unsubscribe }} {{ mirror }} {{ update_profile }}"),
        ("hubspot", "{{ unsubscribe_link }} {{ view_as_page_url }} {{ unsubscribe_link }}"),
    ],
)
def test_links(name, expected):
    assert exp(name, LINKS_SRC) == expected


def test_links_of_customerio_and_braze():
    assert (
        exp("customerio", "<< link:unsubscribe >> << link:view_online >>")
        == "{% unsubscribe_url %} {% view_in_browser_url %}"
    )
    assert exp("braze", "<< link:unsubscribe >>") == "{{${set_user_to_unsubscribed_url}}}"


# --- attributes: never a double quote inside href="…" ---------------------------------------


@pytest.mark.parametrize("name", DIALECTS)
def test_a_tag_inside_href_has_no_double_quote(name):
    body = (
        "<mj-button href=\"https://x.test/?n=<< data:firstname | default(&quot;a \\&quot;b\\&quot; it's&quot;) | "
        'urlencode >>&amp;e=<< data:email >>">Go</mj-button>'
        '<mj-text><a href="https://x.test/?c=<% if data:vip %>vip<% endif %>">Link</a></mj-text>'
    )
    html = export_for_esp(build(mjml(body), "attr.mjml"), name).html
    hrefs = re.findall(r'href="([^"]*)"', html)
    n_href = next(h for h in hrefs if h.startswith("https://x.test/?n="))
    assert "e=" in n_href and n_href.rstrip().endswith(("}}", "%}")), n_href  # the tag was not cut
    c_href = next(h for h in hrefs if h.startswith("https://x.test/?c="))
    assert "vip" in c_href and c_href.endswith("%}"), c_href


# --- literal text with the ESP's own delimiters ---------------------------------------------


@pytest.mark.parametrize(
    "name, html_out",
    [
        ("liquid", "a {% raw %}{{{% endraw %} b }} {# c #}"),
        ("jinja", "a {% raw %}{{{% endraw %} b }} {% raw %}{#{% endraw %} c #}"),
        ("hubspot", "a {% raw %}{{{% endraw %} b }} {% raw %}{#{% endraw %} c #}"),
        ("klaviyo", "a &#123;&#123; b }} &#123;# c #}"),
        ("brevo", "a &#123;&#123; b }} &#123;# c #}"),
    ],
)
def test_literal_delimiters_are_escaped(name, html_out):
    assert exp(name, "a {{ b }} {# c #}", "html") == html_out


def test_literal_delimiters_in_plain_text():
    assert exp("klaviyo", "a {% b") == "a {% templatetag openbrace %}% b"
    assert exp("liquid", "a {") == "a {% raw %}{{% endraw %}"  # the next tag would make it `{{{`
    assert exp("brevo", "a {{ b }}") == "a {% verbatim %}{{{% endverbatim %} b }}"


def test_delimiters_where_html_entities_do_not_work():
    # Inside <style>, <script> and comments `&#123;` would stay as it is: the plain-text way.
    src = "<style>@media x{#o{a:b}}</style><p>{{</p>"
    assert (
        exp("klaviyo", src, "html") == "<style>@media x{% templatetag openbrace %}#o{a:b}}</style><p>&#123;&#123;</p>"
    )
    assert (
        exp("brevo", src, "html")
        == "<style>@media x{% verbatim %}{#{% endverbatim %}o{a:b}}</style><p>&#123;&#123;</p>"
    )
    assert (
        exp("jinja", src, "html")
        == "<style>@media x{% raw %}{#{% endraw %}o{a:b}}</style><p>{% raw %}{{{% endraw %}</p>"
    )


def test_template_variable_values_are_literal_text_too():
    assert exp("liquid", "<< var:x >>", variables={"x": "{{ evil }}"}) == "{% raw %}{{{% endraw %} evil }}"


# --- refusals: the tag, the place, and what to do -------------------------------------------


@pytest.mark.parametrize(
    "name, src, tag, hint",
    [
        ("liquid", "<< data:x | title >>", "'title'", "remove it"),
        ("liquid", "<< data:x | number(2) >>", "'number'", "remove it"),
        ("braze", "<< data:x | title >>", "'title'", "remove it"),
        ("jinja", "<< data:x | number(2) >>", "'number'", "remove it"),
        ("hubspot", "<< data:x | number(2) >>", "'number'", "remove it"),
        ("klaviyo", "<< data:x | trim >>", "'trim'", "remove it"),
        ("brevo", "<< data:x | trim >>", "'trim'", "remove it"),
        ("liquid", "<% if (data:a or data:b) and (data:c or data:d) %>x<% endif %>", "the grouping", "nest <% if %>"),
        ("customerio", "<% if data:a and not data:b %>x<% endif %>", "'not'", "whole condition"),
        ("braze", "<% if data:a or data:b not in data:c %>x<% endif %>", "'not in'", "whole condition"),
        (
            "klaviyo",
            "<% if (data:a or data:b) and data:c %>x<% endif %>",
            "<% if (data:a or data:b) and data:c %>",
            "no parentheses",
        ),
        ("brevo", "<% if (data:a or data:b) and data:c %>x<% endif %>", "grouping", "nest <% if %>"),
        ("customerio", "<< link:preferences >>", "<< link:preferences >>", "use << link:unsubscribe >>"),
        ("braze", "<< link:view_online >>", "<< link:view_online >>", "remove the link"),
        ("braze", "<< link:preferences >>", "<< link:preferences >>", "use << link:unsubscribe >>"),
        ("hubspot", "<% for i in data:items %>x<% endfor %>", "<% for i in data:items %>", "render per recipient"),
        ("hubspot", "<< data:order.total >>", "data:order.total", "map it to a property"),
        ("liquid", "<< link:unsubscribe | upper >>", "filters on a link", "without filters"),
        ("liquid", '<< data:x | default("a}b") >>', "'a}b'", "leave that out"),
        ("jinja", '<< data:"first name" >>', "'first name'", "field map"),
        (
            "liquid",
            "<% for firstname in data:people %><< data:firstname >><% endfor %>",
            "data:firstname",
            "rename the loop variable",
        ),
    ],
)
def test_refusals_name_the_tag_the_place_and_what_to_do(name, src, tag, hint):
    message = refusal(name, src)
    assert message.startswith("t.txt:1:"), message
    assert get_dialect(name).label + " cannot express" in message
    assert tag in message and hint in message, message


def test_a_refusal_through_the_pipeline_names_the_file_line_and_column():
    src = mjml("<mj-text>Hi <% if not data:a and data:b %>x<% endif %></mj-text>")
    with pytest.raises(BuildError) as e:
        export_for_esp(build(src, "refuse.mjml"), "liquid")
    assert str(e.value).startswith("refuse.mjml:1:") and "'not'" in str(e.value)


# --- field maps -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expected",
    [
        ("liquid", "{{ fname | escape }}"),
        ("jinja", "{{ fname | escape }}"),
        ("customerio", "{{customer.fname | escape | default: ''}}"),
        ("braze", "{{custom_attribute.${fname} | escape}}"),
        ("klaviyo", "{{ person|lookup:'fname' }}"),
        ("brevo", "{{ contact.fname }}"),
        ("hubspot", "{{ contact.fname|escape }}"),
    ],
)
def test_field_map(name, expected):
    exported = export_for_esp(
        build(mjml("<mj-text>Hello << data:firstname >>.</mj-text>"), "map.mjml"), name, {"firstname": "fname"}
    )
    assert f"Hello {expected}." in exported.html


def test_field_maps_can_name_the_esps_own_fields():
    assert exp("braze", "<< data:fname >>", field_map={"fname": "first_name"}) == "{{${first_name}}}"
    assert exp("klaviyo", "<< data:fname >>", field_map={"fname": "first_name"}) == "{{ first_name }}"
    assert exp("brevo", "<< data:basket >>", field_map={"basket": "params.basket"}) == "{{ params.basket }}"
    assert exp("hubspot", "<< data:company >>", field_map={"company": "company.name"}) == "{{ company.name }}"
    assert exp("klaviyo", '<< data:"favourite colour" >>') == "{{ person|lookup:'favourite colour' }}"
    assert exp("braze", '<< data:"zip code" >>') == "{{custom_attribute.${zip code}}}"


# --- the exported templates run: Jinja2 (a dependency) renders what we render ------------------

RECIPIENTS = [
    {"firstname": "Ann <b>", "vip": True, "items": [{"name": "Tea & cake", "quantity": 2}], "email": "a+b@x.test"},
    {"firstname": "", "vip": False, "items": [], "email": "c@x.test"},
    {},
]
LINK_VALUES = {
    "unsubscribe_url": "https://example.com/unsubscribe?preview=1",
    "view_online_url": "https://example.com/view-online?preview=1",
    "preferences_url": "https://example.com/preferences?preview=1",
}


def _canon(s: str) -> str:
    for a, b in (("&#x27;", "&#39;"), ("&#34;", "&quot;")):
        s = s.replace(a, b)
    return s


@pytest.mark.parametrize("autoescape", [True, False])
def test_jinja_export_renders_like_our_preview(autoescape):
    import jinja2

    result = build(sample_source())
    exported = export_for_esp(result, "jinja")
    env = jinja2.Environment(autoescape=autoescape)
    ours = CompiledEmail(result)
    for data in RECIPIENTS:
        mine = ours.render(data)
        theirs = env.from_string(exported.html).render(**data, **LINK_VALUES)
        assert _canon(theirs) == _canon(mine.html)
        subject = jinja2.Environment(autoescape=False).from_string(exported.subject).render(**data)
        assert subject == mine.subject


def test_liquid_export_renders_like_our_preview():
    liquid = pytest.importorskip("liquid")  # python-liquid, when installed
    result = build(sample_source())
    exported = export_for_esp(result, "liquid")
    ours = CompiledEmail(result)
    for data in RECIPIENTS:
        theirs = liquid.Environment().from_string(exported.html).render(**data, **LINK_VALUES)
        assert _canon(theirs) == _canon(ours.render(data).html)


# --- the command line -----------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mailwright", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_cli_exports_for_klaviyo():
    r = _cli("build", "tests/fixtures/dialect_sample.mjml", "--var", "campaign=Spring", "--esp", "klaviyo")
    assert r.returncode == 0, r.stderr
    assert "{{ first_name|default:&#x27;customer&#x27; }}" not in r.stdout
    assert "Dear {{ first_name|default:'customer' }}," in r.stdout


def test_cli_refusal_exits_2_with_a_located_message():
    r = _cli("build", "tests/fixtures/dialect_sample.mjml", "--var", "campaign=Spring", "--esp", "braze")
    assert r.returncode == 2
    assert "dialect_sample.mjml:15:78: Braze cannot express << link:view_online >>" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
