"""Export bundles (one zip with everything an ESP upload or a hand-off needs) and UTM tagging.

A bundle holds:

    email.html       the final HTML (or the HTML for an ESP, with merge tags in its syntax)
    email.txt        the plain-text part (same)
    email.mjml       the MJML (generated for a .mwt; the source itself for an .mjml)
    <source>         the .mwt or .mjml file exported, as it is on disk
    images/<name>    every local image the email references (paths relative to the source; only
                     real images inside the source's folder, see local_files.py)
    manifest.json    subject, preheader, ESP, UTM parameters and which file came from where

Local images are referenced as `images/<name>` in email.html and email.mjml, or as
`<asset base URL>/<name>` when one is given (upload the images folder there). The zip is
deterministic: entries sorted, timestamps fixed, so the same input gives the same bytes.
"""

from __future__ import annotations

import html as htmllib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from urllib.parse import parse_qsl, quote, urlsplit
from .build.local_files import (
    CSS_URL,
    MAX_ASSET_BYTES,
    MERGE_ANY,
    Refusal,
    check_local_image,
    image_refs,
    local_path,
)
from .messages import ShortMessage

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
RESERVED = frozenset({"email.html", "email.txt", "email.mjml", "manifest.json"})


class ExportError(ShortMessage, ValueError):
    """An export that cannot be made; the message says why."""


# --- UTM parameters -------------------------------------------------------------------------

