"""ESP dialects: one small module each, listed here explicitly (name -> module).

Each module defines `DIALECT`, an instance of a `base.Dialect` subclass.
"""

from __future__ import annotations

import importlib

from .base import Dialect, ExportContext, ExportError

DIALECTS: dict[str, str] = {
    "mailjet": "mailjet",
    "mailchimp": "mailchimp",
    "sendgrid": "sendgrid",
    "ses": "ses",
    "postmark": "postmark",
    "mailgun": "mailgun",
    "brevo": "brevo",
    "hubspot": "hubspot",
    "klaviyo": "klaviyo",
    "campaignmonitor": "campaignmonitor",
    "customerio": "customerio",
    "braze": "braze",
    "iterable": "iterable",
    "liquid": "liquid",
    "handlebars": "handlebars",
    "jinja": "jinja",
}


def get_dialect(name: str) -> Dialect:
    """The dialect by name; ValueError lists the known names."""
    key = name.strip().lower()
    if key not in DIALECTS:
        raise ValueError(f"unknown ESP dialect {name!r}; known dialects: {', '.join(DIALECTS)}")
    module = importlib.import_module(f"{__name__}.{DIALECTS[key]}")
    return module.DIALECT


__all__ = ["DIALECTS", "get_dialect", "Dialect", "ExportContext", "ExportError"]
