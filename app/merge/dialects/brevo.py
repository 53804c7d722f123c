"""Brevo (ex-Sendinblue, "Brevo Template Language", Django-like): `{{ contact.FIRSTNAME|default:'there' }}`.

A field is a contact attribute, `contact.<NAME>`, upper-cased unless a field map names it
(`{"firstname": "PRENOM"}`; a mapped name starting with `contact.` or `params.` is used as the
whole path). Contact attributes are flat values, so lists and nested fields cannot be contact
attributes: a field a loop walks (`<% for item in data:items %>`) and any dotted field
(`data:order.total`) are read from the transactional parameters, `params.items`,
`params.order.total` (the reference's loop example, `{% for item in params.items %}`). Those
only exist in sends through the API with `params`.
Values are left to the language's escaping (Django-like; autoescaping not verified); default
strings in the HTML part are HTML-escaped here.
Conditions: `{% if %}…{% else %}…{% endif %}`; elif branches are written as nested if/else,
the form the reference documents.
Filters: upper, lower, capfirst, title, truncatechars, urlencode, floatformat. Refused: trim.
Links: `{{ unsubscribe }}`, `{{ mirror }}`, `{{ update_profile }}`.
Literal `{{`/`{%` in text: `&#123;` in HTML; in the subject and plain text the text is wrapped
in `{% verbatim %}…{% endverbatim %}` (Brevo help: "The verbatim tag allows you to use double
curly brackets in your email templates without them being recognized as a template language
element").
Brevo "escapes the HTML (and JS) content of all variables" by default (Brevo help, "Disable
auto-escaping and display double curly brackets"), in every part: the plain-text part and the
subject are wrapped in `{% autoescape off %}…{% endautoescape %}`, the tag that help page
documents, so `Tom & Jerry` is not shown as `Tom &amp; Jerry` there.
"""

from __future__ import annotations

from ..ast import For, If, Node, Output, Ref
from ._liquidlike import DjangoFamily, is_ident
from .base import ExportContext, ExportError
from .klaviyo import unescaped_outside_html

LINKS = {"unsubscribe": "{{ unsubscribe }}", "view_online": "{{ mirror }}", "preferences": "{{ update_profile }}"}


def _loop_lists(nodes: tuple[Node, ...]) -> list[str]:
    """The data fields that loops walk (dotted paths), anywhere in a tree."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, For):
            if node.iterable.ns == "data":
                out.append(".".join(node.iterable.path))
            out += _loop_lists(node.body)
        elif isinstance(node, If):
            for _, body in node.branches:
                out += _loop_lists(body)
            if node.else_body:
                out += _loop_lists(node.else_body)
    return out


class Brevo(DjangoFamily):
    name = "brevo"
    label = "Brevo"
    description = "Brevo template language: {{ contact.FIRSTNAME|default:'there' }}, {{ params.items }}"
    reserved_names = DjangoFamily.reserved_names | {"contact", "params", "unsubscribe", "mirror", "update_profile"}

    def export(self, nodes: tuple[Node, ...], ctx: ExportContext) -> str:
        if not ctx.loops:
            # Lists walked by loops are parameters, everywhere they are used (an `if` on them too).
            lists = {
                name: "params." + ctx.field_map.get(name, name)
                for name in _loop_lists(nodes)
                if not ctx.field_map.get(name, "").startswith(("contact.", "params."))
            }
            if lists:
                ctx = ExportContext(ctx.part, {**ctx.field_map, **lists}, ctx.variables, ctx.loops)
        return super().export(nodes, ctx)

    def finish_part(self, code: str, ctx: ExportContext) -> str:
        return unescaped_outside_html(code, ctx)

    def field_code(self, ref: Ref, ctx: ExportContext) -> str:
        dotted = ".".join(ref.path)
        mapped = ctx.field_map.get(dotted)
        if mapped is None and len(ref.path) == 1:
            name = ref.path[0]
            path = ["contact", name.upper()] if is_ident(name) else None
            if path is None:
                raise ExportError(
                    self.label,
                    f"the field name {name!r} in {ref.name}",
                    ref.pos,
                    "Brevo attribute names are letters, digits and '_'; name the attribute with "
                    'a field map (e.g. {"' + name + '": "MY_ATTRIBUTE"})',
                )
            return ".".join(path)
        if mapped is None:
            mapped = ctx.field_map.get(ref.path[0])
            rest = list(ref.path[1:])
            if mapped is None:
                return self.access("params", list(ref.path), ref)
        else:
            rest = []
        if not mapped.startswith(("contact.", "params.")):
            mapped = "contact." + mapped
        segs = mapped.split(".")
        return self.access(segs[0], segs[1:] + rest, ref)

    def if_node(self, n: If, ctx: ExportContext) -> str:
        if len(n.branches) > 1:
            rest = If(n.branches[1:], n.else_body, n.pos)
            n = If(n.branches[:1], (rest,), n.pos)
        return super().if_node(n, ctx)

    def link_code(self, which: str, n: Output, ctx: ExportContext) -> str:
        return LINKS[which]

    def escape_delimiter_plain(self, run: str, ctx: ExportContext, around: str = "") -> str:
        return "{% verbatim %}" + run + "{% endverbatim %}"


DIALECT = Brevo()
