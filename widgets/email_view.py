"""One hardened web view for email HTML: the canvas, the previews and the inbox viewer.

Email HTML is untrusted (pasted templates, received messages). The view (reference/
hardening.md §4): serves the document from a custom scheme (no 2 MB limit of setHtml), uses an
off-the-record profile, blocks every request except its own document and data: URIs (https
images only when the user turns remote images on), refuses navigation (link clicks are reported
so the window can confirm and open them in the system browser), runs no page JavaScript, and
prepends a Content-Security-Policy as a second layer.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Callable, cast
from urllib.parse import unquote

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QUrl, Signal
from PySide6.QtWebEngineCore import (
    QWebEngineLoadingInfo,
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineScript,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication

from ..app.build.local_files import MAX_ASSET_BYTES
from ..app.build.local_files import LocalImage, check_local_image

SCHEME = b"mwemail"
_registered = False


def register_scheme() -> None:
    """Register the custom scheme; must run before the QApplication exists."""
    global _registered
    if _registered:
        return
    scheme = QWebEngineUrlScheme(SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    # Secure, not local: a local scheme may be allowed to reach file: URLs (hardening.md §4).
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme)
    QWebEngineUrlScheme.registerScheme(scheme)
    _registered = True


CSP = (
    "default-src 'none'; img-src data: cid: mwemail: {remote}; style-src 'unsafe-inline'; "
    "font-src data:; form-action 'none'; base-uri 'none'"
)


def with_csp(html: str, remote_images: bool, hosts: frozenset[str] = frozenset()) -> str:
    """`hosts`: https sites whose images this page may show (remote images otherwise off)."""
    remote = "https:" if remote_images else " ".join(f"https://{h}:*" for h in sorted(hosts))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP.format(remote=remote)}">'
    m = re.search(r"<head\b[^>]*>", html, re.I)
    if m:
        return html[: m.end()] + meta + html[m.end() :]
    return meta + html


class _Store(QWebEngineUrlSchemeHandler):
    """Serves documents by key from memory, and the local images their document references
    (`assets/hero.png` resolves to mwemail://KEY/assets/hero.png): only from the document's
    folder, by the rules `send` and `export --bundle` use (app/build/local_files.py)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pages: dict[str, bytes] = {}
        self.bases: dict[str, Path] = {}  # page key -> the folder its local images are in

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 (Qt API)
        url = job.requestUrl()
        key = url.host()
        if url.path() not in ("", "/"):
            self._image(job, key, url.path())
            return
        data = self.pages.get(key)
        if data is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        self._reply(job, b"text/html;charset=utf-8", data)

    def _image(self, job: QWebEngineUrlRequestJob, key: str, path: str) -> None:
        base = self.bases.get(key)
        relative = unquote(path).lstrip("/")
        found = check_local_image(base / relative, base, max_bytes=MAX_ASSET_BYTES) if base else None
        if not isinstance(found, LocalImage):
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)  # the image shows as missing
            return
        try:
            data = found.path.read_bytes()
        except OSError:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        self._reply(job, found.mime.encode("ascii"), data)

    @staticmethod
    def _reply(job: QWebEngineUrlRequestJob, mime: bytes, data: bytes) -> None:
        buffer = QBuffer(job)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime, buffer)


class _Interceptor(QWebEngineUrlRequestInterceptor):
    """Blocks everything but our own scheme and data: (https images when allowed). Tiny on
    purpose: the profile waits while it runs."""

    def __init__(
        self, allow_remote_images: bool, parent: QObject | None = None, hosts: dict[str, frozenset[str]] | None = None
    ) -> None:
        super().__init__(parent)
        self.allow_remote_images = allow_remote_images
        self.hosts = hosts if hosts is not None else {}  # page key -> https image sites it may load
        self.blocked: list[str] = []  # for tests and the "remote content blocked" notice

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802
        url = info.requestUrl()
        scheme = url.scheme()
        if scheme in ("mwemail", "data", "blob", "about"):
            return
        if (
            scheme == "https"
            and info.resourceType() == QWebEngineUrlRequestInfo.ResourceType.ResourceTypeImage
            and (self.allow_remote_images or url.host() in self.hosts.get(info.firstPartyUrl().host(), ()))
        ):
            return
        self.blocked.append(url.toString())
        info.block(True)


