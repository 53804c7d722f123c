"""Issue 17: the field editors are a package, one module per editor, as blocks/ is one module per
block; every field kind a block can declare gets its editor from the package's one table."""

from __future__ import annotations

import typing

import pytest

pytest.importorskip("PySide6.QtWidgets")

from mailwright.blocks.base import Field, FieldKind  # noqa: E402
from mailwright.widgets import fields  # noqa: E402
from mailwright.widgets.fields import EditorContext, FieldEditor, editor_for  # noqa: E402


def _editor_classes() -> list[type[FieldEditor]]:
    return [
        value
        for value in vars(fields).values()
        if isinstance(value, type) and issubclass(value, FieldEditor) and value is not FieldEditor
    ]


def test_every_field_kind_gets_an_editor(qtbot) -> None:
    for kind in typing.get_args(FieldKind):
        editor = editor_for(Field("x", kind, "X", choices=("a", "b")), EditorContext())
        qtbot.addWidget(editor)
        assert isinstance(editor, fields.EDITORS[kind]), kind


def test_each_editor_has_a_module_of_its_own() -> None:
    classes = _editor_classes()
    assert len(classes) == 15  # the 16 of the issue, counting the base class
    modules = [cls.__module__ for cls in classes]
    assert len(set(modules)) == len(modules), sorted(modules)
    assert all(m.startswith("mailwright.widgets.fields.") for m in modules), modules
    assert FieldEditor.__module__ == "mailwright.widgets.fields.base"


def test_an_unknown_kind_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="no editor for field kind 'slider'"):
        editor_for(Field("x", "slider", "X"), EditorContext())  # type: ignore[arg-type]  # a kind no block declares
