"""The schema of a theme file, validated with pydantic (what parse_theme reads).

Imported only when a theme file's text is validated: the built-in themes are checked against it
by the tests, not at every start (themes/__init__.py, load_theme).
"""

from __future__ import annotations

import json
import re
from typing import Union

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, field_validator

from .theme import Theme, ThemeError, theme_from_dict

_COLOR = re.compile(r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|transparent)$")


class _Colors(BaseModel):
    model_config = ConfigDict(extra="forbid")
    primary: str
    on_primary: str
    text: str
    heading: str
    link: str
    muted: str
    background: str  # around the email
    content: str  # behind rows without their own colour
    border: str
    accent: str  # soft tint for highlighted rows

    @field_validator("*")
    @classmethod
    def _is_color(cls, v: str) -> str:
        if not _COLOR.match(v):
            raise ValueError(f"must be a colour like #1a2b3c, not {v!r}")
        return v.lower()


class _WebFont(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    href: str


class _Fonts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: str
    heading: str
    heading_weight: str = "bold"
    # Web fonts are loaded only when a theme names them (each costs a request per open).
    web: list[_WebFont] = Field(default_factory=list)


class _Sizes(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: int = Field(ge=8, le=32)
    small: int = Field(ge=8, le=24)
    # int | float: a whole line height is written "1", as MJML's default (not "1.0")
    line_height: Union[StrictInt, float] = Field(ge=1, le=3)
    heading_line_height: Union[StrictInt, float] = Field(ge=1, le=3)
    h1: int = Field(ge=10, le=96)
    h2: int = Field(ge=10, le=96)
    h3: int = Field(ge=10, le=96)


class _Button(BaseModel):
    model_config = ConfigDict(extra="forbid")
    radius: int = Field(ge=0, le=60)
    font_size: int = Field(ge=10, le=40)
    font_weight: str = "bold"
    padding_y: int = Field(ge=0, le=60)
    padding_x: int = Field(ge=0, le=120)
    uppercase: bool = False


class _Spacing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    row: int = Field(ge=0, le=200)  # padding above/below a row
    block_y: int = Field(ge=0, le=120)  # padding above/below a block
    block_x: int = Field(ge=0, le=120)  # padding left/right of a block


class ThemeFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    label: str
    description: str = ""
    # A neutral theme writes no head of its own (no mj-attributes, no link colour) and no
    # transparent backgrounds: the look is the source's own (imported MJML, mjml_render._head).
    neutral: bool = False
    width: int = Field(ge=320, le=1200)
    colors: _Colors
    fonts: _Fonts
    sizes: _Sizes
    button: _Button
    spacing: _Spacing


def parse_theme_text(text: str, source: str) -> Theme:
    """Parse and validate a theme file's JSON text."""
    try:
        raw = json.loads(text)
        return theme_from_dict(ThemeFile.model_validate(raw).model_dump())
    except json.JSONDecodeError as e:
        raise ThemeError(f"{source}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from None
    except ValidationError as e:
        err = e.errors()[0]
        path = ".".join(str(p) for p in err["loc"])
        raise ThemeError(f"{source}: {path}: {err['msg'].removeprefix('Value error, ')}") from None
