"""Saving a document in another folder takes its relative images along.

Relative image sources (`assets/hero.png`) are read next to the document, so a starter
opened from the gallery and saved in the user's folder would lose its pictures on the canvas,
in `export --bundle` and in `send`. On such a save, each relative image that exists in the
old folder (by the rules of app/build/local_files.py: a real image inside that folder) and is
missing in the new one is copied there, under the same relative path. Nothing is overwritten.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any, Iterator

from .model import Document
from ..build.local_files import IMAGE_SUFFIXES, LocalImage, check_local_image, image_refs

MAX_IMAGE_BYTES = 20 * 1024 * 1024  # as export --bundle takes them
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def relative_images(doc: Document) -> list[str]:
    """The relative image paths the document's props name (in document order, once each)."""
    found: list[str] = []
    for node in doc.iter_nodes():
        props = node.props.model_dump(exclude_none=True) if hasattr(node.props, "model_dump") else node.props
        for text in _strings(props):
            # A field holding markup (raw MJML or HTML kept as written, rich text) names its
            # pictures inside it, as export reads them; any other field may be a path itself.
            for written in image_refs(text) if "<" in text else (text,):
                ref = written.strip()
                if _relative_image(ref) and ref not in found:
                    found.append(ref)
    return found


def _relative_image(ref: str) -> bool:
    """A path relative to the document's folder naming an image (not a URL, a tag, an absolute path)."""
    return not (
        not ref
        or _SCHEME.match(ref)
        or ref.startswith(("/", "\\", "#", "//"))
        or "<<" in ref
        or Path(ref.split("?")[0]).suffix.lower() not in IMAGE_SUFFIXES
        or "\n" in ref
    )


def carry_images(doc: Document, old_folder: Path | None, new_folder: Path) -> list[str]:
    """Copy the document's relative images from `old_folder` to `new_folder`; the copied paths."""
    if old_folder is None or old_folder.resolve() == new_folder.resolve():
        return []
    copied = []
    for ref in relative_images(doc):
        rel = ref.split("?")[0]
        source = check_local_image(old_folder / rel, old_folder, max_bytes=MAX_IMAGE_BYTES)
        target = new_folder / rel
        if not isinstance(source, LocalImage) or target.exists():
            continue
        if new_folder.resolve() not in target.resolve().parents:
            continue  # ../ out of the new folder: never written
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source.path, target)
        copied.append(rel)
    return copied
