"""The one place that writes user files (hardening.md §1.2-1.3).

A save either lands completely or leaves the previous file byte-identical:
the data goes to a temp file in the target's own folder, is fsynced, and is
then renamed over the target. A failed save never writes in place, and it
always raises :class:`SaveError`, whose message can go straight to the user.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
import time
from typing import NamedTuple

__all__ = ["SaveError", "atomic_write_bytes", "atomic_write_text"]

_WINDOWS = sys.platform == "win32"
# Antivirus, indexers and sync clients briefly hold files open on Windows, so
# os.replace fails with PermissionError. Retrying for a short time gets past
# them. POSIX has no such locks, so a PermissionError there is final.
_REPLACE_RETRY_SECONDS = 2.0 if _WINDOWS else 0.0
_DEFAULT_MODE = 0o644


class Advice(NamedTuple):
    """What to do after a failed save, in the editor's words and in the command line's (a command
    has no Save As: its output path is changed instead)."""

    editor: str
    command_line: str


ELSEWHERE = Advice("use Save As to save it somewhere else", "write it somewhere else (another output path)")
FREE_SPACE = Advice("free some space or use Save As", "free some space or write it somewhere else")
OTHER_DISK = Advice("use Save As to save it on another disk", "write it on another disk")
A_FILE_NAME = Advice("use Save As to choose a file name", "give a file name, not a folder")
SHORTER_NAME = Advice("use Save As to choose a shorter name", "choose a shorter name")
FIX_THE_LINK = Advice(f"fix the link or {ELSEWHERE.editor}", f"fix the link or {ELSEWHERE.command_line}")


class SaveError(Exception):
    """A save failed. ``str(err)`` is a complete message for the user of the editor;
    ``command_line_message()`` says the same to someone at the command line."""

    def __init__(self, message: str, path: str | None = None, command_line: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self._command_line = command_line

    @classmethod
    def advising(cls, head: str, advice: Advice, path: str) -> "SaveError":
        """ "<head>; <advice>." in each audience's words."""
        return cls(f"{head}; {advice.editor}.", path, f"{head}; {advice.command_line}.")

    def command_line_message(self) -> str:
        """The message without the editor's words (`build -o out/x.html` into a folder that
        does not exist said "use Save As to save it somewhere else")."""
        return self._command_line if self._command_line is not None else str(self)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, backup: bool = True) -> None:
    """Replace the file at *path* with *data*, atomically, then check it.

    A symlink is followed and its target is written, so the link stays a link.
    If *backup* is true and the file exists, ``<name>.bak`` is first set to a
    copy of the previous contents.
    """
    # Take a private copy so that a caller changing a bytearray during the save
    # cannot change what is written or what is checked afterwards.
    payload = bytes(data)
    shown = os.path.abspath(os.fsdecode(path))
    via_link = os.path.islink(shown)
    target = os.path.realpath(shown)
    existed = False
    try:
        if os.path.islink(target):
            # realpath leaves a looping link unresolved; replacing it would
            # turn the link into a plain file.
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), target)
        try:
            info: os.stat_result | None = os.stat(target)
        except FileNotFoundError:
            info = None
        if info is not None:
            _check_replaceable(shown, target, info)
            existed = True
            mode = stat.S_IMODE(info.st_mode)
        else:
            mode = _DEFAULT_MODE & ~_current_umask()
        # The new content is staged before the backup is touched, so a full
        # disk or read-only folder is reported as such and the .bak is only
        # refreshed when the save is about to succeed.
        tmp = _stage(target, payload, mode)
        try:
            if backup and info is not None:
                bak = target + ".bak"
                try:
                    _write_backup(target, bak, mode)
                except OSError as err:
                    # Safe: the original was never touched, and the old .bak
                    # is either intact or completely replaced.
                    raise _failure(
                        shown,
                        err,
                        bak,
                        via_link=False,
                        existed=True,
                        what=f"could not write the backup copy {bak}: ",
                    ) from err
        except BaseException:
            _discard(tmp)
            raise
        _commit(tmp, target)
    except OSError as err:
        raise _failure(shown, err, target, via_link=via_link, existed=existed) from err
    _verify(shown, target, payload, backed_up=backup and existed)


