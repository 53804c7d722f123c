"""The inspector's field editors, one module per editor, as blocks/ has one module per block.

`editor_for(field, ctx)` picks the editor for a field declaration by its kind (blocks/base.py
`Field.kind`); the base class and the pieces every editor shares live in base.py, context.py,
values.py, swatch.py and merge_menu.py. The editors never import this module: it imports them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from ...blocks.base import Field
from .base import FieldEditor
from .bool import BoolEditor
from .choice import ChoiceEditor
from .code import CodeEditor
from .color import ColorEditor
from .context import EditorContext
from .expression import ExpressionEditor
from .font import WEB_SAFE_FONTS, FontFamilyEditor
from .image import ImageEditor, copy_to_assets
from .items import ItemsEditor
from .layout import LAYOUT_PRESETS, LayoutEditor
from .merge_menu import build_merge_menu
from .multiline import MultilineEditor
from .number import NumberEditor
from .richtext import RichTextEditor
from .text import TextEditor
from .url import UrlEditor
from .values import url_warning
from .variables import VariablesEditor

EDITORS: dict[str, type[FieldEditor]] = {
    "text": TextEditor,
    "multiline": MultilineEditor,
    "richtext": RichTextEditor,
    "code": CodeEditor,
    "url": UrlEditor,
    "image": ImageEditor,
    "color": ColorEditor,
    "number": NumberEditor,
    "choice": ChoiceEditor,
    "bool": BoolEditor,
    "items": ItemsEditor,
}


def editor_for(field: Field, ctx: EditorContext, parent: QWidget | None = None, **options: Any) -> FieldEditor:
    """The editor for a field declaration."""
    try:
        cls = EDITORS[field.kind]
    except KeyError:
        raise ValueError(f"no editor for field kind {field.kind!r}") from None
    return cls(field, ctx, parent, **options)


__all__ = [
    "EditorContext",
    "FieldEditor",
    "TextEditor",
    "UrlEditor",
    "MultilineEditor",
    "CodeEditor",
    "RichTextEditor",
    "ImageEditor",
    "ColorEditor",
    "NumberEditor",
    "ChoiceEditor",
    "BoolEditor",
    "ItemsEditor",
    "VariablesEditor",
    "FontFamilyEditor",
    "LayoutEditor",
    "ExpressionEditor",
    "EDITORS",
    "editor_for",
    "build_merge_menu",
    "copy_to_assets",
    "url_warning",
    "LAYOUT_PRESETS",
    "WEB_SAFE_FONTS",
]
