"""What the previews and the recipients panel share: the export build of the open document,
compiled once per edit, and the chosen recipient.

The design canvas shows the design build (with node ids). Previews need the export build with
its merge-tag table, so each recipient costs one render (~0.1 ms), never one MJML compile.
That build runs in the compile worker's process (a native compiler crash costs a message, not
the editor) and only while something needs it (the preview is open or recipients are loaded).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from ..app.build.pipeline import BuildError, BuildResult
from .jobs import JobResults

if TYPE_CHECKING:
    from ..app.build.personalise import CompiledEmail
    from ..app.worker import CompileWorker, WorkerLane


class PreviewState(QObject):
    """The export build of the open document and the current recipient.

    Signals: `built` (a new BuildResult is ready), `failed(message)`, `recipientChanged(row)`
    (a dict or None), `changed` (anything a preview shows changed: build or recipient).
    """

    built = Signal(object)
    failed = Signal(str)
    recipientChanged = Signal(object)
    changed = Signal()

    def __init__(self, parent: QObject | None = None, *, in_process: bool = True) -> None:
        super().__init__(parent)
        self._in_process = in_process
        self._worker: WorkerLane | CompileWorker | None = None
        self.result: BuildResult | None = None
        self.compiled: CompiledEmail | None = None  # for `result`
        self.error = ""  # the last build error ("" when the build is good)
        self.recipient: dict[str, Any] | None = None
        self.recipient_label = ""  # e.g. "row 3 of 12 (zoe@example.com)"
        self.esp: str | None = None  # "Preview as": the ESP whose engine reads the values
        self.revision = -1  # bumps with every new result
        self.source = "<document>"
        self._wanted = -1  # the latest build asked for
        self._seq = 0
        self.document_revision = -1
        self._pending: tuple[int, str, str, str] | None = None
        self._users: set[str] = set()
        self._cache: tuple[tuple[int, int, str | None], Any] | None = None
        self._results = JobResults(self)  # the worker's answers, on our thread
        self._results.done.connect(self._on_built)
        self._results.failed.connect(self._on_failed)

    # --- inputs -------------------------------------------------------------------------------
    def set_result(self, result: BuildResult) -> None:
        """Use this build (tests and callers that already built)."""
        from ..app.build.personalise import CompiledEmail

        try:
            compiled = CompiledEmail(result)
        except (BuildError, ValueError) as e:
            self._fail(str(e))
            return
        self.result = result
        self.compiled = compiled
        self.error = ""
        self.revision += 1
        self._cache = None
        self.built.emit(result)
        self.changed.emit()

    def set_source(self, revision: int, kind: str, text: str, source: str = "<document>") -> None:
        """The document changed: build it when someone needs it (latest revision wins)."""
        self.source = source
        self._seq += 1  # our own counter: a new session starts its revisions at 0 again
        self._pending = (self._seq, kind, text, source)
        self._wanted = self._seq
        self.document_revision = revision
        if self._users:
            self._build()

    def set_recipient(self, row: dict[str, Any] | None, label: str = "") -> None:
        self.recipient = dict(row) if row is not None else None
        self.recipient_label = label if row is not None else ""
        self._cache = None
        self.recipientChanged.emit(self.recipient)
        self.changed.emit()

    def set_esp(self, esp: str | None) -> None:
        """Preview as this ESP's engine reads values (None: Mailwright's own semantics)."""
        esp = esp or None
        if esp == self.esp:
            return
        self.esp = esp
        self._cache = None
        self.changed.emit()

    def esp_label(self) -> str:
        """The chosen ESP's name as people know it ("" without one)."""
        if not self.esp:
            return ""
        from ..app.merge.dialects import get_dialect

        return get_dialect(self.esp).label

    def use(self, user: str, active: bool = True) -> None:
        """A consumer says it needs (or no longer needs) the build."""
        if active:
            self._users.add(user)
            if self._pending is not None:
                self._build()
        else:
            self._users.discard(user)

    # --- outputs ------------------------------------------------------------------------------
    def personal(self):
        """The email for the current recipient, missing fields marked (preview only), or None."""
        if self.compiled is None:
            return None
        key = (self.revision, id(self.recipient), self.esp)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        try:
            email = self.compiled.render(self.recipient or {}, mark_missing=True, esp=self.esp)
        except BuildError as e:
            self.error = str(e)
            return None
        self._cache = (key, email)
        return email

    # --- building -----------------------------------------------------------------------------
    def _build(self) -> None:
        if self._pending is None:
            return
        revision, kind, text, source = self._pending
        self._pending = None
        if self._in_process:
            from ..app.build.preview_html import build_preview_job

            try:
                result = build_preview_job(kind, text, source)
            except Exception as e:  # noqa: BLE001 - every failure is a message here
                self._on_delivered(revision, None, str(e))
                return
            self._on_delivered(revision, result, "")
            return
        try:
            if self._worker is None:
                self._worker = self._make_worker()
            future = self._worker.submit(kind, text, source)
        except RuntimeError:  # the window is closing
            return
        self._results.deliver(revision, future)

    def _make_worker(self) -> WorkerLane | CompileWorker:
        """A lane in the window's compile worker process (one process for every background
        build), or a worker of our own when there is no window compiler."""
        job = "mailwright.app.build.preview_html:build_preview_job"
        lane = getattr(getattr(self.parent(), "compiler", None), "lane", None)
        if lane is not None:
            return lane(job, priority=5)
        from ..app.worker import CompileWorker

        return CompileWorker(job, timeout=60)

    def _on_built(self, revision: int, result: object) -> None:
        self._on_delivered(revision, result, "")

    def _on_failed(self, revision: int, message: str) -> None:
        self._on_delivered(revision, None, message)

    def _on_delivered(self, revision: int, result: object, message: str) -> None:
        if revision != self._wanted:
            return  # a newer edit is on its way
        if result is None:
            self._fail(message or "the email could not be built")
            return
        self.set_result(result)  # type: ignore[arg-type]  # the compiler delivers a BuildResult

    def _fail(self, message: str) -> None:
        self.error = message
        self.failed.emit(message)
        self.changed.emit()

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None


def state_for(window) -> PreviewState:
    """The window's preview state, created on first use and fed by the window's compiles."""
    state = getattr(window, "_mw_preview_state", None)
    if state is not None:
        return state
    compiler = getattr(window, "compiler", None)
    in_process = getattr(compiler, "_worker", None) is None
    state = PreviewState(window, in_process=in_process)
    window._mw_preview_state = state

    feeder = _Feeder(window, state)
    if compiler is not None:
        # Every edit and every newly opened document ends in a design compile of the latest
        # revision: that is the moment to (re)build the export version.
        compiler.finished.connect(feeder.on_compiled)
        compiler.failed.connect(feeder.on_compiled)
    window.destroyed.connect(lambda *_: state.close())
    feeder.feed()
    return state


class _Feeder(QObject):
    def __init__(self, window, state: PreviewState) -> None:
        super().__init__(state)
        self.window = window
        self.state = state

    def on_compiled(self, revision: int, *_args) -> None:
        compiler = getattr(self.window, "compiler", None)
        if compiler is not None and revision != compiler.latest:
            return
        self.feed()

    def feed(self) -> None:
        session = getattr(self.window, "session", None)
        if session is None:
            return
        self.state.set_source(session.history.revision, "mwt", session.snapshot(), session.name)