_LINK = re.compile(
    r"<(?:a|area)\b((?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*/?>", re.I | re.S
)
_HREF = re.compile(r"""(\shref\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)


def utm_params(params: Mapping[str, str]) -> dict[str, str]:
    """{"source": "news"} → {"utm_source": "news"} (names already starting utm_ kept)."""
    out = {}
    for key, value in params.items():
        key = key.strip()
        out[key if key.lower().startswith("utm_") else f"utm_{key}"] = value
    return out


def _tag_url(raw: str, params: dict[str, str], protect: re.Pattern[str] | None) -> str:
    plain = htmllib.unescape(raw).strip()
    if not re.match(r"^https?://", plain, re.I) or MERGE_ANY.search(plain):
        return raw
    if protect is not None and protect.search(plain):
        return raw
    before, hash_, fragment = raw.partition("#")
    query = urlsplit(htmllib.unescape(before)).query
    present = {k for k, _ in parse_qsl(query, keep_blank_values=True)}
    added = [f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params.items() if k not in present]
    if not added:
        return raw
    addition = "&amp;".join(added)
    if "?" in before:
        sep = "" if before.endswith(("?", "&", "&amp;")) else "&amp;"
    else:
        sep = "?"
    return before + sep + addition + hash_ + fragment


def add_utm(html: str, params: Mapping[str, str], *, protect: re.Pattern[str] | None = None) -> str:
    """Add UTM parameters to every http(s) link (`<a href>`, `<area href>`) of an HTML text.

    Existing parameters are kept (a link that already has `utm_source` keeps its own), as are
    fragments. `mailto:`, `tel:`, `#anchors`, relative links and any URL holding a merge tag
    are left alone, since a tracking parameter there would break the link or the tag.
    `protect` is an extra pattern for placeholders that stand for merge tags (build tokens).
    Image sources are never touched.
    """
    wanted = utm_params(params)
    if not wanted:
        return html

    def link(m: re.Match[str]) -> str:
        attrs = m.group(1)

        def href(h: re.Match[str]) -> str:
            if h.group(2) is not None:
                return f'{h.group(1)}"{_tag_url(h.group(2), wanted, protect)}"'
            if h.group(3) is not None:
                return f"{h.group(1)}'{_tag_url(h.group(3), wanted, protect)}'"
            return f"{h.group(1)}{_tag_url(h.group(4), wanted, protect)}"

        new_attrs = _HREF.sub(href, attrs, count=1)
        return m.group(0) if new_attrs == attrs else m.group(0).replace(attrs, new_attrs, 1)

    return _LINK.sub(link, html)


# --- local assets -----------------------------------------------------------------------------

_ANY_ATTR = re.compile(r"""(\b[\w:-]+\s*=\s*)(["'])(.*?)\2""", re.S)


@dataclass
class Assets:
    """The local images an email references, as the shared rule (local_files.py) allows them:
    only real images really under the document's folder (`base`), symlinks resolved."""

    base: Path
    names: dict[str, str] = field(default_factory=dict)  # reference as written → bundle name
    files: dict[str, Path] = field(default_factory=dict)  # bundle name → file
    missing: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # reference as written → why not bundled

    def collect(self, html: str) -> None:
        by_path: dict[Path, str] = {}
        for ref in image_refs(html):
            if ref in self.names or ref in self.missing or ref in self.refused:
                continue
            path = local_path(ref, self.base)
            if path is None:
                continue
            found = check_local_image(path, self.base, max_bytes=MAX_ASSET_BYTES)
            if isinstance(found, Refusal):
                if found.kind == "missing":
                    self.missing.append(ref)
                else:
                    self.refused[ref] = found.reason
                continue
            resolved = found.path
            if resolved in by_path:
                self.names[ref] = by_path[resolved]
                continue
            name = self._free_name(resolved.name)
            by_path[resolved] = name
            self.names[ref] = name
            self.files[name] = resolved

    def _free_name(self, name: str) -> str:
        name = re.sub(r"[^\w.+-]", "_", name) or "image"
        stem, dot, suffix = name.rpartition(".")
        if not dot:
            stem, suffix = name, ""
        candidate, n = name, 1
        while candidate in self.files:
            n += 1
            candidate = f"{stem}-{n}{dot}{suffix}"
        return candidate

    def rewrite(self, text: str, prefix: str) -> str:
        """Every attribute value or CSS url() naming a collected image, pointed at the bundle."""
        if not self.names:
            return text

        def target(ref: str) -> str | None:
            name = self.names.get(ref) or self.names.get(htmllib.unescape(ref))
            return None if name is None else prefix + quote(name)

        def attr(m: re.Match[str]) -> str:
            new = target(m.group(3))
            return m.group(0) if new is None else f"{m.group(1)}{m.group(2)}{new}{m.group(2)}"

        def css(m: re.Match[str]) -> str:
            new = target(m.group(3))
            return m.group(0) if new is None else f"{m.group(1)}{m.group(2)}{new}{m.group(2)}{m.group(4)}"

        return CSS_URL.sub(css, _ANY_ATTR.sub(attr, text))


# --- the bundle -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BundleReport:
    path: Path
    entries: tuple[str, ...]
    html_bytes: int
    subject: str
    images: dict[str, str]  # bundle name → reference as written
    missing: tuple[str, ...]  # local references with no file
    # local references not bundled and why: outside the document's folder, not an image, too large
    refused: tuple[tuple[str, str], ...]


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, entries[name])
    return buffer.getvalue()


def export_bundle(
    src_path: str | Path,
    out_zip: str | Path,
    *,
    esp: str | None = None,
    field_map: dict[str, str] | None = None,
    asset_base_url: str | None = None,
    utm: Mapping[str, str] | None = None,
) -> BundleReport:
    """Build `src_path` (.mwt or .mjml) and write the bundle zip atomically to `out_zip`."""
    from .document.atomic import SaveError, atomic_write_bytes
    from .build.pipeline import build_document, build_mjml_text
    from .build.plaintext import html_to_text
    from .document.storage import loads_document, read_text_capped

    src, out = Path(src_path), Path(out_zip)
    suffix = src.suffix.lower()
    if suffix not in (".mwt", ".mjml"):
        raise ExportError(f"{src}: export takes a .mwt document or an .mjml file")
    from .outputs import OutputClash, check_outputs

    try:
        check_outputs({"the source": src}, {"the bundle": out})
    except OutputClash as e:
        raise ExportError(str(e)) from None
    if asset_base_url is not None and not re.match(r"^https?://[^\s/]+", asset_base_url):
        raise ExportError(
            f"--asset-base-url {asset_base_url!r}: give an http(s) URL such as https://cdn.example.com/spring"
        )
    source_text = read_text_capped(src)
    params = utm_params(utm or {})
    # With UTM parameters the text is made once, from the tagged HTML below, not also here.
    if suffix == ".mjml":
        result = build_mjml_text(source_text, source=str(src), base_dir=src.parent, with_text=not params)
    else:
        # The plain reader, as build's and check's: a valid file needs no pydantic.
        doc = loads_document(source_text, str(src), plain=True)
        result = build_document(doc, source=str(src), with_text=not params)
    if params and result.tokens is not None:
        html_tokens = add_utm(result.html_tokens, params, protect=result.tokens._token_re)
        text_tokens = html_to_text(html_tokens)
        result = result._replace(
            html=result.tokens.restore(html_tokens),
            text=result.tokens.restore_plain(text_tokens),
            html_tokens=html_tokens,
            text_tokens=text_tokens,
        )
    html, text, subject, preheader = result.html, result.text, result.subject, result.preheader
    if esp:
        from .build.personalise import export_for_esp

        exported = export_for_esp(result, esp, field_map or {})
        html, text, subject, preheader = exported.html, exported.text, exported.subject, exported.preheader
    assets = Assets(src.resolve().parent)
    assets.collect(html)
    assets.collect(result.mjml)
    prefix = asset_base_url.rstrip("/") + "/" if asset_base_url else "images/"
    html = assets.rewrite(html, prefix)
    mjml = assets.rewrite(result.mjml, prefix)
    source_name = src.name if src.name not in RESERVED else f"source/{src.name}"
    entries: dict[str, bytes] = {
        "email.html": html.encode("utf-8"),
        "email.txt": text.encode("utf-8"),
        "email.mjml": mjml.encode("utf-8"),
        source_name: src.read_bytes(),
    }
    for name, path in assets.files.items():
        try:
            entries[f"images/{name}"] = path.read_bytes()
        except OSError as e:
            raise ExportError(f"{path}: cannot be read ({e.strerror or e})") from None
    manifest = {
        "format": "mailwright-bundle",
        "version": 1,
        "source": source_name,
        "subject": subject,
        "preheader": preheader,
        "esp": esp,
        "asset_base_url": asset_base_url,
        "utm": params,
        "images": {f"images/{name}": ref for ref, name in sorted(assets.names.items(), key=lambda x: x[1])},
        "files": sorted([*entries, "manifest.json"]),
    }
    entries["manifest.json"] = (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    try:
        atomic_write_bytes(out, _zip(entries), backup=False)
    except SaveError as e:  # the CLI's export and the editor's Export dialog: no "Save As" there
        raise ExportError(e.command_line_message()) from None
    return BundleReport(
        out,
        tuple(sorted(entries)),
        len(entries["email.html"]),
        subject,
        {name: ref for ref, name in assets.names.items()},
        tuple(assets.missing),
        tuple(assets.refused.items()),
    )
