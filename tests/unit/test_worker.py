"""The out-of-process compile worker, with real child processes (no mocks).

The helpers live in tests/unit/worker_helpers.py so the spawned child can import them.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import pickle
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailwright.app.build.limits import NestingTooDeep, check_markup_limits
from mailwright.app.worker import (
    CompileWorker,
    JobCancelled,
    JobTimeout,
    WorkerCrashed,
    run_isolated,
)

H = "tests.unit.worker_helpers"
SIMPLE = "<mjml><mj-body><mj-section><mj-column><mj-text>Hello</mj-text></mj-column></mj-section></mj-body></mjml>"
WAIT = 20  # seconds; generous so a loaded CI machine does not flake


def wrappers(n: int) -> str:
    return (
        "<mjml>\n<mj-body>\n"
        + "<mj-wrapper>\n" * n
        + "<mj-section><mj-column><mj-text>x</mj-text></mj-column></mj-section>\n"
        + "</mj-wrapper>" * n
        + "\n</mj-body>\n</mjml>\n"
    )


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[CompileWorker]:
    with CompileWorker(f"{H}:echo", timeout=10, crash_dir=str(tmp_path)) as w:
        yield w


def make(func: str, tmp_path: Path, timeout: float = 10) -> CompileWorker:
    return CompileWorker(f"{H}:{func}", timeout=timeout, crash_dir=str(tmp_path))


def test_result_comes_back(worker: CompileWorker) -> None:
    out = worker.submit(1, "two", three=[3]).result(WAIT)
    assert out["args"] == [1, "two"] and out["kwargs"] == {"three": [3]}
    assert out["pid"] != os.getpid()


def test_child_is_reused_between_jobs(worker: CompileWorker) -> None:
    pids = {worker.submit(i).result(WAIT)["pid"] for i in range(5)}
    assert len(pids) == 1


def test_exception_comes_back_with_type_and_message(tmp_path: Path) -> None:
    with make("boom", tmp_path) as w:
        with pytest.raises(ValueError, match="^bad input at line 3$") as info:
            w.submit("x").result(WAIT)
        # The child's traceback travels along for logs, it is not printed.
        assert "worker_helpers.py" in info.value.worker_traceback  # type: ignore[attr-defined]
        # The worker is still usable after an ordinary exception.
        with pytest.raises(ValueError):
            w.submit("y").result(WAIT)


def test_unpicklable_exception_becomes_runtime_error(tmp_path: Path) -> None:
    with make("raise_unpicklable", tmp_path) as w:
        with pytest.raises(RuntimeError, match="Unpicklable: left/right"):
            w.submit().result(WAIT)


def test_unpicklable_argument_fails_at_submit(worker: CompileWorker) -> None:
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        worker.submit(lambda: None)
    assert worker.submit("still fine").result(WAIT)["args"] == ["still fine"]


def test_bad_function_path() -> None:
    with pytest.raises(ValueError):
        CompileWorker("no_colon_here")
    with make_missing() as w:
        with pytest.raises(AttributeError):
            w.submit().result(WAIT)


def make_missing() -> CompileWorker:
    return CompileWorker(f"{H}:does_not_exist", timeout=5)


def test_crash_gives_worker_crashed_and_next_job_runs_in_fresh_child(tmp_path: Path) -> None:
    with make("crash_on", tmp_path) as w:
        before = w.submit("hello").result(WAIT)["pid"]
        with pytest.raises(WorkerCrashed) as info:
            w.submit("crash").result(WAIT)
        err = info.value
        assert err.reason == "signal SIGSEGV" and err.exitcode == -11
        assert str(err).startswith(
            "The template could not be compiled: the compiler process crashed "
            "(signal SIGSEGV). The editor is fine; the input that caused it was kept at "
        )
        saved = json.loads(Path(err.input_path).read_text(encoding="utf-8"))
        assert saved["args"] == ["crash"] and saved["function"] == f"{H}:crash_on"
        after = w.submit("again").result(WAIT)
        assert after["args"] == ["again"] and after["pid"] != before
        # And again: a crash in every job never takes the test process with it.
        with pytest.raises(WorkerCrashed):
            w.submit("crash").result(WAIT)
        assert w.submit("fine").result(WAIT)["args"] == ["fine"]


def test_abort_is_reported_with_its_signal(tmp_path: Path) -> None:
    with make("abort", tmp_path) as w:
        with pytest.raises(WorkerCrashed, match=r"\(signal SIGABRT\)"):
            w.submit().result(WAIT)


def test_mrml_stack_overflow_is_contained(tmp_path: Path) -> None:
    """Finding 2: 3,000 nested wrappers SIGSEGV MRML. It must cost the child, not us."""
    deep = wrappers(3000)
    with make("compile_mjml", tmp_path) as w:
        assert "Hello" in w.submit(SIMPLE).result(WAIT)
        first_pid = w.pid
        with pytest.raises(WorkerCrashed, match=r"signal SIGSEGV"):
            w.submit(deep).result(WAIT)
        html = w.submit(SIMPLE).result(WAIT)  # the next compile works, in a new child
        assert "Hello" in html
        assert w.pid is not None and w.pid != first_pid
    assert len(list(tmp_path.glob("crash-*.json"))) == 1


def test_precheck_rejects_the_same_input_before_compiling() -> None:
    with pytest.raises(NestingTooDeep) as info:
        check_markup_limits(wrappers(3000), "deep.mjml")
    assert "deep.mjml: nesting too deep at line 101, column 1:" in str(info.value)
    assert (info.value.line, info.value.column) == (101, 1)


def test_latest_job_wins(tmp_path: Path) -> None:
    with make("sleep_for", tmp_path) as w:
        first = w.submit(0.4, "first")
        deadline = time.monotonic() + WAIT
        while not first.running():  # wait until the child has it
            assert time.monotonic() < deadline
            time.sleep(0.005)
        middle = [w.submit(0.4, f"job{i}") for i in range(2, 5)]
        last = w.submit(0.1, "last")
        for fut in middle:
            with pytest.raises(JobCancelled):
                fut.result(WAIT)
        # The running job is not interrupted; it still delivers to its own future.
        assert first.result(WAIT) == "first"
        assert last.result(WAIT) == "last"


def test_caller_can_cancel_a_waiting_job(tmp_path: Path) -> None:
    with make("sleep_for", tmp_path) as w:
        running = w.submit(0.3, "a")
        while not running.running():
            time.sleep(0.005)
        waiting = w.submit(0.0, "b")
        assert waiting.cancel()
        assert running.result(WAIT) == "a"
        assert w.submit(0.0, "c").result(WAIT) == "c"
        with pytest.raises(concurrent.futures.CancelledError):
            waiting.result(0)


def test_timeout_kills_the_job_and_the_worker_recovers(tmp_path: Path) -> None:
    with make("sleep_for", tmp_path, timeout=0.5) as w:
        w.submit(0, None).result(WAIT)  # warm up: startup does not count anyway
        start = time.monotonic()
        with pytest.raises(JobTimeout, match=r"^The template could not be compiled: it took longer than 0.5 s"):
            w.submit(60, "never").result(WAIT)
        assert time.monotonic() - start < 5
        assert w.submit(0.01, "ok").result(WAIT) == "ok"


def test_a_timeout_in_another_lane_names_that_lane(tmp_path: Path) -> None:
    with make("echo", tmp_path) as w:
        checks = w.lane(f"{H}:sleep_for", timeout=0.5, failure="The checks were interrupted")
        with pytest.raises(JobTimeout, match=r"^The checks were interrupted: it took longer than 0.5 s"):
            checks.submit(60, "never").result(WAIT)
        assert w.submit("ok").result(WAIT)["args"] == ["ok"]


def test_close_cancels_the_running_job_and_stops_the_child(tmp_path: Path) -> None:
    w = make("sleep_for", tmp_path)
    running = w.submit(60, "x")
    while not running.running():
        time.sleep(0.005)
    pid = w.pid
    w.close()
    with pytest.raises(JobCancelled):
        running.result(WAIT)
    assert pid is not None and not _alive(pid)
    with pytest.raises(RuntimeError, match="closed"):
        w.submit(1, "y")
    w.close()  # idempotent


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_run_isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # keep the crash file here
    assert run_isolated(f"{H}:sleep_for", 0, value=42) == 42
    with pytest.raises(ValueError, match="bad input at line 3"):
        run_isolated(f"{H}:boom", "x")
    with pytest.raises(WorkerCrashed):
        run_isolated(f"{H}:crash")
    assert len(list((tmp_path / "mailwright-crashes").glob("crash-*.json"))) == 1
    with pytest.raises(JobTimeout):
        run_isolated(f"{H}:sleep_for", 30, timeout=0.3)


# --- lanes: several kinds of job in one child ----------------------------------------------------


def _wait_running(future: concurrent.futures.Future) -> None:
    deadline = time.monotonic() + WAIT
    while not future.running():  # wait until the child has it
        assert time.monotonic() < deadline
        time.sleep(0.005)


def test_lanes_share_one_child(worker: CompileWorker) -> None:
    other = worker.lane(f"{H}:crash_on")
    a = worker.submit("compile").result(WAIT)
    b = other.submit("check").result(WAIT)
    assert a["pid"] == b["pid"] == worker.pid == other.pid
    assert b["args"] == ["check"]


def test_latest_wins_per_lane_and_lanes_run_by_priority(tmp_path: Path) -> None:
    with make("sleep_for", tmp_path) as w:
        checks = w.lane(f"{H}:sleep_for", priority=10)
        preview = w.lane(f"{H}:sleep_for", priority=5)
        order: list[str] = []
        first = w.submit(0.4, "first")
        _wait_running(first)
        old_check = checks.submit(0.0, "old check")
        check = checks.submit(0.0, "check")
        old_build = w.submit(0.0, "old build")
        build = w.submit(0.0, "build")
        shown = preview.submit(0.0, "preview")
        for fut in (check, build, shown):
            fut.add_done_callback(lambda f: order.append(f.result()))
        # A newer job replaces only the waiting job of its own lane.
        for fut in (old_check, old_build):
            with pytest.raises(JobCancelled):
                fut.result(WAIT)
        assert first.result(WAIT) == "first"
        assert (build.result(WAIT), shown.result(WAIT), check.result(WAIT)) == ("build", "preview", "check")
        assert order == ["build", "preview", "check"]  # priority 0, then 5, then 10


def test_a_crash_in_one_lane_costs_that_job_only(tmp_path: Path) -> None:
    with make("crash_on", tmp_path) as w:
        checks = w.lane(f"{H}:echo", failure="The checks were interrupted")
        before = w.submit("warm").result(WAIT)["pid"]
        crashing = w.submit("crash")
        waiting = checks.submit("after the crash")  # waits while the crash happens
        with pytest.raises(WorkerCrashed) as info:
            crashing.result(WAIT)
        assert str(info.value).startswith(
            "The template could not be compiled: the compiler process crashed (signal SIGSEGV). The editor is fine"
        )
        after = waiting.result(WAIT)
        assert after["args"] == ["after the crash"] and after["pid"] != before
        assert w.submit("fine").result(WAIT)["pid"] == after["pid"]  # both lanes in the new child
    with make("echo", tmp_path) as w:
        checks = w.lane(f"{H}:crash_on", failure="The checks were interrupted")
        with pytest.raises(WorkerCrashed, match=r"^The checks were interrupted: the compiler process crashed"):
            checks.submit("crash").result(WAIT)
        assert w.submit("ok").result(WAIT)["args"] == ["ok"]


def test_a_missing_lane_function_fails_its_jobs_only(worker: CompileWorker) -> None:
    missing = worker.lane(f"{H}:does_not_exist")
    with pytest.raises(AttributeError):
        missing.submit().result(WAIT)
    assert worker.submit("still fine").result(WAIT)["args"] == ["still fine"]
    with pytest.raises(ValueError):
        worker.lane("no_colon_here")


def test_closing_a_lane_leaves_the_child_and_other_lanes(tmp_path: Path) -> None:
    with make("sleep_for", tmp_path) as w:
        checks = w.lane(f"{H}:sleep_for")
        running = checks.submit(0.3, "running")
        _wait_running(running)
        pid = w.pid
        waiting = checks.submit(0.0, "waiting")
        checks.close()
        for fut in (running, waiting):
            with pytest.raises(JobCancelled):
                fut.result(WAIT)
        with pytest.raises(RuntimeError, match="closed"):
            checks.submit(0.0, "after close")
        assert w.submit(0.0, "ok").result(WAIT) == "ok"
        assert w.pid == pid  # no restart
        checks.close()  # idempotent
    with pytest.raises(RuntimeError, match="closed"):
        w.lane(f"{H}:echo")
    checks.close()  # after the worker closed: nothing to do


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="reads /proc")
def test_a_worker_is_one_process(tmp_path: Path) -> None:
    """One child per worker, however many lanes: no helper process beside it (multiprocessing's
    spawn would add its resource tracker, ~13 MB)."""

    def python_children() -> set[int]:
        out = set()
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_text()
                cmdline = Path(f"/proc/{entry.name}/cmdline").read_bytes()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == os.getpid() and b"QtWebEngine" not in cmdline:
                out.add(int(entry.name))
        return out

    before = python_children()
    with make("echo", tmp_path) as w:
        lanes = [w.lane(f"{H}:echo") for _ in range(3)]
        pids = {lane.submit().result(WAIT)["pid"] for lane in lanes} | {w.submit().result(WAIT)["pid"]}
        assert pids == {w.pid}
        assert python_children() - before == pids
