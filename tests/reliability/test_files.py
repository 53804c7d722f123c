"""bad-inputs.md rows 31-34 and issue 8 point 5: saving where saving cannot work, and opening
damaged projects, through the editor's own Session (what File > Save and File > Open call).

Each failure must leave the original byte-identical, leave no temporary file behind, keep the
document marked modified, and say what happened in words. app/document/atomic.py's own tests are in
tests/unit/test_atomic.py; these go through the layers above it.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Callable, Iterator

import pytest

from mailwright.app.document.atomic import SaveError
from mailwright.app.document.commands import SetDocField
from mailwright.app.document.session import ExternalChange, Session
from mailwright.app.document.storage import DocumentError, dumps_document, load_document
from tests.reliability.conftest import ROOT, needs_posix, needs_rlimit

EXAMPLE = ROOT / "examples" / "welcome.mwt"


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def original(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    path = folder / "welcome.mwt"
    shutil.copyfile(EXAMPLE, path)
    return path


def edited(path: Path) -> Session:
    session = Session.open(path)
    session.history.push(SetDocField("subject", "Edited subject"))
    assert session.dirty
    return session


# --- row 31: disk full ---------------------------------------------------------------------------

_CHILD = textwrap.dedent("""
    import json, resource, signal, sys
    from mailwright.app.document.atomic import SaveError
    from mailwright.app.document.commands import SetDocField
    from mailwright.app.document.session import Session

    session = Session.open(sys.argv[1])
    session.history.push(SetDocField("preheader", "x" * 200_000))   # the new version is big
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
    limit = 64 * 1024 if hard == resource.RLIM_INFINITY else min(64 * 1024, hard)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        session.save()
        print(json.dumps({"saved": True}))
    except SaveError as e:
        print(json.dumps({"saved": False, "message": str(e), "dirty": session.dirty,
                          "title": session.title()}))
