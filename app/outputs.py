"""Refuse to write an output over one of the command's own inputs.

`build news.mwt -o news.mwt` used to replace the template with HTML. Any output that is an input
(the same path, a symlink to it, or a hard link of it) is refused before anything is built, and
so are two outputs that are one file (the second would silently replace the first). The files an
email is made of besides its source, its local images and mj-include partials (`build news.mwt -o
assets/logo.png` replaced the logo with HTML), are inputs too: `files_the_email_uses`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Mapping

__all__ = ["OutputClash", "check_outputs", "files_the_email_uses", "same_file"]


class OutputClash(ValueError):
    """An output would overwrite an input or another output; the message says which."""


def _identity(path: Path) -> tuple[int, int] | str | None:
    """What makes two paths one file: (device, inode) when it exists, else the resolved path."""
    try:
        info = os.stat(path)
        return (info.st_dev, info.st_ino)
    except (OSError, ValueError):
        pass
    try:
        return str(Path(os.path.abspath(path)).resolve())
    except (OSError, ValueError, RuntimeError):
        return None


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """True when writing `a` would change the file `b` (same path, symlink or hard link)."""
    ida, idb = _identity(Path(a)), _identity(Path(b))
    return ida is not None and ida == idb


def check_outputs(
    inputs: Mapping[str, str | os.PathLike[str] | None], outputs: Mapping[str, str | os.PathLike[str] | None]
) -> None:
    """Raise :class:`OutputClash` when an output is an input or two outputs are one file.

    `inputs` and `outputs` map a label the user recognises ("the source", "--text") to a path;
    None entries are ignored.
    """
    ins = [(label, Path(p)) for label, p in inputs.items() if p is not None]
    outs = [(label, Path(p)) for label, p in outputs.items() if p is not None]
    for out_label, out in outs:
        for in_label, src in ins:
            if same_file(out, src):
                how = "" if os.path.abspath(out) == os.path.abspath(src) else " (through a link)"
                raise OutputClash(
                    f"{out}: {out_label} is {in_label}{how}; writing it would destroy {src}. Choose another output name"
                )
    for i, (label_a, a) in enumerate(outs):
        for label_b, b in outs[i + 1 :]:
            if same_file(a, b):
                raise OutputClash(f"{b}: {label_a} and {label_b} are the same file; give each output its own name")


def files_the_email_uses(mjml: str, includes: Iterable[str], folder: Path) -> dict[str, Path]:
    """The files besides its source that a built email is made of, as `check_outputs` inputs: the
    mj-include partials read (`includes`, as BuildResult labels them) and the local images its
    MJML names, relative to `folder` (the source's)."""
    from .build.local_files import local_refs  # what export reads as a local image

    used = {f"a partial the template includes ({label})": Path(label) for label in includes}
    used.update((f"an image the email shows ({ref})", path) for ref, path in local_refs(mjml, folder).items())
    return used
