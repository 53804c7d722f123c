"""Braze (Liquid): `{{${first_name} | default: 'there' | escape}}`.

firstname, lastname and email are Braze's standard attributes `${first_name}`, `${last_name}`,
`${email_address}`; any other field is a custom attribute, `custom_attribute.${name}` (names may
contain spaces, as in Braze's own `${zip code}` example). A field map may name a standard
attribute directly (`{"fname": "first_name"}`).
Links: `{{${set_user_to_unsubscribed_url}}}`. Refused: `<< link:view_online >>` ("Braze doesn't
offer a hosted 'view this email in a browser' page") and `<< link:preferences >>` (a Braze
preference-center link names a preference center the email cannot know).
"""

from __future__ import annotations

from ..ast import Output, Ref
from ._liquidlike import LiquidFamily
from .base import ExportContext, ExportError

STANDARD = {"first_name", "last_name", "email_address"}
DEFAULT_NAMES = {"firstname": "first_name", "lastname": "last_name", "email": "email_address"}


class Braze(LiquidFamily):
    name = "braze"
    label = "Braze"
    description = "Braze Liquid: {{${first_name} | default: 'there'}}, custom_attribute.${name}"
    out_open, out_close = "{{", "}}"
    reserved_names = LiquidFamily.reserved_names | {
        "custom_attribute",
        "campaign",
        "canvas",
        "event_properties",
        "api_trigger_properties",
        "canvas_entry_properties",
        "context",
        "subscribed_state",
        "content_blocks",
    }

    def default_field_name(self, name: str) -> str:
        return DEFAULT_NAMES.get(name, name)

    def field_code(self, ref: Ref, ctx: ExportContext) -> str:
        path = self.field_path(ref, ctx)
        first = path[0]
        if "{" in first or "}" in first or not first.strip():
            raise ExportError(
                self.label,
                f"the attribute name {first!r} in {ref.name}",
                ref.pos,
                "Braze attribute names cannot contain braces; rename it with a field map",
            )
        base = f"${{{first}}}" if first in STANDARD else f"custom_attribute.${{{first}}}"
        return self.access(base, path[1:], ref)

    def link_code(self, which: str, n: Output, ctx: ExportContext) -> str:
        if which == "unsubscribe":
            return "{{${set_user_to_unsubscribed_url}}}"
        if which == "view_online":
            raise ExportError(
                self.label,
                "<< link:view_online >>",
                n.pos,
                "Braze doesn't offer a hosted 'view in browser' page; remove the link",
            )
        raise ExportError(
            self.label,
            "<< link:preferences >>",
            n.pos,
            "a Braze preference-center link names one of your preference centers "
            "({{preference_center.${name}}}); use << link:unsubscribe >> or add that tag "
            "in Braze",
        )


DIALECT = Braze()
