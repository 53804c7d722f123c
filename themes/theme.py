"""A resolved theme and the error a bad theme file gives: the types the loader (themes/__init__)
and the schema (themes/schema.py) share, so neither imports the other.

Theme is a NamedTuple, not a dataclass: `import dataclasses` cost ~10 ms on every CLI start."""

from __future__ import annotations

from typing import Any, NamedTuple

from ..app.messages import ShortMessage


class Theme(NamedTuple):
    """A resolved theme: plain dicts so blocks read `theme.colors["primary"]`."""

    name: str
    label: str
    description: str
    width: int
    colors: dict[str, str]
    fonts: dict[str, Any]
    sizes: dict[str, Any]
    button: dict[str, Any]
    spacing: dict[str, int]
    web_fonts: tuple[tuple[str, str], ...] = ()
    neutral: bool = False

    def get(self, key: str) -> Any:
        """A value by dotted key, e.g. "colors.primary"."""
        group, _, name = key.partition(".")
        return getattr(self, group)[name]

    def with_overrides(self, overrides: dict[str, Any]) -> "Theme":
        """This theme with a document's settings overrides applied (keys as in `OVERRIDES`)."""
        colors, fonts, sizes = dict(self.colors), dict(self.fonts), dict(self.sizes)
        for key, value in overrides.items():
            if value is None or key not in OVERRIDES:
                continue
            group, name = OVERRIDES[key].split(".")
            {"colors": colors, "fonts": fonts, "sizes": sizes}[group][name] = value
        return self._replace(colors=colors, fonts=fonts, sizes=sizes)


# Document settings that override a theme value.
OVERRIDES = {
    "primary_color": "colors.primary",
    "text_color": "colors.text",
    "heading_color": "colors.heading",
    "link_color": "colors.link",
    "background_color": "colors.background",
    "content_background": "colors.content",
    "font_family": "fonts.body",
    "heading_font_family": "fonts.heading",
    "font_size": "sizes.body",
}


class ThemeError(ShortMessage, ValueError):
    pass


def theme_from_dict(raw: dict[str, Any]) -> Theme:
    """A theme file's JSON object as a Theme; the caller has validated it (themes/schema.py) or
    trusts it (the built-in files)."""
    fonts = raw["fonts"]
    return Theme(
        name=raw["name"],
        label=raw["label"],
        description=raw.get("description", ""),
        width=raw["width"],
        colors={k: v.lower() for k, v in raw["colors"].items()},
        fonts={k: v for k, v in fonts.items() if k != "web"},
        sizes=dict(raw["sizes"]),
        button=dict(raw["button"]),
        spacing=dict(raw["spacing"]),
        web_fonts=tuple((w["name"], w["href"]) for w in fonts.get("web", ())),
        neutral=raw.get("neutral", False),
    )
