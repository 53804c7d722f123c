"""ESP export of the Handlebars family and its neighbours: golden files plus focused unit tests.

Dialects: handlebars, sendgrid, ses, postmark, mailgun, iterable, mailjet, mailchimp,
campaignmonitor.

Golden files (`tests/golden/dialects/<name>.html`, `.txt`, `.subject.txt`) are the export of
`tests/fixtures/dialect_sample.mjml`. Where a dialect must refuse part of the sample (a loop,
the urlencode filter, the view-online link, a truthiness test), its golden file comes from a
variant of the sample without that part (written below), and a test asserts the refusal of
each such part on the sample, with its line and column.

    make golden            # MAILWRIGHT_UPDATE_GOLDEN=1 pytest tests/golden
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
from mailwright.app.build.personalise import export_for_esp
from mailwright.app.build.pipeline import BuildError, build_mjml_text
from tests.support import handlebars_engine, mailchimp_engine, mustachio

GOLDEN = Path(__file__).resolve().parent
ROOT = GOLDEN.parent.parent
OUT = GOLDEN / "dialects"
SAMPLE = ROOT / "tests" / "fixtures" / "dialect_sample.mjml"
UPDATE = os.environ.get("MAILWRIGHT_UPDATE_GOLDEN") == "1"

# Parts of the sample a dialect may have to refuse: (text in the sample, its replacement in the
# variant, the text whose position the refusal names, what the message names).
PARTS = {
    "loop": (
        "<mj-text><% for item in data:items %><p><< item:name >> x << item:quantity >></p><% endfor %></mj-text>",
        "",
        "<% for item in data:items %>",
        "the loop <% for item in data:items %>",
    ),
    "urlencode": ("<< data:email | urlencode >>", "<< data:email >>", "urlencode", "'urlencode'"),
    "view_online": (
        ' · <a href="<< link:view_online >>">View online</a>',
        "",
        "<< link:view_online >>",
        "<< link:view_online >>",
    ),
    "vip": ("<% if data:vip %>", '<% if data:vip == "yes" %>', "data:vip", "<% if data:vip %>"),
}
# What each dialect refuses in the sample.
REFUSES = {
    "handlebars": ("urlencode",),
    "sendgrid": ("urlencode", "view_online"),
    "ses": ("urlencode", "view_online"),
    "postmark": ("urlencode", "view_online"),
    "mailgun": ("urlencode", "view_online"),
    "iterable": (),
    "mailjet": ("view_online",),
    "mailchimp": ("loop",),
    "campaignmonitor": ("loop", "urlencode", "vip"),
}
DIALECTS = sorted(REFUSES)


def sample(without: tuple[str, ...] = ()) -> str:
    src = SAMPLE.read_text(encoding="utf-8")
    for part in without:
        old, new = PARTS[part][:2]
        assert src.count(old) == 1, f"the sample changed: {old!r} is not there once"
        src = src.replace(old, new)
    return src


def build(src: str):
    return build_mjml_text(src, source="dialect_sample.mjml", variables={"campaign": "Spring"})


def line_col(src: str, needle: str) -> str:
    i = src.index(needle)
    return f"{src.count(chr(10), 0, i) + 1}:{i - (src.rfind(chr(10), 0, i) + 1) + 1}"


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
            f"golden file {rel} does not exist yet: run `make golden` "
            "(MAILWRIGHT_UPDATE_GOLDEN=1) and review the new file before committing",
            pytrace=False,
        )
    expected = path.read_bytes()
    if expected != data:
        i = next((k for k, (a, b) in enumerate(zip(expected, data)) if a != b), min(len(expected), len(data)))
        around = slice(max(0, i - 120), i + 120)
        pytest.fail(
            f"{rel} differs from the current output at byte {i}\n"
            f"  golden: {expected[around].decode('utf-8', 'replace')!r}\n"
            f"  now:    {data[around].decode('utf-8', 'replace')!r}\n"
            "If the change is intended, run `make golden` and review the diff.",
            pytrace=False,
        )


# --- golden files ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", DIALECTS)
def test_golden_export(name: str) -> None:
    # SES inserts values unescaped, so its export of recipient values needs the user's consent.
    out = export_for_esp(build(sample(REFUSES[name])), name, allow_raw_values=name == "ses")
    check_golden(OUT / f"{name}.html", out.html)
    check_golden(OUT / f"{name}.txt", out.text)
    check_golden(OUT / f"{name}.subject.txt", out.subject)
    # No tag of ours survives, and no merge tag ends an attribute early.
    for part in (out.html, out.text, out.subject, out.preheader):
        assert "<<" not in part and "<%" not in part.replace("<%asm_", "")
    assert out.html.count('"') % 2 == 0


@pytest.mark.parametrize("name,part", [(n, p) for n in DIALECTS for p in REFUSES[n]])
def test_sample_part_refused(name: str, part: str) -> None:
    """Each refused part of the sample, alone (the other refused parts taken out), is an error
    naming the construct and its line and column."""
    src = sample(tuple(p for p in REFUSES[name] if p != part))
    with pytest.raises(BuildError) as err:
        export_for_esp(build(src), name)
    message = str(err.value)
    _, _, where, what = PARTS[part]
    assert message.startswith(f"dialect_sample.mjml:{line_col(src, where)}: "), message
    assert what in message and get_dialect(name).label in message


@pytest.mark.parametrize("name", [n for n in DIALECTS if REFUSES[n]])
def test_full_sample_refused(name: str) -> None:
    with pytest.raises(BuildError, match=r"^dialect_sample\.mjml:\d+:\d+: "):
        export_for_esp(build(sample()), name)


def test_cli_refuses_the_loop_for_mailchimp() -> None:
    exe = Path(sys.executable).with_name("mailwright")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "mailwright"]
    proc = subprocess.run(
        cmd + ["build", "tests/fixtures/dialect_sample.mjml", "--var", "campaign=Spring", "--esp", "mailchimp"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    src = SAMPLE.read_text(encoding="utf-8")
    assert f"dialect_sample.mjml:{line_col(src, '<% for item in data:items %>')}" in proc.stderr
    assert "<% for item in data:items %>" in proc.stderr


# --- unit tests -----------------------------------------------------------------------------


def export(
    name: str, template: str, part: str = "html", field_map: dict | None = None, variables: dict | None = None
) -> str:
    tree = parse(template, "t.mjml", markup=part == "html")
    return get_dialect(name).export(tree, ExportContext(part, dict(field_map or {}), dict(variables or {})))


def refused(name: str, template: str, part: str = "html", **kw) -> str:
    with pytest.raises(ExportError) as err:
        export(name, template, part, **kw)
    return str(err.value)


def in_href(name: str, tag: str) -> str:
    """The export of a link whose href holds `tag` (the value between the quotes)."""
    html = export(name, f'<a href="https://x.test/?v={tag}">go</a>')
    m = re.fullmatch(r'<a href="https://x\.test/\?v=([^"]*)">go</a>', html)
    assert m, f"the attribute was broken: {html}"
    return m.group(1)


VARIABLE = {
    "handlebars": "{{firstname}}",
    "sendgrid": "{{firstname}}",
    "ses": "{{firstname}}",
    "postmark": "{{firstname}}",
    "mailgun": "{{firstname}}",
    "iterable": "{{firstname}}",
    "mailjet": '{{Escape(var:firstname:"")}}',
    "mailchimp": "*|FNAME|*",
    "campaignmonitor": "[firstname]",
}
DEFAULT = {
    "handlebars": "{{#if firstname}}{{firstname}}{{else}}there{{/if}}",
    "sendgrid": '{{insert firstname "default=there"}}',
    "ses": "{{#if firstname}}{{firstname}}{{else}}there{{/if}}",
    "postmark": "{{#firstname}}{{../firstname}}{{/firstname}}{{^firstname}}there{{/firstname}}",
    "mailgun": "{{#if firstname}}{{firstname}}{{else}}there{{/if}}",
    "iterable": '{{defaultIfEmpty firstname "there"}}',
    "mailjet": "{% if var:firstname:false %}{{Escape(var:firstname)}}{% else %}there{% endif %}",
    "mailchimp": "*|IF:FNAME|**|FNAME|**|ELSE:|*there*|END:IF|*",
    "campaignmonitor": "[firstname,fallback=there]",
}
CONDITION = {  # <% if data:vip %>A<% else %>B<% endif %>
    "handlebars": "{{#if vip}}A{{else}}B{{/if}}",
    "sendgrid": "{{#if vip}}A{{else}}B{{/if}}",
    "ses": "{{#if vip}}A{{else}}B{{/if}}",
    "postmark": "{{#vip}}A{{/vip}}{{^vip}}B{{/vip}}",
    "mailgun": "{{#if vip}}A{{else}}B{{/if}}",
    "iterable": "{{#if vip}}A{{else}}B{{/if}}",
    "mailjet": "{% if var:vip:false %}A{% else %}B{% endif %}",
    "mailchimp": "*|IF:VIP|*A*|ELSE:|*B*|END:IF|*",
}
LOOP = {  # <% for item in data:items %><< item:name >><% endfor %>
    "handlebars": "{{#each items}}{{this.name}}{{/each}}",
    "sendgrid": "{{#each items}}{{this.name}}{{/each}}",
    "ses": "{{#each items}}{{this.name}}{{/each}}",
    "postmark": "{{#each items}}{{name}}{{/each}}",
    "mailgun": "{{#each items}}{{this.name}}{{/each}}",
    "iterable": "{{#each items}}{{this.name}}{{/each}}",
    "mailjet": "{% if var:items:false %}{% for item in var:items %}{{Escape(item.name)}}{% endfor %}{% endif %}",
}
UNSUBSCRIBE = {
    "handlebars": "{{unsubscribe_url}}",
    "sendgrid": "<%asm_group_unsubscribe_raw_url%>",
    "ses": "{{amazonSESUnsubscribeUrl}}",
    "postmark": "{{{ pm:unsubscribe }}}",
    "mailgun": "%unsubscribe_url%",
    "iterable": "{{unsubscribeUrl}}",
    "mailjet": "{{mj:unsub_link}}",
    "mailchimp": "*|UNSUB|*",
    "campaignmonitor": "[unsubscribe]",
}
VIEW_ONLINE = {
    "handlebars": "{{view_online_url}}",
    "iterable": "{{viewInBrowserUrl}}",
    "mailchimp": "*|ARCHIVE|*",
    "campaignmonitor": "[webversion]",
}
PREFERENCES = {
    "handlebars": "{{preferences_url}}",
    "sendgrid": "<%asm_preferences_raw_url%>",
    "iterable": "{{hostedUnsubscribeUrl}}",
    "mailchimp": "*|UPDATE_PROFILE|*",
}


@pytest.mark.parametrize("name", DIALECTS)
def test_variable(name: str) -> None:
    assert export(name, "<< data:firstname >>") == VARIABLE[name]


@pytest.mark.parametrize("name", DIALECTS)
def test_default(name: str) -> None:
    assert export(name, '<< data:firstname | default("there") >>') == DEFAULT[name]


@pytest.mark.parametrize("name", DIALECTS)
def test_default_is_html_escaped_once(name: str) -> None:
    out = export(name, '<< data:firstname | default("Tom & Jerry") >>')
    assert "Tom &amp; Jerry" in out and "&amp;amp;" not in out
    assert "Tom & Jerry" in export(name, '<< data:firstname | default("Tom & Jerry") >>', "text")


@pytest.mark.parametrize("name", sorted(CONDITION))
def test_condition(name: str) -> None:
    assert export(name, "<% if data:vip %>A<% else %>B<% endif %>") == CONDITION[name]


@pytest.mark.parametrize("name", sorted(LOOP))
def test_loop(name: str) -> None:
    assert export(name, "<% for item in data:items %><< item:name >><% endfor %>") == LOOP[name]


@pytest.mark.parametrize("name", ["mailchimp", "campaignmonitor"])
def test_loop_refused(name: str) -> None:
    message = refused(name, "x\n  <% for item in data:items %><< item:name >><% endfor %>")
    assert message.startswith("t.mjml:2:3: ") and "<% for item in data:items %>" in message


@pytest.mark.parametrize("name", DIALECTS)
def test_links(name: str) -> None:
    assert export(name, "<< link:unsubscribe >>") == UNSUBSCRIBE[name]
    for table, link in ((VIEW_ONLINE, "view_online"), (PREFERENCES, "preferences")):
        if name in table:
            assert export(name, f"<< link:{link} >>") == table[name]
        else:
            message = refused(name, f"ab << link:{link} >>")
            assert message.startswith("t.mjml:1:4: ") and f"<< link:{link} >>" in message and "; " in message


@pytest.mark.parametrize("name", DIALECTS)
def test_tags_inside_href_have_no_double_quote(name: str) -> None:
    for tag in (
        "<< data:firstname >>",
        '<< data:firstname | default("there") >>',
        '<< data:firstname | default("say \\"hi\\"") >>',
        "<< link:unsubscribe >>",
    ):
        value = in_href(name, tag)
        assert '"' not in value
    if name in CONDITION:
        in_href(name, "<% if data:vip %>a<% else %>b<% endif %>")


def test_defaults_inside_attributes() -> None:
    assert in_href("sendgrid", '<< data:firstname | default("there") >>') == "{{insert firstname 'default=there'}}"
    assert in_href("iterable", '<< data:firstname | default("there") >>') == "{{defaultIfEmpty firstname 'there'}}"
    assert (
        in_href("mailjet", '<< data:firstname | default("there") >>')
        == "{% if var:firstname:false %}{{Escape(var:firstname)}}{% else %}there{% endif %}"
    )
    assert (
        in_href("mailjet", "<< data:firstname >>") == "{% if var:firstname:false %}{{Escape(var:firstname)}}{% endif %}"
    )
    # a default with quotes falls back to the {{#if}} form, its quotes escaped as HTML
    assert (
        in_href("sendgrid", '<< data:firstname | default("say \\"hi\\"") >>')
        == "{{#if firstname}}{{firstname}}{{else}}say &quot;hi&quot;{{/if}}"
    )


def test_string_comparison_inside_attribute() -> None:
    html = export("sendgrid", '<a href="<% if data:plan == "pro" %>p<% endif %>">x</a>')
    assert html == "<a href=\"{{#equals plan 'pro'}}p{{/equals}}\">x</a>"
    message = refused("mailjet", '<a href="<% if data:plan == "pro" %>p<% endif %>">x</a>')
    assert "inside an HTML attribute" in message and message.startswith("t.mjml:1:16: ")


def test_text_part_and_subject_are_not_html_escaped() -> None:
    for name in ("handlebars", "sendgrid", "mailgun", "iterable"):
        assert export(name, "<< data:firstname >>", "text") == "{{{firstname}}}"
        assert export(name, "<< data:firstname >>", "header") == "{{{firstname}}}"
    assert (
        export("sendgrid", '<< data:firstname | default("there") >>', "header")
        == '{{{insert firstname "default=there"}}}'
    )
    assert export("postmark", "<< data:firstname >>", "text") == "{{{firstname}}}"
    assert export("ses", "<< data:firstname >>", "text") == "{{firstname}}"  # SES escapes nothing anyway


# --- conditions -----------------------------------------------------------------------------


def test_elif_chains() -> None:
    t = '<% if data:a %>A<% elif data:b %>B<% elif data:plan == "pro" %>P<% else %>C<% endif %>'
    assert (
        export("handlebars", "<% if data:a %>A<% elif data:b %>B<% else %>C<% endif %>")
        == "{{#if a}}A{{else if b}}B{{else}}C{{/if}}"
    )
    assert export("sendgrid", t) == '{{#if a}}A{{else if b}}B{{else}}{{#equals plan "pro"}}P{{else}}C{{/equals}}{{/if}}'
    assert export("mailchimp", t) == "*|IF:A|*A*|ELSEIF:B|*B*|ELSEIF:PLAN=pro|*P*|ELSE:|*C*|END:IF|*"
    assert (
        export("mailjet", t)
        == '{% if var:a:false %}A{% elseif var:b:false %}B{% elseif var:plan:"" == "pro" %}P{% else %}C{% endif %}'
    )
    assert (
        export("postmark", "<% if data:a %>A<% elif data:b %>B<% else %>C<% endif %>")
        == "{{#a}}A{{/a}}{{^a}}{{#../b}}B{{/../b}}{{^../b}}C{{/../b}}{{/a}}"
    )
    assert (
        export("campaignmonitor", '<% if data:plan == "pro" %>P<% elif data:plan == "team" %>T<% else %>C<% endif %>')
        == "[if:plan=pro]P[elseif:plan=team]T[else]C[endif]"
    )


def test_comparisons() -> None:
    assert export("sendgrid", "<% if data:seats > 5 %>A<% endif %>") == "{{#greaterThan seats 5}}A{{/greaterThan}}"
    assert export("sendgrid", "<% if 5 < data:seats %>A<% endif %>") == "{{#greaterThan seats 5}}A{{/greaterThan}}"
    assert (
        export("sendgrid", '<% if data:plan != "pro" %>A<% else %>B<% endif %>')
        == '{{#notEquals plan "pro"}}A{{else}}B{{/notEquals}}'
    )
    assert export("sendgrid", "<% if data:a and data:b %>A<% endif %>") == "{{#and a b}}A{{/and}}"
    assert export("iterable", "<% if data:seats >= 5 %>A<% endif %>") == "{{#ifGte seats 5}}A{{/ifGte}}"
    assert (
        export("iterable", '<% if data:plan != "pro" %>A<% else %>B<% endif %>')
        == '{{#ifEq plan "pro"}}B{{else}}A{{/ifEq}}'
    )
    # Mailchimp's != is written as = with the branches swapped
    assert export("mailchimp", '<% if not data:plan == "pro" %>A<% endif %>') == "*|IF:PLAN=pro|**|ELSE:|*A*|END:IF|*"
    assert export("mailchimp", "<% if not data:vip %>A<% endif %>") == "*|IFNOT:VIP|*A*|END:IF|*"
    assert (
        export("mailjet", '<% if data:seats >= 5 and not data:plan == "pro" %>A<% endif %>')
        == '{% if (var:seats:"" != "" and var:seats:0 >= 5) and not (var:plan:"" == "pro") %}A{% endif %}'
    )
    assert (
        export("campaignmonitor", '<% if data:plan != "pro" %>A<% else %>B<% endif %>')
        == "[if:plan=pro]B[else]A[endif]"
    )
    assert export("ses", "<% if not data:vip %>A<% endif %>") == "{{#unless vip}}A{{/unless}}"
    assert export("postmark", "<% if not data:vip %>A<% endif %>") == "{{^vip}}A{{/vip}}"


@pytest.mark.parametrize(
    "name,template,col",
    [
        ("handlebars", '<% if data:plan == "pro" %>A<% endif %>', 7),
        ("ses", "<% if data:seats > 5 %>A<% endif %>", 7),
        ("postmark", '<% if data:plan == "pro" %>A<% endif %>', 7),
        ("sendgrid", "<% if data:seats >= 5 %>A<% endif %>", 7),
        ("sendgrid", '<% if data:plan in "pro team" %>A<% endif %>', 7),
        ("mailchimp", "<% if data:seats > 5 %>A<% endif %>", 7),
        ("mailchimp", "<% if data:a == data:b %>A<% endif %>", 7),
        ("mailjet", '<% if data:plan in "pro team" %>A<% endif %>', 7),
        ("campaignmonitor", "<% if data:vip %>A<% endif %>", 7),
        ("campaignmonitor", "<% if data:seats > 5 %>A<% endif %>", 7),
        ("campaignmonitor", '<% if data:a != "x" %>A<% elif data:b == "y" %>B<% endif %>', 7),
    ],
)
def test_conditions_refused(name: str, template: str, col: int) -> None:
    message = refused(name, template)
    assert message.startswith(f"t.mjml:1:{col}: ") and "cannot express" in message and "; " in message


AND_OR = [  # once refused, now written as nested conditions (or: the branch once per test)
    ("mailgun", "<% if data:a or data:b %>A<% endif %>", "{{#if a}}A{{else if b}}A{{/if}}"),
    ("postmark", "<% if data:a and data:b %>A<% endif %>", "{{#a}}{{#../b}}A{{/../b}}{{/a}}"),
    (
        "sendgrid",
        '<% if data:a and data:plan == "pro" %>A<% endif %>',
        '{{#if a}}{{#equals plan "pro"}}A{{/equals}}{{/if}}',
    ),
    ("iterable", "<% if data:a or data:b %>A<% endif %>", "{{#if a}}A{{else if b}}A{{/if}}"),
    ("mailchimp", "<% if data:a and data:b %>A<% endif %>", "*|IF:A|**|IF:B|*A*|END:IF|**|END:IF|*"),
]
AND_OR_ROWS = [{"a": a, "b": b, "plan": plan} for a in ("", "y") for b in ("", "y") for plan in ("", "pro")]


@pytest.mark.parametrize("name,template,expected", AND_OR)
def test_and_or_now_expressed_as_nested_conditions(name: str, template: str, expected: str) -> None:
    assert export(name, template) == expected


def _engine(name: str, code: str, rows: list[dict]) -> list[str]:
    if name == "postmark":
        return [mustachio.render(code, row) for row in rows]
    if name == "mailchimp":
        dialect = get_dialect(name)
        return [
            mailchimp_engine.render(code, {dialect.default_field_name(k): v for k, v in row.items()}) for row in rows
        ]
    if handlebars_engine.unavailable():
        pytest.skip(handlebars_engine.unavailable())
    out = handlebars_engine.render_many([(name, code, row) for row in rows])
    assert not any(isinstance(r, Exception) for r in out), out
    return out


@pytest.mark.parametrize("name,template,expected", AND_OR)
def test_and_or_engine_shows_what_the_preview_shows(name: str, template: str, expected: str) -> None:
    tree = parse(template, "t.mjml", markup=True)
    ours = [CompiledTemplate(tree, "html").render(row, rules=get_dialect(name).rules).text for row in AND_OR_ROWS]
    assert _engine(name, export(name, template), AND_OR_ROWS) == ours
    assert "A" in ours and "" in ours  # the rows reach both outcomes


def test_template_variables_in_conditions_are_folded() -> None:
    t = '<% if var:campaign == "Spring" %>S<% else %>O<% endif %>'
    for name in DIALECTS:
        assert export(name, t, variables={"campaign": "Spring"}) == "S"
        assert export(name, t, variables={"campaign": "Autumn"}) == "O"
    assert (
        export("mailchimp", "<% if var:on and data:vip %>V<% endif %>", variables={"on": "yes"})
        == "*|IF:VIP|*V*|END:IF|*"
    )
    assert (
        export("sendgrid", "<% if var:off %>X<% elif data:vip %>V<% endif %>", variables={"off": ""})
        == "{{#if vip}}V{{/if}}"
    )


# --- loops ----------------------------------------------------------------------------------


def test_fields_inside_loops() -> None:
    t = (
        "<% for order in data:orders %><< data:firstname >>:<< order:id >>"
        "<% for line in order:lines %><< order:id >>/<< line:sku >><% endfor %><% endfor %>"
    )
    assert export("handlebars", t) == (
        "{{#each orders}}{{@root.firstname}}:{{this.id}}{{#each this.lines}}{{../id}}/{{this.sku}}{{/each}}{{/each}}"
    )
    assert export("ses", t) == (
        "{{#each orders}}{{../firstname}}:{{this.id}}{{#each this.lines}}{{../id}}/{{this.sku}}{{/each}}{{/each}}"
    )
    assert export("postmark", t) == (
        "{{#each orders}}{{../../firstname}}:{{id}}{{#each lines}}{{../../id}}/{{sku}}{{/each}}{{/each}}"
    )
    assert export("mailjet", t) == (
        "{% if var:orders:false %}{% for order in var:orders %}"
        '{{Escape(var:firstname:"")}}:{{Escape(order.id)}}'
        "{% for line in order.lines %}{{Escape(order.id)}}/{{Escape(line.sku)}}"
        "{% endfor %}{% endfor %}{% endif %}"
    )


def test_postmark_scopes() -> None:
    # a condition on the loop item keeps the item in reach
    assert (
        export("postmark", "<% for i in data:items %><% if i:sale %><< i:name >>!<% endif %><% endfor %>")
        == "{{#each items}}{{#sale}}{{../name}}!{{/sale}}{{/each}}"
    )
    # a section on a recipient field does not: refused with the place
    message = refused("postmark", "<% for i in data:items %><% if data:vip %><< i:name >><% endif %><% endfor %>")
    assert message.startswith("t.mjml:1:43: ") and "out of reach" in message
    # inside a section on a value, Postmark's answer for that value is known
    assert (
        export(
            "postmark",
            "<% if data:a %>x<% if data:b %><% if data:b %>y<% endif %>"
            '<< data:b | default("z") >><% endif %><% endif %>',
        )
        == "{{#a}}x{{#../b}}y{{../b}}{{/../b}}{{/a}}"
    )


def test_loop_over_template_variable_refused() -> None:
    message = refused("sendgrid", "<% for x in var:list %>a<% endfor %>", variables={"list": [1]})
    assert message.startswith("t.mjml:1:1: ") and "template variable" in message


# --- filters --------------------------------------------------------------------------------


def test_filters() -> None:
    assert export("mailchimp", "<< data:firstname | upper >>") == "*|UPPER:FNAME|*"
    assert export("mailchimp", "<< data:email | urlencode >>") == "*|URL:EMAIL|*"
    assert (
        export("mailchimp", '<< data:firstname | title | default("friend") >>')
        == "*|IF:FNAME|**|TITLE:FNAME|**|ELSE:|*friend*|END:IF|*"
    )
    assert (
        export("mailchimp", '<< data:firstname | default("friend") | upper >>')
        == "*|IF:FNAME|**|UPPER:FNAME|**|ELSE:|*FRIEND*|END:IF|*"
    )
    assert export("iterable", "<< data:firstname | capitalize >>") == "{{capitalizeFirst firstname}}"
    assert export("iterable", "<< data:email | urlencode >>") == "{{#urlEncode}}{{{email}}}{{/urlEncode}}"
    assert (
        export("iterable", '<< data:name | upper | default("you") >>') == "{{#if name}}{{upper name}}{{else}}you{{/if}}"
    )
    assert export("mailjet", "<< data:email | urlencode >>") == '{{UrlEncode(var:email:"")}}'


@pytest.mark.parametrize(
    "name,template",
    [
        ("handlebars", "ab << data:x | upper >>"),
        ("sendgrid", "ab << data:x | urlencode >>"),
        ("ses", "ab << data:x | lower >>"),
        ("postmark", "ab << data:x | trim >>"),
        ("mailgun", "ab << data:x | title >>"),
        ("iterable", "ab << data:x | truncate(5) >>"),
        ("mailjet", "ab << data:x | upper >>"),
        ("mailchimp", "ab << data:x | number(2) >>"),
        ("campaignmonitor", "ab << data:x | upper >>"),
        ("mailchimp", "ab << data:x | upper | lower >>"),
    ],
)
def test_filters_refused(name: str, template: str) -> None:
    message = refused(name, template)
    assert re.match(r"t\.mjml:1:\d+: ", message) and "filter" in message


def test_template_variables_are_written_and_escaped() -> None:
    for name in DIALECTS:
        assert export(name, "<< var:brand | upper >>", variables={"brand": "A&B {{x}}"}).startswith("A&amp;B ")
    assert export("handlebars", "<< var:b >>", variables={"b": "{{x}}"}) == "\\{{x}}"
    assert export("postmark", "<< var:b >>", variables={"b": "{{x}}"}) == "&#123;{x}}"


# --- field names and maps -------------------------------------------------------------------


def test_field_maps() -> None:
    assert (
        export("mailchimp", '<< data:lastname >> << data:email >> << data:"plan-type" >> << data:zip_code >>')
        == "*|LNAME|* *|EMAIL|* *|PLANTYPE|* *|ZIP_CODE|*"
    )
    assert export("mailchimp", "<< data:firstname >>", field_map={"firstname": "FIRST"}) == "*|FIRST|*"
    assert export("mailchimp", "<< data:order.total >>", field_map={"order.total": "TOTAL"}) == "*|TOTAL|*"
    assert "field map" in refused("mailchimp", "<< data:order.total >>")
    assert export("sendgrid", "<< data:firstname >>", field_map={"firstname": "user.first"}) == "{{user.first}}"
    assert export("iterable", "<< data:firstname >>", field_map={"firstname": "firstName"}) == "{{firstName}}"
    assert (
        export("mailjet", "<< data:firstname >>", field_map={"firstname": "data:FIRSTNAME"})
        == '{{Escape(data:FIRSTNAME:"")}}'
    )
    assert export("campaignmonitor", '<< data:"Date of birth" >>') == "[Dateofbirth]"
    assert export("postmark", "<< data:order.total >>") == "{{order.total}}"


def test_odd_field_names() -> None:
    assert export("handlebars", '<< data:"first name" >>') == "{{[first name]}}"
    assert export("sendgrid", "<< data:if >>") == "{{this.if}}"
    assert "field map" in refused("postmark", '<< data:"first name" >>')
    assert "field map" in refused("mailjet", '<< data:"first-name" >>')


# --- literal text and its delimiters --------------------------------------------------------


def test_literal_delimiters_are_escaped() -> None:
    assert export("handlebars", "a {{b}} << data:x >>") == "a \\{{b}} {{x}}"
    assert export("handlebars", "a {{b}}", "text") == "a \\{{b}}"
    # n backslashes before a tag: Handlebars prints n-1, so one more is written
    assert export("mailgun", "<< var:d >><< data:f >>", "text", variables={"d": "C:\\"}) == "C:\\\\{{{f}}}"
    assert export("sendgrid", "{<< data:x >>}") == "&#123;{{x}}&#125;"
    assert "space" in refused("sendgrid", "{<< data:x >>", "text")
    assert export("postmark", "a {{b}} c") == "a &#123;{b}} c"
    assert "Mustachio" in refused("postmark", "a {{b}} c", "text")
    assert export("mailjet", "a {% b %} {{c}}") == "a &#123;% b %} &#123;{c}}"
    assert "reword" in refused("mailjet", "a {{c}}", "text")
    assert export("mailchimp", "a *|FNAME|* b") == "a *&#124;FNAME|* b"
    assert "reword" in refused("mailchimp", "a *|FNAME|* b", "header")


def test_campaign_monitor_condition_around_outlook_comments() -> None:
    message = refused("campaignmonitor", '<% if data:p == "x" %><!--[if mso]><table><![endif]--><% endif %>')
    assert message.startswith("t.mjml:1:1: ") and "[endif]" in message