class _Profiles(QObject):
    """Two shared off-the-record profiles: remote images off (default) and on."""

    def __init__(self) -> None:
        app = QApplication.instance()
        super().__init__(app)
        self.store = _Store(self)
        self.profiles: dict[bool, QWebEngineProfile] = {}
        self.interceptors: dict[bool, _Interceptor] = {}
        self.hosts: dict[str, frozenset[str]] = {}  # page key -> https image sites allowed there
        for remote in (False, True):
            profile = QWebEngineProfile(self)  # no storage name: off the record
            profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
            profile.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
            interceptor = _Interceptor(remote, self, self.hosts)
            profile.setUrlRequestInterceptor(interceptor)
            profile.installUrlSchemeHandler(SCHEME, self.store)
            self.profiles[remote] = profile
            self.interceptors[remote] = interceptor


_profiles: _Profiles | None = None


def profiles() -> _Profiles:
    global _profiles
    if _profiles is None:
        _profiles = _Profiles()
    return _profiles


_OFF = (
    "JavascriptEnabled",
    "JavascriptCanOpenWindows",
    "JavascriptCanAccessClipboard",
    "JavascriptCanPaste",
    "LocalContentCanAccessRemoteUrls",
    "LocalContentCanAccessFileUrls",
    "LocalStorageEnabled",
    "PluginsEnabled",
    "PdfViewerEnabled",
    "AutoLoadIconsForPage",
    "DnsPrefetchEnabled",
    "HyperlinkAuditingEnabled",
    "NavigateOnDropEnabled",
    "FullScreenSupportEnabled",
    "ScreenCaptureEnabled",
    "WebGLEnabled",
    "AllowRunningInsecureContent",
    "ErrorPageEnabled",
)


class EmailPage(QWebEnginePage):
    linkClicked = Signal(QUrl)

    def __init__(self, profile: QWebEngineProfile, parent: QObject | None = None) -> None:
        super().__init__(profile, parent)
        settings = self.settings()
        for name in _OFF:
            settings.setAttribute(getattr(QWebEngineSettings.WebAttribute, name), False)
        settings.setUnknownUrlSchemePolicy(QWebEngineSettings.UnknownUrlSchemePolicy.DisallowUnknownUrlSchemes)
        self.allowed_url: QUrl | None = None

    def acceptNavigationRequest(
        self,
        url: QUrl,  # type: ignore[override]  # Qt passes a QUrl
        nav_type: QWebEnginePage.NavigationType,
        is_main_frame: bool,
    ) -> bool:
        if (
            url.scheme() == "mwemail"
            and self.allowed_url is not None
            and url == self.allowed_url
            and nav_type != QWebEnginePage.NavigationType.NavigationTypeLinkClicked
        ):
            return True
        if nav_type == QWebEnginePage.NavigationType.NavigationTypeLinkClicked:
            self.linkClicked.emit(url)
        return False

    def createWindow(self, _type: QWebEnginePage.WebWindowType) -> None:  # type: ignore[override]  # noqa: N802 - None: no new windows
        return None

    def javaScriptConsoleMessage(self, *args) -> None:  # noqa: N802 (keep the console quiet)
        return None


_keys = itertools.count(1)

# Swaps the shown document's <html> attributes, head and body for those of new HTML, keeping
# the scroll position, then forces layout so the answer means "laid out". Runs in the
# application's isolated world (page JavaScript stays off).
_PATCH_JS = """(function(h){
 var n=new DOMParser().parseFromString(h,'text/html'), r=document.documentElement,
     x=window.scrollX, y=window.scrollY;
 Array.from(r.attributes).forEach(function(a){r.removeAttribute(a.name);});
 Array.from(n.documentElement.attributes).forEach(function(a){r.setAttribute(a.name,a.value);});
 document.head.replaceWith(document.adoptNode(n.head));
 document.body.replaceWith(document.adoptNode(n.body));
 window.scrollTo(x,y);
 return document.body.offsetHeight;
})(%s)"""
# Above this, a patch's script text gets large for the IPC: load the page instead.
PATCH_MAX_CHARS = 1_500_000


