"""Autosave and crash recovery (hardening.md §1.4, bad-inputs.md row 35), with real processes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mailwright.app.document.autosave import AutosaveError, Autosaver, autosave_dir, data_dir, find_orphans
from mailwright.app.document.commands import SetDocField, SetProp
from mailwright.app.document.session import Session
from mailwright.app.document.storage import dumps_document, loads_document

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "welcome.mwt"


@pytest.fixture(autouse=True)
def data_folder(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("MAILWRIGHT_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def original(tmp_path) -> Path:
    path = tmp_path / "docs" / "welcome.mwt"
    path.parent.mkdir()
    shutil.copyfile(EXAMPLE, path)
    return path


def edited_session(path: Path) -> Session:
    session = Session.open(path)
    session.history.push(SetDocField("subject", "Autosaved subject"))
    session.history.push(SetProp("b16", "label", "Autosaved label"))
    return session


def test_data_folder_comes_from_the_environment(data_folder):
    assert data_dir() == data_folder
    assert autosave_dir() == data_folder / "autosave"


def test_autosave_is_written_atomically_and_readable(original, data_folder):
    session = edited_session(original)
    saver = Autosaver()
    assert saver.pending(session)
    path = saver.save(session)
    assert not saver.pending(session)
    assert path.parent == data_folder / "autosave" and path.suffix == ".json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    for key in (
        "format_version",
        "app_version",
        "original_path",
        "original_mtime_ns",
        "original_sha256",
        "saved_at",
        "pid",
        "title",
        "content",
    ):
        assert key in payload
    assert payload["pid"] == os.getpid()
    assert payload["original_path"] == str(original)
    assert payload["original_mtime_ns"] == original.stat().st_mtime_ns
    assert payload["title"] == "welcome.mwt"
    doc = loads_document(payload["content"])
    assert doc.subject == "Autosaved subject" and doc.find("b16").props.label == "Autosaved label"
    assert payload["content"] == dumps_document(session.doc)
    # One lock file for this process, holding its pid; no temp files or backups around.
    lock = data_folder / "autosave" / f"{os.getpid()}.lock"
    assert json.loads(lock.read_text())["pid"] == os.getpid()
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name, lock.name])
    # A later save replaces the same file.
    session.history.push(SetDocField("subject", "Second"))
    assert saver.pending(session)
    assert saver.save(session) == path
    assert loads_document(json.loads(path.read_text())["content"]).subject == "Second"


def test_the_original_file_is_never_touched(original):
    before = original.read_bytes()
    saver = Autosaver()
    saver.save(edited_session(original))
    assert original.read_bytes() == before
    assert not original.with_suffix(".mwt.bak").exists()


def test_discard_removes_the_autosave(original):
    session = edited_session(original)
    saver = Autosaver()
    path = saver.save(session)
    session.save()  # a verified save, then the autosave goes
    saver.discard()
    assert not path.exists()
    saver.discard()  # twice is fine


def test_an_untitled_document_autosaves_too():
    session = Session.new()
    session.history.push(SetDocField("subject", "Draft"))
    path = Autosaver().save(session)
    payload = json.loads(path.read_text())
    assert payload["original_path"] is None and payload["title"] == "Untitled.mwt"


def test_this_process_autosaves_are_not_orphans(original):
    Autosaver().save(edited_session(original))
    Autosaver().save(edited_session(original))
    assert find_orphans() == []


CHILD = textwrap.dedent("""
    import json, sys, time
    from mailwright.app.document.autosave import Autosaver
    from mailwright.app.document.commands import SetDocField
    from mailwright.app.document.session import Session

    session = Session.open(sys.argv[1])
    session.history.push(SetDocField("subject", "Edited before the crash"))
    saver = Autosaver()
    path = saver.save(session)
    print(json.dumps({"path": str(path)}), flush=True)
    time.sleep(120)
