"""The real pipeline in the compile worker: results come back, bad input is a message, and a
parser crash costs the job, not the process that asked for it."""

from __future__ import annotations

import pytest

from mailwright.app.build.pipeline import BuildError
from mailwright.app.worker import CompileWorker, WorkerCrashed

GOOD = """<mjml><mj-body><mj-section><mj-column>
<mj-text>Hello << data:firstname | default("friend") >></mj-text>
</mj-column></mj-section></mj-body></mjml>"""


@pytest.fixture(scope="module")
def worker():
    with CompileWorker("mailwright.app.build.job:build_job", timeout=60) as w:
        yield w


def test_worker_builds_mjml_with_merge_tags(worker):
    result = worker.submit("mjml", GOOD, "hello.mjml").result(timeout=60)
    assert 'Hello << data:firstname | default("friend") >>' in result["html"]
    assert 'Hello << data:firstname | default("friend") >>' in result["text"]


def test_worker_reports_bad_input_as_build_error(worker):
    # (a bare "a < b" and an unquoted value build now, as node reads them: a stray ="c" is bad input)
    future = worker.submit("mjml", '<mjml><mj-body><mj-image src="x.png" ="c" /></mj-body></mjml>', "bad.mjml")
    with pytest.raises(BuildError, match=r"bad\.mjml:1:\d+"):
        future.result(timeout=60)


def test_deep_nesting_is_refused_before_the_compiler_sees_it(worker):
    deep = "<mjml><mj-body>" + "<mj-wrapper>" * 3000 + "</mj-wrapper>" * 3000 + "</mj-body></mjml>"
    with pytest.raises(BuildError, match="nesting too deep"):
        worker.submit("mjml", deep, "deep.mjml").result(timeout=60)
    # and the worker is still good for the next edit
    assert "Hello" in worker.submit("mjml", GOOD, "hello.mjml").result(timeout=60)["html"]


def test_a_compiler_crash_costs_one_job_not_the_editor():
    # Bypass the nesting pre-check to make MRML overflow its stack for real in the child.
    deep = "<mjml><mj-body>" + "<mj-wrapper>" * 5000 + "</mj-wrapper>" * 5000 + "</mj-body></mjml>"
    with CompileWorker("tests.unit.worker_helpers:compile_mjml", timeout=60) as w:
        with pytest.raises(WorkerCrashed):
            w.submit(deep).result(timeout=60)
        assert "<html" in w.submit("<mjml><mj-body></mj-body></mjml>").result(timeout=60)