class EmailView(QWebEngineView):
    """A web view showing one email's HTML, hardened as described above.

    `show_html` is how an editor shows each new version of its email: the shown document's
    content is replaced in place when it can be (no new page, no blank frame, the scroll kept),
    else a new page loads and the reader's scroll position is carried over to it. `shown(n, ok)`
    then says that request n is on screen, laid out (`settle_script` run, the scroll restored);
    a request overtaken by a newer one before it showed says nothing, the newer one reports.
    """

    linkClicked = Signal(QUrl)
    shown = Signal(int, bool)  # show_html's request number; False: the page did not load

    def __init__(
        self, parent=None, *, remote_images: bool = False, scrollbars: bool = True, settle_script: str | None = None
    ) -> None:
        super().__init__(parent)
        self._remote = remote_images
        self._scrollbars = scrollbars
        self._key = f"v{next(_keys)}"
        self._base: Path | None = None  # the folder local images are read from
        self._hosts: frozenset[str] = frozenset()  # https image sites the user allowed
        self._page_hosts: frozenset[str] = frozenset()  # … that the shown page was loaded with
        self._shown = False  # a page of ours finished loading and is still there to patch
        # Run (isolated world) on every new content before it counts as shown, e.g. the canvas's
        # image placeholders; a new page runs it before its scroll position is restored.
        self.settle_script = settle_script
        self.requested = 0  # show_html requests / the newest one on screen: up to date when equal
        self.finished = 0
        self.loads = 0  # new pages show_html loaded (the other requests patched the page in place)
        self._loading = 0  # the request a page load in flight shows (0: none)
        self._restore: tuple[float, float] | None = None  # scroll (CSS px) for the page loading
        self.loadStarted.connect(lambda: setattr(self, "_shown", False))
        self.loadFinished.connect(lambda ok: setattr(self, "_shown", bool(ok)))
        self._make_page()

    def _make_page(self) -> None:
        page = EmailPage(profiles().profiles[self._remote], self)
        page.settings().setAttribute(QWebEngineSettings.WebAttribute.ShowScrollBars, self._scrollbars)
        page.linkClicked.connect(self.linkClicked)
        page.loadingChanged.connect(lambda info: self._loading_changed(page, info))
        old = getattr(self, "_page", None)
        self.setPage(page)
        self._page = page  # keep a Python reference; the view does not own a set page
        self._shown = False
        page.renderProcessTerminated.connect(lambda *_a: setattr(self, "_shown", False))
        if old is not None:
            old.deleteLater()
            # What the old page had in flight never reports: nothing is pending any more.
            self.finished = self.requested
            self._loading = 0

    @property
    def interceptor(self) -> _Interceptor:
        return profiles().interceptors[self._remote]

    def set_remote_images(self, on: bool) -> None:
        if on != self._remote:
            self._remote = on
            self._make_page()

    def set_base(self, folder: Path | None) -> None:
        """Read the email's local images (relative sources) from this folder; None: none."""
        self._base = folder
        key = getattr(self, "_current_key", None)
        if key:
            self._set_store_base(key)

    def _set_store_base(self, key: str) -> None:
        bases = profiles().store.bases
        if self._base is None:
            bases.pop(key, None)
        else:
            bases[key] = self._base

    def set_image_hosts(self, hosts: frozenset[str]) -> None:
        """Show https images from these sites (the next HTML shown loads them)."""
        self._hosts = frozenset(hosts)

    def set_email_html(self, html: str) -> None:
        """Show this HTML (any size)."""
        store = profiles().store
        key = f"{self._key}-{next(_keys)}"
        previous = getattr(self, "_current_key", None)
        store.pages[key] = with_csp(html, self._remote, self._hosts).encode("utf-8")
        self._page_hosts = self._hosts
        if self._hosts:
            profiles().hosts[key] = self._hosts
        self._set_store_base(key)
        url = QUrl(f"mwemail://{key}/")
        cast(EmailPage, self.page()).allowed_url = url  # _make_page sets an EmailPage
        self._current_key = key
        self._shown = False  # loadStarted comes later: no patch may go to the page being replaced
        self.page().load(url)
        if previous:
            store.pages.pop(previous, None)
            store.bases.pop(previous, None)
            profiles().hosts.pop(previous, None)

    def patch_email_html(self, html: str, done: Callable[[], None]) -> bool:
        """Show this HTML by replacing the shown document's content in place: no new page, no
        blank frame, the scroll position kept. False (nothing done) when there is no loaded
        page to patch; then use set_email_html. `done` runs once the new content is laid out.

        The document keeps the Content-Security-Policy of its first load (a policy cannot be
        taken back), and the request interceptor still blocks everything remote."""
        key = getattr(self, "_current_key", None)
        if not self._shown or key is None or len(html) > PATCH_MAX_CHARS or self._hosts != self._page_hosts:
            return False  # (other image sites allowed: a new page, with its policy)
        # A reload (say, after a renderer crash) must get the current content.
        profiles().store.pages[key] = with_csp(html, self._remote, self._hosts).encode("utf-8")
        self._latest_patch = html

        def patched(result) -> None:
            if isinstance(result, (int, float)):
                done()
            elif getattr(self, "_current_key", None) == key:
                # The script failed: load the page instead, with the newest HTML patched in
                # (a later patch may have run already); loadFinished reports.
                self.set_email_html(self._latest_patch)

        self.page().runJavaScript(
            _PATCH_JS % json.dumps(html), QWebEngineScript.ScriptWorldId.ApplicationWorld, patched
        )
        return True

    @property
    def pending(self) -> bool:
        """A show_html request is not on screen yet."""
        return self.finished < self.requested

    def show_html(self, html: str, *, new_page: bool = False) -> int:
        """Show this HTML, the newest version of the email: patched in place when the shown page
        allows it (and `new_page` is False), else a new page at the reader's scroll position.
        Returns the request number that `shown` reports."""
        self.requested += 1
        request = self.requested
        page = self.page()
        if not new_page and not self._loading:
            if self.patch_email_html(html, lambda: self._patched(page, request)):
                return request
        self._load(html, request)
        return request

    def _load(self, html: str, request: int) -> None:
        # Keep the reader's place: a new page starts at the top. The position is in device
        # pixels (divide by the zoom); a load still in flight keeps the place it carries.
        position = self.page().scrollPosition()
        if position.x() or position.y():
            zoom = max(self.zoomFactor(), 0.01)
            self._restore = (position.x() / zoom, position.y() / zoom)
        self._loading = request
        self.loads += 1
        self.set_email_html(html)

    def _loading_changed(self, page: QWebEnginePage, info: QWebEngineLoadingInfo) -> None:
        """Which load started or ended is told by its URL. A navigation the page refuses (a meta
        refresh, a script setting location.href) is still reported as a load of its own that
        starts and stops, at any moment around the real load's end, while the email stays on
        screen: only the loads of the page's own document count (a load replaced by a newer
        one ends under the newer one's URL, or says nothing)."""
        if page is not self.page() or info.url() != cast(EmailPage, page).allowed_url:
            return
        status = info.status()
        if status == QWebEngineLoadingInfo.LoadStatus.LoadStartedStatus:
            if not self._loading:
                # Not show_html's: the patch script failed and the page is loaded instead (or a reload).
                self._loading = self.requested
            return
        ok = status == QWebEngineLoadingInfo.LoadStatus.LoadSucceededStatus
        request, self._loading = self._loading or self.requested, 0
        scroll = None
        if ok:  # a failed load leaves the place for the next one
            scroll, self._restore = self._restore, None
        self._settle(request, ok, scroll)

    def _patched(self, page: QWebEnginePage, request: int) -> None:
        if page is self.page() and request == self.requested:  # else a newer request reports
            self._settle(request, True, None)

    def _settle(self, request: int, ok: bool, scroll: tuple[float, float] | None) -> None:
        page = self.page()

        def report(_result=None) -> None:
            if page is self.page():  # not from a page set_remote_images replaced
                self.finished = max(self.finished, min(request, self.requested))
                self.shown.emit(request, ok)

        def restore(_result=None) -> None:
            if ok and scroll and (scroll[0] or scroll[1]):
                js = "window.scrollTo(%d,%d)" % (round(scroll[0]), round(scroll[1]))
                page.runJavaScript(js, QWebEngineScript.ScriptWorldId.ApplicationWorld, report)
            else:
                report()

        if ok and self.settle_script:
            page.runJavaScript(self.settle_script, QWebEngineScript.ScriptWorldId.ApplicationWorld, restore)
        else:
            restore()

    def release(self) -> None:
        """Forget the stored HTML. Pages are children of their view, so deleting views before
        the application (which owns the shared profiles) deletes pages before profiles."""
        key = getattr(self, "_current_key", None)
        if key:
            profiles().store.pages.pop(key, None)
            profiles().store.bases.pop(key, None)
            profiles().hosts.pop(key, None)
