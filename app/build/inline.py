"""CSS inlining with premailer, hardened (reference/hardening.md §3.1).

premailer runs only when a document carries CSS to inline. It must never touch the network
or the file system, never truncate a large document, and keep MJML's own head styles (media
queries) as they are.
"""

from __future__ import annotations

import logging
import re
import threading

from lxml import etree

from .css_prune import document_names, prune_css

# Selectors premailer may still inline once the rules that match nothing are dropped (a real
# email has a few hundred). Each costs a CSS parse and a query over every element: 10,000 took
# 4.4 s on a 10 KB email; 10,000 over 10,000 elements took 23 s, hence the second limit
# (25 million selector-element checks: about 6 s).
MAX_INLINE_SELECTORS = 10_000
MAX_INLINE_CHECKS = 25_000_000
_SENTINEL = "<!--mailwright-end-->"
_IMPORT = re.compile(r"@import\b[^;]*;?", re.I)
_HEAD_STYLE = re.compile(r"<style\b", re.I)
# Found with case-insensitive patterns, not str.lower(): lower() can change the length of the
# text ("İ" becomes two characters), and offsets found in it then point at the wrong place.
_HEAD_END = re.compile(r"</head>", re.I)
_BODY_END = re.compile(r"</body>", re.I)
_lock = threading.Lock()
_configured = False


class InlineError(RuntimeError):
    pass


def _configure_once() -> None:
    """cssutils is global: silence its log flood and disable its @import fetcher, once."""
    global _configured
    with _lock:
        if _configured:
            return
        import cssutils
        import cssutils.util

        # cssutils fetches @import URLs (http, file, ftp) even with allow_network=False.
        cssutils.util._defaultFetcher = lambda url: None
        cssutils.log.setLevel(logging.CRITICAL)
        logging.getLogger("CSSUTILS").setLevel(logging.CRITICAL)
        logging.getLogger("CSSUTILS").propagate = False
        _configured = True


def strip_imports(css: str) -> str:
    return _IMPORT.sub("", css)


def _premailer_reads(style: etree._Element) -> bool:
    """Whether premailer inlines this <style> (its own test: media, data-premailer)."""
    media = style.get("media")
    return not (media and media not in ("all", "screen")) and style.get("data-premailer") != "ignore"


def _prune(root: etree._Element, css_text: str) -> str:
    """Drop the rules that match nothing from the <style> elements premailer reads and from
    `css_text` (returned); refuse more work than MAX_INLINE_SELECTORS / MAX_INLINE_CHECKS."""
    names = document_names(root.iter())
    selectors, whole = 0, False
    for style in root.iter("style"):
        if style.text and _premailer_reads(style):
            pruned = prune_css(style.text, names)
            if pruned.dropped:
                style.text = pruned.css
            selectors += pruned.selectors
            whole = whole or pruned.whole
    pruned = prune_css(css_text, names)
    selectors += pruned.selectors
    whole = whole or pruned.whole
    if selectors > MAX_INLINE_SELECTORS:
        why = (
            "; the CSS could not be read rule by rule (look for an unclosed brace or string, a stray "
            "';' or '}', or a backslash before a brace), so no rule was left out"
            if whole
            else " (rules that match nothing in this email left out)"
        )
        raise InlineError(
            f"{'about ' if whole else ''}{selectors:,} CSS selectors to inline is over the limit of "
            f"{MAX_INLINE_SELECTORS:,}{why}; remove rules the email does not need"
        )
    if selectors * names.elements > MAX_INLINE_CHECKS:
        raise InlineError(
            f"{selectors:,} CSS selectors to inline into {names.elements:,} elements is over "
            f"the limit of {MAX_INLINE_CHECKS:,} selector checks (selectors x elements); "
            "remove rules the email does not need or shorten the email"
        )
    return pruned.css


