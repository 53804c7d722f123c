"""Generic Liquid (Shopify Liquid): `{{ firstname | default: 'there' | escape }}`.

Fields are top-level variables (`firstname`, `order.total`); the special links are the
variables `unsubscribe_url`, `view_online_url` and `preferences_url`, to be supplied with the
data. Liquid does not autoescape, so values in the HTML part end with `| escape`.
Field names that are no identifiers are written `["first name"]`; `and` mixed with `or` is
written in the order Liquid reads it (right to left, see _liquid_exact.py).
Refused: the filters `title` and `number` (no such Liquid filter), `not` anywhere but around a
whole condition, and and/or groups on both sides of the other operator.
"""

from __future__ import annotations

from ..ast import Output
from ._liquid_exact import LiquidExact
from .base import ExportContext

LINKS = {"unsubscribe": "unsubscribe_url", "view_online": "view_online_url", "preferences": "preferences_url"}


class Liquid(LiquidExact):
    name = "liquid"
    label = "Liquid"
    description = "generic Shopify Liquid: {{ firstname | default: 'there' }}, {% if %}, {% for %}"

    def link_code(self, which: str, n: Output, ctx: ExportContext) -> str:
        return "{{ " + LINKS[which] + " }}"


DIALECT = Liquid()