def atomic_write_text(path: str | os.PathLike[str], text: str, *, backup: bool = True) -> None:
    """Save *text* as UTF-8 with its newlines exactly as given."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as err:  # e.g. a lone surrogate from a paste
        shown = os.path.abspath(os.fsdecode(path))
        raise SaveError(
            f"Could not save {shown}: the text contains a character that "
            f"cannot be stored as UTF-8 (at position {err.start}). The file "
            "was not changed; remove that character and save again.",
            shown,
        ) from err
    atomic_write_bytes(path, data, backup=backup)


def _check_replaceable(shown: str, target: str, info: os.stat_result) -> None:
    """Refuse targets that a rename would silently destroy or bypass."""
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), target)
    if not stat.S_ISREG(info.st_mode):
        # A FIFO or device would be replaced by a plain file, and reading it
        # for the backup could block for ever.
        raise SaveError.advising(
            f"Could not save {shown}: it is not a regular file (it is a device, pipe or socket). Nothing was written",
            ELSEWHERE,
            shown,
        )
    if not os.access(target, os.W_OK):
        # The rename would succeed in a writable folder, but the user marked
        # this file read-only on purpose (QSaveFile refuses it too).
        raise SaveError.advising(
            f"Could not save {shown}: the file is read-only. The previous version is unchanged",
            ELSEWHERE,
            shown,
        )


def _write_backup(target: str, bak: str, mode: int) -> None:
    with open(target, "rb") as fh:
        previous = fh.read()
    # Written with the same temp-and-rename, so a failure mid-way leaves the
    # old .bak complete. The mode is copied so a private file's backup is
    # just as private.
    _write_and_replace(bak, previous, mode)


def _write_and_replace(target: str, data: bytes, mode: int) -> None:
    _commit(_stage(target, data, mode), target)


def _stage(target: str, data: bytes, mode: int) -> str:
    """Write *data* to a fsynced temp file next to *target*; return its path."""
    folder, name = os.path.split(target)
    # Same folder: a rename is only atomic within one filesystem.
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        try:
            if hasattr(os, "fchmod"):  # absent on Windows before 3.13
                os.fchmod(fd, mode)
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)  # can itself report a delayed write error (NFS)
    except BaseException:
        _discard(tmp)
        raise
    return tmp


def _commit(tmp: str, target: str) -> None:
    try:
        _replace_with_retry(tmp, target, retry_for=_REPLACE_RETRY_SECONDS)
    except BaseException:
        _discard(tmp)
        raise
    _fsync_dir(os.path.dirname(target))


def _discard(tmp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def _write_all(fd: int, data: bytes) -> None:
    # os.write may write fewer bytes than asked when the disk fills up or a
    # file-size limit is hit. Looping means a short write is either finished
    # or turned into an error, never taken for success (QSaveFile's bug, §1.2).
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.EIO, "write made no progress")
        view = view[written:]


def _replace_with_retry(src: str, dst: str, *, retry_for: float) -> None:
    deadline = time.monotonic() + retry_for
    delay = 0.01
    while True:
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 0.2)


def _fsync_dir(folder: str) -> None:
    # Makes the rename itself survive a power cut. It is best effort: the new
    # file is already in place, so an error here must not be reported as
    # "previous version unchanged". Windows cannot open folders like this.
    if _WINDOWS:
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _current_umask() -> int:
    # os.umask can only be read by setting it, which briefly changes it for
    # every thread. Linux shows it read-only in /proc, so try that first.
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _verify(shown: str, target: str, payload: bytes, *, backed_up: bool) -> None:
    # Re-read what was committed (§1.3 rule 6). This catches storage and
    # network shares that accept a write and then lose part of it.
    try:
        with open(target, "rb") as fh:
            ok = fh.read() == payload
    except OSError:
        ok = False
    if not ok:
        where = f" The previous version is in {target}.bak." if backed_up else ""
        head = (
            f"Could not save {shown}: the file read back from the disk does not match what was "
            f"written (the disk or network share may be faulty).{where}"
        )
        raise SaveError(
            f"{head} Your document is still open and not saved; {ELSEWHERE.editor}.",
            shown,
            f"{head} {ELSEWHERE.command_line.capitalize()}.",
        )


def _failure(
    shown: str,
    err: OSError,
    written: str,
    *,
    via_link: bool,
    existed: bool,
    what: str = "",
) -> SaveError:
    reason, advice = _explain(err, written, via_link=via_link)
    detail = f" ({err.strerror})" if err.strerror else ""
    kept = "The previous version is unchanged" if existed else "Nothing was written"
    return SaveError.advising(f"Could not save {shown}: {what}{reason}{detail}. {kept}", advice, shown)


def _explain(err: OSError, written: str, *, via_link: bool) -> tuple[str, Advice]:
    """Map an OSError to (what went wrong, what to do), in the user's words."""
    folder = os.path.dirname(written)
    code = err.errno
    if code == errno.ENOSPC:
        return "the disk is full", FREE_SPACE
    if code == getattr(errno, "EDQUOT", None):
        return "your disk quota is used up", FREE_SPACE
    if code == errno.EFBIG:
        return (
            "the file is larger than this disk or your account allows",
            OTHER_DISK,
        )
    if code == errno.EROFS:
        return "the disk is read-only", ELSEWHERE
    if code in (errno.EACCES, errno.EPERM):
        return (
            f"you do not have permission to write in the folder {folder} (the file or folder may be read-only)",
            ELSEWHERE,
        )
    if code == errno.ENOENT and via_link:
        return (
            f"it is a link to {written}, but the folder {folder} does not exist",
            FIX_THE_LINK,
        )
    if code == errno.ENOENT:
        # Often a moved folder or a disconnected drive or share.
        return f"the folder {folder} does not exist", ELSEWHERE
    if code == errno.EISDIR:
        return f"{written} is a folder, not a file", A_FILE_NAME
    if code == errno.ELOOP:
        return "it is a link that points back to itself", FIX_THE_LINK
    if code == errno.ENAMETOOLONG:
        return "the file name is too long", SHORTER_NAME
    return "the system reported an error", ELSEWHERE