def _freeze_namespaces(sheet: object) -> None:
    """Give a parsed sheet a fixed copy of its @namespace map.

    cssutils recomputes the map from all the sheet's rules each time a selector is read, which
    made reading n rules cost n² steps. Nothing adds rules while premailer reads the sheet, so a
    copy gives the same answers."""
    try:
        from cssutils.util import _SimpleNamespaces

        sheet._namespaces = _SimpleNamespaces(  # type: ignore[attr-defined]  # a cssutils sheet
            getattr(sheet, "_log", None),
            dict(sheet.namespaces),  # type: ignore[attr-defined]  # a cssutils sheet
        )
    except Exception:  # another cssutils version: keep its own (slower) map
        pass


_premailer_class: type | None = None


def _premailer() -> type:
    global _premailer_class
    if _premailer_class is None:
        from premailer import Premailer

        class FrozenNamespacePremailer(Premailer):
            def _parse_css_string(self, css_body, validate=True):
                sheet = super()._parse_css_string(css_body, validate=validate)
                _freeze_namespaces(sheet)
                return sheet

        _premailer_class = FrozenNamespacePremailer
    return _premailer_class


def _mark_head_styles(html: str) -> str:
    """Tell premailer to leave MJML's head styles alone (they hold the responsive rules)."""
    m = _HEAD_END.search(html)
    if m is None:
        return html
    head_end = m.start()
    head = _HEAD_STYLE.sub('<style data-premailer="ignore"', html[:head_end])
    return head + html[head_end:]


def inline_css(html: str, extra_css: str = "") -> str:
    """Inline `<style>` rules found in the body (e.g. from raw HTML blocks) and `extra_css`.

    Returns the full HTML document with its doctype. Raises InlineError with a readable
    message instead of letting premailer's exceptions through.
    """
    _configure_once()
    from premailer.premailer import ExternalFileLoadingError

    doctype_match = re.match(r"\s*(<!doctype[^>]*>)", html, re.I)
    doctype = doctype_match.group(1) if doctype_match else "<!doctype html>"
    marked = _mark_head_styles(html)
    marked = re.sub(
        r"(<style\b[^>]*>)(.*?)(</style>)",
        lambda m: m.group(1) + strip_imports(m.group(2)) + m.group(3),
        marked,
        flags=re.S | re.I,
    )
    body_end = max((m.start() for m in _BODY_END.finditer(marked)), default=-1)
    if body_end >= 0:
        marked = marked[:body_end] + _SENTINEL + marked[body_end:]
    try:
        # huge_tree: without it libxml2 silently drops any text node or attribute over
        # ~10 MB and everything after it.
        root = etree.fromstring(marked, etree.HTMLParser(huge_tree=True))
        css_text = _prune(root, strip_imports(extra_css))
        premailer = _premailer()(
            allow_network=False,
            allow_loading_external_files=False,
            disable_link_rewrites=True,
            base_url=None,
            keep_style_tags=False,
            strip_important=False,
            remove_classes=False,
            align_floating_images=False,
            disable_validation=True,
            cache_css_parsing=False,
            css_text=[css_text] if extra_css.strip() else None,
        )
        tree = premailer.transform(root)
        # Serialise the element, not the tree: lxml would write its own HTML 4 doctype.
        element = tree.getroot() if hasattr(tree, "getroot") else tree
        out = etree.tostring(element, method="html", encoding="unicode")
    except InlineError:
        raise
    except ExternalFileLoadingError as e:
        raise InlineError(f"a stylesheet link was refused (no files are read while inlining): {e}") from None
    except Exception as e:  # premailer/cssutils raise many types; all mean "could not inline"
        raise InlineError(f"CSS inlining failed: {e}") from None
    if _SENTINEL not in out:
        raise InlineError("CSS inlining lost the end of the document; the HTML was not changed")
    out = out.replace(_SENTINEL, "")
    out = out.replace(' data-premailer="ignore"', "")
    return doctype + out
