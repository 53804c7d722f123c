"""The design canvas: the real email (design-mode build) with hover, selection and drop
indicators drawn by Qt over the hardened web view.

Hit-testing runs in QtWebEngine's ApplicationWorld (page JavaScript stays off and cannot see
it): `document.elementFromPoint` finds the element under the pointer and the `mw-id-<id>`
classes of the design build name the block, column and row. Mouse and drag events arrive at
the view's internal render widget, so an event filter there turns them into selection and
drops. Decisions (what a drop does) live in app/document/drop.py.
"""

from __future__ import annotations

import ctypes
import json
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Callable, cast

from PySide6.QtCore import (
    QAbstractNativeEventFilter,
    QCoreApplication,
    QEvent,
    QMimeData,
    QObject,
    QPoint,
    QRect,
    QRectF,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QCursor,
    QDrag,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QResizeEvent,
)
from PySide6.QtWebEngineCore import QWebEngineScript
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..app.document.drop import EMPTY_DOC, DropTarget, Hit, Payload, place
from ..app.build.remote_images import RemoteImages, bar_text, remote_images
from ..blocks.image import PLACEHOLDER as IMAGE_STAND_IN
from .canvas_text import EDITABLE, EXEC_JS, INSERT_TAG_JS, POLL_MS, READ_JS, SAVE_RANGE_JS, START_JS, tag_html
from .email_view import EmailView
from .fields.merge_menu import build_merge_menu

if TYPE_CHECKING:
    from ..app.document.model import Document
    from .fields.context import EditorContext

MIME_PAYLOAD = "application/x-mailwright-drop"
APP_WORLD = QWebEngineScript.ScriptWorldId.ApplicationWorld

_RECT_FN = """
function mwRect(id){var els=document.getElementsByClassName('mw-id-'+id),l=1e9,t=1e9,r=-1e9,b=-1e9;
 for(var i=0;i<els.length;i++){var q=els[i].getBoundingClientRect(); if(q.width===0&&q.height===0)continue;
 l=Math.min(l,q.left);t=Math.min(t,q.top);r=Math.max(r,q.right);b=Math.max(b,q.bottom);}
 return r<l?null:[l,t,r-l,b-t];}
"""
HIT_JS = (
    _RECT_FN
    + """
(function(x,y){var el=document.elementFromPoint(x,y),ids=[];
 while(el&&el!==document.documentElement){var c=el.getAttribute&&el.getAttribute('class')||'';
  var re=/mw-id-([A-Za-z0-9_-]+)/g,m; while((m=re.exec(c))){if(ids.indexOf(m[1])<0)ids.push(m[1]);}
  el=el.parentElement;}
 var out=[];for(var i=0;i<ids.length;i++){var r=mwRect(ids[i]); if(r)out.push([ids[i]].concat(r));}
 return JSON.stringify(out);})(%f,%f)
"""
)
# Results travel as JSON text: PySide6 6.12 hands arrays and objects back as an empty string.
RECTS_JS = (
    _RECT_FN
    + """
(function(ids){var out={};for(var i=0;i<ids.length;i++){var r=mwRect(ids[i]); if(r)out[ids[i]]=r;}
 return JSON.stringify(out);})(%s)
"""
)
# Every drawn node's rectangle (and the empty document's notice), for drops: `place` needs the
# whole layout to find the nearest valid place from anywhere, the grey margin included.
LAYOUT_JS = (
    """
(function(){var out={},els=document.querySelectorAll('[class*="mw-id-"],.mw-empty-doc');
 for(var i=0;i<els.length;i++){var q=els[i].getBoundingClientRect(); if(q.width===0&&q.height===0)continue;
  var c=els[i].getAttribute('class')||'',re=/mw-id-([A-Za-z0-9_-]+)/g,m,ids=[];
  while((m=re.exec(c)))ids.push(m[1]); if(/\bmw-empty-doc\b/.test(c))ids.push('%s');
  for(var k=0;k<ids.length;k++){var o=out[ids[k]];
   if(!o){out[ids[k]]=[q.left,q.top,q.right,q.bottom];}
   else{o[0]=Math.min(o[0],q.left);o[1]=Math.min(o[1],q.top);o[2]=Math.max(o[2],q.right);o[3]=Math.max(o[3],q.bottom);}}}
 for(var id in out){var o=out[id];out[id]=[o[0],o[1],o[2]-o[0],o[3]-o[1]];}
 return JSON.stringify(out);})()
"""
    % EMPTY_DOC
)
# An Image block without a picture yet (no source, or the block's default stand-in URL, which
# the canvas does not load) is drawn as a grey box with an icon and its size, at its real width
# and half as tall (80-320 px). Only on the canvas: the page's DOM is changed from the isolated
# world after each render; the built HTML is untouched.
PLACEHOLDER_JS = """
(function(stand_in){var imgs=document.getElementsByTagName('img'),n=0;
 for(var i=0;i<imgs.length;i++){var im=imgs[i],src=im.getAttribute('src');
  if(src!==null&&src!==''&&src!==stand_in)continue;
  var w=parseInt(im.getAttribute('width'))||im.parentElement.clientWidth||300,
      h=Math.max(80,Math.min(320,Math.round(w/2))),label='Image \u00b7 '+w+' \u00d7 '+h+' px',
      cx=w/2,cy=h/2-10;
  var svg='<svg xmlns="http://www.w3.org/2000/svg" width="'+w+'" height="'+h+'" viewBox="0 0 '+w+' '+h+'">'+
   '<rect width="100%%" height="100%%" fill="#e5e7eb"/>'+
   '<rect x="'+(cx-22)+'" y="'+(cy-18)+'" width="44" height="34" rx="4" fill="none" stroke="#9ca3af" stroke-width="3"/>'+
   '<circle cx="'+(cx-9)+'" cy="'+(cy-6)+'" r="4" fill="#9ca3af"/>'+
   '<path d="M'+(cx-19)+' '+(cy+13)+' L'+(cx-5)+' '+(cy)+' L'+(cx+3)+' '+(cy+7)+' L'+(cx+10)+' '+(cy+1)+' L'+(cx+19)+' '+(cy+13)+' Z" fill="#9ca3af"/>'+
   '<text x="50%%" y="'+(cy+40)+'" font-family="sans-serif" font-size="13" fill="#4b5563" text-anchor="middle">'+label+'</text></svg>';
  im.setAttribute('src','data:image/svg+xml,'+encodeURIComponent(svg));
  im.setAttribute('data-mw-placeholder',label); im.style.height=h+'px'; n++;}
 return n;})(%s)
""" % json.dumps(IMAGE_STAND_IN)
# Auto-scroll while dragging: within EDGE px of the top or bottom edge the canvas scrolls, up
# to MAX_SPEED px per 16 ms tick at the very edge (linear with closeness).
AUTOSCROLL_EDGE = 48
AUTOSCROLL_MAX_SPEED = 28


