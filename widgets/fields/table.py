"""What the small table editors (items, template variables) share."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .base import FieldEditor, small_button


class TableEditor(FieldEditor):
    """Shared parts of the small table editors: a compact table and add/remove/move buttons."""

    KEEPS_CURSOR = False
    SPANS = True
    MAX_VISIBLE_ROWS = 6

    def _make_table(self, headers: list[str]) -> None:
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.itemChanged.connect(self._item_changed)
        self._watch(self.table)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        title = QLabel(self.field.label)
        column.addWidget(title)
        column.addWidget(self.table)
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(1)
        self.add_button = small_button("+", "Add")
        self.remove_button = small_button("−", "Remove the selected row")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(lambda: self.remove_row())
        self.buttons.addWidget(self.add_button)
        self.buttons.addWidget(self.remove_button)
        column.addLayout(self.buttons)
        self.row.addLayout(column, 1)

    def _fit_height(self) -> None:
        rows = max(1, min(self.table.rowCount(), self.MAX_VISIBLE_ROWS))
        row_height = max(
            [self.table.verticalHeader().defaultSectionSize()]
            + [self.table.rowHeight(r) for r in range(min(self.table.rowCount(), rows))]
        )
        height = (
            self.table.horizontalHeader().sizeHint().height()
            + rows * row_height
            + self.table.horizontalScrollBar().sizeHint().height()
            + 2 * self.table.frameWidth()
            + 2
        )
        self.table.setFixedHeight(height)

    def current_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else self.table.currentRow()

    def focus_widget(self) -> QWidget:
        return self.table

    def add_row(self) -> None:
        raise NotImplementedError

    def remove_row(self, row: int | None = None) -> None:
        raise NotImplementedError

    def _item_changed(self, item: QTableWidgetItem) -> None:
        raise NotImplementedError
