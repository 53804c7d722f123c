"""Autosave and crash recovery (hardening.md §1.4, bad-inputs.md row 35).

One :class:`Autosaver` per open document writes the document, atomically, to
``<data dir>/autosave/<uuid>.json``; never to the user's own file. Each running
Mailwright holds ``<data dir>/autosave/<pid>.lock`` (its pid and process start
identity, and an OS lock on the file while it runs), so a second instance can
tell a live session's autosave from one left behind by a crash.

At start-up :func:`find_orphans` lists the autosaves whose process is gone;
:meth:`Orphan.restore` opens one as a *modified* document that is never written
over its original without the user choosing Save; :meth:`Orphan.discard` deletes
it. Corrupt autosave files are listed with a reason, never raised.

No timers here: the GUI debounces edits (QTimer) and calls :meth:`Autosaver.save`.
The only clock read is the ``saved_at`` stamp of the payload.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as _dt
import json
import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .atomic import atomic_write_text
from .session import Session, disk_state
from .storage import DocumentError, dumps_document, loads_document, parse_json

__all__ = [
    "AUTOSAVE_FORMAT",
    "AUTOSAVE_VERSION",
    "AutosaveError",
    "Autosaver",
    "Orphan",
    "app_version",
    "autosave_dir",
    "data_dir",
    "find_orphans",
]

AUTOSAVE_FORMAT = "mailwright-autosave"
AUTOSAVE_VERSION = 1
# An autosave holds a document (capped at 20 MB by storage) plus a little metadata.
_MAX_AUTOSAVE_BYTES = 64 * 1024 * 1024
_WINDOWS = sys.platform == "win32"


class AutosaveError(Exception):
    """An autosave cannot be restored; ``str(err)`` is a message for the user."""


# --- folders -----------------------------------------------------------------------------------

from ..paths import data_dir  # noqa: E402  (re-exported: saved_blocks and callers use it)


def autosave_dir() -> Path:
    """Where autosaves and process lock files live (created on first save)."""
    return data_dir() / "autosave"


def app_version() -> str:
    try:
        from importlib.metadata import version

        return version("mailwright")
    except Exception:  # not installed (running from a source tree)
        return "0+unknown"


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


# --- processes -----------------------------------------------------------------------------------


def _linux_start(pid: int) -> str | None:
    """`<boot id>:<start time in ticks>` of a Linux process: unique across pid reuse and
    reboots. None where /proc is not available; "zombie" for a dead, unreaped process."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            stat = fh.read()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may itself contain spaces or ")".
    fields = stat[stat.rfind(")") + 2 :].split()
    if len(fields) < 20:
        return None
    if fields[0] in ("Z", "X"):  # the process has exited; only its table entry is left
        return "zombie"
    boot = ""
    with contextlib.suppress(OSError):
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as fh:
            boot = fh.read().strip()
    return f"{boot}:{fields[19]}"


def _own_identity() -> str:
    start = _linux_start(os.getpid())
    if start and start != "zombie":
        return "linux:" + start
    # Elsewhere: unique for this process's lifetime; other processes are checked through
    # their OS lock instead (see _lock_held).
    return f"uuid:{uuid.uuid4().hex}"


_IDENTITY = _own_identity()


def _pid_exists(pid: int) -> bool:
    if pid <= 0:
        return False
    if _WINDOWS:  # os.kill(pid, 0) would TERMINATE the process on Windows
        return _windows_pid_exists(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, belongs to another user
        return True
    except OSError:
        return False
    return True


def _windows_pid_exists(pid: int) -> bool:  # pragma: no cover - Windows only, best effort
    try:
        import ctypes
        from ctypes import wintypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]  # Windows only
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            # Access denied means it exists (another user's process); anything else: gone.
            return ctypes.get_last_error() == 5  # type: ignore[attr-defined]  # Windows only
        try:
            code = wintypes.DWORD()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    except Exception:
        return True  # unknown: never call a possibly live session's autosave an orphan


def _try_lock(fd: int) -> bool:
    """Take an exclusive, non-blocking OS lock on an open file; False if someone holds it."""
    try:
        if _WINDOWS:  # pragma: no cover
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]  # Windows only
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except (BlockingIOError, PermissionError):
        return False
    except OSError as err:
        if _WINDOWS:  # pragma: no cover - msvcrt reports a held lock as EACCES/EDEADLOCK
            return False
        raise err


