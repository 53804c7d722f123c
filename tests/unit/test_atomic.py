"""Saving user files: what a user would notice when a save works or fails.

Real files in tmp_path throughout. Failures are produced for real: an
RLIMIT_FSIZE in a subprocess (disk full without root, hardening.md §8), a
small tmpfs when running as root, and chmod or the immutable flag for
read-only files and folders.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailwright.app.document import atomic
from mailwright.app.document.atomic import SaveError, atomic_write_bytes, atomic_write_text

REPO_ROOT = Path(__file__).resolve().parents[2]
POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="POSIX file semantics")


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- saves that work --------------------------------------------------------


def test_new_file_gets_the_content_and_no_backup(tmp_path: Path) -> None:
    target = tmp_path / "a.mwt"
    atomic_write_bytes(target, b"hello")
    assert target.read_bytes() == b"hello"
    assert names(tmp_path) == ["a.mwt"]  # no .bak of nothing, no temp left


def test_bak_holds_the_previous_version_and_is_refreshed(tmp_path: Path) -> None:
    target = tmp_path / "a.mwt"
    target.write_bytes(b"v1")
    atomic_write_bytes(target, b"v2")
    assert target.read_bytes() == b"v2"
    assert (tmp_path / "a.mwt.bak").read_bytes() == b"v1"

    atomic_write_bytes(target, b"v3")
    assert target.read_bytes() == b"v3"
    assert (tmp_path / "a.mwt.bak").read_bytes() == b"v2"
    assert names(tmp_path) == ["a.mwt", "a.mwt.bak"]


def test_backup_false_writes_no_bak(tmp_path: Path) -> None:
    target = tmp_path / "a.mwt"
    target.write_bytes(b"v1")
    atomic_write_bytes(target, b"v2", backup=False)
    assert target.read_bytes() == b"v2"
    assert names(tmp_path) == ["a.mwt"]


def test_empty_content_is_saved(tmp_path: Path) -> None:
    target = tmp_path / "a.mwt"
    target.write_bytes(b"something")
    atomic_write_bytes(target, b"")
    assert target.read_bytes() == b""


@POSIX_ONLY
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_permissions_are_preserved(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "a.mwt"
    target.write_bytes(b"old")
    target.chmod(mode)
    atomic_write_bytes(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == mode
    # A private file's backup must be just as private.
    assert stat.S_IMODE((tmp_path / "a.mwt.bak").stat().st_mode) == mode


@POSIX_ONLY
def test_new_file_mode_honours_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        atomic_write_bytes(tmp_path / "a.mwt", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.mwt").stat().st_mode) == 0o640


def test_text_keeps_newlines_exactly_and_is_utf8(tmp_path: Path) -> None:
    target = tmp_path / "a.mjml"
    text = "Zoë\r\nline two\nthree\rend 🎉"
    atomic_write_text(target, text)
    assert target.read_bytes() == text.encode("utf-8")


@POSIX_ONLY
def test_symlink_stays_a_symlink_and_its_target_is_written(tmp_path: Path) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    real = real_dir / "a.mwt"
    real.write_bytes(b"old")
    link = tmp_path / "link.mwt"
    link.symlink_to(real)

    atomic_write_bytes(link, b"new")

    assert link.is_symlink()
    assert os.readlink(link) == str(real)
    assert real.read_bytes() == b"new"
    # The backup sits next to the real file, where the temp file was made.
    assert (real_dir / "a.mwt.bak").read_bytes() == b"old"
    assert names(tmp_path) == ["link.mwt", "real"]


@POSIX_ONLY
def test_dangling_symlink_into_existing_folder_creates_the_target(
    tmp_path: Path,
) -> None:
    link = tmp_path / "link.mwt"
    link.symlink_to(tmp_path / "later.mwt")
    atomic_write_bytes(link, b"data")
    assert link.is_symlink()
    assert (tmp_path / "later.mwt").read_bytes() == b"data"


# --- saves that must fail cleanly --------------------------------------------


def test_directory_path_is_refused_with_its_name(tmp_path: Path) -> None:
    folder = tmp_path / "folder.mwt"
    folder.mkdir()
    (folder / "inside").write_bytes(b"keep")
    with pytest.raises(SaveError) as info:
        atomic_write_bytes(folder, b"data")
    message = str(info.value)
    assert str(folder) in message
    assert "is a folder" in message
    assert folder.is_dir()
    assert names(folder) == ["inside"]
    assert names(tmp_path) == ["folder.mwt"]


def test_missing_folder_is_explained(tmp_path: Path) -> None:
    target = tmp_path / "gone" / "a.mwt"
    with pytest.raises(SaveError) as info:
        atomic_write_bytes(target, b"data")
    assert str(target) in str(info.value)
    assert "does not exist" in str(info.value)
    assert isinstance(info.value.__cause__, FileNotFoundError)


@POSIX_ONLY
def test_dangling_symlink_into_missing_folder_is_explained(tmp_path: Path) -> None:
    link = tmp_path / "link.mwt"
    link.symlink_to(tmp_path / "gone" / "a.mwt")
    with pytest.raises(SaveError) as info:
        atomic_write_bytes(link, b"data")
    message = str(info.value)
    assert str(link) in message
    assert "link" in message and "does not exist" in message
    assert link.is_symlink()
    assert names(tmp_path) == ["link.mwt"]


@POSIX_ONLY
def test_symlink_loop_is_refused_and_left_alone(tmp_path: Path) -> None:
    a, b = tmp_path / "a.mwt", tmp_path / "b.mwt"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(SaveError, match="points back to itself"):
        atomic_write_bytes(a, b"data")
    assert a.is_symlink() and b.is_symlink()
    assert names(tmp_path) == ["a.mwt", "b.mwt"]


@POSIX_ONLY
def test_pipe_is_refused_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "a.mwt"
    os.mkfifo(fifo)
    with pytest.raises(SaveError, match="not a regular file"):
        atomic_write_bytes(fifo, b"data")  # must not block reading the pipe
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert names(tmp_path) == ["a.mwt"]


def test_unencodable_text_is_refused_before_touching_the_file(tmp_path: Path) -> None:
    target = tmp_path / "a.mjml"
    target.write_bytes(b"old")
    with pytest.raises(SaveError) as info:
        atomic_write_text(target, "bad \udc80 surrogate")
    assert str(target) in str(info.value)
    assert target.read_bytes() == b"old"
    assert names(tmp_path) == ["a.mjml"]


# --- read-only files and folders ---------------------------------------------


def _writable(path: Path) -> bool:
    """Does writing here actually work for this process (root ignores modes)?"""
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
    """chmod first; as root, which ignores modes, fall back to the immutable
    flag; skip if neither makes the path unwritable."""
    undo: list[Callable[[], None]] = []

    def apply(path: Path) -> None:
        old_mode = stat.S_IMODE(path.stat().st_mode)
        path.chmod(0o555 if path.is_dir() else 0o444)
        undo.append(lambda: path.chmod(old_mode))
        if _writable(path) and shutil.which("chattr"):
            done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
            if done.returncode == 0:
                undo.append(lambda: subprocess.run(["chattr", "-i", str(path)], check=True))
        if _writable(path):
            pytest.skip("this process can write to read-only paths (root?)")

    yield apply
    for step in reversed(undo):
        step()


@POSIX_ONLY
def test_read_only_folder_fails_and_suggests_save_as(tmp_path: Path, make_read_only: Callable[[Path], None]) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / "a.mwt"
    target.write_bytes(b"original")
    make_read_only(folder)

    with pytest.raises(SaveError) as info:
        atomic_write_bytes(target, b"new content")

    message = str(info.value)
    assert str(target) in message
    assert "permission" in message and "Save As" in message
    assert "backup" not in message  # the folder is the problem, not the .bak
    assert target.read_bytes() == b"original"
    assert names(folder) == ["a.mwt"]


@POSIX_ONLY
def test_read_only_file_fails_and_suggests_save_as(tmp_path: Path, make_read_only: Callable[[Path], None]) -> None:
    target = tmp_path / "a.mwt"
    target.write_bytes(b"original")
    make_read_only(target)

    with pytest.raises(SaveError) as info:
        atomic_write_bytes(target, b"new content")

    assert str(target) in str(info.value)
    assert "read-only" in str(info.value) and "Save As" in str(info.value)
    assert target.read_bytes() == b"original"
    assert names(tmp_path) == ["a.mwt"]


# --- disk full -----------------------------------------------------------------

# Runs one save in a child whose file-size limit is LIMIT bytes. With SIGXFSZ
# ignored, the write past the limit fails with EFBIG instead of killing it.
_CHILD = """
import resource, signal, sys
from mailwright.app.document.atomic import SaveError, atomic_write_bytes

