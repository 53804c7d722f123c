"""Which local image files an email may carry: the one rule `send` and `export --bundle` share.

A reference in a template is the user's text, and a shared or downloaded template is someone
else's: `/home/me/.ssh/id_rsa.png`, `../../secret.png` or a symlink in assets/ pointing out
must never be copied into a message or a bundle. So a local image is taken only when

- its real path (symlinks resolved) lies under the allowed folder (`root`),
- it is a regular file of at most `max_bytes`,
- its name ends in an image suffix and its first bytes are those of an image (PNG, JPEG, GIF,
  WebP, BMP, ICO, AVIF) or an SVG document.

The checks run in that order, so nothing outside the folder is ever opened or read.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Literal, NamedTuple
from urllib.parse import unquote, urlsplit

__all__ = [
    "IMAGE_SUFFIXES",
    "MAX_ASSET_BYTES",
    "LocalImage",
    "Refusal",
    "check_local_image",
    "image_refs",
    "local_path",
    "sniff_image",
]

MAX_ASSET_BYTES = 20 * 1024 * 1024  # one local image an export bundles, the canvas shows and check accepts

# suffix → the kind of image the name promises (named in refusals)
_PROMISED = {
    ".png": "PNG",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".gif": "GIF",
    ".webp": "WebP",
    ".svg": "SVG",
    ".bmp": "BMP",
    ".ico": "ICO",
    ".avif": "AVIF",
}
IMAGE_SUFFIXES = frozenset(_PROMISED)
_MIME = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "GIF": "image/gif",
    "WebP": "image/webp",
    "SVG": "image/svg+xml",
    "BMP": "image/bmp",
    "ICO": "image/x-icon",
    "AVIF": "image/avif",
}
# How much of a file is read to recognise it. SVG files may open with a long comment or a
# doctype with an entity subset (Illustrator writes both) before `<svg`.
_HEAD_BYTES = 64
_SVG_HEAD_BYTES = 64 * 1024
_SVG_PROLOGUE = re.compile(
    r"""\A(?:\s+|<\?xml\b.*?\?>|<!--.*?-->|<!DOCTYPE\b(?:[^\[>]|\[.*?\])*>)*<svg[\s>/]""", re.S | re.I
)

Kind = Literal["outside", "missing", "unreadable", "too-large", "not-image"]


# NamedTuples, not dataclasses: `build` reads image references too, and `import dataclasses`
# is ~10 ms of a command's start (issue #16).
class LocalImage(NamedTuple):
    path: Path  # the real path, symlinks resolved
    size: int
    mime: str  # from the content, e.g. "image/png"


class Refusal(NamedTuple):
    kind: Kind
    reason: str  # completes "<reference> …", e.g. "is outside the document's folder"
    size: int = 0


# What names an image in HTML or MJML: src, background, mj-image's src, a section's
# background-url and the like, and CSS url(). Group 3 is the reference as written.
IMAGE_REF_ATTR = re.compile(r"""(\b(?:src|background|[\w-]+-url)\s*=\s*)(["'])(.*?)\2""", re.I | re.S)
CSS_URL = re.compile(r"""(url\(\s*)(&quot;|["']?)(.*?)\2(\s*\))""", re.I | re.S)
# Merge tags in any syntax an exported email may carry: Mailwright, Liquid/Handlebars/Jinja,
# Mailchimp, Mailjet, AMPscript/Mailgun-style %…% and Campaign Monitor's [field,fallback=].
MERGE_ANY = re.compile(
    r"<<|<%|<#|\{\{|\{%|\*\||\[\[|%%|\$\{|%(?![0-9A-Fa-f]{2}%)[A-Za-z_][\w.:-]*%|\[[A-Za-z_][\w.]*(?:,[^\]]*)?\]"
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def image_refs(text: str) -> list[str]:
    """Every image reference in an email's HTML or MJML, as written, in order."""
    return [m.group(3) for m in IMAGE_REF_ATTR.finditer(text)] + [m.group(3) for m in CSS_URL.finditer(text)]


def local_refs(text: str, base: Path) -> dict[str, Path]:
    """The image references in `text` that name local files, each once in order, with the file."""
    found: dict[str, Path] = {}
    for ref in image_refs(text):
        if ref not in found:
            path = local_path(ref, base)
            if path is not None:
                found[ref] = path
    return found


def local_path(ref: str, base: Path) -> Path | None:
    """The file a reference points at, when it is local (relative to `base`, absolute or file:);
    None for a web address, a fragment, a data: URI or one holding a merge tag."""
    if "&" in ref:  # html (its entity table is ~2 ms of a start) only for a reference with an entity
        import html

        ref = html.unescape(ref)
    ref = ref.strip()
    if not ref or ref.startswith(("#", "//")) or MERGE_ANY.search(ref):
        return None
    if ref.lower().startswith("file:"):
        from urllib.request import url2pathname  # imported here: it brings http.client (~20 ms)

        return Path(url2pathname(urlsplit(ref).path))
    if _SCHEME.match(ref):
        return None
    path = unquote(re.split(r"[?#]", ref, maxsplit=1)[0])
    if not path:
        return None
    p = Path(path)
    return p if p.is_absolute() else base / p


def sniff_image(head: bytes) -> str | None:
    """The kind of image these first bytes start ("PNG", "SVG", …), or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if head[:2] == b"BM" and len(head) >= 26:
        return "BMP"
    if head[:4] == b"\x00\x00\x01\x00" and len(head) >= 22 and head[4:6] != b"\x00\x00":
        return "ICO"
    if head[4:8] == b"ftyp" and (head[8:12] in (b"avif", b"avis") or b"avif" in head[16:64]):
        return "AVIF"
    if _is_svg(head):
        return "SVG"
    return None


def _is_svg(head: bytes) -> bool:
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            head, encoding = head[len(bom) :], codec
            break
    else:
        encoding = "utf-8"
    text = head.decode(encoding, errors="ignore")
    return _SVG_PROLOGUE.match(text) is not None


def _describe(head: bytes) -> str:
    """What a file that is not an image holds, in a few words."""
    if not head:
        return "it is empty"
    if head.startswith(b"PK\x03\x04"):
        return "its content is a zip archive"
    if head.startswith(b"%PDF"):
        return "its content is a PDF document"
    sample = head[:4096]
    text: str | None
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as e:
        # a multi-byte character cut at the end of the sample is still text
        text = sample[: e.start].decode("utf-8") if e.start >= len(sample) - 3 else None
    if text is not None and "\x00" not in text:
        return (
            "its content is HTML" if re.match(r"\s*<(?:!doctype\s+html|html)\b", text, re.I) else "its content is text"
        )
    return "its content is not a known image format"


def check_local_image(
    path: Path, root: Path, *, max_bytes: int, where: str = "the document's folder"
) -> LocalImage | Refusal:
    """`path` (as the reference names it) as an image the email may carry, or why not.

    `root` is the folder the image must really be in; `where` names it in the refusal.
    """
    try:
        real_root = root.resolve()
        real = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return Refusal("unreadable", "cannot be followed (a symlink loop?)")
    if real != real_root and real_root not in real.parents:
        return Refusal("outside", f"is outside {where}")
    try:
        info = real.stat()
        if not real.is_file():
            return (
                Refusal("unreadable", "is not a regular file") if real.exists() else Refusal("missing", "was not found")
            )
    except OSError:
        return Refusal("missing", "was not found")
    if info.st_size > max_bytes:
        return Refusal(
            "too-large",
            f"is {info.st_size / 1024 / 1024:.1f} MB, over the {max_bytes // 1024 // 1024} MB limit",
            info.st_size,
        )
    promised = _PROMISED.get(real.suffix.lower())
    if promised is None:
        return Refusal(
            "not-image",
            "is not an image file (its name does not end in .png, .jpg, .gif, .webp, .svg, .bmp, .ico or .avif)",
            info.st_size,
        )
    try:
        with real.open("rb") as fh:
            head = fh.read(_SVG_HEAD_BYTES if promised == "SVG" else _HEAD_BYTES)
    except OSError as e:
        return Refusal("unreadable", f"cannot be read ({e.strerror or e})")
    found = sniff_image(head)
    if found is None:
        return Refusal("not-image", f"is not {_article(promised)} {promised} image ({_describe(head)})", info.st_size)
    return LocalImage(real, info.st_size, _MIME[found])


def _article(kind: str) -> str:
    return "an" if kind[0] in "AEIOS" else "a"  # an SVG, an ICO, an AVIF
