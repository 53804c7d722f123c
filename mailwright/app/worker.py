"""Run compile jobs in a child process, so a native crash or a runaway input costs an
error message, not the editor.

Why a process and not a thread (reference/hardening.md findings 2, 3 and section 5):

* MRML (mjml-python) dies with SIGSEGV on deeply nested input. A signal kills the whole
  process; only a process boundary contains it.
* mjml-python holds the GIL for the whole compile, so a thread would still freeze the UI.
* A child can be killed on timeout and given resource limits; a thread cannot.

Design, in short:

* One long-lived ``spawn`` child per CompileWorker. It imports the job function once and
  then loops over jobs read from a pipe, so a job costs a pickle round trip, not a process
  start. It runs jobs on its *main* thread, which has the full 8 MiB stack (MRML overflows
  at about 110 nesting levels on a 512 KiB thread stack, about 1,850 on 8 MiB).
* A manager thread in the parent owns the child: it sends one job at a time, waits for the
  reply, the child's death or the deadline, and restarts the child after a crash or a
  timeout. Public methods only touch shared state under a lock, so they are thread-safe.
* "Latest job wins": at most one job runs and one waits. A new submit() replaces the
  waiting job (its future fails with JobCancelled). A job that is already running is not
  interrupted, because killing the child would cost a restart (~0.1 s) on every keystroke;
  its result still goes to *its own* future, and the caller decides whether it is stale.

Future callbacks run on the manager thread (or, for a job cancelled by a newer submit, on
the thread that called submit). GUI code must hop back to its own thread before touching
widgets.

The child re-imports the parent's ``__main__`` only when the app was started as a script;
``python -m mailwright`` (or a script guarded by ``if __name__ == "__main__"``) is safe.

Stdlib only, no Qt: the CLI and the tests use it too.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import importlib
import itertools
import json
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sys
import tempfile
import threading
import time
import traceback
from typing import Any, Callable, Optional

__all__ = [
    "CompileWorker",
    "WorkerCrashed",
    "JobCancelled",
    "JobTimeout",
    "run_isolated",
    "DEFAULT_MEMORY_LIMIT",
]

# Address-space cap for the child. MRML's 16x output amplification on a 5 MB input is
# about 100 MB of strings; 4 GiB only stops true runaways before the OS starts swapping.
DEFAULT_MEMORY_LIMIT = 4 * 1024 * 1024 * 1024
# A fresh child needs an interpreter start plus imports. This is not the job timeout (a
# job's clock starts only once the child is ready), just a bound for a hung start.
_STARTUP_TIMEOUT = 60.0
# How long close() lets an idle child exit by itself before it is killed.
_STOP_GRACE = 2.0

_STOP = b""  # an empty message tells the child loop to exit


# --------------------------------------------------------------------------- errors


class WorkerCrashed(RuntimeError):
    """The child process died while running a job (a signal such as SIGSEGV, or an exit).

    Keyword-only attributes with defaults keep the exception picklable.
    """

    def __init__(
        self,
        message: str,
        *,
        reason: str = "",
        exitcode: Optional[int] = None,
        input_path: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason  # "signal SIGSEGV", "exit code 1"
        self.exitcode = exitcode
        self.input_path = input_path  # the saved job input, for a bug report


class JobCancelled(Exception):
    """The job never ran: a newer job replaced it, or the worker was closed."""


class JobTimeout(RuntimeError):
    """The job ran longer than the worker's timeout; the child was killed."""


# --------------------------------------------------------------------------- child side


def _load_function(path: str) -> Callable[..., Any]:
    """'package.module:function' (or 'module:Class.method') -> the callable."""
    module_name, _, attr_path = path.partition(":")
    obj: Any = importlib.import_module(module_name)
    for attr in attr_path.split("."):
        obj = getattr(obj, attr)
    if not callable(obj):
        raise TypeError(f"{path} is not callable")
    return obj