path, limit, size, backup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
payload = bytes(range(256)) * (size // 256)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
if hard != resource.RLIM_INFINITY:
    limit = min(limit, hard)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
try:
    atomic_write_bytes(path, payload, backup=backup)
except SaveError as err:
    print("SaveError:", err)
    sys.exit(3)
print("saved")
"""


def _save_with_size_limit(target: Path, *, limit: int, size: int, backup: bool) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    return subprocess.run(
        [sys.executable, "-c", _CHILD, str(target), str(limit), str(size), "1" if backup else "0"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


needs_rlimit = pytest.mark.skipif(
    not hasattr(os, "fork") or sys.platform == "win32",
    reason="RLIMIT_FSIZE and SIGXFSZ are POSIX",
)


@needs_rlimit
@pytest.mark.parametrize("backup", [True, False])
def test_disk_full_leaves_original_identical_and_no_temp(tmp_path: Path, backup: bool) -> None:
    target = tmp_path / "a.mwt"
    original = b"<mjml>original</mjml>\n" * 100  # 2.3 KB, well under the limit
    target.write_bytes(original)

    done = _save_with_size_limit(target, limit=64 * 1024, size=256 * 1024, backup=backup)

    assert done.returncode == 3, (done.stdout, done.stderr)
    assert f"Could not save {target}" in done.stdout
    assert "The previous version is unchanged" in done.stdout
    assert target.read_bytes() == original
    # No .tmp left behind. The new content is staged before the backup, so
    # none is made here; if one ever is, it must be a complete copy.
    assert set(names(tmp_path)) <= {"a.mwt", "a.mwt.bak"}
    bak = tmp_path / "a.mwt.bak"
    assert not bak.exists() or bak.read_bytes() == original


@needs_rlimit
def test_failed_backup_keeps_original_and_old_bak(tmp_path: Path) -> None:
    # The original is bigger than the limit, so copying it to .bak fails.
    target = tmp_path / "a.mwt"
    original = os.urandom(100 * 1024)
    target.write_bytes(original)
    old_bak = b"an older version"
    (tmp_path / "a.mwt.bak").write_bytes(old_bak)

    done = _save_with_size_limit(target, limit=64 * 1024, size=1024, backup=True)

    assert done.returncode == 3, (done.stdout, done.stderr)
    assert "backup copy" in done.stdout
    assert target.read_bytes() == original
    assert (tmp_path / "a.mwt.bak").read_bytes() == old_bak
    assert names(tmp_path) == ["a.mwt", "a.mwt.bak"]


@pytest.fixture
def tiny_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB filesystem (ENOSPC rather than EFBIG); root and Linux only."""
    if sys.platform != "linux" or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root on Linux")
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount tmpfs: {done.stderr!r}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def test_full_tmpfs_reports_disk_full_and_keeps_original(tiny_tmpfs: Path) -> None:
    target = tiny_tmpfs / "a.mwt"
    original = os.urandom(16 * 1024)
    target.write_bytes(original)

    with pytest.raises(SaveError) as info:
        atomic_write_bytes(target, os.urandom(200 * 1024))

    assert "the disk is full" in str(info.value)
    assert "free some space or use Save As" in str(info.value)
    assert target.read_bytes() == original
    assert names(tiny_tmpfs) == ["a.mwt"]


# --- Windows lock retry, exercised with a real EPERM from the immutable flag ---


@pytest.mark.skipif(
    sys.platform != "linux" or os.geteuid() != 0 or not shutil.which("chattr"),
    reason="needs chattr as root to make a real, temporary lock",
)
def test_briefly_locked_target_is_replaced_once_released(tmp_path: Path) -> None:
    target = tmp_path / "a.mwt"
    target.write_bytes(b"old")
    src = tmp_path / "new.tmp"
    src.write_bytes(b"new")
    if subprocess.run(["chattr", "+i", str(tmp_path)]).returncode != 0:
        pytest.skip("filesystem has no immutable flag")
    try:
        with pytest.raises(PermissionError):  # still locked when time runs out
            atomic._replace_with_retry(str(src), str(target), retry_for=0.2)
        unlock = threading.Timer(0.2, subprocess.run, (["chattr", "-i", str(tmp_path)],))
        unlock.start()
        started = time.monotonic()
        atomic._replace_with_retry(str(src), str(target), retry_for=2.0)
        assert time.monotonic() - started >= 0.1
        unlock.join()
    finally:
        subprocess.run(["chattr", "-i", str(tmp_path)])
    assert target.read_bytes() == b"new"


# --- properties ------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(first=st.binary(max_size=4096), second=st.binary(max_size=4096))
def test_any_bytes_read_back_identically(tmp_path_factory: pytest.TempPathFactory, first: bytes, second: bytes) -> None:
    folder = tmp_path_factory.mktemp("prop")
    target = folder / "a.mwt"
    atomic_write_bytes(target, first)
    atomic_write_bytes(target, second)
    assert target.read_bytes() == second
    assert (folder / "a.mwt.bak").read_bytes() == first
    assert names(folder) == ["a.mwt", "a.mwt.bak"]


@settings(max_examples=60, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_any_text_round_trips_with_its_newlines(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    target = tmp_path_factory.mktemp("prop_text") / "a.mjml"
    atomic_write_text(target, text)
    assert target.read_bytes().decode("utf-8") == text
