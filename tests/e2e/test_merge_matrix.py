"""Every merge construct × every dialect × several recipients, rendered in the ESP's real engine
(or, for ESPs without a public one, a documented interpreter in tests/support) and compared with
Mailwright's preview as that ESP (issue 12): the visible text, whitespace normalised, of the HTML
part and of the plain-text part. A dialect's refusal (ExportError, naming what it cannot express)
is an honest answer and passes; every refusal is listed by test_refusals_are_listed.

Engines: jinja2 (Jinja, and HubL's stand-in), python-liquid (Liquid, Customer.io, Braze with a
`${…}` shim), Django (Klaviyo, Brevo), handlebars.js in node (SendGrid, Mailgun, SES without
escaping, Iterable, Handlebars; skipped with the reason when node or the npm install is missing),
and tests/support's Mustachio (Postmark), Mailchimp, Mailjet and Campaign Monitor interpreters.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable

import jinja2
import liquid
import pytest

from mailwright.app.merge import parse
from mailwright.app.merge.dialects import DIALECTS, ExportContext, ExportError, get_dialect
from mailwright.app.merge.render import CompiledTemplate
from mailwright.app.build.plaintext import html_to_text
from tests.support import campaignmonitor_engine, django_engine, handlebars_engine, mailchimp_engine
from tests.support import mailjet_engine, mustachio

CONSTRUCTS: dict[str, str] = {
    "variable": "<p>Hi << data:firstname >>!</p>",
    "default": '<p>Hi << data:firstname | default("there") >>!</p>',
    "if/else": "<p><% if data:vip %>VIP<% else %>REGULAR<% endif %></p>",
    "elif": '<p><% if data:plan == "pro" %>PRO<% elif data:plan == "team" %>TEAM<% else %>OTHER<% endif %></p>',
    "and": "<p><% if data:vip and data:firstname %>BOTH<% else %>NOT BOTH<% endif %></p>",
    "or": "<p><% if data:vip or data:firstname %>EITHER<% else %>NEITHER<% endif %></p>",
    "not": "<p><% if not data:vip %>NOT VIP<% else %>VIP<% endif %></p>",
    "and/or mixed": "<p><% if data:vip and data:firstname or data:plan %>YES<% else %>NO<% endif %></p>",
    "or/and mixed": "<p><% if data:vip or data:firstname and data:plan %>YES<% else %>NO<% endif %></p>",
    "and/or groups": "<p><% if data:vip and data:firstname or data:plan and data:seats %>YES<% else %>NO<% endif %></p>",
    "==": '<p><% if data:plan == "pro" %>PRO<% else %>NOT PRO<% endif %></p>',
    "!=": '<p><% if data:plan != "pro" %>NOT PRO<% else %>PRO<% endif %></p>',
    ">": "<p><% if data:seats > 5 %>MANY<% else %>FEW<% endif %></p>",
    "<": "<p><% if data:seats < 5 %>FEW<% else %>MANY<% endif %></p>",
    "in": '<p><% if "gold" in data:tags %>GOLD<% else %>PLAIN<% endif %></p>',
    "loop": "<ul><% for item in data:items %><li><< item:name >> x << item:qty >></li><% endfor %></ul>",
    "upper": "<p><< data:firstname | upper >></p>",
    "lower": "<p><< data:firstname | lower >></p>",
    "capitalize": "<p><< data:firstname | capitalize >></p>",
    "title": "<p><< data:firstname | title >></p>",
    "urlencode": '<p><a href="https://example.com/?n=<< data:firstname | urlencode >>">link</a> '
    "<< data:firstname | urlencode >></p>",
    "number": "<p><< data:total | number(2) >></p>",
    "field with a space": '<p>Hi << data:"first name" | default("there") >>!</p>',
}

RECIPIENTS: dict[str, dict[str, Any]] = {
    "typed JSON": {
        "firstname": "Ana",
        "first name": "Ana",
        "vip": True,
        "plan": "pro",
        "seats": 7,
        "tags": ["gold", "new"],
        "items": [{"name": "Tea", "qty": 2}, {"name": "Cup", "qty": 1}],
        "total": 1234.5,
    },
    "CSV strings": {
        "firstname": "bob",
        "first name": "bob",
        "vip": "no",
        "plan": "team",
        "seats": "7",
        "tags": "gold,new",
        "total": "1234.5",
    },
    "blanks": {"firstname": "", "first name": "", "vip": "", "plan": "", "seats": "", "tags": "", "total": ""},
    "HTML-special": {
        "firstname": "<b>&\"'",
        "first name": "<b>&\"'",
        "vip": False,
        "plan": "<b>&\"'",
        "seats": 3,
        "tags": ["<b>"],
        "items": [{"name": "<i>&</i>", "qty": 1}],
        "total": 0,
    },
    "non-Latin": {
        "firstname": "zoë 山田 Ωμέγα",
        "first name": "zoë 山田 Ωμέγα",
        "vip": True,
        "plan": "pro",
        "seats": 12,
        "tags": ["gold"],
        "items": [{"name": "Чай", "qty": 3}],
        "total": 9.99,
    },
    "missing": {},
}

LINKS = {
    "unsubscribe_url": "https://example.com/u",
    "view_online_url": "https://example.com/v",
    "preferences_url": "https://example.com/p",
}


def visible(markup: str, part: str) -> str:
    text = html_to_text(markup) if part == "html" else markup
    return re.sub(r"\s+", " ", text).strip()


# --- the engines, each taking (export, recipient, part) ----------------------------------------


def _jinja(code: str, row: dict, part: str) -> str:
    return jinja2.Environment(autoescape=part == "html").from_string(code).render(**row, **LINKS)


def _hubspot(code: str, row: dict, part: str) -> str:
    # jinja2 stands in for Jinjava (HubL); HubL does not autoescape. personalization_token is
    # HubSpot's documented "value or default" function.
    def personalization_token(path: str, default: str = "") -> Any:
        value: Any = {"contact": row}
        for seg in path.split("."):
            value = value.get(seg) if isinstance(value, dict) else None
        return default if value in (None, "") else value

    env = jinja2.Environment(autoescape=False)
    return env.from_string(code).render(
        contact=row,
        personalization_token=personalization_token,
        unsubscribe_link=LINKS["unsubscribe_url"],
        view_as_page_url=LINKS["view_online_url"],
    )


def _liquid(code: str, row: dict, part: str) -> str:
    return liquid.Environment().from_string(code).render(**row, **LINKS)


# Customer.io's own link tags (its Liquid reference), which python-liquid does not know.
_CUSTOMERIO_LINKS = {
    "{% unsubscribe_url %}": LINKS["unsubscribe_url"],
    "{% view_in_browser_url %}": LINKS["view_online_url"],
}


def _customerio(code: str, row: dict, part: str) -> str:
    for tag, url in _CUSTOMERIO_LINKS.items():
        code = code.replace(tag, url)
    return liquid.Environment().from_string(code).render(customer=row)


_BRAZE_CUSTOM = re.compile(r"custom_attribute\.\$\{([^}]*)\}")
_BRAZE_STANDARD = re.compile(r"\$\{([^}]*)\}")


def _braze(code: str, row: dict, part: str) -> str:
    # Braze's `${name}` attribute syntax is not Liquid: written as Liquid lookups for python-liquid.
    code = _BRAZE_CUSTOM.sub(lambda m: f'custom_attribute["{m.group(1)}"]', code)
    code = _BRAZE_STANDARD.sub(lambda m: m.group(1), code)
    standard = {"first_name": row.get("firstname"), "last_name": row.get("lastname"), "email_address": row.get("email")}
    return liquid.Environment().from_string(code).render(custom_attribute=row, **standard)


def _klaviyo(code: str, row: dict, part: str) -> str:
    profile = {
        "first_name": row.get("firstname", ""),
        "last_name": row.get("lastname", ""),
        "email": row.get("email", ""),
    }
    return django_engine.render(code, {"person": row, **profile})


def _brevo(code: str, row: dict, part: str) -> str:
    # Brevo's engine reads JSON: an object has keys only, no methods (Django in Python would
    # find dict.items for a missing key `items`).
    row = django_engine.json_values(row)
    contact = {k.upper(): v for k, v in dict.items(row)}
    links = {
        "unsubscribe": LINKS["unsubscribe_url"],
        "mirror": LINKS["view_online_url"],
        "update_profile": LINKS["preferences_url"],
    }
    return django_engine.render(code, {"contact": contact, "params": row, **links})


def _postmark(code: str, row: dict, part: str) -> str:
    return mustachio.render(code, row)


def _mailchimp(code: str, row: dict, part: str) -> str:
    dialect = get_dialect("mailchimp")
    return mailchimp_engine.render(code, {dialect.default_field_name(k): v for k, v in row.items()}, part)


def _mailjet(code: str, row: dict, part: str) -> str:
    return mailjet_engine.render(code, row)


def _campaignmonitor(code: str, row: dict, part: str) -> str:
    return campaignmonitor_engine.render(code, row, part)


def _handlebars(esp: str) -> Callable[[str, dict, str], str]:
    def run(code: str, row: dict, part: str) -> str:
        return _hb_batch()[(esp, code, _key(row))]

    return run


ENGINES: dict[str, Callable[[str, dict, str], str]] = {
    "jinja": _jinja,
    "hubspot": _hubspot,
    "liquid": _liquid,
    "customerio": _customerio,
    "braze": _braze,
    "klaviyo": _klaviyo,
    "brevo": _brevo,
    "postmark": _postmark,
    "mailchimp": _mailchimp,
    "mailjet": _mailjet,
    "campaignmonitor": _campaignmonitor,
    **{esp: _handlebars(esp) for esp in ("sendgrid", "mailgun", "ses", "iterable", "handlebars")},
}
HANDLEBARS = {"sendgrid", "mailgun", "ses", "iterable", "handlebars"}


def _key(row: dict) -> str:
    return repr(sorted(row.items()))


def _export(dialect: str, construct: str, part: str) -> str | ExportError:
    tree = parse(CONSTRUCTS[construct], construct)
    ctx = ExportContext(part, refuse_raw_values=True)  # as every export the user runs
    try:
        return get_dialect(dialect).finish_part(get_dialect(dialect).export(tree, ctx), ctx)
    except ExportError as e:
        return e


@lru_cache(maxsize=None)
def _hb_batch() -> dict[tuple[str, str, str], Any]:
    """Every handlebars cell rendered in one node process."""
    jobs = []
    for esp in sorted(HANDLEBARS):
        for construct in CONSTRUCTS:
            for part in ("html", "text"):
                code = _export(esp, construct, part)
                if isinstance(code, str):
                    for row in RECIPIENTS.values():
                        jobs.append((esp, code, {**row, **LINKS}))
    results = handlebars_engine.render_many(jobs)
    return {
        (esp, code, _key({k: v for k, v in data.items() if k not in LINKS})): r
        for (esp, code, data), r in zip(jobs, results)
    }


def _preview(construct: str, part: str, row: dict, dialect: str) -> str:
    tree = parse(CONSTRUCTS[construct], construct)
    links = {name.removesuffix("_url"): url for name, url in LINKS.items()}
    return CompiledTemplate(tree, part).render(row, links=links, rules=get_dialect(dialect).rules).text


def cell(dialect: str, construct: str, recipient: str) -> list[str]:
    """The disagreements of one cell (both parts), each naming everything needed to see it."""
    if dialect in HANDLEBARS and handlebars_engine.unavailable():
        pytest.skip(handlebars_engine.unavailable())
    row = RECIPIENTS[recipient]
    bad = []
    for part in ("html", "text"):
        code = _export(dialect, construct, part)
        if isinstance(code, ExportError):
            continue  # an honest refusal: the ESP cannot express it, and says so
        ours = visible(_preview(construct, part, row, dialect), part)
        try:
            theirs = ENGINES[dialect](code, row, part)
            if isinstance(theirs, Exception):
                raise theirs
            theirs = visible(theirs, part)
        except Exception as e:  # the engine failing for a recipient is a disagreement too
            theirs = f"<{type(e).__name__}: {str(e)[:200]}>"
        if theirs != ours:
            bad.append(
                f"{dialect} · {construct} · {recipient} · {part} part: preview {ours!r}, "
                f"engine {theirs!r}; export {code[:300]!r}"
            )
    return bad


def _params():
    for dialect in DIALECTS:
        for construct in CONSTRUCTS:
            for recipient in RECIPIENTS:
                yield pytest.param(dialect, construct, recipient, id=f"{dialect}-{construct}-{recipient}")


@pytest.mark.parametrize(("dialect", "construct", "recipient"), list(_params()))
def test_the_engine_shows_what_the_preview_shows(dialect: str, construct: str, recipient: str) -> None:
    assert cell(dialect, construct, recipient) == []


def test_refusals_are_listed() -> None:
    """Every refusal names what the ESP cannot express (never an empty or generic message)."""
    for dialect in DIALECTS:
        for construct in CONSTRUCTS:
            for part in ("html", "text"):
                e = _export(dialect, construct, part)
                if isinstance(e, ExportError):
                    assert "cannot express" in str(e) and len(str(e)) > 40, (dialect, construct, str(e))
