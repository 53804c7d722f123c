"""The block library. The registry lists every block type explicitly, in palette order.

Adding a block type means adding one module here and one line to `_MODULES`.
"""

from __future__ import annotations

from . import (
    button,
    divider,
    footer,
    heading,
    hero,
    html,
    image,
    line_items,
    menu,
    mjml,
    product,
    social,
    spacer,
    text,
    video,
)
from .base import BlockData, BlockSpec, Field

_MODULES = (
    heading,
    text,
    button,
    image,
    video,
    divider,
    spacer,
    social,
    menu,
    footer,
    hero,
    product,
    line_items,
    html,
    mjml,
)

REGISTRY: dict[str, BlockSpec] = {m.SPEC.type: m.SPEC for m in _MODULES}


def get_spec(block_type: str) -> BlockSpec:
    """The spec for a block type; KeyError names the known types."""
    try:
        return REGISTRY[block_type]
    except KeyError:
        raise KeyError(f"unknown block type {block_type!r}; known types: {', '.join(REGISTRY)}") from None


__all__ = ["REGISTRY", "get_spec", "BlockSpec", "BlockData", "Field"]
