"""empty-link, insecure-link, bad-url and no-unsubscribe: the links and image addresses.

URLs are read from the tokenised HTML, so a merge tag is one opaque token: a URL that is a
merge tag (`<< link:unsubscribe >>`) or contains one (`https://x.com/?id=<< data:id >>`) is
checked around the tag, never flagged for it.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from typing import Any, Iterator

from .context import CheckContext
from .model import Finding, Severity, capped_list, plural

_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
LINK_SCHEMES = ("http", "https", "mailto", "tel", "sms")
IMAGE_SCHEMES = ("http", "https", "cid", "data")
_HOST = re.compile(r"^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.?$", re.I)
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
UNSUBSCRIBE_WORDS = (
    "unsubscribe",
    "opt out",
    "opt-out",
    "optout",
    "abmelden",
    "abbestellen",
    "désinscri",
    "desinscri",
    "désabonn",
    "desabonn",
    "darse de baja",
    "darte de baja",
    "cancelar suscripción",
    "uitschrijven",
    "afmelden",
    "disiscriviti",
    "cancella iscrizione",
    "avregistrera",
    "avsluta prenumeration",
    "odhlásit",
    "wypisz",
    "cancelar inscrição",
    "descadastr",
)


@dataclass(frozen=True)
class UrlRef:
    kind: str  # "link" (a/area href) or "image" (img src, background, CSS url())
    url: str  # as in the tokenised HTML (merge tags as tokens)
    element: Any  # an lxml element (lxml ships no types)
    attr: str


def iter_urls(ctx: CheckContext) -> Iterator[UrlRef]:
    """Every link and image address of the body, in document order."""
    body = ctx.tree.find("body")
    root = body if body is not None else ctx.tree
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag in ("a", "area") and el.get("href") is not None:
            yield UrlRef("link", el.get("href"), el, "href")
        if tag == "img" and el.get("src") is not None:
            yield UrlRef("image", el.get("src"), el, "src")
        if el.get("background"):
            yield UrlRef("image", el.get("background"), el, "background")
        style = el.get("style")
        if style and "url(" in style.lower():
            for m in _CSS_URL.finditer(style):
                yield UrlRef("image", m.group(2), el, "style")


def _scheme(url: str) -> str:
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", url)
    return m.group(1).lower() if m else ""


def url_problem(ctx: CheckContext, ref: UrlRef) -> tuple[Severity, str] | None:
    """(severity, reason) when a URL is malformed; None when fine or not checkable."""
    url = ref.url.strip()
    if not url or ctx.only_tags(url):
        return None
    starts_with_tag = ctx.blank_tags(url, "\0").startswith("\0")
    plain = ctx.blank_tags(url, "x")
    scheme = _scheme(plain)
    if starts_with_tag:
        return None  # the tag supplies the start (scheme and host): nothing to check here
    if ref.kind == "image" and not scheme:
        return None  # a local file (image-weight checks it) or a path the export rewrites
    if not scheme:
        if plain.startswith("//"):
            return "error", "a protocol-relative address (//…) does not work in email; start it with https://"
        if plain.startswith("#"):
            return None  # empty-link's business
        return "error", "a relative address has nothing to be relative to in an email; write the full https:// address"
    allowed = LINK_SCHEMES if ref.kind == "link" else IMAGE_SCHEMES
    if scheme in ("javascript", "vbscript"):
        return None  # empty-link reports it
    if scheme not in allowed:
        return "error", f"unknown scheme '{scheme}:' ({', '.join(s + ':' for s in allowed)} work in email)"
    if scheme == "data":
        return None
    if re.search(r"\s", plain):
        severity: Severity = "error" if scheme in ("http", "https") else "warning"
        return severity, "it contains a space or line break; encode spaces as %20"
    if _BAD_PERCENT.search(plain):
        return "warning", "it contains a '%' that starts no %XX escape; write it as %25"
    if scheme in ("http", "https"):
        try:
            parts = urllib.parse.urlsplit(plain)
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError as e:
            return "error", f"it cannot be parsed ({e})"
        host = parts.hostname or ""
        if not host:
            return "error", "it has no host name after the scheme"
        if not ctx.has_tag(url):
            try:
                host_ascii = host.encode("idna").decode("ascii")
            except UnicodeError:
                return "error", f"the host name {host!r} is not valid"
            if not (_HOST.match(host_ascii) or re.fullmatch(r"[0-9.]+|\[?[0-9a-f:.]+\]?", host_ascii)):
                return "error", f"the host name {host!r} is not valid"
            if "." not in host_ascii.strip(".") and host_ascii != "localhost":
                return "warning", f"the host name {host!r} has no dot; is the domain complete?"
    elif scheme == "mailto":
        address = urllib.parse.unquote(plain[7:].split("?", 1)[0])
        if not address and "?" not in plain:
            return "error", "mailto: without an address"
        if (
            address
            and not ctx.has_tag(url)
            and not all(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", a.strip()) for a in address.split(",") if a.strip())
        ):
            return "error", f"{address!r} is not an email address"
    elif scheme in ("tel", "sms"):
        number = plain.split(":", 1)[1].split("?", 1)[0]
        if not ctx.has_tag(url) and not re.fullmatch(r"[+0-9().\-]{3,}(;[^\s]*)?", number):
            return "warning", f"{number!r} does not look like a phone number"
    return None


def check_links(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    insecure: dict[str, list[str]] = {}
    for ref in iter_urls(ctx):
        where = ctx.location(ref.element)
        url = ref.url.strip()
        shown = ctx.short(url)
        if ref.kind == "link":
            if not url or url == "#" or _scheme(url) in ("javascript", "vbscript"):
                what = "empty" if not url else ("“#”" if url == "#" else f"“{shown}”")
                text = " ".join((ref.element.text_content() or "").split())
                label = f" “{ctx.short(text, 40)}”" if text else ""
                out.append(
                    Finding(
                        "error",
                        "empty-link",
                        f"the link{label} goes nowhere (href is {what})",
                        where,
                        "give it a full https:// address, or remove the link",
                    )
                )
                continue
        problem = url_problem(ctx, ref)
        if problem:
            severity, reason = problem
            noun = "link" if ref.kind == "link" else "image address"
            out.append(
                Finding(
                    severity,
                    "bad-url",
                    f"the {noun} “{shown}” is malformed: {reason}",
                    where,
                    "fix the address (merge tags inside it are fine)",
                )
            )
            continue
        plain = ctx.blank_tags(url, "x")
        if _scheme(plain) == "http" and not ctx.only_tags(url):
            key = "link" if ref.kind == "link" else "image"
            insecure.setdefault(f"{key}\0{where}", []).append(shown)
    out += check_empty_link_fields(ctx, {f.location for f in out if f.code == "empty-link"})
    for key, urls in insecure.items():
        kind, where = key.split("\0")
        unique = list(dict.fromkeys(urls))
        if kind == "link":
            message = f"{plural(len(unique), 'link')} over plain http: {capped_list(unique, 2)}"
            hint = "use https://; some clients and spam filters warn about http links"
        else:
            message = f"{plural(len(unique), 'image')} loaded over plain http: {capped_list(unique, 2)}"
            hint = "use https://; Gmail and others block or proxy insecure images"
        out.append(Finding("warning", "insecure-link", message, where, hint))
    return out


# Link fields that always render as a link (or do when their label is set): (field, label field).
_LINK_FIELDS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "button": (("href", None),),
    "hero": (("button_url", "button_label"),),
    "product": (("url", "button_label"),),
    "video": (("video_url", None),),
}
_ITEM_LINKS: dict[str, str] = {"menu": "url", "social": "url"}


def check_empty_link_fields(ctx: CheckContext, already: set[str]) -> list[Finding]:
    """Blocks whose link field is empty: MJML then writes no <a> at all, so the HTML cannot show it."""
    if ctx.doc is None:
        return []
    from ...blocks import REGISTRY
    from ...blocks.base import items_of
    from ..document.plain import resolve_fields

    out = []
    for block in ctx.doc.iter_blocks():
        if block.id in already or block.type not in _LINK_FIELDS and block.type not in _ITEM_LINKS:
            continue
        p = resolve_fields(REGISTRY[block.type].fields, block.props, ctx.theme)
        empty: list[str] = []
        for name, label in _LINK_FIELDS.get(block.type, ()):
            if (label is None or str(p.get(label) or "").strip()) and not str(p.get(name) or "").strip():
                what = str(p.get(label or "label") or "").strip()
                empty.append(f"“{what}”" if what else name)
        if block.type in _ITEM_LINKS:
            for item in items_of(p.get("items")):
                if not str(item.get(_ITEM_LINKS[block.type]) or "").strip():
                    empty.append(f"“{item.get('label') or item.get('network') or 'link'}”")
        if empty:
            out.append(
                Finding(
                    "error",
                    "empty-link",
                    f"{REGISTRY[block.type].label} link {', '.join(empty)} has no address: it goes nowhere",
                    block.id,
                    "give it a full https:// address (or a merge tag)",
                )
            )
    return out


def _mentions_unsubscribe(text: str) -> bool:
    text = " ".join((text or "").lower().split())
    return any(w in text for w in UNSUBSCRIBE_WORDS)


def check_unsubscribe(ctx: CheckContext) -> list[Finding]:
    if ctx.doc is not None and ctx.doc.settings.transactional:
        return []
    for ref in iter_urls(ctx):
        if ref.kind != "link":
            continue
        href = ctx.restore(ref.url)
        if "link:unsubscribe" in href.replace(" ", ""):
            return []
        if _mentions_unsubscribe(ref.element.text_content()) or _mentions_unsubscribe(urllib.parse.unquote(href)):
            if ref.url.strip() and ref.url.strip() != "#":
                return []
    hint = (
        "add a Footer block (it links << link:unsubscribe >>) or a link to << link:unsubscribe >>; "
        "if this is a receipt, password reset or similar, mark the document transactional in its settings"
    )
    if ctx.doc is None:
        hint = "add a link to << link:unsubscribe >> (e.g. in the footer)"
    return [
        Finding(
            "error",
            "no-unsubscribe",
            "marketing email without an unsubscribe link (required by law in most countries, "
            "and by Gmail and Yahoo for bulk senders)",
            "html",
            hint,
        )
    ]