def _pack_exception(exc: BaseException) -> tuple:
    """Make an exception safe to send to the parent.

    The original object is sent when it survives a pickle round trip here (many custom
    exceptions pickle but fail to unpickle); otherwise its type name and message are sent
    and the parent raises RuntimeError. The traceback goes along as text for logs only.
    """
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    exc.__traceback__ = None
    try:
        pickle.loads(pickle.dumps(exc))
        return ("exc", exc, tb)
    except Exception:
        return ("text", f"{type(exc).__module__}.{type(exc).__qualname__}", str(exc), tb)


def _set_child_limits(memory_limit: Optional[int], parent_pid: int) -> None:
    """Best-effort OS limits; every one is optional and guarded (Windows has none)."""
    try:
        import resource
    except ImportError:
        return
    if memory_limit:
        try:
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            want = memory_limit if hard == resource.RLIM_INFINITY else min(memory_limit, hard)
            if soft == resource.RLIM_INFINITY or soft > want:
                resource.setrlimit(resource.RLIMIT_AS, (want, hard))
        except (ValueError, OSError):
            pass  # macOS often refuses RLIMIT_AS; the timeout is still a backstop
    try:
        # A crash must not leave a multi-GB core file in the user's working directory.
        resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
    except (ValueError, OSError):
        pass
    if sys.platform.startswith("linux"):
        try:
            # If the parent is killed outright, take the child with it even if it is busy
            # (an idle child would exit anyway on EOF from the pipe).
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            PR_SET_PDEATHSIG = 1
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
            if os.getppid() != parent_pid:  # the parent died before prctl took effect
                os._exit(0)
        except Exception:
            pass


def _child_main(
    func_path: str,
    conn: multiprocessing.connection.Connection,
    parent_pid: int,
    memory_limit: Optional[int],
    parent_sys_path: list[str],
) -> None:
    """Entry point of the child process: import the function once, then serve jobs."""
    # Ctrl+C in a terminal goes to the whole process group; the parent decides what
    # happens, the child must not die half-way with a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # spawn already copies sys.path, but set it explicitly so the function resolves
    # exactly as it would in the parent (tests, editable installs, frozen apps).
    sys.path[:] = list(parent_sys_path)
    _set_child_limits(memory_limit, parent_pid)
    try:
        func = _load_function(func_path)
    except Exception as exc:
        conn.send(("init_error", None, _pack_exception(exc)))
        return
    conn.send(("ready", None, os.getpid()))
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return  # parent went away
        if data == _STOP:
            return
        job_id = None
        try:
            job_id, args, kwargs = pickle.loads(data)
            del data
            reply: tuple = ("ok", job_id, func(*args, **kwargs))
        except Exception as exc:
            reply = ("err", job_id, _pack_exception(exc))
        args = kwargs = data = None  # free a large input before the next job arrives
        try:
            conn.send(reply)  # pickles fully before writing, so a failure sends nothing
        except (EOFError, OSError):
            return
        except Exception as exc:
            err = RuntimeError(f"the result could not be sent back from the worker: {exc}")
            conn.send(("err", job_id, _pack_exception(err)))
        del reply


# --------------------------------------------------------------------------- parent side


def _unpack_exception(payload: tuple) -> BaseException:
    if payload[0] == "exc":
        _, exc, tb = payload
    else:
        _, type_name, message, tb = payload
        exc = RuntimeError(f"{type_name}: {message}" if message else type_name)
    try:
        exc.worker_traceback = tb  # type: ignore[attr-defined]  # for logs, never shown
    except Exception:
        pass
    return exc


def _describe_exit(exitcode: Optional[int]) -> str:
    if exitcode is None:
        return "no exit status"
    if exitcode < 0:
        try:
            return f"signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"signal {-exitcode}"
    if exitcode > 0xFFFF:  # Windows NTSTATUS, e.g. 0xC0000005 access violation
        return f"exit code 0x{exitcode:08X}"
    return f"exit code {exitcode}"


