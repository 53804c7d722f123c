"""The Recipients dock: load a CSV/JSON file, step through people, check every row.

Choosing a recipient re-renders every preview for that person (the email compiled once per
edit, rendered per recipient). Fields the template uses but the row lacks are listed here and
marked in the previews (never in exports). "Check all recipients" renders every row in a
background thread and lists the rows with missing fields or errors.
"""

from __future__ import annotations

import contextvars
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .encoding_choice import EncodingChoice
from .icons import severity_icon
from ..app.encodings import use_encoding
from ..app.recipients import Recipients, RecipientsError, load_recipients


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1-based
    missing: tuple[str, ...]
    error: str = ""

    def line(self, who: str = "") -> str:
        who = f" ({who})" if who else ""
        if self.error:
            return f"Row {self.row}{who}: {self.error}"
        return f"Row {self.row}{who}: lacks {', '.join(self.missing)}"


def check_rows(compiled, rows, progress=None, cancelled=None) -> tuple[list[RowProblem], int]:
    """Render every row (no Qt; runs in a worker thread): (problems, rows checked)."""
    from ..app.build.pipeline import BuildError

    problems: list[RowProblem] = []
    total = len(rows)
    checked = 0
    step = max(1, min(200, total // 50 or 1))
    for i, row in enumerate(rows, 1):
        if cancelled is not None and cancelled():
            break
        try:
            email = compiled.render(row)
            if email.missing:
                problems.append(RowProblem(i, tuple(email.missing)))
        except BuildError as e:
            problems.append(RowProblem(i, (), str(e)))
        except Exception as e:  # noqa: BLE001 - one bad row must not stop the check
            problems.append(RowProblem(i, (), f"{type(e).__name__}: {e}"))
        checked = i
        if progress is not None and (i % step == 0 or i == total):
            progress(i, total)
    return problems, checked


class RowsModel(QAbstractTableModel):
    """The loaded rows as a table (a model, so 10,000 rows cost nothing up front)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.recipients: Recipients | None = None

    def set_recipients(self, recipients: Recipients | None) -> None:
        self.beginResetModel()
        self.recipients = recipients
        self.endResetModel()

    # Qt's signatures: an index may be a persistent one.
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() or self.recipients is None else len(self.recipients.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() or self.recipients is None else len(self.recipients.fields)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.recipients is None or not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            row = self.recipients.rows[index.row()]
            value = row.get(self.recipients.fields[index.column()])
            if value is None:
                return ""
            if isinstance(value, (dict, list)):
                import json

                text = json.dumps(value, ensure_ascii=False)
                return text if len(text) < 200 or role == Qt.ItemDataRole.ToolTipRole else text[:199] + "…"
            return str(value)
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or self.recipients is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.recipients.fields[section] if section < len(self.recipients.fields) else None
        return str(section + 1)


class _Checker(QObject):
    """Runs check_rows in a thread; reports on the Qt thread through signals."""

    progress = Signal(int, int)
    finished = Signal(object, int, float)  # problems, rows checked, seconds

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, compiled, rows) -> None:
        self.cancel()
        self._cancel = cancel = threading.Event()

        def work() -> None:
            start = time.perf_counter()
            problems, checked = check_rows(compiled, rows, lambda i, n: self.progress.emit(i, n), cancel.is_set)
            if not cancel.is_set():
                self.finished.emit(problems, checked, time.perf_counter() - start)

        self._thread = threading.Thread(target=work, name="check-recipients", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None


class RecipientsPanel(QWidget):
    """Dock content: file, table, ◀ row ▶, missing fields, check all.

    Signals: recipientChanged(row dict or None); checkFinished(list of RowProblem).
    """

    recipientChanged = Signal(object)
    checkFinished = Signal(object)
    previewRequested = Signal()

    def __init__(self, parent: QWidget | None = None, *, state=None, settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recipients-panel")
        self.state = state
        self.settings = settings
        self.recipients: Recipients | None = None
        self.path: Path | None = None  # the file the rows came from
        self.encoding: str | None = None  # the encoding the user chose for it (None: guessed)
        self.current = 0  # 1-based row number; 0: none
        self.problems: list[RowProblem] = []
        self._checker = _Checker(self)
        self._checker.progress.connect(self._on_progress)
        self._checker.finished.connect(self._on_checked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.load_button = QPushButton("Load recipients…", self)
        self.load_button.setObjectName("recipients-load")
        self.load_button.setToolTip("A CSV or JSON file: one recipient per row, one field per column")
        self.load_button.clicked.connect(self.load_dialog)
        top.addWidget(self.load_button)
        self.file_label = QLabel("No recipients loaded", self)
        self.file_label.setObjectName("recipients-file")
        top.addWidget(self.file_label, 1)
        self.prev_button = QToolButton(self)
        self.prev_button.setText("◀")
        self.prev_button.setObjectName("recipient-prev")
        self.prev_button.setToolTip("Previous recipient")
        self.prev_button.clicked.connect(lambda: self.step(-1))
        top.addWidget(self.prev_button)
        self.row_box = QSpinBox(self)
        self.row_box.setObjectName("recipient-row")
        self.row_box.setMinimum(0)
        self.row_box.setSpecialValueText("—")
        self.row_box.setKeyboardTracking(False)
        self.row_box.valueChanged.connect(lambda n: self.set_row(n) if n != self.current else None)
        top.addWidget(self.row_box)
        self.count_label = QLabel("", self)
        top.addWidget(self.count_label)
        self.next_button = QToolButton(self)
        self.next_button.setText("▶")
        self.next_button.setObjectName("recipient-next")
        self.next_button.setToolTip("Next recipient")
        self.next_button.clicked.connect(lambda: self.step(1))
        top.addWidget(self.next_button)
        self.none_button = QToolButton(self)
        self.none_button.setText("No recipient")
        self.none_button.setToolTip("Preview without personal data (fields are marked)")
        self.none_button.clicked.connect(lambda: self.set_row(0))
        top.addWidget(self.none_button)
        self.check_button = QPushButton("Check all recipients", self)
        self.check_button.setObjectName("recipients-check")
        self.check_button.setToolTip("Render the email for every row and list rows with missing fields or errors")
        self.check_button.clicked.connect(self.check_all)
        top.addWidget(self.check_button)
        self.preview_button = QPushButton("Show in preview", self)
        self.preview_button.setObjectName("recipients-preview")
        self.preview_button.setToolTip(
            "The Preview tab: this recipient's email at every width, light and dark (Ctrl+P)"
        )
        self.preview_button.clicked.connect(self.previewRequested)
        top.addWidget(self.preview_button)
        layout.addLayout(top)
        # "Read as cp1250 — change…": shown for a file that is not UTF-8 (its encoding was guessed).
        self.encoding_row = EncodingChoice(self)
        self.encoding_row.chosen.connect(self.reload_as)
        layout.addWidget(self.encoding_row)

        self.progress = QProgressBar(self)
        self.progress.setObjectName("recipients-progress")
        self.progress.hide()
        layout.addWidget(self.progress)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.model = RowsModel(self)
        self.table = QTableView(split)
        self.table.setObjectName("recipients-table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.clicked.connect(lambda index: self.set_row(index.row() + 1))
        side = QWidget(split)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        self.missing_label = QLabel("", side)
        self.missing_label.setObjectName("recipient-missing")
        self.missing_label.setWordWrap(True)
        self.missing_label.setTextFormat(Qt.TextFormat.RichText)
        side_layout.addWidget(self.missing_label)
        self.check_label = QLabel("", side)
        self.check_label.setObjectName("recipients-check-summary")
        self.check_label.setWordWrap(True)
        side_layout.addWidget(self.check_label)
        self.problem_list = QListWidget(side)
        self.problem_list.setObjectName("recipients-problems")
        self.problem_list.itemActivated.connect(self._problem_chosen)
        self.problem_list.itemClicked.connect(self._problem_chosen)
        side_layout.addWidget(self.problem_list, 1)
        split.addWidget(self.table)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        # Lists as short as two rows: the bottom docks share one height, and theirs set it (163 px
        # of a 720 px laptop window, the canvas left under 400).
        for scrolled in (self.table, self.problem_list):
            scrolled.setMinimumHeight(48)
        layout.addWidget(split, 1)

        if state is not None:
            state.built.connect(self._on_build)
            state.failed.connect(self._on_build)
        self._update_controls()

    # --- loading -----------------------------------------------------------------------------
    def load_dialog(self) -> None:
        start = ""
        if self.settings is not None:
            start = str(self.settings.value("recipients/last_dir") or "")
        path, _ = QFileDialog.getOpenFileName(
            self, "Load recipients", start, "Recipients (*.csv *.tsv *.txt *.json);;All files (*)"
        )
        if path:
            self.load(path)

    def load(self, path: str | Path, encoding: str | None = None, *, row: int = 1) -> bool:
        """Load a recipients file (bytes not UTF-8 read in `encoding`, else in a guessed one) and
        choose `row`; shows the error and keeps the old rows when it fails."""

        def read() -> Recipients:
            if encoding:  # for this read only: the context is a copy
                use_encoding(encoding)
            return load_recipients(path)

        try:
            recipients = contextvars.copy_context().run(read)
        except RecipientsError as e:
            self.file_label.setText(f'<span style="color:#b91c1c">{_esc(str(e))}</span>')
            return False
        if self.settings is not None:
            self.settings.setValue("recipients/last_dir", str(Path(path).resolve().parent))
        self.set_recipients(recipients, row=row)
        self.path, self.encoding = Path(path), encoding
        self.encoding_row.show_for(recipients.encoding, chosen=encoding is not None)
        return True

    def reload_as(self, encoding: str) -> bool:
        """Read the same file again in `encoding` (the dock's list), keeping the chosen row."""
        if self.path is None:
            return False
        return self.load(self.path, encoding, row=self.current)

    def set_recipients(self, recipients: Recipients | None, *, row: int = 1) -> None:
        """Show these rows and choose `row` (1-based; 0: nobody; beyond the rows: the first)."""
        self._checker.cancel()
        self.recipients = recipients
        self.path = self.encoding = None  # load() names the file these rows came from
        self.problems = []
        self.problem_list.clear()
        self.check_label.setText("")
        self.progress.hide()
        self.model.set_recipients(recipients)
        self.encoding_row.show_for(recipients.encoding if recipients is not None else None)
        if recipients is None:
            self.file_label.setText("No recipients loaded")
        else:
            warn = f" · ⚠ {len(recipients.warnings)} warning(s)" if recipients.warnings else ""
            self.file_label.setText(
                f"{_esc(recipients.source)}: {len(recipients)} recipient(s), {len(recipients.fields)} field(s){warn}"
            )
            self.file_label.setToolTip("\n".join(recipients.warnings))
        if self.state is not None:
            self.state.use("recipients", recipients is not None)
        total = len(recipients) if recipients is not None else 0
        self.set_row((row if 0 <= row <= total else 1) if total else 0)

    # --- choosing ------------------------------------------------------------------------------
    def row_dict(self) -> dict | None:
        if self.recipients is None or not 1 <= self.current <= len(self.recipients):
            return None
        return self.recipients.rows[self.current - 1]

    def label(self) -> str:
        if self.row_dict() is None:
            return ""
        total = len(self.recipients)  # type: ignore[arg-type]  # a row means recipients are loaded
        label = f"row {self.current} of {total}"
        column = self.recipients.email_field  # type: ignore[union-attr]  # loaded, as above
        if column and self.row_dict().get(column):  # type: ignore[union-attr]  # a row, as above
            label += f" ({self.row_dict()[column]})"  # type: ignore[index]  # a row, as above
        return label

    def step(self, delta: int) -> None:
        if self.recipients is None or not len(self.recipients):
            return
        n = self.current + delta
        self.set_row(max(1, min(len(self.recipients), n)))

    def set_row(self, n: int) -> None:
        """Choose the recipient on row n (1-based); 0 chooses nobody."""
        total = len(self.recipients) if self.recipients is not None else 0
        n = max(0, min(total, int(n)))
        self.current = n
        self.row_box.blockSignals(True)
        self.row_box.setMaximum(total)
        self.row_box.setValue(n)
        self.row_box.blockSignals(False)
        if n:
            self.table.selectRow(n - 1)
            self.table.scrollTo(self.model.index(n - 1, 0))
        else:
            self.table.clearSelection()
        row = self.row_dict()
        if self.state is not None:
            self.state.set_recipient(row, self.label())
        self._update_controls()
        self._update_missing()
        self.recipientChanged.emit(row)

    def _update_controls(self) -> None:
        total = len(self.recipients) if self.recipients is not None else 0
        self.count_label.setText(f"of {total}" if total else "")
        self.prev_button.setEnabled(self.current > 1)
        self.next_button.setEnabled(0 < self.current < total or (self.current == 0 and total > 0))
        self.row_box.setEnabled(total > 0)
        self.none_button.setEnabled(self.current > 0)
        self.check_button.setEnabled(total > 0)

    def missing_fields(self) -> tuple[str, ...]:
        if self.state is None or self.state.compiled is None or self.row_dict() is None:
            return ()
        email = self.state.personal()
        return tuple(email.missing) if email is not None else ()

    def _on_build(self, *_args) -> None:
        self._update_missing()

    def _update_missing(self) -> None:
        if self.row_dict() is None:
            self.missing_label.setText(
                "Choose a recipient to see the fields their row lacks." if self.recipients else ""
            )
            return
        if self.state is None or self.state.compiled is None:
            self.missing_label.setText(
                f"{_esc(self.state.error)}" if self.state is not None and self.state.error else "Building the email…"
            )
            return
        missing = self.missing_fields()
        if missing:
            items = "".join(f"<li><b>{_esc(m)}</b></li>" for m in missing)
            self.missing_label.setText(
                f'<span style="color:#92400e">⚠ {_esc(self.label())} lacks fields the '
                f"email uses (marked in the preview):</span><ul>{items}</ul>"
            )
        else:
            self.missing_label.setText(f"✓ {_esc(self.label())} has every field the email uses.")

    # --- check all -----------------------------------------------------------------------------
    def check_all(self) -> bool:
        """Render every row in the background; False when there is nothing to check yet."""
        if self.recipients is None or not len(self.recipients):
            return False
        if self.state is None or self.state.compiled is None:
            self.check_label.setText("The email is still being built; try again in a moment.")
            if self.state is not None:
                self.state.use("recipients", True)
            return False
        self.problem_list.clear()
        self.problems = []
        self.progress.setRange(0, len(self.recipients))
        self.progress.setValue(0)
        self.progress.show()
        self.check_button.setEnabled(False)
        self.check_label.setText(f"Checking {len(self.recipients)} recipients…")
        self._checker.start(self.state.compiled, self.recipients.rows)
        return True

    @property
    def checking(self) -> bool:
        return self._checker.running

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    def _on_checked(self, problems: list[RowProblem], checked: int, seconds: float) -> None:
        self.problems = problems
        self.progress.hide()
        self.check_button.setEnabled(True)
        lacking = sum(1 for p in problems if not p.error)
        errors = sum(1 for p in problems if p.error)
        self.check_label.setText(
            f"{checked} recipients checked in {seconds:.1f} s: "
            f"{lacking} lack fields, {errors} errors."
            + ("" if problems else " Every row has every field the email uses.")
        )
        column = self.recipients.email_field if self.recipients is not None else None
        shown = problems[:5000]
        for p in shown:
            who = ""
            if column and self.recipients is not None:
                who = str(self.recipients.rows[p.row - 1].get(column) or "")
            item = QListWidgetItem(severity_icon("error" if p.error else "warning"), p.line(who))
            item.setData(Qt.ItemDataRole.UserRole, p.row)
            self.problem_list.addItem(item)
        if len(problems) > len(shown):
            self.problem_list.addItem(f"… and {len(problems) - len(shown)} more rows")
        self.checkFinished.emit(problems)

    def _problem_chosen(self, item: QListWidgetItem) -> None:
        row = item.data(Qt.ItemDataRole.UserRole)
        if row:
            self.set_row(int(row))

    def shutdown(self) -> None:
        self._checker.cancel()


def _esc(text: str) -> str:
    import html

    return html.escape(text)


def install(window) -> RecipientsPanel:
    """The window's Recipients panel (made once), connected to its previews; the main window
    shows it in its "dock-recipients" dock."""
    from .preview_state import state_for

    existing = getattr(window, "recipients_panel", None)
    if isinstance(existing, RecipientsPanel):
        return existing  # made already (MainWindow makes it at start)
    state = state_for(window)
    panel = RecipientsPanel(window, state=state, settings=getattr(window, "settings", None))
    if hasattr(window, "preview"):
        panel.previewRequested.connect(window.preview)
    window.recipients_panel = panel
    return panel
