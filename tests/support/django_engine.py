"""Django's template engine, the real one, configured standalone as Klaviyo and Brevo use it.

Both ESPs write Django template language (Klaviyo: "Django filter glossary", developers.klaviyo.com;
Brevo: "Brevo Template Language", help.brevo.com), which autoescapes values. Klaviyo's own
additions are registered here as shims:
* the `lookup` filter (`person|lookup:'Favorite Color'`, help.klaviyo.com "lookup filter"):
  the value of a key, or empty;
* the link tags `{% unsubscribe_link %}`, `{% web_view_link %}`, `{% manage_preferences_link %}`
  (Klaviyo "template tags"), rendered as the test links.
Brevo's links are plain variables (`{{ unsubscribe }}`, `{{ mirror }}`, `{{ update_profile }}`),
supplied in the context.
"""

from __future__ import annotations

from typing import Any

import django
from django.conf import settings

if not settings.configured:
    settings.configure(USE_I18N=False, USE_TZ=False)
    django.setup()

from django.template import Context, Engine, Library  # noqa: E402

LINKS = {
    "unsubscribe": "https://example.com/u",
    "view_online": "https://example.com/v",
    "preferences": "https://example.com/p",
}

register = Library()


@register.filter
def lookup(value: Any, key: str) -> Any:
    return value.get(key, "") if isinstance(value, dict) else ""


for _tag, _link in (
    ("unsubscribe_link", "unsubscribe"),
    ("web_view_link", "view_online"),
    ("manage_preferences_link", "preferences"),
):
    register.simple_tag(name=_tag)(lambda _l=_link: LINKS[_l])

_ENGINE = Engine(builtins=[__name__], autoescape=True, string_if_invalid="")


def render(template: str, context: dict[str, Any]) -> str:
    """The template rendered with autoescaping on, as Klaviyo and Brevo render."""
    return _ENGINE.from_string(template).render(Context(context, autoescape=True))


class JsonObject(dict):
    """A JSON object as Brevo's engine sees it: keys, and no methods a lookup could reach."""

    def __getattribute__(self, name: str) -> Any:
        if not name.startswith("__"):
            raise AttributeError(name)
        return super().__getattribute__(name)

    def __dir__(self) -> list[str]:  # Django re-raises a failed lookup of a name dir() lists
        return []


def json_values(value: Any) -> Any:
    """Recipient data with every object a JsonObject (lists and values as they are)."""
    if isinstance(value, dict):
        return JsonObject({k: json_values(v) for k, v in value.items()})
    if isinstance(value, list):
        return [json_values(v) for v in value]
    return value
