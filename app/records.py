"""Small value records for the build path, without `dataclasses`.

`import dataclasses` (it pulls inspect, ast, dis, tokenize) and its exec-generated methods cost
~10 ms on every `mailwright build` start (issue #16); a class on `Record` costs ~0.02 ms.
"""

from __future__ import annotations

from typing import Any, TypeVar

_R = TypeVar("_R", bound="Record")

# What a record's __init__ sets its fields with (Record.__setattr__ refuses assignment).
set_field = object.__setattr__


class Record:
    """An immutable record whose fields are its `__slots__`, in order.

    Like a frozen dataclass: equal (and hashing alike) only to a record of the same type with
    equal fields, repr'd as `Name(field=value, ...)`, pickled and copied by its fields, and
    `_replace(**changes)` makes a changed copy. Not a tuple: it is not iterable or indexable, so
    no tuple-walking code mistakes it for a sequence. A subclass lists its fields in `__slots__`
    and sets each in its `__init__` with `set_field(self, name, value)`.
    """

    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self.__slots__])

    def _replace(self: _R, **changes: Any) -> _R:
        values = {name: getattr(self, name) for name in self.__slots__}
        unknown = changes.keys() - values.keys()
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(sorted(unknown))}")
        values.update(changes)
        return type(self)(**values)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__qualname__}({args})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self._values())

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: a {type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: a {type(self).__name__} is immutable")