def _unlock(fd: int) -> None:
    with contextlib.suppress(OSError):
        if _WINDOWS:  # pragma: no cover
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]  # Windows only
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)


def _lock_held(path: Path) -> bool | None:
    """Whether a running process holds the OS lock on a lock file (None: cannot tell)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:
        return None
    try:
        try:
            got = _try_lock(fd)
        except OSError:
            return None
        if got:
            _unlock(fd)
            return False
        return True
    finally:
        os.close(fd)


class _ProcessLock:
    """This process's `<pid>.lock` in one autosave folder, held (OS lock) until exit."""

    _held: dict[str, int] = {}

    @classmethod
    def ensure(cls, directory: Path) -> None:
        key = os.path.abspath(directory)
        path = Path(key) / f"{os.getpid()}.lock"
        fd = cls._held.get(key)
        if fd is not None and path.exists():
            return
        if fd is not None:  # someone deleted our lock file: make a new one
            with contextlib.suppress(OSError):
                os.close(fd)
        # Best effort: without a lock file a live session is still recognised by its pid
        # (and on Linux by its start identity), so a failure here never blocks autosaving.
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return
        try:
            # A pid is unique among live processes, so no one else can hold this lock;
            # filesystems without locks (some network shares) just skip it.
            with contextlib.suppress(OSError):
                _try_lock(fd)
            data = json.dumps(
                {"pid": os.getpid(), "started": _IDENTITY, "created": _now(), "app_version": app_version()}
            ).encode("utf-8")
            # Written in place, not renamed: the OS lock belongs to this file's inode.
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, data)
            with contextlib.suppress(OSError):
                os.fsync(fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.close(fd)
            return
        cls._held[key] = fd

    @classmethod
    def release_all(cls) -> None:
        """At a clean exit: drop the lock files (autosaves of open documents stay orphans)."""
        for key, fd in list(cls._held.items()):
            with contextlib.suppress(OSError):
                os.unlink(Path(key) / f"{os.getpid()}.lock")
            with contextlib.suppress(OSError):
                os.close(fd)
            del cls._held[key]


atexit.register(_ProcessLock.release_all)


def _read_lock(path: Path) -> dict[str, Any] | None:
    try:
        with open(path, "rb") as fh:
            data = json.loads(fh.read(4096).decode("utf-8"))
        return data if isinstance(data, dict) else None
    except (OSError, ValueError):
        return None


def _owner_alive(directory: Path, pid: int, started: str | None) -> bool:
    """Whether the process that wrote an autosave still runs.

    Order of evidence: our own process (same pid and identity); the pid exists at all
    (os.kill(pid, 0)); on Linux its start identity equals the recorded one (pid reuse);
    elsewhere the OS lock on its `<pid>.lock` is still held.
    """
    if pid == os.getpid():
        return started == _IDENTITY
    if not _pid_exists(pid):
        return False
    lock_path = directory / f"{pid}.lock"
    lock = _read_lock(lock_path)
    recorded = started or (lock or {}).get("started")
    if isinstance(recorded, str) and recorded.startswith("linux:"):
        actual = _linux_start(pid)
        if actual == "zombie":
            return False
        if actual is not None:
            return "linux:" + actual == recorded
    if _linux_start(pid) == "zombie":
        return False
    held = _lock_held(lock_path)
    if held is False and lock is not None:
        return False  # the lock file exists but nobody holds it: its process died
    return True  # the pid runs and nothing says it is another process: assume alive


# --- autosaving ------------------------------------------------------------------------------

Baseline = tuple[Path | None, int | None, str | None]


def _original_state(session: Session, baseline: Baseline | None = None) -> Baseline:
    original = session.path or getattr(session, "suggested_path", None)
    if original is None:
        return None, None, None
    if session.path is None and baseline is not None and baseline[0] == Path(original):
        # A restored document: keep the state its edits were based on before the crash.
        return baseline
    # The state the edits are based on (recorded at open/save); read now if unknown.
    state = getattr(session, "_disk", None) if session.path else None
    if state is None:
        state = disk_state(Path(original))
    if state is None:
        return Path(original), None, None
    return Path(original), state.mtime_ns, state.sha256


class Autosaver:
    """Autosaves one open document. Create one per document window; call :meth:`save` a
    few seconds after the last edit (debounced by the GUI) and :meth:`discard` after a
    verified Save or when the user closes the document discarding its changes."""

    def __init__(self, directory: str | Path | None = None, *, autosave_id: str | None = None) -> None:
        self.directory = Path(directory) if directory is not None else autosave_dir()
        self.id = autosave_id or uuid.uuid4().hex
        self._saved_revision: int | None = None
        self._baseline: Baseline | None = None

    @property
    def path(self) -> Path:
        return self.directory / f"{self.id}.json"

    def exists(self) -> bool:
        return self.path.exists()

    def pending(self, session: Session) -> bool:
        """Whether the document changed since this autosaver last wrote it."""
        return self._saved_revision != session.history.revision

    def save(self, session: Session) -> Path:
        """Write the document to this autosave file, atomically; raises SaveError."""
        original, mtime_ns, sha = _original_state(session, self._baseline)
        content = dumps_document(session.doc)  # serialise fully before touching the disk
        payload = {
            "format": AUTOSAVE_FORMAT,
            "format_version": AUTOSAVE_VERSION,
            "app_version": app_version(),
            "original_path": str(original) if original else None,
            "original_mtime_ns": mtime_ns,
            "original_sha256": sha,
            "saved_at": _now(),
            "pid": os.getpid(),
            "pid_started": _IDENTITY,
            "title": session.name,
            "content": content,
        }
        text = json.dumps(payload, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        _ProcessLock.ensure(self.directory)
        atomic_write_text(self.path, text, backup=False)
        self._saved_revision = session.history.revision
        return self.path

    def discard(self) -> None:
        """Remove this document's autosave (missing is fine)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self._saved_revision = None

    @classmethod
    def adopt(cls, orphan: "Orphan") -> "Autosaver":
        """Take over a restored orphan's autosave file: it is rewritten with this process's
        pid at once (so no other instance offers it again), and later saves replace it."""
        saver = cls(orphan.path.parent, autosave_id=orphan.id)
        saver._baseline = (orphan.original_path, orphan.original_mtime_ns, orphan.original_sha256)
        if orphan.payload is not None:
            payload = dict(orphan.payload, pid=os.getpid(), pid_started=_IDENTITY)
            saver.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            _ProcessLock.ensure(saver.directory)
            atomic_write_text(
                saver.path, json.dumps(payload, indent=1, sort_keys=True, ensure_ascii=False) + "\n", backup=False
            )
        return saver


# --- recovery -----------------------------------------------------------------------------------


@dataclass
class Orphan:
    """An autosave whose process is gone (or an unreadable autosave file, with `error`)."""

    path: Path
    id: str
    error: str | None = None
    pid: int | None = None
    saved_at: str | None = None
    title: str = "Recovered.mwt"
    original_path: Path | None = None
    original_mtime_ns: int | None = None
    original_sha256: str | None = None
    app_version: str | None = None
    content: str | None = None
    payload: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def name(self) -> str:
        return self.original_path.name if self.original_path else self.title

    def original_changed(self) -> bool | None:
        """Whether the original file differs from the one the edits were based on
        (True also when it is gone; None when there is no original or no record)."""
        if self.original_path is None or self.original_sha256 is None:
            return None
        state = disk_state(self.original_path)
        return state is None or state.sha256 != self.original_sha256

    def restore(self) -> Session:
        """The autosaved document as a modified session with no file of its own: Save asks
        where to save (suggesting the original), so the original is never overwritten
        silently. Open it in safe mode (no compile until the user confirms)."""
        if self.error is not None or self.content is None:
            raise AutosaveError(f"This autosave cannot be restored: {self.error or 'it holds no document'}")
        try:
            return Session.from_text(
                self.content, original=self.original_path, title=None if self.original_path else self.title
            )
        except DocumentError as e:
            raise AutosaveError(f"This autosave cannot be restored: {e}") from None

    def discard(self) -> None:
        """Delete the autosave file (and its dead process's lock file once unused)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        if self.pid is not None and self.pid != os.getpid():
            _remove_stale_lock(self.path.parent, self.pid)


def _remove_stale_lock(directory: Path, pid: int) -> None:
    lock = directory / f"{pid}.lock"
    if not lock.exists() or _owner_alive(directory, pid, None):
        return
    for other in directory.glob("*.json"):
        info = _peek_pid(other)
        if info == pid:
            return
    with contextlib.suppress(OSError):
        lock.unlink()


def _peek_pid(path: Path) -> int | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pid = data.get("pid") if isinstance(data, dict) else None
        return pid if isinstance(pid, int) and not isinstance(pid, bool) else None
    except (OSError, ValueError):
        return None


def _read_autosave(path: Path) -> tuple[Orphan, str | None]:
    """An Orphan for the file (error set if unreadable) and the writer's identity."""
    orphan = Orphan(path=path, id=path.stem)
    try:
        size = path.stat().st_size
        if size > _MAX_AUTOSAVE_BYTES:
            orphan.error = f"the file is too large ({size / 1_048_576:.1f} MB)"
            return orphan, None
        raw = path.read_bytes()
    except OSError as e:
        orphan.error = f"the file cannot be read ({e.strerror or e})"
        return orphan, None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        orphan.error = "the file is not UTF-8 text (it is damaged)"
        return orphan, None
    try:
        data = parse_json(text, path.name)
    except DocumentError as e:
        orphan.error = f"the file is damaged ({e})"
        return orphan, None
    if not isinstance(data, dict) or data.get("format") != AUTOSAVE_FORMAT:
        orphan.error = "not a Mailwright autosave"
        return orphan, None
    pid = data.get("pid")
    if isinstance(pid, int) and not isinstance(pid, bool):
        orphan.pid = pid
    started = data.get("pid_started") if isinstance(data.get("pid_started"), str) else None
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        orphan.error = "the autosave has no format version (it is damaged)"
        return orphan, started
    if version > AUTOSAVE_VERSION:
        orphan.error = (
            f"it was written by a newer Mailwright ({data.get('app_version') or 'unknown version'}); "
            "open it with that version"
        )
        return orphan, started
    orphan.payload = data
    orphan.saved_at = data.get("saved_at") if isinstance(data.get("saved_at"), str) else None
    orphan.app_version = data.get("app_version") if isinstance(data.get("app_version"), str) else None
    if isinstance(data.get("title"), str) and data["title"].strip():
        orphan.title = data["title"]
    if isinstance(data.get("original_path"), str) and data["original_path"]:
        orphan.original_path = Path(data["original_path"])
    if isinstance(data.get("original_mtime_ns"), int):
        orphan.original_mtime_ns = data["original_mtime_ns"]
    if isinstance(data.get("original_sha256"), str):
        orphan.original_sha256 = data["original_sha256"]
    content = data.get("content")
    if not isinstance(content, str):
        orphan.error = "the autosave holds no document (it is damaged)"
        return orphan, started
    try:
        loads_document(content, "autosave")
    except DocumentError as e:
        orphan.error = f"the autosaved document is damaged ({e.args[0].removeprefix('autosave: ')})"
        return orphan, started
    orphan.content = content
    return orphan, started


def find_orphans(directory: str | Path | None = None) -> list[Orphan]:
    """Autosaves left by processes that are gone, newest first, and unreadable autosave files
    (with `error` set: offer Delete only). Autosaves of running sessions, this one included,
    are not listed. Never raises for a bad file."""
    folder = Path(directory) if directory is not None else autosave_dir()
    try:
        files = sorted(p for p in folder.glob("*.json") if p.is_file())
    except OSError:
        return []
    found: list[Orphan] = []
    live_pids: set[int] = set()
    for path in files:
        orphan, started = _read_autosave(path)
        if orphan.pid is not None and _owner_alive(folder, orphan.pid, started):
            live_pids.add(orphan.pid)
            continue  # a running session's autosave (or one being written): not ours to offer
        found.append(orphan)
    _sweep_locks(folder, live_pids | {o.pid for o in found if o.pid is not None})
    ok = sorted((o for o in found if o.ok), key=lambda o: o.saved_at or "", reverse=True)
    bad = [o for o in found if not o.ok]
    return ok + bad


def _sweep_locks(folder: Path, referenced: set[int]) -> None:
    """Remove lock files of dead processes that no autosave refers to any more."""
    with contextlib.suppress(OSError):
        for lock in folder.glob("*.lock"):
            if not lock.stem.isdigit():
                continue
            pid = int(lock.stem)
            if pid == os.getpid() or pid in referenced:
                continue
            if not _owner_alive(folder, pid, None):
                with contextlib.suppress(OSError):
                    lock.unlink()