def autoscroll_speed(y: float, height: float) -> int:
    """Pixels per tick for a drag at height `y` in a view `height` tall (negative: up)."""
    if y < AUTOSCROLL_EDGE:
        return -max(1, round(AUTOSCROLL_MAX_SPEED * (AUTOSCROLL_EDGE - max(y, 0.0)) / AUTOSCROLL_EDGE))
    if y > height - AUTOSCROLL_EDGE:
        return max(1, round(AUTOSCROLL_MAX_SPEED * (min(y, height) - (height - AUTOSCROLL_EDGE)) / AUTOSCROLL_EDGE))
    return 0


def _json(result, empty):
    """A script's JSON answer (None or garbage when the page was replaced meanwhile)."""
    if isinstance(result, str) and result:
        try:
            return json.loads(result)
        except ValueError:
            return empty
    return result if isinstance(result, type(empty)) and result else empty


class _Overlay(QWidget):
    """Transparent layer over the web view: hover outline with the node's name, selection
    outline, and the drop indicator line."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.hover: tuple[QRectF, str] | None = None
        self.selection: QRectF | None = None
        self.line: QRectF | None = None

    def paintEvent(self, _event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        if self.hover and (self.selection is None or self.hover[0] != self.selection):
            rect, name = self.hover
            p.setPen(QPen(QColor("#60a5fa"), 1, Qt.PenStyle.DashLine))
            p.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
            if name:
                font = QFont(self.font())
                font.setPointSizeF(8.5)
                p.setFont(font)
                w = p.fontMetrics().horizontalAdvance(name) + 10
                tag = QRectF(rect.left(), max(0.0, rect.top() - 16), w, 16)
                p.fillRect(tag, QColor("#60a5fa"))
                p.setPen(QColor("white"))
                p.drawText(tag, Qt.AlignmentFlag.AlignCenter, name)
        if self.selection is not None:
            p.setPen(QPen(QColor("#2563eb"), 2))
            p.drawRect(self.selection.adjusted(1, 1, -1, -1))
        if self.line is not None:
            p.fillRect(self.line, QColor("#f97316"))
        p.end()


class _Pill(QWidget):
    """A small solid toolbar of text buttons drawn over the canvas. Its buttons never take the
    focus: the canvas keeps its keys, and a text edited in place keeps its selection."""

    action = Signal(str)

    ACTIONS: tuple[tuple[str, str, str], ...] = ()
    PREFIX = "bar"
    COLOURS = ("#2563eb", "#1d4ed8")  # background, hover

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(1)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # one solid pill, not loose buttons
        self.setStyleSheet(
            f"QWidget{{background:{self.COLOURS[0]};border-radius:4px;}} QToolButton{{color:white;"
            f"border:none;padding:1px 5px;font-size:11px;}} "
            f"QToolButton:hover{{background:{self.COLOURS[1]};}}"
        )
        self.buttons: dict[str, QToolButton] = {}
        for name, text, tip in self.ACTIONS:
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.setObjectName(f"{self.PREFIX}-{name}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, n=name: self.action.emit(n))
            layout.addWidget(button)
            self.buttons[name] = button
        self.adjustSize()
        self.hide()


class _SelectionBar(_Pill):
    """The small toolbar on the selected node."""

    ACTIONS = (
        ("up", "▲", "Move up (Alt+Up)"),
        ("down", "▼", "Move down (Alt+Down)"),
        ("duplicate", "❐", "Duplicate (Ctrl+D)"),
        ("save", "★", "Save as block"),
        ("reset", "↺", "Reset colours to theme (clear the colours set by hand here)"),
        ("delete", "✕", "Delete (Del)"),
    )


class _TextBar(_Pill):
    """The toolbar of an edit in place: bold, italic, link, merge tag, done."""

    ACTIONS = (
        ("bold", "B", "Bold (Ctrl+B)"),
        ("italic", "I", "Italic (Ctrl+I)"),
        ("link", "Link", "Link the selected text"),
        ("tag", "{ }", "Insert a merge tag"),
        ("done", "✓", "Done (Esc)"),
    )
    PREFIX = "text"
    COLOURS = ("#f97316", "#ea580c")

    def set_rich(self, rich: bool) -> None:
        for name in ("bold", "italic", "link"):
            self.buttons[name].setVisible(rich)
        self.adjustSize()


class _ImagesBar(QFrame):
    """'This email loads images from N sites' with the two ways to show them."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("remote-images-bar")
        self.setStyleSheet(
            "#remote-images-bar{background:#fef3c7;border-bottom:1px solid #f59e0b;}QLabel{color:#78350f;}"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.document = QPushButton("Show images in this document", self)
        self.document.setObjectName("remote-images-document")
        self.sites = QPushButton("Always for these sites", self)
        self.sites.setObjectName("remote-images-sites")
        layout.addWidget(self.document)
        layout.addWidget(self.sites)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)  # a strip, not half the canvas
        self.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt name)
        # A row layout sizes a wrapping label for its one-line width, so at 1200 px the third
        # line of "This email loads images from …" was cut off: ask for the height it needs
        # at the width it got (the layout settles after one more pass).
        super().resizeEvent(event)
        self.fit_label()

    def fit_label(self) -> None:
        label = self.label
        # From the font, not label.heightForWidth(), which never goes below the minimum set here.
        margins = label.contentsMargins()
        width = max(1, label.width() - margins.left() - margins.right() - 2 * label.margin())
        box = QRect(0, 0, width, 1 << 20)
        text = label.fontMetrics().boundingRect(box, Qt.TextFlag.TextWordWrap, label.text()).height()
        need = text + margins.top() + margins.bottom() + 2 * label.margin()
        if need != label.minimumHeight():
            label.setMinimumHeight(need)


