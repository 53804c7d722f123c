"""The test inbox pointed at a folder of the user's own mail (issue 14 items 2 and 8).

`mailwright inbox --store DIR` keeps a cap of messages. It used to keep it by deleting any
`*.eml` (and its `.json`) in DIR, so a folder of the user's mail lost 60 files. Real SMTP on
loopback, real files, the real CLI; each test checks every one of the user's files is still
there byte for byte.
"""

from __future__ import annotations

import json
import os
import queue
import smtplib
import subprocess
import sys
import threading
import time
from email.message import EmailMessage
from pathlib import Path

import pytest

from mailwright.app.send.inbox import Inbox, InboxError
from mailwright.app.send.inbox_index import StoreIndex

ROOT = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).parent / "mailwright")


def user_mail_folder(folder: Path) -> dict[str, bytes]:
    """60 files of the user's: mail saved by other programs, their notes, and 4 copies of
    messages an earlier test inbox kept (its naming, with their envelope files)."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {}
    for i in range(24):  # names the old code took for its own (letters, digits, . _ -)
        files[f"message-{i:03d}.eml"] = f"From: friend{i}@example.org\nSubject: Keep me {i}\n\nMine {i}\n".encode()
        files[f"message-{i:03d}.json"] = json.dumps({"folder": "Archive", "read": i % 2 == 0}).encode()
    for i in range(4):
        files[f"Invoice {i} (copy).eml"] = f"Subject: Invoice {i}\n\nPay me\n".encode()
    for i in range(4):  # copies of earlier test messages: the inbox's naming, never its to delete
        stem = f"{1_600_000_000 * 10**9 + i:020d}-abcde{i}"
        body = f"From: old@example.com\nTo: me@example.com\nSubject: Earlier test {i}\n\nOld {i}\n".encode()
        files[f"{stem}.eml"] = body
        files[f"{stem}.json"] = json.dumps(
            {
                "received_at": "2020-09-13T12:26:40+00:00",
                "mail_from": "old@example.com",
                "rcpt_tos": ["me@example.com"],
                "subject": f"Earlier test {i}",
                "size": len(body),
            }
        ).encode()
    assert len(files) == 60
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def assert_untouched(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = folder / name
        assert path.is_file(), f"the user's {name} was deleted or renamed"
        assert path.read_bytes() == data, f"the user's {name} was changed"


def inbox_added(folder: Path, files: dict[str, bytes]) -> list[str]:
    """The .eml files the inbox keeps now (anything in the folder the user did not put there)."""
    return sorted(p.name for p in folder.glob("*.eml") if p.name not in files)


def mail(i: int) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Tally <hello@tally.example>"
    msg["To"] = "you@example.com"
    msg["Subject"] = f"Test {i}"
    msg.set_content(f"Message number {i}\n")
    return msg


def send_all(port: int, numbers: range) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        for i in numbers:
            client.send_message(mail(i))


def test_an_inbox_on_a_folder_of_the_users_mail_deletes_none_of_it(tmp_path: Path) -> None:
    store = tmp_path / "Mail"
    files = user_mail_folder(store)
    arrived = []
    with Inbox(store, max_messages=5, on_message=arrived.append) as inbox:
        send_all(inbox.port, range(1, 13))
        assert_untouched(store, files)
        kept = inbox_added(store, files)
        assert len(kept) == 5, kept
        subjects = [m.subject for m in inbox.list_messages()]
        assert subjects[:5] == [f"Test {i}" for i in range(12, 7, -1)], "the newest five, newest first"
        newest = arrived[-1]
        assert newest.subject == "Test 12" and inbox.read(newest.id)["Subject"] == "Test 12"
        # The user's own mail is not listed as the inbox's; the earlier test copies are, and stay.
        assert not any(s.startswith("Keep me") or s.startswith("Invoice") for s in subjects)
        assert sorted(s for s in subjects if s.startswith("Earlier")) == [f"Earlier test {i}" for i in range(4)]
        # Clearing the inbox removes its own messages only; an earlier copy is not its to delete.
        with pytest.raises(InboxError, match="kept by an earlier version"):
            inbox.delete("01600000000000000000-abcde0")
        inbox.clear()
        assert_untouched(store, files)
        assert inbox_added(store, files) == []
    assert_untouched(store, files)


def test_the_message_that_just_arrived_is_never_the_one_dropped(tmp_path: Path, monkeypatch) -> None:
    """A clock that steps back (NTP, a VM resumed) made the new message sort as the oldest."""
    ticks = iter(range(2_000_000_000_000_000_000, 0, -1_000_000_000))
    monkeypatch.setattr(time, "time_ns", lambda: next(ticks))
    with Inbox(tmp_path / "store", max_messages=2) as inbox:
        for i in range(1, 5):
            send_all(inbox.port, range(i, i + 1))
            assert inbox.list_messages()[0].subject == f"Test {i}", "the message just sent is there, newest"
        assert [m.subject for m in inbox.list_messages()] == ["Test 4", "Test 3"]


def test_a_store_from_an_older_version_loses_nothing(tmp_path: Path) -> None:
    """No index yet: what is there was not provably stored by this inbox, so none of it goes."""
    store = tmp_path / "store"
    with Inbox(store, max_messages=50) as inbox:
        send_all(inbox.port, range(1, 7))
    (store / ".mailwright-inbox.json").unlink(missing_ok=True)  # as an older version left it
    old = {p.name: p.read_bytes() for p in store.iterdir() if p.suffix in (".eml", ".json")}
    assert len(old) == 12
    with Inbox(store, max_messages=3) as inbox:
        send_all(inbox.port, range(7, 12))
        assert_untouched(store, old)
        subjects = [m.subject for m in inbox.list_messages()]
    assert subjects == ["Test 11", "Test 10", "Test 9", "Test 6", "Test 5", "Test 4", "Test 3", "Test 2", "Test 1"]


def test_a_hand_edited_index_cannot_point_the_inbox_at_other_files(tmp_path: Path) -> None:
    store = tmp_path / "Mail"
    files = user_mail_folder(store)
    outside = tmp_path / "outside.eml"
    outside.write_bytes(b"Subject: outside\n\nnot in the store\n")
    names = [
        "message-001",
        "message-001.eml",
        "../outside",
        str(outside),
        "Invoice 0 (copy)",
        "01600000000000000000-abcde0.eml",
        7,
        None,
    ]
    (store / ".mailwright-inbox.json").write_text(
        json.dumps({"format": "mailwright-inbox-index", "version": 1, "messages": names}), encoding="utf-8"
    )
    with Inbox(store, max_messages=1) as inbox:
        send_all(inbox.port, range(1, 4))
        with pytest.raises(InboxError):
            inbox.delete("../outside")
    assert_untouched(store, files)
    assert outside.read_bytes() == b"Subject: outside\n\nnot in the store\n"
    assert len(inbox_added(store, files)) == 1


def test_cli_inbox_store_on_the_users_mail_folder_keeps_it_whole(tmp_path: Path) -> None:
    """`mailwright inbox --store DIR` as a user runs it, fed past its cap of 200."""
    store = tmp_path / "Mail"
    files = user_mail_folder(store)
    # The inbox already keeps 198 of its messages there (written as it writes them, without
    # 198 SMTP round trips and their fsyncs).
    earlier = [f"{1_700_000_000 * 10**9 + i:020d}-00ff{i % 256:02x}" for i in range(198)]
    for i, msg_id in enumerate(earlier):
        body = f"Subject: Stored {i}\n\nstored\n".encode()
        (store / f"{msg_id}.eml").write_bytes(body)
        (store / f"{msg_id}.json").write_text(
            json.dumps(
                {
                    "received_at": "2023-11-14T22:13:20+00:00",
                    "mail_from": "a@example.com",
                    "rcpt_tos": [],
                    "subject": f"Stored {i}",
                    "size": len(body),
                }
            )
        )
    StoreIndex(store).write(earlier)
    env = dict(
        os.environ,
        PYTHONIOENCODING="utf-8",
        MAILWRIGHT_DATA_DIR=str(tmp_path / "data"),
        MAILWRIGHT_CONFIG_DIR=str(tmp_path / "config"),
    )
    proc = subprocess.Popen(
        [CLI, "inbox", "--store", str(store)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    try:
        first = lines.get(timeout=15)
        port = int(first.split("127.0.0.1:")[1].split(";")[0])
        send_all(port, range(1, 6))
        printed = [lines.get(timeout=10) for _ in range(1 + 5)]  # how to send, then one per message
        assert "Test 5" in printed[-1]
        proc.terminate()
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert_untouched(store, files)
    kept = inbox_added(store, files)
    assert len(kept) == 200
    assert not any((store / f"{i}.eml").exists() for i in earlier[:3]), "its three oldest were dropped"
    listed = Inbox(store).list_messages()
    assert [m.subject for m in listed[:5]] == [f"Test {i}" for i in range(5, 0, -1)]
    assert [m.subject for m in listed if m.own][-1] == "Stored 3"
    assert not (store / ".inbox-server.json").exists()


# --- item 8: a message nested 2,000 parts deep ------------------------------------------------------


def nested(depth: int) -> bytes:
    """A message whose multiparts nest `depth` deep around one text part."""
    out = [b"From: deep@example.com\r\nTo: you@example.com\r\nSubject: Deep\r\nMIME-Version: 1.0\r\n"]
    for i in range(depth):
        out.append(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i))
    out.append(b"Content-Type: text/plain\r\n\r\nat the bottom\r\n")
    out.extend(b"--b%d--\r\n" % i for i in reversed(range(depth)))
    return b"".join(out)


def deliver(port: int, data: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.sendmail("deep@example.com", ["you@example.com"], data)


def test_reading_a_message_nested_2000_deep_is_a_clear_error_and_its_source_stays_readable(tmp_path: Path) -> None:
    with Inbox(tmp_path / "store") as inbox:
        deliver(inbox.port, nested(2000))
        deliver(inbox.port, nested(40))
        deep, fine = sorted(inbox.list_messages(), key=lambda m: m.size, reverse=True)
        with pytest.raises(InboxError, match=r"nests its parts more than 100 levels deep.*raw source") as caught:
            inbox.read(deep.id)
        assert str(deep.path) in str(caught.value) and len(str(caught.value)) < 400
        assert inbox.raw(deep.id).startswith(b"From: deep@example.com") and deep.subject == "Deep"
        msg = inbox.read(fine.id)  # real mail nests a few levels; 40 is still shown
        assert [p.get_content() for p in msg.walk() if p.get_content_type() == "text/plain"] == ["at the bottom"]


def test_the_inbox_panel_shows_a_message_nested_2000_deep_without_raising(qtbot, tmp_path: Path) -> None:
    pytest.importorskip("PySide6.QtWebEngineWidgets")
    from mailwright.widgets.inbox_panel import InboxPanel
    from mailwright.widgets.snapshot import run_script

    with Inbox(tmp_path / "store") as inbox:
        panel = InboxPanel(inbox)
        qtbot.addWidget(panel)
        panel.resize(900, 500)
        panel.show()
        with qtbot.waitSignal(panel.messageArrived, timeout=5000):
            deliver(inbox.port, nested(2000))
        with qtbot.waitSignal(panel.messageShown, timeout=5000):
            assert panel.select_latest()
        assert "nests its parts more than 100 levels deep" in panel.html_note.text()
        assert "Subject: Deep" in panel.headers_view.toPlainText()
        assert panel.raw_view.toPlainText().startswith("From: deep@example.com\nTo: you@example.com")
        assert "more than 100 levels deep" in panel.text_view.toPlainText()
        qtbot.waitUntil(
            lambda: "levels deep" in (run_script(panel.view, "document.body ? document.body.innerText : ''") or ""),
            timeout=10_000,
        )
        panel.shutdown()


def test_the_inbox_panel_lists_an_earlier_versions_messages_and_does_not_delete_them(qtbot, tmp_path: Path) -> None:
    pytest.importorskip("PySide6.QtWebEngineWidgets")
    from mailwright.widgets.inbox_panel import InboxPanel

    store = tmp_path / "store"
    with Inbox(store) as inbox:
        send_all(inbox.port, range(1, 3))
    (store / ".mailwright-inbox.json").unlink(missing_ok=True)  # as an older version left it
    old = {p.name: p.read_bytes() for p in store.iterdir() if p.suffix in (".eml", ".json")}
    with Inbox(store, max_messages=2) as inbox:
        panel = InboxPanel(inbox)
        qtbot.addWidget(panel)
        panel.show()
        for i in range(3, 6):
            with qtbot.waitSignal(panel.messageArrived, timeout=5000):
                send_all(inbox.port, range(i, i + 1))
        assert panel.subjects() == ["Test 5", "Test 4", "Test 2", "Test 1"]
        with qtbot.waitSignal(panel.messageShown, timeout=5000):
            assert panel.select(panel.message_ids()[-1])
        assert "earlier version" in panel.html_note.text() and not panel.delete_button.isEnabled()
        panel.list.selectAll()
        panel.delete_selected()
        assert panel.subjects() == ["Test 2", "Test 1"]
        panel.clear()
        assert panel.subjects() == ["Test 2", "Test 1"]
        panel.shutdown()
    assert_untouched(store, old)
