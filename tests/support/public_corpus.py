"""A public MJML corpus for the tests: the MIT-licensed fixtures of the pure-Python `mjml` port.

Its sdist (Felix Schwarz's port of MJML, MIT; LICENSE.txt in the archive) carries the port's
test data: `tests/testdata/*.mjml` and the HTML it expects (`<name>-expected.html`). It is fetched
with `pip download` into tests/.cache/ (gitignored) and never installed: an installed `mjml`
would shadow mjml-python's module of the same name. The archive is checked against a pinned
SHA-256 and only the fixtures and the licence are taken out of it. A second run reads the cache
and touches no network.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "0.12.0"
SHA256 = "614397e624b115d78f9064d0f8aabceda3b522785eca8c2818ee03ffa8fdbf37"
ARCHIVE = f"mjml-{VERSION}.tar.gz"
CACHE = Path(__file__).resolve().parents[1] / ".cache"
DOWNLOAD_TIMEOUT_S = 120  # pip builds the sdist's metadata (about 10 s); a dead network ends here


class Unavailable(Exception):
    """The corpus cannot be had here (no network, pip refused); the message says why."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _download(into: Path) -> Path:
    with tempfile.TemporaryDirectory(prefix="pip-", dir=into) as tmp:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            f"mjml=={VERSION}",
            "--no-deps",
            "--no-binary",
            ":all:",
            "--disable-pip-version-check",
            "--quiet",
            "-d",
            tmp,
        ]
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT_S, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired:
            raise Unavailable(f"`pip download mjml=={VERSION}` took over {DOWNLOAD_TIMEOUT_S} s") from None
        got = Path(tmp) / ARCHIVE
        if proc.returncode != 0 or not got.is_file():
            last = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
            raise Unavailable(f"`pip download mjml=={VERSION}` failed (no network?): {last[0][:200]}")
        target = into / ARCHIVE
        os.replace(got, target)
    return target


def _extract(archive: Path, folder: Path) -> None:
    """Only the fixtures (.mjml), the expected HTML and the licence, flat, by base name."""
    tmp = Path(tempfile.mkdtemp(prefix="extract-", dir=folder.parent))
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                parts = member.name.split("/")
                fixture = parts[-2:-1] == ["testdata"] and parts[-1].endswith((".mjml", ".html"))
                wanted = fixture or (len(parts) == 2 and parts[1] == "LICENSE.txt")
                if not (wanted and member.isfile()):
                    continue
                source = tar.extractfile(member)
                assert source is not None
                (tmp / parts[-1]).write_bytes(source.read())
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def corpus_folder() -> Path:
    """The folder of fixtures, downloading and extracting them the first time."""
    folder = CACHE / f"mjml-{VERSION}-testdata"
    done = folder / ".complete"
    if done.is_file():
        return folder
    CACHE.mkdir(parents=True, exist_ok=True)
    archive = CACHE / ARCHIVE
    if not archive.is_file() or _sha256(archive) != SHA256:
        archive.unlink(missing_ok=True)
        archive = _download(CACHE)
    digest = _sha256(archive)
    if digest != SHA256:
        archive.unlink()
        raise AssertionError(f"{ARCHIVE} from the registry has SHA-256 {digest}, not the pinned {SHA256}")
    _extract(archive, folder)
    done.write_text(SHA256 + "\n", encoding="utf-8")
    return folder