""")


@needs_rlimit
def test_row31_disk_full_keeps_the_original_and_the_document_modified(original):
    before = original.read_bytes()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(original)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["saved"] is False
    assert f"Could not save {original}" in out["message"] and "The previous version is unchanged" in out["message"]
    assert out["dirty"] is True and out["title"].startswith("• ")
    assert original.read_bytes() == before
    assert set(names(original.parent)) <= {"welcome.mwt", "welcome.mwt.bak"}
    bak = original.with_name("welcome.mwt.bak")
    assert not bak.exists() or bak.read_bytes() == before


# --- row 32: read-only, a folder, symlinks ---------------------------------------------------------


def _writable(path: Path) -> bool:
    try:
        if path.is_dir():
            probe = path / ".probe"
            probe.write_bytes(b"")
            probe.unlink()
        else:
            with open(path, "r+b"):
                pass
    except OSError:
        return False
    return True


@pytest.fixture
def make_read_only() -> Iterator[Callable[[Path], None]]:
    """chmod, and as root (which ignores modes) the immutable flag; skip if neither works."""
    undo: list[Callable[[], None]] = []

    def apply(path: Path) -> None:
        old_mode = stat.S_IMODE(path.stat().st_mode)
        path.chmod(0o555 if path.is_dir() else 0o444)
        undo.append(lambda: path.chmod(old_mode))
        if _writable(path) and shutil.which("chattr"):
            if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0:
                undo.append(lambda: subprocess.run(["chattr", "-i", str(path)], check=True))
        if _writable(path):
            pytest.skip("this process can write to read-only paths (root without chattr?)")

    yield apply
    for step in reversed(undo):
        step()


@needs_posix
@pytest.mark.parametrize("what", ["folder", "file"])
def test_row32_read_only_file_or_folder_says_save_as_and_changes_nothing(original, make_read_only, what):
    session = edited(original)
    before = original.read_bytes()
    make_read_only(original.parent if what == "folder" else original)
    with pytest.raises(SaveError) as info:
        session.save()
    message = str(info.value)
    assert str(original) in message and "Save As" in message
    assert original.read_bytes() == before and names(original.parent) == ["welcome.mwt"]
    assert session.dirty and session.path == original


def test_row32_saving_to_a_folder_is_refused_by_name(original, tmp_path):
    session = edited(original)
    folder = tmp_path / "looks-like.mwt"
    folder.mkdir()
    (folder / "inside.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(SaveError) as info:
        session.save(folder)
    assert str(folder) in str(info.value) and "folder" in str(info.value)
    assert names(folder) == ["inside.txt"] and session.dirty and session.path == original


@needs_posix
def test_row32_a_symlink_stays_a_symlink_and_its_target_is_saved(original, tmp_path):
    link = tmp_path / "shortcut.mwt"
    link.symlink_to(original)
    session = edited(link)
    session.save()
    assert link.is_symlink() and link.resolve() == original.resolve()
    assert load_document(original).subject == "Edited subject" and not session.dirty
    assert names(tmp_path) == ["docs", "shortcut.mwt"]
    assert names(original.parent) == ["welcome.mwt", "welcome.mwt.bak"]


@needs_posix
def test_row32_a_dangling_symlink_into_a_missing_folder_is_explained(original, tmp_path):
    session = edited(original)
    link = tmp_path / "dangling.mwt"
    link.symlink_to(tmp_path / "gone" / "away.mwt")
    with pytest.raises(SaveError) as info:
        session.save(link)
    assert str(tmp_path / "gone") in str(info.value) or "does not exist" in str(info.value), str(info.value)
    assert link.is_symlink() and not (tmp_path / "gone").exists()
    assert session.dirty and session.path == original


# --- row 33: changed by another program ---------------------------------------------------------


def test_row33_a_file_changed_elsewhere_is_never_silently_overwritten(original):
    session = edited(original)
    theirs = original.read_text(encoding="utf-8").replace("Tally", "Changed elsewhere")
    original.write_text(theirs, encoding="utf-8")
    with pytest.raises(ExternalChange, match="changed by another program"):
        session.save()
    assert original.read_text(encoding="utf-8") == theirs and names(original.parent) == ["welcome.mwt"]
    assert session.dirty
    # The user's choices: overwrite (forced), or reload from disk.
    session.save(force=True)
    assert load_document(original).subject == "Edited subject"
    assert original.with_name("welcome.mwt.bak").read_text(encoding="utf-8") == theirs
    original.write_text(theirs, encoding="utf-8")
    session.reload()
    assert dumps_document(session.doc) == dumps_document(load_document(original)) and not session.dirty


# --- row 34: damaged project files --------------------------------------------------------------


def _good_json() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


CORRUPT = {
    "truncated": lambda: EXAMPLE.read_text(encoding="utf-8")[:700],
    "wrong type": lambda: json.dumps({**_good_json(), "rows": "not a list"}),
    "duplicate keys": lambda: EXAMPLE.read_text(encoding="utf-8").replace(
        '"subject":', '"subject": "a", "subject":', 1
    ),
    "NaN": lambda: EXAMPLE.read_text(encoding="utf-8").replace('"version": 1', '"version": NaN', 1),
    "nested 100k deep": lambda: '{"format": "mailwright", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "missing version": lambda: json.dumps({k: v for k, v in _good_json().items() if k != "version"}),
    "not JSON at all": lambda: "\x00\x01 binary junk",
    "empty": lambda: "",
}


@pytest.mark.parametrize("case", list(CORRUPT))
def test_row34_a_damaged_project_is_refused_with_a_message_that_offers_the_backup(original, case):
    session = edited(original)
    session.save()  # the version before this save goes to welcome.mwt.bak
    bad = CORRUPT[case]()
    original.write_text(bad, encoding="utf-8")
    with pytest.raises(DocumentError) as info:
        Session.open(original)
    message = str(info.value)
    assert message.startswith(f"{original}"), message
    assert f"The previous version was kept as {original}.bak" in message
    assert original.read_text(encoding="utf-8") == bad  # refusing never rewrites the file
    # The backup it offers does open: the version before the last save.
    assert Session.open(original.with_name("welcome.mwt.bak")).doc.subject == load_document(EXAMPLE).subject


def test_row34_a_1_gb_file_is_refused_before_reading(original):
    with original.open("r+b") as fh:
        fh.truncate(1024**3)  # sparse: 1 GB on paper
    with pytest.raises(DocumentError, match=r"the file is 1024\.0 MB; the limit is 20 MB"):
        load_document(original)


def test_row34_a_newer_format_is_refused_untouched_without_a_backup_hint(original):
    session = edited(original)
    session.save()
    data = _good_json()
    data["version"] = 999
    text = json.dumps(data)
    original.write_text(text, encoding="utf-8")
    with pytest.raises(DocumentError) as info:
        Session.open(original)
    assert "saved by a newer Mailwright (format version 999" in str(info.value)
    assert "previous version" not in str(info.value)
    assert original.read_text(encoding="utf-8") == text
