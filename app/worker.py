"""Run compile jobs (and the editor's other background jobs) in a child process, so a
native crash or a runaway input costs an error message, not the editor.

Why a process and not a thread (reference/hardening.md findings 2, 3 and section 5):

* MRML (mjml-python) dies with SIGSEGV on deeply nested input. A signal kills the whole
  process; only a process boundary contains it.
* mjml-python holds the GIL for the whole compile, so a thread would still freeze the UI.
* A child can be killed on timeout and given resource limits; a thread cannot.

Design, in short:

* One long-lived child per CompileWorker, a fresh interpreter (never a fork of the caller,
  which may be a Qt application with threads). It imports the job functions once and then
  loops over jobs read from a pipe, so a job costs a pickle round trip, not a process
  start. It runs jobs on its *main* thread, which has the full 8 MiB stack (MRML overflows
  at about 110 nesting levels on a 512 KiB thread stack, about 1,850 on 8 MiB).
* Lanes: one worker serves several kinds of job (the editor's design compile, its checks
  and its preview build) so they share one child and its imports (~45 MB each otherwise).
  ``submit()`` is the worker's own lane; ``lane(func)`` adds another. Each lane keeps
  "latest job wins" for itself, and lanes are served by priority, one job at a time.
* A manager thread in the parent owns the child: it sends one job at a time, waits for the
  reply, the child's death or the deadline, and restarts the child after a crash or a
  timeout. The job that was running fails (WorkerCrashed, JobTimeout); the jobs waiting in
  any lane run in the fresh child. Public methods only touch shared state under a lock, so
  they are thread-safe.
* "Latest job wins": per lane at most one job waits. A new submit() replaces the waiting
  job (its future fails with JobCancelled). A job that is already running is not
  interrupted, because killing the child would cost a restart (~0.1 s) on every keystroke;
  its result still goes to *its own* future, and the caller decides whether it is stale.

Future callbacks run on the manager thread (or, for a job cancelled by a newer submit, on
the thread that called submit). GUI code must hop back to its own thread before touching
widgets.

On POSIX the child is started with subprocess and a socket pair (no multiprocessing spawn:
that would also start its resource-tracker process, ~13 MB, and re-import the caller's
``__main__`` script). Elsewhere (Windows, frozen apps) it is a multiprocessing ``spawn``
child, whose caveat applies there: a script that starts a worker needs an
``if __name__ == "__main__"`` guard.

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
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from typing import Any, Callable, Iterable, Optional

__all__ = [
    "CompileWorker",
    "WorkerLane",
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

# What a crash of the child is reported as, unless the lane says otherwise.
_COMPILE_FAILURE = "The template could not be compiled"


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


def _check_path(func: str) -> None:
    module_name, sep, attr = func.partition(":")
    if not (module_name and sep and attr):
        raise ValueError(f"func must look like 'package.module:function', got {func!r}")


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
    conn: multiprocessing.connection.Connection,
    parent_pid: int,
    memory_limit: Optional[int],
    preload: list[str],
    parent_sys_path: list[str],
) -> None:
    """Entry point of the child process: import the functions once, then serve jobs."""
    # Ctrl+C in a terminal goes to the whole process group; the parent decides what
    # happens, the child must not die half-way with a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Resolve functions exactly as the parent would (tests, editable installs, frozen apps).
    sys.path[:] = list(parent_sys_path)
    _set_child_limits(memory_limit, parent_pid)
    functions: dict[str, Callable[..., Any]] = {}
    for path in preload:
        try:
            functions[path] = _load_function(path)
        except Exception:
            pass  # reported to the job that needs it, below
    conn.send(("ready", None, os.getpid()))
    data: bytes | None  # None once a job has it: a large input is freed before the next job
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return  # parent went away
        if data == _STOP:
            return
        job_id = None
        try:
            job_id, func_path, args, kwargs = pickle.loads(data)
            del data
            func = functions.get(func_path)
            if func is None:
                func = functions[func_path] = _load_function(func_path)
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


# The child's whole program on POSIX: read the start arguments from the inherited socket,
# then serve. Python's own startup (site) runs before; nothing of the parent's __main__.
_BOOT = (
    "import sys\n"
    "from multiprocessing.connection import Connection\n"
    "conn = Connection(int(sys.argv[1]))\n"
    "sys_path, module, kwargs = conn.recv()\n"
    "sys.path[:] = sys_path\n"
    "__import__(module, fromlist=['_child_main'])._child_main(conn, **kwargs)\n"
)


# --------------------------------------------------------------------------- parent side


def _unpack_exception(payload: tuple) -> BaseException:
    if payload[0] == "exc":
        _, exc, tb = payload
    else:
        _, type_name, message, tb = payload
        exc = RuntimeError(f"{type_name}: {message}" if message else type_name)
    try:
        exc.worker_traceback = tb  # for logs, never shown
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


class _Child:
    """A started child process and the parent's end of its pipe.

    On POSIX the child's death shows as end-of-file on the pipe (only the child holds the
    other end); a multiprocessing child also has its sentinel.
    """

    def __init__(
        self,
        conn: multiprocessing.connection.Connection,
        *,
        popen: Optional[subprocess.Popen] = None,
        process: Optional[multiprocessing.process.BaseProcess] = None,
    ) -> None:
        self.conn = conn
        self._popen = popen
        self._process = process
        self.pid: Optional[int] = popen.pid if popen is not None else process.pid  # type: ignore[union-attr]  # popen or process is given
        self.waitables: list[Any] = [conn] if process is None else [conn, process.sentinel]

    @classmethod
    def start(cls, memory_limit: Optional[int], preload: Iterable[str]) -> "_Child":
        parent_conn, child_conn = multiprocessing.Pipe(duplex=True)
        kwargs = {
            "parent_pid": os.getpid(),
            "memory_limit": memory_limit,
            "preload": list(preload),
            "parent_sys_path": list(sys.path),
        }
        try:
            if os.name == "posix" and not getattr(sys, "frozen", False):
                fd = child_conn.fileno()
                command = [
                    sys.executable,
                    *subprocess._args_from_interpreter_flags(),  # type: ignore[attr-defined]  # private, as multiprocessing uses it
                    "-c",
                    _BOOT,
                    str(fd),
                ]
                popen = subprocess.Popen(command, pass_fds=(fd,), stdin=subprocess.DEVNULL)
                child = cls(parent_conn, popen=popen)
                try:
                    parent_conn.send((list(sys.path), __name__, kwargs))
                except OSError:
                    pass  # it died at once; the caller sees end-of-file
                return child
            process = multiprocessing.get_context("spawn").Process(
                target=_child_main, args=(child_conn,), kwargs=kwargs, name="mailwright-compile-worker", daemon=True
            )
            process.start()
            return cls(parent_conn, process=process)
        except BaseException:
            parent_conn.close()
            raise
        finally:
            child_conn.close()  # so the parent sees EOF when the child dies

    def alive(self) -> bool:
        if self._popen is not None:
            return self._popen.poll() is None
        return self._process is not None and self._process.is_alive()

    def gone(self, ready: list[Any]) -> bool:
        """Whether `ready` (from multiprocessing.connection.wait) says the process ended."""
        return self._process is not None and self._process.sentinel in ready

    def kill(self) -> None:
        try:
            if self._popen is not None:
                self._popen.kill()
            elif self._process is not None:
                self._process.kill()
        except (OSError, ValueError):
            pass

    def join(self, timeout: float) -> Optional[int]:
        """Wait up to `timeout` s for the exit; the exit code (negative: a signal) or None."""
        if self._popen is not None:
            try:
                return self._popen.wait(timeout)
            except subprocess.TimeoutExpired:
                return None
        if self._process is not None:
            try:
                self._process.join(timeout)
                return self._process.exitcode
            except ValueError:  # closed already
                return None
        return None

    def discard(self) -> None:
        """Close the pipe; kill the process if it still runs; reap it."""
        self.conn.close()
        if self.alive():
            self.kill()
        self.join(1.0)
        if self._process is not None:
            try:
                self._process.close()
            except ValueError:
                pass  # still running after kill+join; the OS reaps it later


class WorkerLane:
    """One kind of job on a CompileWorker's child: ``submit`` and ``close`` like the worker.

    Latest job wins within the lane; lanes with a lower ``priority`` run first. Closing a
    lane fails its unfinished jobs with JobCancelled and leaves the child (and the other
    lanes) alone.
    """

    def __init__(self, worker: "CompileWorker", func: str, timeout: float, failure: str, priority: int) -> None:
        self.worker = worker
        self.func = func
        self.timeout = timeout
        self.failure = failure
        self.priority = priority
        self.closed = False

    def submit(self, *args: Any, **kwargs: Any) -> concurrent.futures.Future:
        return self.worker._submit(self, args, kwargs)

    def close(self, timeout: float = 5.0) -> None:
        del timeout  # same signature as CompileWorker.close; a lane never waits
        self.worker._close_lane(self)

    @property
    def pid(self) -> Optional[int]:
        return self.worker.pid

    def __enter__(self) -> "WorkerLane":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


class _Job:
    __slots__ = ("id", "lane", "args", "kwargs", "payload", "future")

    def __init__(self, job_id: int, lane: WorkerLane, args: tuple, kwargs: dict) -> None:
        self.id = job_id
        self.lane = lane
        self.args = args
        self.kwargs = kwargs
        # Pickle in the caller's thread: an unpicklable argument fails submit() at once.
        self.payload = pickle.dumps((job_id, lane.func, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        self.future: concurrent.futures.Future = concurrent.futures.Future()


def _fail(future: concurrent.futures.Future, exc: BaseException) -> None:
    """Set an exception unless the future is already done or was cancelled by its owner."""
    if not future.done():
        try:
            future.set_exception(exc)
        except concurrent.futures.InvalidStateError:
            pass


def _resolve(future: concurrent.futures.Future, value: Any) -> None:
    if not future.done():
        try:
            future.set_result(value)
        except concurrent.futures.InvalidStateError:
            pass  # a lane closed meanwhile


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
    under ``crash_dir`` (default: <tmp>/mailwright-crashes). ``preload`` names more
    functions the child imports at start (those of lanes added later).

    ``lane(other_func)`` runs another kind of job in the same child (see WorkerLane).
    """

    def __init__(
        self,
        func: str,
        *,
        timeout: float = 30.0,
        memory_limit: Optional[int] = DEFAULT_MEMORY_LIMIT,
        crash_dir: Optional[str] = None,
        preload: Iterable[str] = (),
    ) -> None:
        _check_path(func)
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.func = func
        self.timeout = float(timeout)
        self.memory_limit = memory_limit
        self.crash_dir = crash_dir or os.path.join(tempfile.gettempdir(), "mailwright-crashes")
        self._preload = list(dict.fromkeys([func, *preload]))

        self._lock = threading.Lock()
        self._wakeup = threading.Condition(self._lock)
        self._ids = itertools.count(1)
        self._lanes: list[WorkerLane] = []  # by priority, then creation
        self._pending: dict[WorkerLane, _Job] = {}  # at most one waiting job per lane
        self._running: Optional[_Job] = None
        self._closing = False
        # Owned by the manager thread; close() only reads _child (under the lock) to kill
        # a busy child.
        self._child: Optional[_Child] = None
        self._own = self._add_lane(func, self.timeout, _COMPILE_FAILURE, 0)

        self._thread = threading.Thread(target=self._manage, name=f"CompileWorker({func})", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ public API

    def submit(self, *args: Any, **kwargs: Any) -> concurrent.futures.Future:
        """Queue a call of ``func(*args, **kwargs)`` and return its Future.

        Replaces (and fails with JobCancelled) a job that is still waiting. The job that
        is already running is left alone and still delivers to its own future.
        """
        return self._submit(self._own, args, kwargs)

    def lane(
        self, func: str, *, timeout: Optional[float] = None, failure: str = _COMPILE_FAILURE, priority: int = 0
    ) -> WorkerLane:
        """Another kind of job, run by this worker's child (imported there on first use
        unless preloaded). ``failure`` starts the message of a crash during its job."""
        _check_path(func)
        timeout = self.timeout if timeout is None else float(timeout)
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        with self._lock:
            if self._closing:
                raise RuntimeError("CompileWorker is closed")
        return self._add_lane(func, timeout, failure, priority)

    @property
    def closed(self) -> bool:
        with self._lock:
            return self._closing

    def close(self, timeout: float = 5.0) -> None:
        """Stop the child: an idle child exits cleanly, a busy one is killed. Jobs not
        finished yet (in every lane) fail with JobCancelled. Safe to call twice and from
        any thread."""
        with self._lock:
            if self._closing:
                already = True
                pending: list[_Job] = []
            else:
                already = False
                self._closing = True
                pending = list(self._pending.values())
                self._pending.clear()
                for lane in self._lanes:
                    lane.closed = True
                if self._running is not None and self._child is not None:
                    self._child.kill()  # the manager sees the death, cancels the job
                self._wakeup.notify()
        if not already:
            for job in pending:
                _fail(job.future, JobCancelled("the worker was closed"))
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
            child = self._child
        return child.pid if child is not None and child.alive() else None

    # ------------------------------------------------------------------ lanes

    def _add_lane(self, func: str, timeout: float, failure: str, priority: int) -> WorkerLane:
        lane = WorkerLane(self, func, timeout, failure, priority)
        with self._lock:
            self._lanes.append(lane)
            self._lanes.sort(key=lambda each: each.priority)  # stable: creation order within
        return lane

    def _submit(self, lane: WorkerLane, args: tuple, kwargs: dict) -> concurrent.futures.Future:
        job = _Job(next(self._ids), lane, args, kwargs)
        with self._lock:
            if self._closing or lane.closed:
                raise RuntimeError("CompileWorker is closed")
            replaced = self._pending.get(lane)
            self._pending[lane] = job
            self._wakeup.notify()
        if replaced is not None:  # outside the lock: callbacks may call submit()
            _fail(replaced.future, JobCancelled("superseded by a newer job"))
        return job.future

    def _close_lane(self, lane: WorkerLane) -> None:
        with self._lock:
            if lane.closed:
                return
            lane.closed = True
            self._lanes.remove(lane)
            jobs = [self._pending.pop(lane, None)]
            if self._running is not None and self._running.lane is lane:
                jobs.append(self._running)  # let it finish in the child; nobody waits for it
        for job in jobs:
            if job is not None:
                _fail(job.future, JobCancelled("the worker was closed"))

    def _next_job(self) -> Optional[_Job]:
        """The waiting job of the first lane (by priority) that has one. Under the lock."""
        for lane in self._lanes:
            job = self._pending.pop(lane, None)
            if job is not None:
                return job
        return self._pending.popitem()[1] if self._pending else None

    # ------------------------------------------------------------------ manager thread

    def _manage(self) -> None:
        try:
            self._start_child_quietly()  # pre-warm: the first job should not pay startup
            while True:
                with self._lock:
                    while not self._pending and not self._closing:
                        self._wakeup.wait()
                    if self._closing:
                        return
                    job = self._next_job()
                    if job is None or not job.future.set_running_or_notify_cancel():
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
                pending = list(self._pending.values())
                self._pending.clear()
            for job in pending:
                _fail(job.future, JobCancelled("the worker was closed"))

    def _execute(self, job: _Job) -> None:
        try:
            child = self._ensure_child()
        except _ChildGone as gone:
            if self.closed:
                _fail(job.future, JobCancelled("the worker was closed"))
            else:
                _fail(job.future, self._crash_error(job, gone.reason, gone.exitcode))
            return
        try:
            child.conn.send_bytes(job.payload)
        except OSError:
            self._on_death(job, child)
            return
        timeout = job.lane.timeout
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._kill_child()
                _fail(
                    job.future,
                    JobTimeout(
                        f"{job.lane.failure}: it took longer than {timeout:g} s and was stopped. The editor is fine."
                    ),
                )
                return
            ready = multiprocessing.connection.wait(child.waitables, remaining)
            if child.conn in ready:  # read a reply first, even if the child died right after
                try:
                    status, _job_id, value = self._recv(child.conn)  # one job in flight
                except _ChildGone:
                    self._on_death(job, child)
                    return
                if status == "ok":
                    _resolve(job.future, value)
                else:
                    _fail(job.future, value)
                return
            if child.gone(ready):
                self._on_death(job, child)
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
        if status == "err":
            value = _unpack_exception(value)
        return status, job_id, value

    def _on_death(self, job: _Job, child: _Child) -> None:
        exitcode = child.join(1.0)
        self._discard_child()
        if self.closed:  # close() killed it on purpose
            _fail(job.future, JobCancelled("the worker was closed"))
            return
        _fail(job.future, self._crash_error(job, _describe_exit(exitcode), exitcode))

    def _crash_error(self, job: _Job, reason: str, exitcode: Optional[int]) -> WorkerCrashed:
        path = self._save_crash_input(job, reason)
        where = f"; the input that caused it was kept at {path}" if path else ""
        return WorkerCrashed(
            f"{job.lane.failure}: the compiler process crashed ({reason}). The editor is fine{where}.",
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
                "function": job.lane.func,
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

    def _ensure_child(self) -> _Child:
        """Return a live, ready child, starting one if needed.

        Raises _ChildGone(reason, exitcode) if a fresh child dies during startup.
        """
        child = self._child
        if child is not None and child.alive():
            return child
        self._discard_child()  # it died while idle (OOM killer, ...): start over
        return self._start_child()

    def _start_child(self) -> _Child:
        try:
            child = _Child.start(self.memory_limit, self._preload)
        except OSError as exc:
            raise _ChildGone(f"did not start: {exc}") from exc
        with self._lock:
            self._child = child
            if self._closing:
                child.kill()
        ready = multiprocessing.connection.wait(child.waitables, _STARTUP_TIMEOUT)
        if child.conn in ready:
            try:
                status, _, _ = self._recv(child.conn)
            except _ChildGone:
                status = "dead"
            if status == "ready":
                return child
        # Died (or hung) during startup.
        if child.alive():
            child.kill()
        exitcode = child.join(1.0)
        self._discard_child()
        raise _ChildGone(f"did not start: {_describe_exit(exitcode)}", exitcode)

    def _start_child_quietly(self) -> None:
        try:
            self._start_child()
        except Exception:
            self._discard_child()  # the first job retries and reports the error

    def _discard_child(self) -> None:
        with self._lock:
            child, self._child = self._child, None
        if child is not None:
            child.discard()

    def _kill_child(self) -> None:
        with self._lock:
            child = self._child
        if child is not None:
            child.kill()
        self._discard_child()

    def _stop_child(self) -> None:
        """Ask an idle child to exit; kill it if it does not within a short grace."""
        with self._lock:
            child = self._child
        if child is not None and child.alive():
            try:
                child.conn.send_bytes(_STOP)
            except OSError:
                pass
            child.join(_STOP_GRACE)
        self._discard_child()


def run_isolated(func: str, *args: Any, timeout: float = 30.0, **kwargs: Any) -> Any:
    """Run one ``func(*args, **kwargs)`` in a fresh child process and return its result.

    Raises what the function raised (same type when picklable), WorkerCrashed, or
    JobTimeout, exactly like CompileWorker. For one-shot checks and the CLI; an editor
    should keep a CompileWorker instead of paying a process start per call.
    """
    with CompileWorker(func, timeout=timeout) as worker:
        return worker.submit(*args, **kwargs).result()