class Canvas(QWidget):
    """Shows the design build of the document and turns gestures into requests.

    Signals carry requests; the main window turns them into commands (the canvas never edits
    the document itself).
    """

    selected = Signal(object)  # node id or None
    dropRequested = Signal(object, object)  # Payload, DropTarget
    barAction = Signal(str)  # up/down/duplicate/save/delete on the selection
    rendered = Signal()  # the latest HTML finished loading
    linkClicked = Signal(QUrl)
    commandRequested = Signal(object)  # a Command from an edit in place
    historySeal = Signal()  # an edit in place starts or ends: its own undo step
    editingChanged = Signal(object)  # the node edited in place, or None

    MOBILE_WIDTH = 375

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("canvas")
        self.doc_provider: Callable[[], Document | None] | None = None  # returns the current Document
        self.folder_provider: Callable[[], Path | None] | None = None  # the folder of its local images
        self.names: Callable[[str], str] = lambda node_id: node_id
        # The merge tags to offer (recipients' fields, variables), as the inspector's { } menu.
        self.merge_context: Callable[[], EditorContext] | None = None
        self.tag_menu: QMenu | None = None  # the { } menu of an edit in place, while it is open
        self.view = EmailView(self, settle_script=PLACEHOLDER_JS)  # placeholders before it counts as shown
        self.view.setObjectName("canvas-view")
        self.view.setAcceptDrops(True)
        self.view.linkClicked.connect(self.linkClicked)
        self.overlay = _Overlay(self.view)
        self.bar = _SelectionBar(self.view)
        self.bar.action.connect(self.barAction)
        self.text_bar = _TextBar(self.view)
        self.text_bar.action.connect(self._text_action)
        self.editing: str | None = None  # the node whose text is edited in place
        self._edit: tuple[str, str, bool] | None = None  # its (prop, selector, rich)
        self._edit_value: str | None = None  # the value last reported
        self._edit_rect: QRectF | None = None
        self._held_html: str | None = None  # a render that arrived during the edit
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(lambda: self._read_edit(False))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.images_bar = _ImagesBar(self)
        self.images_bar.document.clicked.connect(self._show_images_in_document)
        self.images_bar.sites.clicked.connect(self._show_images_from_sites)
        outer.addWidget(self.images_bar)
        self._remote = RemoteImages((), 0)
        self._unsaved_allowed: set[int] = set()  # unsaved documents (by session) shown with images
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addStretch(0)
        row.addWidget(self.view, 1)
        row.addStretch(0)
        outer.addLayout(row, 1)
        self._row = row
        self.selection: str | None = None
        self.last_hits: list[Hit] = []
        self.drop: DropTarget | None = None
        self.drop_refused = False  # the latest answer: nothing valid under the pointer
        self._layout: dict | None = None  # every drawn node's rectangle during a drag
        self._drag: tuple[QPoint, Payload] | None = None
        self._reveal: str | None = None  # a selected node to scroll to once it is drawn
        self._autoscroll = QTimer(self)
        self._autoscroll.setInterval(16)
        self._autoscroll.timeout.connect(self._autoscroll_tick)
        self._wheel_filter: QAbstractNativeEventFilter | None = None
        self._scroll_speed = 0
        self._scrolling = False  # one scroll step in flight at a time
        self._filtered: QObject | None = None
        self._press: QPoint | None = None
        self._press_id: str | None = None  # what the pressed point hit (answered asynchronously)
        self._drop_generation = 0  # hit-test answers from before a drop or leave are stale
        self._loaded_html = ""
        self.view.installEventFilter(self)  # its resizes (mobile width) refit the overlay
        self.view.loadFinished.connect(lambda _ok: self._install_filter())
        self.view.shown.connect(self._shown)
        self.view.page().scrollPositionChanged.connect(lambda _p: self.refresh_selection())
        # The page lays out again after a resize (mobile width): outline where things are now.
        self.view.page().contentsSizeChanged.connect(lambda _s: self.refresh_selection())
        self._hover_timer = QTimer(self)
        self._hover_timer.setSingleShot(True)
        self._hover_timer.setInterval(16)
        self._hover_timer.timeout.connect(self._hover_now)
        self._hover_pos: QPoint | None = None
        self.mobile = False

    # --- content -------------------------------------------------------------------------
    def set_html(self, html: str) -> None:
        if self.editing is not None:
            self._held_html = html  # replacing the page would take the text from under the caret
            return
        self.view.set_base(self.folder_provider() if self.folder_provider else None)
        self._update_remote_images(html)
        # After an edit the content is replaced in place (no blank frame, the reader stays where
        # they were); a new page, at the same scroll position, when there is none to patch.
        self._loaded_html = html
        self.view.show_html(html)

    # --- remote images -----------------------------------------------------------------------
    SITES_KEY = "canvas/remote_image_sites"  # QSettings: sites always shown
    DOCUMENTS_KEY = "canvas/remote_image_documents"  # QSettings: documents shown with their images

    def _settings(self):
        return getattr(self.window(), "settings", None)

    def _stored(self, key: str) -> list[str]:
        settings = self._settings()
        value = settings.value(key, []) if settings is not None else []
        return [value] if isinstance(value, str) else list(value or [])

    def _document_key(self) -> str | int | None:
        session = getattr(self.window(), "session", None)
        if session is None:
            return None
        path = getattr(session, "path", None)
        return str(path.resolve()) if path else id(session)

    def allowed_image_hosts(self) -> frozenset[str]:
        found = set(self._remote.hosts)
        doc = self._document_key()
        if (isinstance(doc, str) and doc in self._stored(self.DOCUMENTS_KEY)) or doc in self._unsaved_allowed:
            return frozenset(found)
        return frozenset(found & set(self._stored(self.SITES_KEY)))

    def _update_remote_images(self, html: str) -> None:
        self._remote = remote_images(html, frozenset({IMAGE_STAND_IN}))
        allowed = self.allowed_image_hosts()
        self.view.set_image_hosts(allowed)
        text = bar_text(self._remote, allowed)
        self.images_bar.label.setText(text)
        self.images_bar.fit_label()  # the new text may need more lines, or fewer
        blocked = any(h not in allowed for h in self._remote.hosts)
        self.images_bar.document.setVisible(blocked)
        self.images_bar.sites.setVisible(blocked)
        self.images_bar.setVisible(bool(text))

    def _remember(self, key: str, values: list[str]) -> None:
        settings = self._settings()
        if settings is not None:
            settings.setValue(key, sorted(set(self._stored(key)) | set(values)))
            settings.sync()

    def _show_images_in_document(self) -> None:
        doc = self._document_key()
        if isinstance(doc, str):
            self._remember(self.DOCUMENTS_KEY, [doc])
        elif doc is not None:
            self._unsaved_allowed.add(doc)
        self._rerender()

    def _show_images_from_sites(self) -> None:
        self._remember(self.SITES_KEY, list(self._remote.hosts))
        self._rerender()

    def _rerender(self) -> None:
        if self._loaded_html:
            self.set_html(self._loaded_html)

    def _shown(self, _request: int, ok: bool) -> None:
        """The newest HTML is on screen (placeholders drawn, scroll restored)."""
        self._reveal_pending()
        self.refresh_selection()
        if ok:
            self.rendered.emit()

    def set_mobile(self, mobile: bool) -> None:
        self.mobile = mobile
        if mobile:
            self.view.setFixedWidth(self.MOBILE_WIDTH)
            self._row.setStretch(0, 1)
            self._row.setStretch(2, 1)
        else:
            self.view.setMinimumWidth(0)
            self.view.setMaximumWidth(16777215)
            self._row.setStretch(0, 0)
            self._row.setStretch(2, 0)

    def _install_filter(self) -> None:
        proxy = self.view.focusProxy()
        if proxy is not None and proxy is not self._filtered:
            proxy.installEventFilter(self)
            proxy.setAcceptDrops(True)
            self._filtered = proxy
            # The render widget may be created after the overlay: keep ours on top of it.
            self.overlay.raise_()
            self.bar.raise_()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._fit_overlay)

    def _fit_overlay(self) -> None:
        self.overlay.setGeometry(self.view.rect())
        self.overlay.hover = None
        self.overlay.raise_()
        self.bar.raise_()
        self.refresh_selection()
        # Chromium lays the page out again a moment after a resize.
        QTimer.singleShot(150, self, self.refresh_selection)

    # --- hit testing -----------------------------------------------------------------------
    def hit_test(self, pos: QPoint, callback: Callable[[list[Hit]], None]) -> None:
        def done(result) -> None:
            hits = [Hit(str(r[0]), (float(r[1]), float(r[2]), float(r[3]), float(r[4]))) for r in _json(result, [])]
            self.last_hits = hits
            callback(hits)

        self.view.page().runJavaScript(HIT_JS % (pos.x(), pos.y()), APP_WORLD, done)

    def rects(self, ids: list[str], callback: Callable[[dict], None]) -> None:
        self.view.page().runJavaScript(RECTS_JS % json.dumps(ids), APP_WORLD, lambda r: callback(_json(r, {})))

    def _hover_now(self) -> None:
        if self._hover_pos is None:
            return
        self.hit_test(self._hover_pos, self._show_hover)

    def _show_hover(self, hits: list[Hit]) -> None:
        if hits:
            hit = hits[0]
            self.overlay.hover = (QRectF(*hit.rect), self.names(hit.id))
        else:
            self.overlay.hover = None
        self.overlay.update()

    # --- selection -------------------------------------------------------------------------
    def set_selection(self, node_id: str | None) -> None:
        changed = node_id != self.selection
        if self.editing is not None and node_id != self.editing:
            self.finish_edit()  # chosen elsewhere (layers, keys): the edit ends and is kept
        self.selection = node_id
        self._reveal = None
        if changed and node_id:
            self.ensure_visible(node_id)
        self.refresh_selection()

    def ensure_visible(self, node_id: str) -> None:
        """Scroll the canvas so a node chosen elsewhere (layers, checks, keys) is in view; a
        node not drawn yet (just dropped, the build still running) is scrolled to once it is."""
        element = json.dumps("mw-id-" + self._element_id(node_id))
        script = (
            "(function(c){var e=document.getElementsByClassName(c)[0]; if(!e) return false;"
            "var r=e.getBoundingClientRect(); if(r.top<0||r.bottom>window.innerHeight)"
            "{window.scrollBy(0, r.top - Math.max(16,(window.innerHeight-r.height)/2));} return true;})(%s)" % element
        )

        def done(found) -> None:
            if found is not True and self.selection == node_id:
                self._reveal = node_id
            self.refresh_selection()

        self.view.page().runJavaScript(script, APP_WORLD, done)

    def _reveal_pending(self) -> None:
        node_id, self._reveal = self._reveal, None
        if node_id is not None and node_id == self.selection:
            self.ensure_visible(node_id)

    def _element_id(self, node_id: str) -> str:
        """The id the page carries for a node: a hero row (and its column) is drawn by its
        hero block alone."""
        doc = self.doc_provider() if self.doc_provider else None
        if doc is None:
            return node_id
        from ..app.document.commands import CommandError, locate

        try:
            loc = locate(doc, node_id)
        except CommandError:
            return node_id
        hero = loc.row.hero
        return hero.id if hero is not None and loc.block is None else node_id

    def refresh_selection(self) -> None:
        node_id = self.selection
        if node_id is None:
            self.overlay.selection = None
            self.bar.hide()
            self.overlay.update()
            return
        element_id = self._element_id(node_id)

        def show(rects: dict) -> None:
            r = rects.get(element_id)
            if not r or self.selection != node_id:
                self.overlay.selection = None
                self.bar.hide()
            else:
                rect = QRectF(*r)
                self.overlay.selection = rect
                bar = self.bar
                bar.adjustSize()
                x = int(min(max(0.0, rect.right() - bar.width()), self.view.width() - bar.width()))
                y = int(rect.top() - bar.height() - 2)
                if y < 0:
                    y = int(min(rect.bottom() + 2, self.view.height() - bar.height()))
                bar.move(x, y)
                if self.editing == node_id:
                    bar.hide()
                    if self._edit_rect is not None:  # the text is editable now
                        self._place_text_bar(rect)
                else:
                    bar.show()
                    bar.raise_()
            self.overlay.update()

        self.rects([element_id], show)

    # --- events from the render widget ---------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        t = event.type()
        if obj is self.view:
            if t == QEvent.Type.Resize:
                QTimer.singleShot(0, self, self._fit_overlay)
            return False
        if self.editing is not None:
            handled = self._editing_event(t, event)
            if handled is not None:
                return handled
        if t == QEvent.Type.MouseMove:
            pos = cast(QMouseEvent, event).position().toPoint()
            if self._drag is not None:  # a refused release ends a drag without a drop event
                self.clear_drop()
            if (
                self._press is not None
                and (pos - self._press).manhattanLength() > 8
                and self._press_id is not None
                and self._press_id == self.selection
            ):
                self._start_move_drag()
                self._press = None
                return True
            self._hover_pos = pos
            self._hover_timer.start()
        elif t == QEvent.Type.Leave:
            self.overlay.hover = None
            self.overlay.update()
        elif t == QEvent.Type.MouseButtonPress and cast(QMouseEvent, event).button() == Qt.MouseButton.LeftButton:
            pos = cast(QMouseEvent, event).position().toPoint()
            self._press = pos
            self._press_id = None
            if isinstance(obj, QWidget):
                obj.setFocus(Qt.FocusReason.MouseFocusReason)  # arrows, Del and Esc act on the canvas
            self.hit_test(pos, self._select_from_hits)
            return True  # no text selection or link activation on the canvas
        elif t == QEvent.Type.MouseButtonRelease:
            self._press = None
            return True
        elif t == QEvent.Type.MouseButtonDblClick:
            pos = cast(QMouseEvent, event).position().toPoint()
            self.hit_test(pos, lambda hits: self.start_edit(hits[0].id, pos) if hits else None)
            return True
        elif (
            t == QEvent.Type.KeyPress
            and cast(QKeyEvent, event).key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.selection
            and self._editable(self.selection)
        ):
            self.start_edit(self.selection)
            return True
        elif t in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            drag = cast(QDragMoveEvent, event)  # a QDragEnterEvent is one too
            if drag.mimeData().hasFormat(MIME_PAYLOAD):
                pos, payload = drag.position().toPoint(), self._payload(drag.mimeData())
                self._drag = (pos, payload)
                self._watch_wheel()
                self._set_autoscroll(pos)
                if self._layout is not None:
                    self._place(pos, payload)  # at once from the last layout: line and cursor now
                if t == QEvent.Type.DragMove and self.drop_refused:
                    drag.ignore()  # the "not here" cursor; a release does nothing
                else:
                    drag.acceptProposedAction()
                self.drag_move(pos, payload)
                return True
        elif t == QEvent.Type.DragLeave:
            self.clear_drop()
            return True
        elif t == QEvent.Type.Drop:
            drop = cast(QDropEvent, event)
            if drop.mimeData().hasFormat(MIME_PAYLOAD):
                payload = self._payload(drop.mimeData())
                drop.acceptProposedAction()
                # Decide from the drop point itself, not from the last answered drag move.
                self.drag_move(drop.position().toPoint(), payload, then=lambda: self.finish_drop(payload))
                return True
        return super().eventFilter(obj, event)

    # --- text edited in place ----------------------------------------------------------------
    def _editable(self, node_id: str) -> tuple[str, str, bool] | None:
        doc = self.doc_provider() if self.doc_provider else None
        node = doc.find(node_id) if doc is not None else None
        return EDITABLE.get(getattr(node, "type", ""))

    def start_edit(self, node_id: str, pos: QPoint | None = None) -> None:
        """Edit the text of a text, heading or button block on the canvas."""
        spec = self._editable(node_id)
        if spec is None or self.editing is not None:
            return
        if node_id != self.selection:
            self.selected.emit(node_id)
        self.editing, self._edit, self._edit_value = node_id, spec, None
        self.historySeal.emit()  # what came before is its own undo step
        x, y = (pos.x(), pos.y()) if pos is not None else (-1, -1)
        script = START_JS % (json.dumps(node_id), json.dumps(spec[1]), "true" if spec[2] else "false", x, y)

        def started(result) -> None:
            rect = _json(result, [])
            if self.editing != node_id:
                return
            if not rect:
                self.editing = self._edit = None  # not drawn (hidden on desktop?): nothing to edit
                return
            self._edit_rect = QRectF(*rect)
            proxy = self.view.focusProxy()
            if proxy is not None:
                proxy.setFocus(Qt.FocusReason.OtherFocusReason)
            self.text_bar.set_rich(spec[2])
            self._poll.start()
            self.editingChanged.emit(node_id)
            self.refresh_selection()

        self.view.page().runJavaScript(script, APP_WORLD, started)

    def finish_edit(self, then: Callable[[], None] | None = None) -> None:
        """End the edit in place: the text is stored (one undo step) and the canvas re-rendered."""
        if self.editing is None:
            if then is not None:
                then()
            return
        self._poll.stop()
        node_id = self.editing
        # Keys still on their way to the page land first: read until two reads agree.
        last: list = [None, 0]

        def settle(result=None) -> None:
            if self.editing != node_id:
                return
            if result is not None and result == last[0] or last[1] >= 8:
                self._read_edit(True, then)
                return
            last[0], last[1] = result, last[1] + 1
            QTimer.singleShot(40, self, lambda: self.view.page().runJavaScript(READ_JS % "false", APP_WORLD, settle))

        settle()

    def _read_edit(self, finish: bool, then: Callable[[], None] | None = None) -> None:
        node_id, spec = self.editing, self._edit
        if node_id is None or spec is None:
            return
        if finish:
            self._poll.stop()

        def read(result) -> None:
            data = _json(result, {})
            if data and self.editing == node_id:
                self._report(node_id, spec, data)
                if data.get("rect"):
                    rect = QRectF(*data["rect"])
                    if rect != self._edit_rect:  # the text grew or shrank: outline it where it is now
                        self._edit_rect = rect
                        if not finish:
                            self.refresh_selection()
            if finish and self.editing == node_id:
                self.editing = self._edit = self._edit_rect = None
                self.text_bar.hide()
                self.historySeal.emit()
                self.editingChanged.emit(None)
                held, self._held_html = self._held_html, None
                if held is not None:
                    self.set_html(held)
                self.refresh_selection()
                if then is not None:
                    then()

        self.view.page().runJavaScript(READ_JS % ("true" if finish else "false"), APP_WORLD, read)

    def _report(self, node_id: str, spec: tuple[str, str, bool], data: dict) -> None:
        prop, _, rich = spec
        if rich:
            from ..app.build.richtext_clean import clean_rich_html, plain_spaces_beside_tags

            value = plain_spaces_beside_tags(clean_rich_html(str(data.get("html", "")), link_color=None))
        else:
            value = " ".join(str(data.get("text", "")).split())  # one line, as the field holds it
        if self._edit_value is None:
            self._edit_value = self._current(node_id, prop)
        if value == self._edit_value:
            return
        self._edit_value = value
        from ..app.document.commands import SetProp

        self.commandRequested.emit(SetProp(node_id, prop, value, "Edit text on the canvas"))

    def _current(self, node_id: str, prop: str) -> str:
        doc = self.doc_provider() if self.doc_provider else None
        node = doc.find(node_id) if doc is not None else None
        from ..app.document.model import BlockBase
        from ..blocks import REGISTRY

        if not isinstance(node, BlockBase):  # only a block has a text to edit
            return ""
        value = getattr(node.props, prop, None) if not isinstance(node.props, dict) else node.props.get(prop)
        if value is None:
            field = next((f for f in REGISTRY[node.type].fields if f.name == prop), None)
            value = field.default if field is not None else ""
        return str(value)

    def _editing_event(self, t: QEvent.Type, event: QEvent) -> bool | None:
        """Events while a text is edited: the text gets the keys and the mouse; Esc or a
        press outside ends the edit. None: handle as usual."""
        if t == QEvent.Type.ShortcutOverride:
            keys = cast(QKeyEvent, event)
            ctrl = bool(keys.modifiers() & Qt.KeyboardModifier.ControlModifier)
            if (
                keys.key() == Qt.Key.Key_Escape
                or not ctrl
                or keys.key()
                in (
                    Qt.Key.Key_B,
                    Qt.Key.Key_I,
                    Qt.Key.Key_U,
                    Qt.Key.Key_A,
                    Qt.Key.Key_C,
                    Qt.Key.Key_V,
                    Qt.Key.Key_X,
                    Qt.Key.Key_Z,
                    Qt.Key.Key_Y,
                    Qt.Key.Key_Left,
                    Qt.Key.Key_Right,
                )
            ):
                event.accept()  # the text's key, not the window's shortcut (Del, arrows, Ctrl+Z)
                return True  # (the render widget would ignore it again for Esc)
            return False
        if t == QEvent.Type.KeyPress:
            key = cast(QKeyEvent, event).key()
            if key == Qt.Key.Key_Escape or (
                key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._edit is not None and not self._edit[2]
            ):
                self.finish_edit()
                return True
            if self._edit is not None and self._edit[2] is False and key == Qt.Key.Key_Tab:
                return True
            return False
        if t == QEvent.Type.MouseButtonPress:
            where = cast(QMouseEvent, event).position()
            inside = self._edit_rect is not None and self._edit_rect.adjusted(-3, -3, 3, 3).contains(where)
            if inside:
                return False  # the browser places the caret, selects words
            self.finish_edit()
            return None  # and the press selects what is there
        if t in (QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick):
            return False
        return None

    def _place_text_bar(self, rect: QRectF) -> None:
        bar = self.text_bar
        bar.adjustSize()
        x = int(min(max(0.0, rect.left()), self.view.width() - bar.width()))
        y = int(rect.top() - bar.height() - 6)
        if y < 0:
            y = int(min(rect.bottom() + 6, self.view.height() - bar.height()))
        bar.move(x, y)
        bar.show()
        bar.raise_()

    def _text_action(self, name: str) -> None:
        if self.editing is None:
            return
        page = self.view.page()
        if name == "done":
            self.finish_edit()
        elif name in ("bold", "italic"):
            page.runJavaScript(EXEC_JS % (json.dumps(name), "null"), APP_WORLD)
        elif name in ("link", "tag"):
            page.runJavaScript(SAVE_RANGE_JS, APP_WORLD, lambda _r, n=name: self._ask_and_insert(n))

    def _ask_and_insert(self, name: str) -> None:
        page = self.view.page()
        if name == "link":
            from .link_dialog import ask_link

            url = ask_link(self)
            if url:
                page.runJavaScript(EXEC_JS % (json.dumps("createLink"), json.dumps(url)), APP_WORLD)
        elif self.merge_context is not None:
            self._show_tag_menu(self.merge_context())
            return  # the menu gives the focus back when it closes
        else:
            self._ask_for_tag()
        self._refocus()

    def _show_tag_menu(self, ctx: EditorContext) -> None:
        """The inspector's merge-tag menu under the { } button: the loaded recipients' fields
        (plain and with a fallback), the variables, the special links, and any other field."""
        menu = QMenu(self)
        build_merge_menu(menu, ctx, self._insert_tag)
        menu.addSeparator()
        other = menu.addAction("Other field…")
        other.triggered.connect(self._ask_for_tag)
        menu.aboutToHide.connect(lambda: QTimer.singleShot(0, self._refocus))
        menu.aboutToHide.connect(lambda: setattr(self, "tag_menu", None))
        menu.aboutToHide.connect(menu.deleteLater)  # one menu per click; a chosen action has run by then
        self.tag_menu = menu
        button = self.text_bar.buttons["tag"]
        menu.popup(button.mapToGlobal(button.rect().bottomLeft()))

    def _ask_for_tag(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        tag, ok = QInputDialog.getText(self, "Merge tag", "Field (data:…, var:… or link:…):", text="data:")
        if ok and tag.strip() not in ("", "data:"):
            self._insert_tag(tag)
        self._refocus()

    def _insert_tag(self, tag: str) -> None:
        """Insert `<< tag >>` (written with or without its brackets) at the saved selection."""
        inner = tag.strip()
        if inner.startswith("<<") and inner.endswith(">>"):
            inner = inner[2:-2].strip()
        if self.editing is None or not inner:
            return
        self.view.page().runJavaScript(INSERT_TAG_JS % json.dumps(tag_html(inner)), APP_WORLD)

    def _refocus(self) -> None:
        proxy = self.view.focusProxy()
        if proxy is not None:
            proxy.setFocus(Qt.FocusReason.OtherFocusReason)

    def _select_from_hits(self, hits: list[Hit]) -> None:
        node_id = hits[0].id if hits else None
        self._press_id = node_id
        self.selected.emit(node_id)

    @staticmethod
    def _payload(mime: QMimeData) -> Payload:
        return Payload.from_mime(bytes(mime.data(MIME_PAYLOAD).data()).decode("utf-8"))

    def _start_move_drag(self) -> None:
        doc = self.doc_provider() if self.doc_provider else None
        if doc is None or self.selection is None:
            return
        from ..app.document.commands import node_kind

        kind = node_kind(doc, self.selection)
        if kind == "column":
            return
        payload = Payload("move-block" if kind == "block" else "move-row", node_id=self.selection)
        drag = QDrag(self)
        mime = QMimeData()
        mime.setData(MIME_PAYLOAD, payload.to_mime().encode("utf-8"))
        drag.setMimeData(mime)
        drag.exec(Qt.DropAction.MoveAction)

    # --- drops (public so tests can drive them at a position) -------------------------------
    def drag_move(self, pos: QPoint, payload: Payload, then: Callable[[], None] | None = None) -> None:
        """Work out (asynchronously, from the page's current layout) where `payload` would
        land at `pos`; sets `drop` (None and `drop_refused` when nothing is valid there) and
        the indicator line, then calls `then`."""
        generation = self._drop_generation

        def show(result) -> None:
            if generation != self._drop_generation:
                return  # dropped or left meanwhile
            self._layout = {k: tuple(float(v) for v in r) for k, r in _json(result, {}).items()}
            self._place(pos, payload)
            if then is not None:
                then()

        self.view.page().runJavaScript(LAYOUT_JS, APP_WORLD, show)

    def _place(self, pos: QPoint, payload: Payload) -> None:
        doc = self.doc_provider() if self.doc_provider else None
        if doc is None:
            return
        self.drop = place(doc, self._layout or {}, pos.x(), pos.y(), payload, float(self.view.width()))
        self.drop_refused = self.drop is None
        line = self.drop.line if self.drop is not None else (0, 0, 0, 0)
        self.overlay.line = QRectF(*line) if line[2] > 0 else None
        self.overlay.update()

    def finish_drop(self, payload: Payload) -> None:
        target = self.drop
        self.clear_drop()
        if target is not None:  # nothing valid at the drop point: the drop does nothing
            self.dropRequested.emit(payload, target)

    def clear_drop(self) -> None:
        self._drop_generation += 1
        self.drop = None
        self.drop_refused = False
        self._layout = None
        self._drag = None
        self._unwatch_wheel()
        self._autoscroll.stop()
        self._scroll_speed = 0
        self.overlay.line = None
        self.overlay.update()

    # --- scrolling during a drag -----------------------------------------------------------
    def _set_autoscroll(self, pos: QPoint) -> None:
        self._scroll_speed = autoscroll_speed(pos.y(), self.view.height())
        if self._scroll_speed and not self._autoscroll.isActive():
            self._autoscroll.start()
        elif not self._scroll_speed:
            self._autoscroll.stop()

    def _autoscroll_tick(self) -> None:
        if self._drag is None or not self._scroll_speed:
            self._autoscroll.stop()
            return
        self.scroll_during_drag(self._scroll_speed)

    def scroll_during_drag(self, dy: int) -> None:
        """Scroll the page by `dy` px and show where the drag now lands."""
        if self._scrolling:
            return
        self._scrolling = True

        def done(_r=None) -> None:
            self._scrolling = False
            if self._drag is not None:
                self.drag_move(*self._drag)

        self.view.page().runJavaScript("window.scrollBy(0,%d)" % dy, APP_WORLD, done)

    def _watch_wheel(self) -> None:
        # Qt's drag loop swallows wheel events (QBasicDrag's application event filter); on X11
        # the wheel is a button 4/5 press, seen here before Qt turns it into an event.
        if self._wheel_filter is None and QGuiApplication.platformName() == "xcb":
            self._wheel_filter = _X11Wheel(self)
            QTimer.singleShot(0, self, self._install_wheel_filter)

    def _install_wheel_filter(self) -> None:
        app = QCoreApplication.instance()
        if self._wheel_filter is not None and self._drag is not None and app is not None:
            app.installNativeEventFilter(self._wheel_filter)
            self._wheel_installed = True

    def _unwatch_wheel(self) -> None:
        if self._wheel_filter is not None:
            app = QCoreApplication.instance()
            if getattr(self, "_wheel_installed", False) and app is not None:
                app.removeNativeEventFilter(self._wheel_filter)
                self._wheel_installed = False
            self._wheel_filter = None


class _X11Wheel(QAbstractNativeEventFilter):
    """Wheel notches over the canvas during a drag (X11 button 4 up, 5 down) scroll it: core
    ButtonPress events, or XInput2 ones (a GenericEvent of type XI_ButtonPress), which the X
    server reports once per device (master and slave: counted once, by their timestamp)."""

    def __init__(self, canvas: "Canvas") -> None:
        super().__init__()
        self.canvas = canvas
        self._last: tuple[int, int] | None = None

    @staticmethod
    def _wheel(message) -> tuple[int, int] | None:
        """(button, time) of a wheel press, else None."""
        raw = ctypes.string_at(int(message), 20)
        kind = raw[0] & 0x7F
        if kind == 4 and raw[1] in (4, 5):  # core ButtonPress
            return raw[1], struct.unpack_from("<I", raw, 4)[0]
        if kind == 35:  # GenericEvent
            (event_type,) = struct.unpack_from("<H", raw, 8)
            when, detail = struct.unpack_from("<II", raw, 12)
            if event_type == 4 and detail in (4, 5):  # XI_ButtonPress
                return detail, when
        return None

    def nativeEventFilter(self, event_type, message):  # noqa: N802 (Qt API)
        if bytes(event_type) != b"xcb_generic_event_t":
            return False, 0
        wheel = self._wheel(message)
        if wheel is None:
            return False, 0
        if wheel == self._last:
            return True, 0  # the same notch from the other device
        self._last = wheel
        canvas = self.canvas
        if canvas._drag is None:
            return False, 0
        view = canvas.view
        if view.rect().contains(view.mapFromGlobal(QCursor.pos())):
            canvas.scroll_during_drag(-100 if wheel[0] == 4 else 100)
            return True, 0
        return False, 0
