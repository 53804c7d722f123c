"""File > Export…: HTML (save or copy), HTML for an ESP (dialect and field map), MJML, bundle.

A thin dialog over app/ (pipeline, personalise.export_for_esp, export.export_bundle); it
remembers the last choices in QSettings.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..app.merge.dialects import DIALECTS

KEEP_TAGS = "(keep << >> tags)"
KINDS = (
    ("html", "HTML file"),
    ("copy", "Copy HTML to the clipboard"),
    ("esp", "HTML for an ESP"),
    ("mjml", "MJML file"),
    ("bundle", "Bundle (.zip: HTML, text, MJML, template, images)"),
)


class ExportDialog(QDialog):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window_ = window  # the editor (not QWidget.window(), which stays a method)
        self.setWindowTitle("Export")
        self.setObjectName("export-dialog")
        settings = window.settings
        layout = QVBoxLayout(self)
        self.kind_buttons: dict[str, QRadioButton] = {}
        last = settings.value("export/kind", "html")
        for key, label in KINDS:
            button = QRadioButton(label, self)
            button.setObjectName(f"export-{key}")
            button.setChecked(key == last)
            button.toggled.connect(self._update)
            self.kind_buttons[key] = button
            layout.addWidget(button)
        form_host = QWidget(self)
        form = QFormLayout(form_host)
        self.dialect = QComboBox(self)
        self.dialect.addItem(KEEP_TAGS)
        self.dialect.addItems(list(DIALECTS))
        self.dialect.setCurrentText(settings.value("export/esp", "mailchimp"))
        self.field_map = QLineEdit(settings.value("export/field_map", ""), self)
        self.field_map.setPlaceholderText('optional JSON file, e.g. {"firstname": "FNAME"}')
        browse = QPushButton("…", self)
        browse.clicked.connect(self._browse_map)
        row = QHBoxLayout()
        row.addWidget(self.field_map)
        row.addWidget(browse)
        self.asset_base = QLineEdit(settings.value("export/asset_base", ""), self)
        self.asset_base.setPlaceholderText("optional: https://cdn.example.com/emails/spring")
        self.utm = QLineEdit(settings.value("export/utm", ""), self)
        self.utm.setPlaceholderText("optional: source=newsletter,medium=email,campaign=spring")
        form.addRow("ESP", self.dialect)
        form.addRow("Field map", row)
        form.addRow("Image base URL", self.asset_base)
        form.addRow("UTM tags", self.utm)
        layout.addWidget(form_host)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export…")
        buttons.accepted.connect(self._export)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._update()

    def kind(self) -> str:
        return next(k for k, b in self.kind_buttons.items() if b.isChecked())

    def _update(self) -> None:
        kind = self.kind()
        self.dialect.setEnabled(kind in ("esp", "bundle"))
        self.field_map.setEnabled(kind in ("esp", "bundle"))
        self.asset_base.setEnabled(kind == "bundle")
        self.utm.setEnabled(kind == "bundle")
        self.note.setText(
            "Merge tags are written in the ESP's own syntax; a tag it cannot express is named "
            "with its block instead of being exported broken."
            if kind == "esp"
            else ""
        )

    def _browse_map(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Field map", "", "JSON (*.json)")
        if path:
            self.field_map.setText(path)

    def _remember(self) -> None:
        s = self.window_.settings
        s.setValue("export/kind", self.kind())
        s.setValue("export/esp", self.dialect.currentText())
        s.setValue("export/field_map", self.field_map.text())
        s.setValue("export/asset_base", self.asset_base.text())
        s.setValue("export/utm", self.utm.text())

    def _field_map(self) -> dict[str, str]:
        path = self.field_map.text().strip()
        if not path:
            return {}
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{path}: a field map is a JSON object of names")
        return {str(k): str(v) for k, v in data.items()}

    def _export(self) -> None:
        self._remember()
        try:
            self.export(self.kind())
        except Exception as e:  # noqa: BLE001 - every failure is a message
            QMessageBox.warning(self, "Export", str(e))
            return
        self.accept()

    def export(self, kind: str, target: str | None = None) -> str:
        """Export; `target` skips the file dialog (tests). Returns what was written (path or "clipboard")."""
        from ..app.build.pipeline import build_document

        session = self.window_.session
        stem = Path(session.name).stem
        base = session.path.parent if session.path else Path.home()
        if kind == "bundle":
            if session.path is None or session.dirty:
                raise ValueError("Save the template first: the bundle contains the saved .mwt and its images")
            from ..app.export import export_bundle

            out = (
                target
                or QFileDialog.getSaveFileName(self, "Export bundle", str(base / f"{stem}.zip"), "Zip (*.zip)")[0]
            )
            if not out:
                return ""
            utm = dict(p.split("=", 1) for p in self.utm.text().split(",") if "=" in p)
            esp = self.dialect.currentText()
            export_bundle(
                session.path,
                out,
                esp=None if esp == KEEP_TAGS else esp,
                field_map=self._field_map() or None,
                asset_base_url=self.asset_base.text().strip() or None,
                utm=utm or None,
            )
            return out
        result = build_document(session.doc, source=session.name)
        if kind == "mjml":
            text, ext, flt = result.mjml, "mjml", "MJML (*.mjml)"
        elif kind == "esp":
            from ..app.build.personalise import export_for_esp

            if self.dialect.currentText() == KEEP_TAGS:
                raise ValueError("Choose the ESP to export for")
            text = export_for_esp(result, self.dialect.currentText(), self._field_map()).html
            ext, flt = "html", "HTML (*.html)"
        else:
            text, ext, flt = result.html, "html", "HTML (*.html)"
        if kind == "copy":
            QApplication.clipboard().setText(text)
            self.window_.statusBar().showMessage("HTML copied to the clipboard", 4000)
            return "clipboard"
        suffix = f"-{self.dialect.currentText()}" if kind == "esp" else ""
        out = target or QFileDialog.getSaveFileName(self, "Export", str(base / f"{stem}{suffix}.{ext}"), flt)[0]
        if not out:
            return ""
        from ..app.document.atomic import atomic_write_text
        from ..app.outputs import check_outputs, files_the_email_uses

        # The file dialog's "Replace?" does not say that the file is the template itself, or a
        # picture the email shows.
        inputs = {"the template": session.path, "the field map": self.field_map.text().strip() or None}
        if session.path is not None:
            inputs.update(files_the_email_uses(result.mjml, result.includes, Path(session.path).parent))
        check_outputs(inputs, {"the export": out})
        atomic_write_text(out, text, backup=False)
        self.window_.statusBar().showMessage(f"Exported {out}", 5000)
        return out


def install(window) -> QAction:
    """Add File > Export… (Ctrl+E) to the window."""
    action = QAction("&Export…", window)
    action.setObjectName("export")
    action.setShortcut(QKeySequence("Ctrl+E"))
    action.triggered.connect(lambda: ExportDialog(window).exec())
    window.addAction(action)
    file_menu = window.menuBar().actions()[0].menu()
    file_menu.insertAction(window.a_quit, action)
    file_menu.insertSeparator(window.a_quit)
    return action