""")


def start_child(original: Path, data_folder: Path) -> tuple[subprocess.Popen, Path]:
    env = dict(
        os.environ,
        MAILWRIGHT_DATA_DIR=str(data_folder),
        PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    )
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(original)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    line = child.stdout.readline()
    if not line:
        child.kill()
        raise AssertionError(child.stderr.read())
    return child, Path(json.loads(line)["path"])


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_crash_leaves_an_orphan_that_restores_as_modified(original, data_folder):
    before = original.read_bytes()
    child, path = start_child(original, data_folder)
    try:
        # A second instance while the first still runs: its autosave is not offered.
        assert path.exists()
        assert find_orphans() == []
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        child.stdout.close()
        child.stderr.close()
    orphans = find_orphans()
    assert len(orphans) == 1
    orphan = orphans[0]
    assert orphan.ok and orphan.path == path and orphan.pid == child.pid
    assert orphan.original_path == original and orphan.name == "welcome.mwt"
    assert orphan.saved_at and orphan.original_changed() is False
    autosaved = json.loads(path.read_text(encoding="utf-8"))["content"]

    session = orphan.restore()
    assert dumps_document(session.doc) == autosaved
    assert session.doc.subject == "Edited before the crash"
    assert session.dirty and session.recovered
    assert session.path is None and session.suggested_path == original  # Save asks where
    assert original.read_bytes() == before  # untouched
    with pytest.raises(ValueError, match="Save As"):
        session.save()

    # The recovering instance takes the autosave over: no longer an orphan for anyone.
    saver = Autosaver.adopt(orphan)
    assert saver.path == path and find_orphans() == []
    saver.save(session)
    assert json.loads(path.read_text())["original_sha256"] == orphan.original_sha256
    saver.discard()
    assert find_orphans() == [] and not path.exists()
    # The dead process's lock file is swept once nothing refers to it.
    assert not (data_folder / "autosave" / f"{child.pid}.lock").exists()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_discarding_an_orphan(original, data_folder):
    child, path = start_child(original, data_folder)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    child.stdout.close()
    child.stderr.close()
    [orphan] = find_orphans()
    orphan.discard()
    assert not path.exists() and find_orphans() == []
    assert not (data_folder / "autosave" / f"{child.pid}.lock").exists()


def test_an_autosave_of_a_process_that_is_gone_is_an_orphan(original, data_folder):
    """Also without a lock file (a crash right after start, or a reused pid)."""
    path = Autosaver().save(edited_session(original))
    payload = json.loads(path.read_text())
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    payload["pid"] = dead.pid
    payload["pid_started"] = "linux:not-this-process"
    path.write_text(json.dumps(payload), encoding="utf-8")
    [orphan] = find_orphans()
    assert orphan.ok and orphan.restore().doc.subject == "Autosaved subject"


def test_a_reused_pid_does_not_keep_an_autosave_alive(original):
    """The pid runs, but it is another process now (its start identity differs)."""
    path = Autosaver().save(edited_session(original))
    payload = json.loads(path.read_text())
    payload["pid_started"] = "linux:some-boot:1"
    path.write_text(json.dumps(payload), encoding="utf-8")  # our pid, not our identity
    assert [o.path for o in find_orphans()] == [path]


def test_corrupt_autosaves_are_listed_with_a_reason(original, data_folder):
    good = Autosaver().save(edited_session(original))
    folder = data_folder / "autosave"
    (folder / "truncated.json").write_text('{"format": "mailwright-autosave", "content": "{', encoding="utf-8")
    (folder / "binary.json").write_bytes(b"\x00\xff\xfe junk")
    (folder / "foreign.json").write_text('{"some": "other app"}', encoding="utf-8")
    payload = json.loads(good.read_text())
    payload.update(pid=999_999_999, content='{"format": "mailwright", "version": 1, "rows": 5}')
    (folder / "baddoc.json").write_text(json.dumps(payload), encoding="utf-8")
    payload.update(format_version=99)
    (folder / "newer.json").write_text(json.dumps(payload), encoding="utf-8")
    orphans = find_orphans()
    reasons = {o.path.name: o.error for o in orphans}
    assert set(reasons) == {"truncated.json", "binary.json", "foreign.json", "baddoc.json", "newer.json"}
    assert all(reasons.values())
    assert "damaged" in reasons["truncated.json"] and "UTF-8" in reasons["binary.json"]
    assert "not a Mailwright autosave" in reasons["foreign.json"]
    assert "rows" in reasons["baddoc.json"] and "newer Mailwright" in reasons["newer.json"]
    bad = next(o for o in orphans if o.path.name == "baddoc.json")
    with pytest.raises(AutosaveError, match="cannot be restored"):
        bad.restore()
    bad.discard()
    assert not (folder / "baddoc.json").exists()
    assert good.exists()  # the live one was never listed or touched


def test_original_changed_since_the_crash_is_reported(original):
    path = Autosaver().save(edited_session(original))
    payload = json.loads(path.read_text())
    payload.update(pid=999_999_999)
    path.write_text(json.dumps(payload), encoding="utf-8")
    original.write_text(original.read_text().replace("Tally", "Tally!"), encoding="utf-8")
    [orphan] = find_orphans()
    assert orphan.original_changed() is True
    session = orphan.restore()
    assert session.path is None and session.dirty


def test_no_folder_means_no_orphans(tmp_path):
    assert find_orphans(tmp_path / "missing") == []
