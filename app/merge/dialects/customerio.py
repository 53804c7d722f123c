"""Customer.io (Liquid): `{{customer.firstname | default: 'there' | escape}}`.

Fields are customer attributes (`customer.<name>`, names as written or as mapped; a name that
is no identifier is written `customer["first name"]`). `and` mixed with `or` is written in the
order Liquid reads it (see _liquid_exact.py). A missing
attribute makes Customer.io fail the delivery ("a message won't render, and we'll log a Failed
state"), so every output carries a default (`default: ''` when the tag has none).
Links: `{% unsubscribe_url %}`, `{% view_in_browser_url %}`; `<< link:preferences >>` is refused:
the reference documents no preferences tag (public templates use
`{% manage_subscription_preferences_url %}`, not confirmed by the vendor pages we have).
"""

from __future__ import annotations

from ..ast import Filter, Output, Ref
from ._liquid_exact import LiquidExact
from .base import ExportContext, ExportError


class CustomerIo(LiquidExact):
    name = "customerio"
    label = "Customer.io"
    description = "Customer.io Liquid: {{customer.firstname | default: 'there'}}, {% unsubscribe_url %}"
    out_open, out_close = "{{", "}}"
    reserved_names = LiquidExact.reserved_names | {
        "customer",
        "event",
        "trigger",
        "campaign",
        "journey",
        "content",
        "snippets",
        "objects",
        "page",
    }

    def field_code(self, ref: Ref, ctx: ExportContext) -> str:
        path = self.field_path(ref, ctx)
        return self.access("customer", path, ref)

    def prepare(self, n: Output, ctx: ExportContext) -> Output:
        if not any(f.name == "default" for f in n.filters):
            n = Output(n.expr, (Filter("default", ("",), n.pos),) + n.filters, n.pos, n.in_attr)
        return n

    def link_code(self, which: str, n: Output, ctx: ExportContext) -> str:
        if which == "unsubscribe":
            return "{% unsubscribe_url %}"
        if which == "view_online":
            return "{% view_in_browser_url %}"
        raise ExportError(
            self.label,
            "<< link:preferences >>",
            n.pos,
            "no preferences tag is documented for it here; use << link:unsubscribe >> (with a "
            "subscription center set up, Customer.io's unsubscribe link opens it)",
        )


DIALECT = CustomerIo()
