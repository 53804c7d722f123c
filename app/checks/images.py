"""missing-alt, image-width and image-weight: the <img> elements and the local image files."""

from __future__ import annotations

import re
from pathlib import Path

from ..build.local_files import MAX_ASSET_BYTES, Refusal, check_local_image, local_path
from .context import CheckContext
from .links import iter_urls
from .model import Finding, capped_list, kb

IMAGE_BYTES = 500 * 1024  # one image over this is slow on mobile data
TOTAL_IMAGE_BYTES = 1024 * 1024  # all local images together
_SPACER = re.compile(r"(spacer|blank|pixel|transparent|clear)\.(gif|png)|/(spacer|pixel)\b", re.I)
_PX = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(px)?\s*$")


def _number(value: str | None) -> float | None:
    m = _PX.match(value or "")
    return float(m.group(1)) if m else None


def _style_px(style: str, prop: str) -> float | None:
    m = re.search(rf"(?:^|;)\s*{prop}\s*:\s*(\d+(?:\.\d+)?)px", style or "", re.I)
    return float(m.group(1)) if m else None


def is_decorative(img) -> bool:
    """A tracking pixel, spacer GIF or hidden image: an empty alt is right for these."""
    style = img.get("style") or ""
    width = _number(img.get("width")) or _style_px(style, "width")
    height = _number(img.get("height")) or _style_px(style, "height")
    if (width is not None and width <= 2) or (height is not None and height <= 2):
        return True
    if re.search(r"display\s*:\s*none", style, re.I):
        return True
    if img.get("role") == "presentation" or img.get("aria-hidden") == "true":
        return True
    return bool(_SPACER.search(img.get("src") or "")) or "spacer" in (img.get("class") or "").lower()


def check_images(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()
    body = ctx.tree.find("body")
    for img in (body if body is not None else ctx.tree).iter("img"):
        where = ctx.location(img)
        src = img.get("src") or ""
        shown = ctx.short(src) or "(no src)"
        alt = img.get("alt")
        if alt is None:
            key = ("alt", where, src)
            if key not in seen:
                seen.add(key)
                out.append(
                    Finding(
                        "warning",
                        "missing-alt",
                        f"image without an alt attribute: {shown}",
                        where,
                        'add alt text (or alt="" for a purely decorative image): screen readers '
                        "otherwise read the file name",
                    )
                )
        elif not alt.strip() and not is_decorative(img):
            key = ("alt", where, src)
            if key not in seen:
                seen.add(key)
                out.append(
                    Finding(
                        "warning",
                        "missing-alt",
                        f"image with empty alt text: {shown}",
                        where,
                        "describe the image in its alt text; it is what image-off clients and screen readers show",
                    )
                )
        if img.get("width") is None or not img.get("width").strip():
            key = ("width", where, src)
            if key not in seen:
                seen.add(key)
                out.append(
                    Finding(
                        "warning",
                        "image-width",
                        f"image without a width attribute: {shown}",
                        where,
                        'add width="…" in pixels: Outlook for Windows ignores CSS widths and shows '
                        "the image at its file size",
                    )
                )
    out += _check_local_files(ctx)
    return out


def _refusal(ctx: CheckContext, url: str, path: Path, found: Refusal, where: str) -> Finding:
    """Why an export would leave this local image out, as the finding for it."""
    shown = f"the image “{ctx.short(url)}”"
    if found.kind == "missing":
        return Finding(
            "error",
            "bad-url",
            f"{shown} is not a file next to the document (looked for {path})",
            where,
            "fix the path, or use the image's full https:// address",
        )
    if found.kind == "too-large":
        return Finding(
            "error",
            "image-weight",
            f"{shown} {found.reason}: an export leaves it out, so recipients see a broken image",
            where,
            "resize and compress it (under 200 KB is a good aim), or host it and use its https:// address",
        )
    if found.kind == "outside":
        return Finding(
            "error",
            "bad-url",
            f"{shown} is outside the document's folder, so an export leaves it out and recipients see a broken image",
            where,
            "copy it into the document's folder (e.g. assets/) and point to it there",
        )
    return Finding(
        "error",
        "bad-url",
        f"{shown} {found.reason}",
        where,
        "replace it with a PNG, JPEG, GIF or WebP file, or use the image's full https:// address",
    )


def _check_local_files(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    sizes: dict[Path, int] = {}
    first_at: dict[Path, str] = {}
    base = ctx.base_dir
    for ref in iter_urls(ctx):
        # Merge tags are tokens in the HTML checked here: a reference holding one is not a file.
        if ref.kind != "image" or base is None or ctx.has_tag(ref.url):
            continue
        path = local_path(ref.url, base)
        if path is None:
            continue
        where = ctx.location(ref.element)
        if path in sizes or path in first_at:
            continue
        first_at[path] = where
        # The rule and the reading export and the canvas use (local_files.py): what passes here is
        # what recipients get, and no file outside the document's folder is opened.
        found = check_local_image(path, base, max_bytes=MAX_ASSET_BYTES)
        if isinstance(found, Refusal):
            out.append(_refusal(ctx, ref.url, path, found, where))
            continue
        sizes[path] = found.size
        if sizes[path] > IMAGE_BYTES:
            out.append(
                Finding(
                    "warning",
                    "image-weight",
                    f"the image “{ctx.short(ref.url)}” is {kb(sizes[path])}",
                    where,
                    "resize it to twice its displayed width and compress it (under 200 KB "
                    "is a good aim); heavy images load slowly on mobile data",
                )
            )
    total = sum(sizes.values())
    if total > TOTAL_IMAGE_BYTES:
        heaviest = sorted(sizes, key=lambda p: -sizes[p])
        out.append(
            Finding(
                "warning",
                "image-weight",
                f"the local images add up to {kb(total)} "
                f"(largest: {capped_list([f'{p.name} {kb(sizes[p])}' for p in heaviest], 3)})",
                first_at[heaviest[0]],
                "keep the images of one email under about 1 MB in total",
            )
        )
    return out