class _Job:
    __slots__ = ("id", "args", "kwargs", "payload", "future")

    def __init__(self, job_id: int, args: tuple, kwargs: dict) -> None:
        self.id = job_id
        self.args = args
        self.kwargs = kwargs
        # Pickle in the caller's thread: an unpicklable argument fails submit() at once.
        self.payload = pickle.dumps((job_id, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        self.future: concurrent.futures.Future = concurrent.futures.Future()


def _fail(future: concurrent.futures.Future, exc: BaseException) -> None:
    """Set an exception unless the future is already done or was cancelled by its owner."""
    if not future.done():
        try:
            future.set_exception(exc)
        except concurrent.futures.InvalidStateError:
            pass


class _ChildGone(Exception):
    """Internal: the child died or closed its pipe while we talked to it."""

    def __init__(self, reason: str, exitcode: Optional[int] = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.exitcode = exitcode


class CompileWorker:
    """A long-lived child process running ``func`` ("package.module:function").

    ``func`` must be a pure function whose arguments and result pickle. ``timeout`` bounds
    one job's run time in seconds (child startup is not counted). ``memory_limit`` is the
    child's RLIMIT_AS where the OS supports it (None: unchanged). Crash inputs are saved
    under ``crash_dir`` (default: <tmp>/mailwright-crashes).
    """

    def __init__(
        self,
        func: str,
        *,
        timeout: float = 30.0,
        memory_limit: Optional[int] = DEFAULT_MEMORY_LIMIT,
        crash_dir: Optional[str] = None,
    ) -> None:
        module_name, sep, attr = func.partition(":")
        if not (module_name and sep and attr):
            raise ValueError(f"func must look like 'package.module:function', got {func!r}")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.func = func
        self.timeout = float(timeout)
        self.memory_limit = memory_limit
        self.crash_dir = crash_dir or os.path.join(tempfile.gettempdir(), "mailwright-crashes")

        self._ctx = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._wakeup = threading.Condition(self._lock)
        self._ids = itertools.count(1)
        self._pending: Optional[_Job] = None
        self._running: Optional[_Job] = None
        self._closing = False
        # Owned by the manager thread; close() only reads _proc (under the lock) to kill
        # a busy child.
        self._proc: Optional[multiprocessing.process.BaseProcess] = None
        self._conn: Optional[multiprocessing.connection.Connection] = None

        self._thread = threading.Thread(
            target=self._manage, name=f"CompileWorker({func})", daemon=True
        )
        self._thread.start()

    # ------------------------------------------------------------------ public API

    def submit(self, *args: Any, **kwargs: Any) -> concurrent.futures.Future:
        """Queue a call of ``func(*args, **kwargs)`` and return its Future.

        Replaces (and fails with JobCancelled) a job that is still waiting. The job that
        is already running is left alone and still delivers to its own future.
        """
        job = _Job(next(self._ids), args, kwargs)
        with self._lock:
            if self._closing:
                raise RuntimeError("CompileWorker is closed")
            replaced, self._pending = self._pending, job
            self._wakeup.notify()
        if replaced is not None:  # outside the lock: callbacks may call submit()
            _fail(replaced.future, JobCancelled("superseded by a newer job"))
        return job.future

    def close(self, timeout: float = 5.0) -> None:
        """Stop the child: an idle child exits cleanly, a busy one is killed. Jobs not
        finished yet fail with JobCancelled. Safe to call twice and from any thread."""
        with self._lock:
            if self._closing:
                already = True
            else:
                already = False
                self._closing = True
                pending, self._pending = self._pending, None
                if self._running is not None and self._proc is not None:
                    try:
                        self._proc.kill()  # the manager sees the death, cancels the job
                    except (OSError, ValueError):
                        pass
                self._wakeup.notify()
        if not already and pending is not None:
            _fail(pending.future, JobCancelled("the worker was closed"))
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def __enter__(self) -> "CompileWorker":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    @property
    def pid(self) -> Optional[int]:
        """The current child's pid (None before it starts or after it died)."""
        with self._lock:
            proc = self._proc
            return proc.pid if proc is not None and proc.is_alive() else None

    # ------------------------------------------------------------------ manager thread

    def _manage(self) -> None:
        try:
            self._start_child_quietly()  # pre-warm: the first job should not pay startup
            while True:
                with self._lock:
                    while self._pending is None and not self._closing:
                        self._wakeup.wait()
                    if self._closing:
                        return
                    job, self._pending = self._pending, None
                    if not job.future.set_running_or_notify_cancel():
                        continue  # the caller cancelled it while it waited
                    self._running = job
                try:
                    self._execute(job)
                except BaseException as exc:  # a bug here must not strand the caller
                    self._kill_child()
                    _fail(job.future, RuntimeError(f"compile worker failed: {exc!r}"))
                finally:
                    with self._lock:
                        self._running = None
        finally:
            self._stop_child()
            with self._lock:
                self._closing = True
                pending, self._pending = self._pending, None
            if pending is not None:
                _fail(pending.future, JobCancelled("the worker was closed"))

    def _execute(self, job: _Job) -> None:
        try:
            conn, proc = self._ensure_child()
        except _ChildGone as gone:
            with self._lock:
                closing = self._closing
            if closing:
                _fail(job.future, JobCancelled("the worker was closed"))
            else:
                _fail(job.future, self._crash_error(job, gone.reason, gone.exitcode))
            return
        except Exception as exc:  # the child could not import the function
            _fail(job.future, exc)
            return
        try:
            conn.send_bytes(job.payload)
        except OSError:
            self._on_death(job, proc)
            return
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._kill_child()
                _fail(
                    job.future,
                    JobTimeout(
                        f"The template took longer than {self.timeout:g} s to compile "
                        "and was stopped. The editor is fine."
                    ),
                )
                return
            ready = multiprocessing.connection.wait([conn, proc.sentinel], remaining)
            if conn in ready:  # read a reply first, even if the child died right after
                try:
                    status, _job_id, value = self._recv(conn)  # one job in flight
                except _ChildGone:
                    self._on_death(job, proc)
                    return
                if status == "ok":
                    if not job.future.done():
                        job.future.set_result(value)
                else:
                    _fail(job.future, value)
                return
            if proc.sentinel in ready:
                self._on_death(job, proc)
                return

    def _recv(self, conn: multiprocessing.connection.Connection) -> tuple:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError) as exc:
            raise _ChildGone(str(exc)) from exc
        try:
            status, job_id, value = pickle.loads(data)
        except Exception as exc:  # e.g. an exception class the parent cannot import
            return ("err", None, RuntimeError(f"could not read the worker's reply: {exc}"))
        if status in ("err", "init_error"):
            value = _unpack_exception(value)
        return status, job_id, value

    def _on_death(self, job: _Job, proc: multiprocessing.process.BaseProcess) -> None:
        proc.join(1.0)
        exitcode = proc.exitcode
        self._discard_child()
        with self._lock:
            closing = self._closing
        if closing:  # close() killed it on purpose
            _fail(job.future, JobCancelled("the worker was closed"))
            return
        _fail(job.future, self._crash_error(job, _describe_exit(exitcode), exitcode))

    def _crash_error(self, job: _Job, reason: str, exitcode: Optional[int]) -> WorkerCrashed:
        path = self._save_crash_input(job, reason)
        where = f"; the input that caused it was kept at {path}" if path else ""
        return WorkerCrashed(
            "The template could not be compiled: the compiler process crashed "
            f"({reason}). The editor is fine{where}.",
            reason=reason,
            exitcode=exitcode,
            input_path=path,
        )

    def _save_crash_input(self, job: _Job, reason: str) -> Optional[str]:
        """Keep the input that crashed the child, for a bug report. Best effort: a failure
        here must never hide the crash itself. The file is private (mkstemp, 0600) because
        templates and merge data can be personal."""
        try:
            os.makedirs(self.crash_dir, mode=0o700, exist_ok=True)
            record = {
                "function": self.func,
                "reason": reason,
                "time": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                "args": job.args,
                "kwargs": job.kwargs,
            }
            try:
                text = json.dumps(record, default=repr, ensure_ascii=False, indent=1)
            except Exception:
                text = repr(record)
            fd, path = tempfile.mkstemp(prefix="crash-", suffix=".json", dir=self.crash_dir)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            return path
        except Exception:
            return None

    # ------------------------------------------------------------------ child lifecycle

    def _ensure_child(
        self,
    ) -> tuple[multiprocessing.connection.Connection, multiprocessing.process.BaseProcess]:
        """Return a live, ready child, starting one if needed.

        Raises _ChildGone(reason, exitcode) if a fresh child dies during startup, or the
        child's own exception if it cannot import the function.
        """
        proc, conn = self._proc, self._conn
        if proc is not None and conn is not None and proc.is_alive():
            return conn, proc
        self._discard_child()  # it died while idle (OOM killer, ...): start over
        return self._start_child()

    def _start_child(
        self,
    ) -> tuple[multiprocessing.connection.Connection, multiprocessing.process.BaseProcess]:
        parent_conn, child_conn = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(
            target=_child_main,
            args=(self.func, child_conn, os.getpid(), self.memory_limit, list(sys.path)),
            name="mailwright-compile-worker",
            daemon=True,  # multiprocessing terminates it when the parent exits
        )
        proc.start()
        child_conn.close()  # so the parent sees EOF when the child dies
        with self._lock:
            self._proc, self._conn = proc, parent_conn
            if self._closing:
                proc.kill()
        ready = multiprocessing.connection.wait([parent_conn, proc.sentinel], _STARTUP_TIMEOUT)
        if parent_conn in ready:
            try:
                status, _, value = self._recv(parent_conn)
            except _ChildGone:
                status, value = "dead", None
            if status == "ready":
                return parent_conn, proc
            if status == "init_error":
                self._stop_child()
                raise value
        # Died (or hung) during startup.
        if proc.is_alive():
            proc.kill()
        proc.join(1.0)
        exitcode = proc.exitcode
        self._discard_child()
        raise _ChildGone(f"did not start: {_describe_exit(exitcode)}", exitcode)

    def _start_child_quietly(self) -> None:
        try:
            self._start_child()
        except Exception:
            self._discard_child()  # the first job retries and reports the error

    def _discard_child(self) -> None:
        with self._lock:
            proc, conn = self._proc, self._conn
            self._proc = self._conn = None
        if conn is not None:
            conn.close()
        if proc is not None:
            if proc.is_alive():
                proc.kill()
            proc.join(1.0)
            try:
                proc.close()
            except ValueError:
                pass  # still running after kill+join; the OS reaps it later

    def _kill_child(self) -> None:
        with self._lock:
            proc = self._proc
        if proc is not None and proc.is_alive():
            proc.kill()
        self._discard_child()

    def _stop_child(self) -> None:
        """Ask an idle child to exit; kill it if it does not within a short grace."""
        with self._lock:
            proc, conn = self._proc, self._conn
        if proc is not None and conn is not None and proc.is_alive():
            try:
                conn.send_bytes(_STOP)
            except OSError:
                pass
            proc.join(_STOP_GRACE)
        self._discard_child()


def run_isolated(func: str, *args: Any, timeout: float = 30.0, **kwargs: Any) -> Any:
    """Run one ``func(*args, **kwargs)`` in a fresh child process and return its result.

    Raises what the function raised (same type when picklable), WorkerCrashed, or
    JobTimeout, exactly like CompileWorker. For one-shot checks and the CLI; an editor
    should keep a CompileWorker instead of paying a process start per call.
    """
    with CompileWorker(func, timeout=timeout) as worker:
        return worker.submit(*args, **kwargs).result()
