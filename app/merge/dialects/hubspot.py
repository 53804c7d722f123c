"""HubSpot (HubL): `{{ personalization_token('contact.firstname', 'there')|escape }}`.

A field is a contact property, `contact.<internal name>` (firstname, lastname, email are
HubSpot's own internal names; a field map renames, and a mapped name with a dot, such as
`company.name`, is used as the whole path). A default is written with
`personalization_token('contact.x', 'default')`, the form the reference documents (the HubL
`|default` filter is not confirmed there). Where that cannot be exact (a default written after
another filter; in the HTML part, a default with `&`, `<`, `>` or `"`, which the token would
need raw in the source) it is `{% if contact.x %}{{ contact.x|escape }}{% else %}default{% endif %}`.
Values in the HTML part end with `|escape` (HubL does not autoescape).
Conditions: `{% if %}{% elif %}{% else %}`, with not, in and parentheses.
Loops are refused: contact properties hold no lists.
Links: `{{ unsubscribe_link }}` (HubSpot's preferences page, where the contact can also opt out
of everything) for unsubscribe and preferences, `{{ view_as_page_url }}` for view_online.
"""

from __future__ import annotations

from ..ast import For, Output, Ref
from ._liquidlike import JinjaFamily
from .base import ExportContext, ExportError, describe
from ..semantics import Rules

LINKS = {
    "unsubscribe": "{{ unsubscribe_link }}",
    "view_online": "{{ view_as_page_url }}",
    "preferences": "{{ unsubscribe_link }}",
}


class HubSpot(JinjaFamily):
    name = "hubspot"
    label = "HubSpot"
    description = "HubSpot HubL: {{ contact.firstname }}, {{ personalization_token('contact.firstname', 'there') }}"
    literal_breakers = ("}}",)
    literal_breakers_tag = ("%}",)
    reserved_names = JinjaFamily.reserved_names | {"contact", "company", "owner", "content", "site_settings"}
    # Jinjava (Java) prints null as nothing and booleans as true/false: Mailwright's own text.
    rules = Rules(name="HubSpot")

    def filter_sep(self) -> str:
        return "|"

    def truncate_args(self, n: int) -> str:
        return f"truncate({n}, true, '\u2026')"

    def contact_path(self, ref: Ref, ctx: ExportContext) -> str:
        dotted = ".".join(ref.path)
        mapped = ctx.field_map.get(dotted)
        if mapped is None:
            if len(ref.path) > 1 and ref.path[0] not in ctx.field_map:
                raise ExportError(
                    self.label,
                    f"the nested field {ref.name}",
                    ref.pos,
                    "HubSpot contact properties are flat; map it to a property, e.g. "
                    '{"' + dotted + '": "' + dotted.replace(".", "_") + '"}',
                )
            mapped = ctx.field_map.get(ref.path[0], ref.path[0])
            if len(ref.path) > 1:
                mapped += "." + ".".join(ref.path[1:])
        if "." not in mapped:
            mapped = "contact." + mapped
        segs = mapped.split(".")
        return self.access(segs[0], segs[1:], ref)

    def field_code(self, ref: Ref, ctx: ExportContext) -> str:
        return self.contact_path(ref, ctx)

    def value_filters(self, n: Output, ctx: ExportContext) -> list[str]:
        return [self.filter_code(f, n, ctx) for f in n.filters if f.name != "default"]

    def output(self, n: Output, ctx: ExportContext) -> str:
        assert isinstance(n.expr, Ref)
        names = [f.name for f in n.filters]
        if "default" not in names:
            return super().output(n, ctx)
        code = self.ref_code(n.expr, ctx)
        i = names.index("default")
        fallback = str(n.filters[i].args[0])
        if i == 0 and not (ctx.part == "html" and any(c in fallback for c in '&<>"')):
            token = (
                f"personalization_token({self.lit(code, attr=True, pos=n.pos, what=describe(n))}, "
                f"{self.lit(fallback, attr=n.in_attr, pos=n.pos, what=describe(n))})"
            )
            return "{{ " + token + "".join("|" + p for p in self.filter_chain(n, ctx)) + " }}"
        # personalization_token applies its default first, and in the HTML part its default is
        # escaped with the value at render time (so it would be written with raw `<`, `&` or
        # `"`). Then: the value if it has one, else the default as literal HTML, with the
        # filters written after the default applied to it now.
        split = self.default_last(n, ctx)
        assert split is not None
        others, shown = split
        if ctx.part == "html":
            others.append(self.html_escape_filter or "escape")
        value = "{{ " + code + "".join("|" + p for p in others) + " }}"
        return self.tag(f"if {code}") + value + self.tag("else") + self.escape_value(shown, ctx) + self.tag("endif")

    def for_node(self, n: For, ctx: ExportContext) -> str:
        raise ExportError(
            self.label,
            f"the loop <% for {n.var} in {n.iterable.name} %>",
            n.pos,
            "HubSpot contact properties hold no lists; show the items another way, or render "
            "per recipient (build --data)",
        )

    def link_code(self, which: str, n: Output, ctx: ExportContext) -> str:
        return LINKS[which]


DIALECT = HubSpot()
